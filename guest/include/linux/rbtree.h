/*
 * Red-black trees (Linux: include/linux/rbtree.h, rbtree_types.h, the colour helpers of
 * rbtree_augmented.h). An intrusive tree: struct rb_node sits inside the object, the
 * user does the descent to the insertion point itself (no comparison callback), links
 * the node there with rb_link_node() and then calls rb_insert_color() to rebalance.
 * The node's parent pointer and its colour share one word (__rb_parent_color): nodes
 * are at least 4-byte aligned, so bit 0 is free for the colour (0 red, 1 black).
 * The implementation (lib/rbtree.c) is written for this kernel, not copied from Linux.
 * Augmented trees (a per-subtree value kept through rotations): rbtree_augmented.h.
 * Left out from Linux: rb_root_cached (leftmost caching), RCU-safe lookups
 * (rb_link_node_rcu, the WRITE_ONCE ordering of child pointers), rb_find/rb_add
 * helpers, postorder iteration.
 */
#ifndef LINUX_RBTREE_H
#define LINUX_RBTREE_H
#include <kernel.h>

struct rb_node {
	unsigned long __rb_parent_color;	/* parent | colour in bit 0 */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED 0
#define RB_BLACK 1
#define RB_ROOT ((struct rb_root){ NULL })

#define rb_parent(r) ((struct rb_node *)((r)->__rb_parent_color & ~3UL))
#define rb_color(r) ((r)->__rb_parent_color & 1)
#define rb_is_red(r) (!rb_color(r))
#define rb_is_black(r) rb_color(r)

#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) \
	({ typeof(ptr) ____ptr = (ptr); ____ptr ? rb_entry(____ptr, type, member) : NULL; })

#define RB_EMPTY_ROOT(root) ((root)->rb_node == NULL)
/* a node not in any tree points at itself (Linux's convention) */
#define RB_EMPTY_NODE(node) ((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node) ((node)->__rb_parent_color = (unsigned long)(node))

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);
void rb_replace_node(struct rb_node *victim, struct rb_node *new, struct rb_root *root);

/* Put node, red, at *rb_link (an empty child slot of parent, or the root slot). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;	/* red: bit 0 clear */
	node->rb_left = node->rb_right = NULL;
	*rb_link = node;
}
#endif
