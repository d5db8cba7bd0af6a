/*
 * Augmented red-black trees (Linux: include/linux/rbtree_augmented.h): each node keeps
 * a value computed from its subtree (for VMAs, rb_subtree_gap: the largest free gap
 * below a VMA or in its subtree), kept right through rebalancing by two callbacks:
 *   propagate(node, stop): recompute node's value, then its parent's, ... up to but not
 *     including stop (NULL: to the root). It must not stop early when a value comes out
 *     unchanged (Linux's RB_DECLARE_CALLBACKS does): erase relies on one pass reaching
 *     the root, because the successor that moved up carries a stale value.
 *   rotate(old, new): new has just replaced old at the top of a rotated subtree (same
 *     nodes): new takes old's value, and old's is recomputed from its new children.
 * Insert: rb_link_node(), set the node's value, propagate(node, NULL), then
 * rb_insert_augmented(). Erase: rb_erase_augmented() does everything.
 * Left out from Linux: the copy() callback, RB_DECLARE_CALLBACKS(_MAX) generators,
 * the __rb_erase_augmented/__rb_rotate_set_parents internals exposed to users.
 */
#ifndef LINUX_RBTREE_AUGMENTED_H
#define LINUX_RBTREE_AUGMENTED_H
#include <linux/rbtree.h>

struct rb_augment_callbacks {
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);
#endif
