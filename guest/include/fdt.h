/*
 * A small flattened device tree reader (lib/fdt.c), after the DTSpec v0.4 format.
 * Offsets are byte offsets of nodes in the structure block, as in libfdt; negative
 * values are errors (FDT_ERR_*). Read-only, no writing, no overlays.
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H
#include <types.h>

#define FDT_MAGIC 0xd00dfeed
#define FDT_ERR_NOTFOUND (-1)
#define FDT_ERR_BADMAGIC (-2)
#define FDT_ERR_BADVERSION (-3)
#define FDT_ERR_BADSTRUCTURE (-4)

static inline u32 fdt32_to_cpu(u32 v) { return __builtin_bswap32(v); }
u64 fdt__read_cells(const u32 *cells, int n);

int fdt__check_header(const void *fdt);
u32 fdt__totalsize(const void *fdt);
int fdt__next_node(const void *fdt, int offset, int *depth);
const char *fdt__get_name(const void *fdt, int offset);
const void *fdt__getprop(const void *fdt, int offset, const char *name, int *lenp);
int fdt__path_offset(const void *fdt, const char *path);
int fdt__first_subnode(const void *fdt, int parent);
int fdt__next_subnode(const void *fdt, int offset);
int fdt__parent_offset(const void *fdt, int offset);
bool fdt__node_is_compatible(const void *fdt, int offset, const char *compat);
int fdt__node_offset_by_compatible(const void *fdt, int start, const char *compat);
int fdt__address_cells(const void *fdt, int node);	/* for node's children, default 2 */
int fdt__size_cells(const void *fdt, int node);		/* default 1 */
/* The idx-th (address, size) pair of node's reg, decoded with its parent's cells. */
int fdt__get_reg(const void *fdt, int node, int idx, u64 *base, u64 *size);
bool fdt__node_is_enabled(const void *fdt, int offset);
/* Iterate the memory reservation block; returns false at its end. */
bool fdt__get_mem_rsv(const void *fdt, int idx, u64 *base, u64 *size);

#define fdt_for_each_subnode(node, fdt, parent) \
	for (node = fdt__first_subnode(fdt, parent); node >= 0; node = fdt__next_subnode(fdt, node))
#endif
