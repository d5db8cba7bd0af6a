/* ELF symbol tables for naming guest addresses. The file is read whole; the
 * section headers give SHT_SYMTAB and its string table (sh_link); every defined
 * function or code label becomes (address, size, name), kept sorted by address. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"

struct sym {
	uint64_t addr, size;
	char *name;
};

struct symtab {
	struct sym *s;
	size_t n, cap;
};

struct symtab *symtab__new(void)
{
	return calloc(1, sizeof(struct symtab));
}

void symtab__free(struct symtab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i].name);
	free(t->s);
	free(t);
}

size_t symtab__count(const struct symtab *t)
{
	return t ? t->n : 0;
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long sz;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	*buf = malloc(sz ? (size_t)sz : 1);
	if (!*buf) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(*buf, 1, (size_t)sz, f);
	fclose(f);
	return *len == (size_t)sz ? 0 : -EIO;
}

static int push(struct symtab *t, uint64_t addr, uint64_t size, const char *name)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct sym *s = realloc(t->s, cap * sizeof(*s));
		if (!s)
			return -1;
		t->s = s;
		t->cap = cap;
	}
	t->s[t->n].name = strdup(name);
	if (!t->s[t->n].name)
		return -1;
	t->s[t->n].addr = addr;
	t->s[t->n++].size = size;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Mapping symbols ($x, $d) and local labels (.L...) name no function. */
static int wanted(const Elf64_Sym *s, const char *name)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);

	if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS || !name[0] || name[0] == '$' ||
	    (name[0] == '.' && name[1] == 'L'))
		return 0;
	return type == STT_FUNC || type == STT_NOTYPE;
}

int symtab__add_elf(struct symtab *t, const char *path, char *why, size_t n)
{
	unsigned char *b = NULL;
	size_t len = 0;
	int err = read_file(path, &b, &len);
	const Elf64_Ehdr *eh = (const void *)b;

	if (err) {
		snprintf(why, n, "--symbols %s: %s", path, strerror(-err));
		free(b);
		return -1;
	}
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > len ||
	    (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > len - eh->e_shoff) {
		snprintf(why, n, "--symbols %s: not a 64-bit little-endian ELF file", path);
		free(b);
		return -1;
	}
	const Elf64_Shdr *sh = (const void *)(b + eh->e_shoff);
	size_t before = t->n;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		const Elf64_Shdr *st = &sh[sh[i].sh_link];
		if (sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset ||
		    st->sh_offset > len || st->sh_size > len - st->sh_offset || !st->sh_size)
			continue;
		const Elf64_Sym *sym = (const void *)(b + sh[i].sh_offset);
		const char *str = (const char *)b + st->sh_offset;
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++) {
			if (sym[k].st_name >= st->sh_size ||
			    memchr(str + sym[k].st_name, 0, st->sh_size - sym[k].st_name) == NULL)
				continue;
			const char *name = str + sym[k].st_name;
			if (wanted(&sym[k], name) && push(t, sym[k].st_value, sym[k].st_size, name)) {
				snprintf(why, n, "--symbols %s: out of memory", path);
				free(b);
				return -1;
			}
		}
	}
	free(b);
	if (t->n == before) {
		snprintf(why, n, "--symbols %s: no function symbols (stripped?)", path);
		return -1;
	}
	qsort(t->s, t->n, sizeof(*t->s), by_addr);
	return 0;
}

int symtab__name(const struct symtab *t, uint64_t addr, char *buf, size_t n)
{
	size_t lo = 0, hi;

	if (!t || !t->n || addr < t->s[0].addr)
		return -1;
	hi = t->n; /* the last symbol at or below addr: s[lo] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->s[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* among symbols at the same address, prefer one with a size (a function over a
	 * label), then check addr is inside it */
	size_t best = lo;
	for (size_t i = lo; i > 0 && t->s[i - 1].addr == t->s[lo].addr; i--)
		if (!t->s[best].size && t->s[i - 1].size)
			best = i - 1;
	const struct sym *s = &t->s[best];
	if (s->size && addr - s->addr >= s->size)
		return -1;
	if (!s->size && lo + 1 == t->n && addr - s->addr >= 0x10000)
		return -1; /* a sizeless last label: only close addresses */
	if (addr == s->addr)
		snprintf(buf, n, "%s", s->name);
	else
		snprintf(buf, n, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
	return 0;
}
