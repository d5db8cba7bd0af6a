/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

/* With key_shift set, neighbouring keys (the descriptors of one table) stay
 * neighbours: the low 6 bits of the key above key_shift place it inside a block of 64
 * slots, the other bits, mixed, pick the block, so that walks over a table read the
 * map in order instead of taking a cache miss per key. Keys without such runs (pages
 * looked up at random: most absent) are hashed whole: a run of present keys is a long
 * probe for an absent one that lands in it. */
static size_t hash(const struct hmap *m, uint64_t k)
{
	uint64_t t = k >> m->key_shift;

	if (!m->key_shift)
		return (size_t)mix(k) & (m->cap - 1);
	return (size_t)((mix(t >> 6) << 6) | (t & 63)) & (m->cap - 1);
}

static unsigned char *slot(const struct hmap *m, size_t i)
{
	return m->s + i * m->slot;
}

static bool used(const unsigned char *s)
{
	return s[0] != 0;
}

static uint64_t key_of(const unsigned char *s)
{
	uint64_t k;
	memcpy(&k, s + 8, 8);
	return k;
}

int hmap_init(struct hmap *m, size_t vsize)
{
	m->cap = 64;
	m->n = 0;
	m->vsize = vsize;
	m->slot = 16 + ((vsize + 7) & ~(size_t)7);
	m->key_shift = 0;
	m->last[0] = m->last[1] = NULL;
	m->s = calloc(m->cap, m->slot);
	return m->s ? 0 : -1;
}

void hmap_free(struct hmap *m)
{
	free(m->s);
	m->s = NULL;
	m->last[0] = m->last[1] = NULL;
	m->cap = m->n = 0;
}

static size_t find(const struct hmap *m, uint64_t key)
{
	size_t i = hash(m, key);

	while (used(slot(m, i)) && key_of(slot(m, i)) != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static unsigned char *cached(const struct hmap *m, uint64_t key)
{
	if (m->last[1] && m->last_key[1] == key)
		return m->last[1];
	if (m->last[0] && m->last_key[0] == key)
		return m->last[0];
	return NULL;
}

void *hmap_get(const struct hmap *m, uint64_t key)
{
	unsigned char *s = cached(m, key);
	if (s)
		return s + 16;
	s = slot(m, find(m, key));
	if (!used(s))
		return NULL;
	((struct hmap *)m)->last[1] = s; /* a cache, not the map's contents */
	((struct hmap *)m)->last_key[1] = key;
	return s + 16;
}

static int grow(struct hmap *m)
{
	struct hmap big = *m;

	big.cap = m->cap * 2;
	big.n = 0;
	big.s = calloc(big.cap, big.slot);
	if (!big.s)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		unsigned char *s = slot(m, i);
		if (used(s))
			memcpy(slot(&big, find(&big, key_of(s))), s, m->slot), big.n++;
	}
	free(m->s);
	big.last[0] = big.last[1] = NULL;
	*m = big;
	return 0;
}

void *hmap_put(struct hmap *m, uint64_t key, bool *is_new)
{
	unsigned char *s;

	if ((s = cached(m, key))) {
		*is_new = false;
		return s + 16;
	}
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	s = slot(m, find(m, key));
	*is_new = !used(s);
	if (*is_new) {
		memset(s, 0, m->slot);
		s[0] = 1;
		memcpy(s + 8, &key, 8);
		m->n++;
	}
	m->last[0] = s;
	m->last_key[0] = key;
	return s + 16;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
void hmap_del(struct hmap *m, uint64_t key)
{
	size_t i = find(m, key), j = i;

	m->last[0] = m->last[1] = NULL; /* entries move */
	if (!used(slot(m, i)))
		return;
	for (;;) {
		j = (j + 1) & (m->cap - 1);
		if (!used(slot(m, j)))
			break;
		size_t h = hash(m, key_of(slot(m, j)));
		/* can the entry at j move to the hole at i? (h not cyclically in (i, j]) */
		if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
			memcpy(slot(m, i), slot(m, j), m->slot);
			i = j;
		}
	}
	slot(m, i)[0] = 0;
	m->n--;
}

void *hmap_at(const struct hmap *m, size_t i, uint64_t *key)
{
	unsigned char *s = slot(m, i);

	if (!used(s))
		return NULL;
	*key = key_of(s);
	return s + 16;
}
