/* SPDX-License-Identifier: MIT */
/* A small open-addressing hash map from uint64_t keys to fixed-size values (private;
 * used by the checks). Linear probing, backward-shift deletion, grows at 1/2 load. */
#ifndef MMU_HMAP_H
#define MMU_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap {
	size_t cap, n, vsize, slot;
	unsigned char *s;   /* cap slots: used flag (8 bytes), key (8 bytes), value */
	/* the slots of the last key inserted [0] and found [1] (lookups repeat the same
	 * keys: stores, fetches in one page); forgotten when slots move (grow, delete) */
	uint64_t last_key[2];
	unsigned char *last[2];
	/* keys in dense runs, looked up in order (descriptor addresses): set key_shift to
	 * their alignment (3) to keep neighbours in neighbouring slots; 0: keys hashed */
	unsigned key_shift;
};

int hmap_init(struct hmap *m, size_t vsize);
void hmap_free(struct hmap *m);
void *hmap_get(const struct hmap *m, uint64_t key);
/* Find or insert (zeroed value, *is_new = true). NULL on allocation failure. */
void *hmap_put(struct hmap *m, uint64_t key, bool *is_new);
void hmap_del(struct hmap *m, uint64_t key);
/* Iteration: slot index i from 0 to cap; NULL for an empty slot. */
void *hmap_at(const struct hmap *m, size_t i, uint64_t *key);

#endif
