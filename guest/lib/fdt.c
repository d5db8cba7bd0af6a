/*
 * Flattened device tree reader (DTSpec v0.4, chapter 5). The blob is big-endian: a
 * header, a memory reservation block, a structure block of tokens (BEGIN_NODE name,
 * PROP len nameoff value, END_NODE, NOP, END) and a strings block for property names.
 * Node offsets are byte offsets of BEGIN_NODE tokens in the structure block.
 * Checks: magic, version >= 16, every offset within the blob; no writing.
 */
#include <fdt.h>
#include <string.h>

#define ALIGN4(x) (((x) + 3) & ~3UL)

static bool memchr_at(const char *s, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return true;
	return false;
}

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

struct fdt_header {
	u32 magic, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap, version,
	    last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

#define HDR(fdt, f) fdt32_to_cpu(((const struct fdt_header *)(fdt))->f)

u64 fdt__read_cells(const u32 *cells, int n)
{
	u64 v = 0;
	while (n-- > 0)
		v = (v << 32) | fdt32_to_cpu(*cells++);
	return v;
}

int fdt__check_header(const void *fdt)
{
	if (HDR(fdt, magic) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	if (HDR(fdt, version) < 16 || HDR(fdt, last_comp_version) > 17)
		return FDT_ERR_BADVERSION;
	if (HDR(fdt, off_dt_struct) + HDR(fdt, size_dt_struct) > HDR(fdt, totalsize) ||
	    HDR(fdt, off_dt_strings) + HDR(fdt, size_dt_strings) > HDR(fdt, totalsize))
		return FDT_ERR_BADSTRUCTURE;
	return 0;
}

u32 fdt__totalsize(const void *fdt)
{
	return HDR(fdt, totalsize);
}

static const u32 *struct_at(const void *fdt, int off)
{
	return (const u32 *)((const char *)fdt + HDR(fdt, off_dt_struct) + off);
}

static u32 token_at(const void *fdt, int off)
{
	if (off < 0 || (u32)off + 4 > HDR(fdt, size_dt_struct))
		return FDT_END;
	return fdt32_to_cpu(*struct_at(fdt, off));
}

/* The offset of the token after the one at off (nodes: after their name only). */
static int next_token(const void *fdt, int off)
{
	u32 tag = token_at(fdt, off);

	switch (tag) {
	case FDT_BEGIN_NODE: {
		const char *name = (const char *)struct_at(fdt, off + 4);
		return off + 4 + ALIGN4(strlen(name) + 1);
	}
	case FDT_PROP: {
		u32 len = fdt32_to_cpu(struct_at(fdt, off)[1]);
		return off + 12 + ALIGN4(len);
	}
	case FDT_END_NODE:
	case FDT_NOP:
		return off + 4;
	default:
		return -1;
	}
}

int fdt__next_node(const void *fdt, int offset, int *depth)
{
	int off = offset;

	if (offset >= 0) {
		if (token_at(fdt, offset) != FDT_BEGIN_NODE)
			return FDT_ERR_BADSTRUCTURE;
		off = next_token(fdt, offset);
	} else {
		off = 0;
		if (token_at(fdt, 0) == FDT_BEGIN_NODE) {
			if (depth)
				*depth = 0;
			return 0;
		}
	}
	for (; off >= 0; off = next_token(fdt, off)) {
		u32 tag = token_at(fdt, off);
		if (tag == FDT_BEGIN_NODE) {
			if (depth)
				(*depth)++;
			return off;
		}
		if (tag == FDT_END_NODE && depth && --(*depth) < 0)
			return FDT_ERR_NOTFOUND;
		if (tag == FDT_END)
			return FDT_ERR_NOTFOUND;
	}
	return FDT_ERR_BADSTRUCTURE;
}

const char *fdt__get_name(const void *fdt, int offset)
{
	if (token_at(fdt, offset) != FDT_BEGIN_NODE)
		return NULL;
	return (const char *)struct_at(fdt, offset + 4);
}

const void *fdt__getprop(const void *fdt, int offset, const char *name, int *lenp)
{
	const char *strings = (const char *)fdt + HDR(fdt, off_dt_strings);
	int off = next_token(fdt, offset);

	for (; off >= 0; off = next_token(fdt, off)) {
		u32 tag = token_at(fdt, off);
		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP)
			break;
		const u32 *p = struct_at(fdt, off);
		u32 nameoff = fdt32_to_cpu(p[2]);
		if (nameoff < HDR(fdt, size_dt_strings) && !strcmp(strings + nameoff, name)) {
			if (lenp)
				*lenp = fdt32_to_cpu(p[1]);
			return p + 3;
		}
	}
	if (lenp)
		*lenp = FDT_ERR_NOTFOUND;
	return NULL;
}

int fdt__first_subnode(const void *fdt, int parent)
{
	int depth = 0;
	int off = fdt__next_node(fdt, parent, &depth);
	return (off >= 0 && depth == 1) ? off : FDT_ERR_NOTFOUND;
}

int fdt__next_subnode(const void *fdt, int offset)
{
	int depth = 1;

	do {
		offset = fdt__next_node(fdt, offset, &depth);
		if (offset < 0 || depth < 1)
			return FDT_ERR_NOTFOUND;
	} while (depth > 1);
	return offset;
}

/* "name" matches "name@unit" and "name"; "name@unit" matches exactly. */
static bool name_matches(const char *node, const char *want, size_t len)
{
	if (strncmp(node, want, len))
		return false;
	return node[len] == 0 || (node[len] == '@' && !memchr_at(want, '@', len));
}

int fdt__path_offset(const void *fdt, const char *path)
{
	int node = 0;

	if (*path != '/')
		return FDT_ERR_NOTFOUND;
	while (*path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		int child;
		fdt_for_each_subnode(child, fdt, node)
			if (name_matches(fdt__get_name(fdt, child), path, len))
				break;
		if (child < 0)
			return FDT_ERR_NOTFOUND;
		node = child;
		path += len;
	}
	return node;
}

int fdt__parent_offset(const void *fdt, int offset)
{
	int stack[32], depth = 0;

	for (int off = 0; off >= 0; off = fdt__next_node(fdt, off, &depth)) {
		if (depth >= 32)
			return FDT_ERR_BADSTRUCTURE;
		stack[depth] = off;
		if (off == offset)
			return depth ? stack[depth - 1] : FDT_ERR_NOTFOUND;
	}
	return FDT_ERR_NOTFOUND;
}

bool fdt__node_is_compatible(const void *fdt, int offset, const char *compat)
{
	int len;
	const char *p = fdt__getprop(fdt, offset, "compatible", &len);

	for (; p && len > 0; ) {
		size_t n = strnlen(p, len);
		if (!strcmp(p, compat))
			return true;
		p += n + 1;
		len -= n + 1;
	}
	return false;
}

int fdt__node_offset_by_compatible(const void *fdt, int start, const char *compat)
{
	int off = start;

	for (;;) {
		off = fdt__next_node(fdt, off, NULL);
		if (off < 0)
			return off;
		if (fdt__node_is_compatible(fdt, off, compat))
			return off;
	}
}

static int cells_prop(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const u32 *p = fdt__getprop(fdt, node, name, &len);
	return (p && len == 4) ? (int)fdt32_to_cpu(*p) : dflt;
}

int fdt__address_cells(const void *fdt, int node)
{
	return cells_prop(fdt, node, "#address-cells", 2);
}

int fdt__size_cells(const void *fdt, int node)
{
	return cells_prop(fdt, node, "#size-cells", 1);
}

int fdt__get_reg(const void *fdt, int node, int idx, u64 *base, u64 *size)
{
	int parent = fdt__parent_offset(fdt, node), len;
	if (parent < 0)
		return parent;
	int ac = fdt__address_cells(fdt, parent), sc = fdt__size_cells(fdt, parent);
	const u32 *reg = fdt__getprop(fdt, node, "reg", &len);

	if (!reg || ac > 2 || sc > 2 || (idx + 1) * (ac + sc) * 4 > len)
		return FDT_ERR_NOTFOUND;
	reg += idx * (ac + sc);
	*base = fdt__read_cells(reg, ac);
	if (size)
		*size = fdt__read_cells(reg + ac, sc);
	return 0;
}

bool fdt__node_is_enabled(const void *fdt, int offset)
{
	const char *s = fdt__getprop(fdt, offset, "status", NULL);
	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

bool fdt__get_mem_rsv(const void *fdt, int idx, u64 *base, u64 *size)
{
	const u32 *p = (const u32 *)((const char *)fdt + HDR(fdt, off_mem_rsvmap)) + idx * 4;
	*base = fdt__read_cells(p, 2);
	*size = fdt__read_cells(p + 2, 2);
	return *base || *size;
}
