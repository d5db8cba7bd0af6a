/*
 * Red-black trees (Linux: lib/rbtree.c), written for this kernel from the textbook
 * algorithm (Cormen et al., "Introduction to Algorithms", ch. 13; Guibas and Sedgewick
 * 1978), with Linux's API and node layout. The invariants kept:
 *   1. every node is red or black;        2. the root is black;
 *   3. a red node has no red child;       4. every path from a node down to a NULL
 *      child crosses the same number of black nodes (its black height).
 * 3 and 4 bound the height by 2 log2(n + 1), so find/insert/erase are O(log n).
 * NULL children count as black leaves; there is no sentinel node, so the erase fix-up
 * carries the parent of the (possibly NULL) node it is fixing alongside it.
 * Augmented trees (rbtree_augmented.h: a per-subtree value such as the VMAs'
 * rb_subtree_gap) use the same code with callbacks: every rotation calls rotate(old
 * top, new top), and erase calls propagate() from the lowest node whose children changed
 * up to the root before rebalancing. The plain API passes callbacks that do nothing.
 * Left out from Linux: rb_root_cached, the RCU-safe ordering of stores (WRITE_ONCE on
 * child pointers so that a lockless reader never loops), the postorder iterators,
 * rb_replace_node_rcu, the augment copy() callback (erase here re-propagates instead).
 * Linux's implementation is hand-unrolled (cases written out so that each rotation
 * updates only the pointers that change, and the plain and augmented versions are
 * separate inlined copies); this one uses plain rotate_left/rotate_right helpers and an
 * indirect call per rotation, slower by a few stores and a call.
 */
#include <kernel.h>
#include <linux/rbtree.h>
#include <linux/rbtree_augmented.h>

static void dummy_propagate(struct rb_node *node, struct rb_node *stop) {}
static void dummy_rotate(struct rb_node *old, struct rb_node *new) {}
static const struct rb_augment_callbacks dummy_callbacks = {
	.propagate = dummy_propagate, .rotate = dummy_rotate,
};

static inline void rb_set_parent(struct rb_node *n, struct rb_node *p)
{
	n->__rb_parent_color = rb_color(n) | (unsigned long)p;
}

static inline void rb_set_color(struct rb_node *n, int color)
{
	n->__rb_parent_color = (n->__rb_parent_color & ~1UL) | color;
}

static inline bool node_is_black(const struct rb_node *n)
{
	return !n || rb_is_black(n);	/* NULL leaves are black */
}

/* Make parent's link to old (or the root's) point at new. */
static inline void change_child(struct rb_node *old, struct rb_node *new,
				struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 *      x                 y
 *     / \               / \
 *    a   y     ->      x   c        in-order a x b y c is unchanged, so a rotation
 *       / \           / \           never breaks the search order; it moves one
 *      b   c         a   b          level of height from the right side to the left.
 */
static void rotate_left(struct rb_node *x, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_right, *p = rb_parent(x);

	x->rb_right = y->rb_left;
	if (y->rb_left)
		rb_set_parent(y->rb_left, x);
	rb_set_parent(y, p);
	change_child(x, y, p, root);
	y->rb_left = x;
	rb_set_parent(x, y);
	aug->rotate(x, y);	/* y now tops x's old subtree: same nodes, same value */
}

static void rotate_right(struct rb_node *x, struct rb_root *root,	/* the mirror image */
			 const struct rb_augment_callbacks *aug)
{
	struct rb_node *y = x->rb_left, *p = rb_parent(x);

	x->rb_left = y->rb_right;
	if (y->rb_right)
		rb_set_parent(y->rb_right, x);
	rb_set_parent(y, p);
	change_child(x, y, p, root);
	y->rb_right = x;
	rb_set_parent(x, y);
	aug->rotate(x, y);
}

/*
 * node was just linked red in a leaf position (rb_link_node). A red node adds no black
 * height, so only property 3 can be broken, and only between node and its parent.
 * Walk up while that is so:
 *  - red uncle: recolour parent and uncle black, grandparent red. Black heights below
 *    the grandparent are unchanged; the red may now clash one level higher: continue
 *    from the grandparent.
 *  - black uncle: at most two rotations fix it locally. If node is an "inner" child
 *    (right child of a left parent, or the mirror), rotate it up to make it outer;
 *    then rotate the grandparent towards the uncle and swap the colours of parent and
 *    grandparent: the subtree's new top is black, as the grandparent was, so nothing
 *    above changes and we are done.
 * The root is made black at the end (that can only add one to every path).
 */
static void __rb_insert(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *parent, *gparent, *uncle;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		gparent = rb_parent(parent);	/* exists: a red parent is never the root */
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (uncle && rb_is_red(uncle)) {
				rb_set_color(uncle, RB_BLACK);
				rb_set_color(parent, RB_BLACK);
				rb_set_color(gparent, RB_RED);
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				rotate_left(parent, root, aug);
				struct rb_node *t = parent;
				parent = node;
				node = t;
			}
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			rotate_right(gparent, root, aug);
		} else {
			uncle = gparent->rb_left;
			if (uncle && rb_is_red(uncle)) {
				rb_set_color(uncle, RB_BLACK);
				rb_set_color(parent, RB_BLACK);
				rb_set_color(gparent, RB_RED);
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rotate_right(parent, root, aug);
				struct rb_node *t = parent;
				parent = node;
				node = t;
			}
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			rotate_left(gparent, root, aug);
		}
		break;
	}
	rb_set_color(root->rb_node, RB_BLACK);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	__rb_insert(node, root, &dummy_callbacks);
}

/* the caller has set node's value and propagated it up from node (rbtree_augmented.h) */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *aug)
{
	__rb_insert(node, root, aug);
}

/*
 * A black node was removed from the position now held by x (maybe NULL) under parent:
 * every path through x has one black too few. If x is red, painting it black repays the
 * debt. Otherwise look at x's sibling w (never NULL: before the removal, w's side had a
 * black height of at least 2 counting the NULL leaves, so w is a real node):
 *  1. w red: rotate parent towards x and swap the colours of parent and w; x's new
 *     sibling is one of w's black children, and we go on with one of cases 2-4.
 *  2. w black, both its children black: paint w red, which takes a black away from w's
 *     side too; now parent's whole subtree is one short: move the debt up to parent.
 *  3. w black, its far child black, near child red: rotate w away from x and swap
 *     colours, making the far child red: case 4.
 *  4. w black, far child red: rotate parent towards x, w takes parent's colour, parent
 *     and the far child become black. x's side gained a black node (parent) and w's side
 *     kept its count (far child repainted): done.
 */
static void erase_fixup(struct rb_node *x, struct rb_node *parent, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	struct rb_node *w;

	while (x != root->rb_node && node_is_black(x)) {
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (rb_is_red(w)) {					/* 1 */
				rb_set_color(w, RB_BLACK);
				rb_set_color(parent, RB_RED);
				rotate_left(parent, root, aug);
				w = parent->rb_right;
			}
			if (node_is_black(w->rb_left) && node_is_black(w->rb_right)) {
				rb_set_color(w, RB_RED);			/* 2 */
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (node_is_black(w->rb_right)) {			/* 3 */
				rb_set_color(w->rb_left, RB_BLACK);
				rb_set_color(w, RB_RED);
				rotate_right(w, root, aug);
				w = parent->rb_right;
			}
			rb_set_color(w, rb_color(parent));			/* 4 */
			rb_set_color(parent, RB_BLACK);
			rb_set_color(w->rb_right, RB_BLACK);
			rotate_left(parent, root, aug);
		} else {
			w = parent->rb_left;
			if (rb_is_red(w)) {
				rb_set_color(w, RB_BLACK);
				rb_set_color(parent, RB_RED);
				rotate_right(parent, root, aug);
				w = parent->rb_left;
			}
			if (node_is_black(w->rb_left) && node_is_black(w->rb_right)) {
				rb_set_color(w, RB_RED);
				x = parent;
				parent = rb_parent(x);
				continue;
			}
			if (node_is_black(w->rb_left)) {
				rb_set_color(w->rb_right, RB_BLACK);
				rb_set_color(w, RB_RED);
				rotate_left(w, root, aug);
				w = parent->rb_left;
			}
			rb_set_color(w, rb_color(parent));
			rb_set_color(parent, RB_BLACK);
			rb_set_color(w->rb_left, RB_BLACK);
			rotate_right(parent, root, aug);
		}
		x = root->rb_node;	/* case 4 ends the walk */
		break;
	}
	if (x)
		rb_set_color(x, RB_BLACK);
}

/*
 * Unlink node. With at most one child, that child (or NULL) takes node's place. With
 * two, node's in-order successor (leftmost of its right subtree, which has no left
 * child) is spliced out of its own position and put where node was, taking node's
 * colour, so the tree above is untouched; the colour that really disappears is then
 * the successor's, from the successor's old position. If it was black, that path is
 * one black short and erase_fixup repairs it.
 */
static void __rb_erase(struct rb_node *node, struct rb_root *root,
		       const struct rb_augment_callbacks *aug)
{
	struct rb_node *child, *parent;
	int color;

	if (!node->rb_left || !node->rb_right) {
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = rb_parent(node);
		color = rb_color(node);
		if (child)
			rb_set_parent(child, parent);
		change_child(node, child, parent, root);
	} else {
		struct rb_node *succ = node->rb_right;

		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		color = rb_color(succ);
		if (rb_parent(succ) == node) {
			parent = succ;		/* succ keeps its right subtree where it is */
		} else {
			parent = rb_parent(succ);
			parent->rb_left = child;	/* succ was a left child */
			if (child)
				rb_set_parent(child, parent);
			succ->rb_right = node->rb_right;
			rb_set_parent(node->rb_right, succ);
		}
		succ->rb_left = node->rb_left;
		rb_set_parent(node->rb_left, succ);
		succ->__rb_parent_color = node->__rb_parent_color;	/* parent and colour */
		change_child(node, succ, rb_parent(node), root);
	}
	/*
	 * parent is the lowest node whose children changed; every node whose subtree lost
	 * node (and, with two children, the successor that moved up) is on its path to the
	 * root: recompute them all before the fix-up's rotations, which need correct values.
	 */
	if (parent)
		aug->propagate(parent, NULL);
	if (color == RB_BLACK)
		erase_fixup(child, parent, root, aug);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	__rb_erase(node, root, &dummy_callbacks);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *aug)
{
	__rb_erase(node, root, aug);
}

/* new takes victim's place (same key: the order is the caller's promise). */
void rb_replace_node(struct rb_node *victim, struct rb_node *new, struct rb_root *root)
{
	struct rb_node *parent = rb_parent(victim);

	*new = *victim;
	if (victim->rb_left)
		rb_set_parent(victim->rb_left, new);
	if (victim->rb_right)
		rb_set_parent(victim->rb_right, new);
	change_child(victim, new, parent, root);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

/*
 * In-order successor: the leftmost node of the right subtree if there is one; else the
 * first ancestor reached from its left side (going up past ancestors we are right of,
 * which all come before us).
 */
struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)	/* the mirror image */
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}
