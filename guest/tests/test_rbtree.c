/*
 * KTAP suite "rbtree": lib/rbtree.c on its own (Linux: lib/rbtree_test.c, which times
 * random inserts/erases and checks the properties with check()). Random inserts and
 * erases of keyed nodes, the four red-black properties and every parent pointer checked
 * after each step (while small, then every few steps), in-order == sorted keys forwards
 * (rb_first/rb_next) and backwards (rb_last/rb_prev), the height bound 2 log2(n + 1),
 * and ascending inserts (the worst case of an unbalanced tree); an augmented tree
 * (rbtree_augmented.h) keeping subtree sizes through random inserts and erases.
 * rbtree_verify() is also used by the 'proc' suite on mm->mm_rb.
 * Left out from Linux's test: timing, the augmented and cached variants.
 */
#include <kernel.h>
#include <ktest.h>
#include <random.h>
#include <linux/rbtree.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>

static int verify_node(const struct rb_node *n, const struct rb_node *parent, int depth,
		       int *height, const char **why)
{
	if (!n)
		return 1;			/* a NULL leaf: black */
	if (depth > *height)
		*height = depth;
	if (rb_parent(n) != parent) {
		*why = "wrong parent pointer";
		return -1;
	}
	if (n->__rb_parent_color & 2) {
		*why = "stray bit 1 in __rb_parent_color";
		return -1;
	}
	if (parent && rb_is_red(n) && rb_is_red(parent)) {
		*why = "red node with a red parent (property 3)";
		return -1;
	}
	int l = verify_node(n->rb_left, n, depth + 1, height, why);
	if (l < 0)
		return -1;
	int r = verify_node(n->rb_right, n, depth + 1, height, why);
	if (r < 0)
		return -1;
	if (l != r) {
		*why = "black heights of the two subtrees differ (property 4)";
		return -1;
	}
	return l + (rb_is_black(n) ? 1 : 0);
}

/*
 * The red-black properties of a whole tree: the black height (NULL leaves count 1), or
 * -1 with *why set. *height (if given) gets the depth in nodes of the deepest node.
 */
int rbtree_verify(const struct rb_root *root, int *height, const char **why)
{
	int h = 0;

	if (root->rb_node && rb_is_red(root->rb_node)) {
		*why = "red root (property 2)";
		return -1;
	}
	int bh = verify_node(root->rb_node, NULL, 1, &h, why);
	if (height)
		*height = h;
	return bh;
}

struct tnode {
	struct rb_node rb;
	u32 key;
	bool in;
	u32 size;	/* augmented test: nodes in this subtree */
};

static void tinsert(struct rb_root *root, struct tnode *t)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = t->key < rb_entry(parent, struct tnode, rb)->key ? &parent->rb_left
									: &parent->rb_right;
	}
	rb_link_node(&t->rb, parent, link);
	rb_insert_color(&t->rb, root);
	t->in = true;
}

static struct tnode *tsearch(struct rb_root *root, u32 key)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct tnode *t = rb_entry(n, struct tnode, rb);
		if (key == t->key)
			return t;
		n = key < t->key ? n->rb_left : n->rb_right;
	}
	return NULL;
}

static int ilog2_up(unsigned long n)	/* ceil(log2(n)) */
{
	int l = 0;

	while ((1UL << l) < n)
		l++;
	return l;
}

/* everything about the tree of the nodes t[0..nr) whose in is set: NULL if fine */
static const char *check_tree(struct rb_root *root, struct tnode *t, int nr, int *maxh)
{
	const char *why = NULL;
	int height, count = 0;

	if (rbtree_verify(root, &height, &why) < 0)
		return why;
	for (int i = 0; i < nr; i++)
		count += t[i].in;
	if (height > 2 * ilog2_up(count + 1))
		return "taller than 2 log2(n + 1)";
	if (height > *maxh)
		*maxh = height;
	/* in-order: the set keys, ascending (the keys are the indexes) */
	struct rb_node *n = rb_first(root);
	for (int i = 0; i < nr; i++) {
		if (!t[i].in)
			continue;
		if (n != &t[i].rb)
			return "rb_first/rb_next order differs from the keys";
		n = rb_next(n);
	}
	if (n)
		return "rb_next walks past the last node";
	n = rb_last(root);
	for (int i = nr - 1; i >= 0; i--) {
		if (!t[i].in)
			continue;
		if (n != &t[i].rb)
			return "rb_last/rb_prev order differs from the keys";
		n = rb_prev(n);
	}
	if (n)
		return "rb_prev walks past the first node";
	return NULL;
}

#define NR_NODES 512
#define NR_OPS 12000

static enum ktest_result rbtree_random_insert_erase(void)
{
	struct tnode *t = kzalloc(NR_NODES * sizeof(*t), GFP_KERNEL);
	struct rb_root root = RB_ROOT;
	unsigned long inserts = 0, erases = 0, checks = 0;
	int count = 0, maxh = 0;
	const char *why = NULL;

	KTEST_EXPECT(t);
	for (int i = 0; i < NR_NODES; i++) {
		t[i].key = i;
		RB_CLEAR_NODE(&t[i].rb);
	}
	for (int op = 0; op < NR_OPS && !why; op++) {
		/* drift between nearly empty and nearly full: grow for 3000 ops, shrink... */
		bool grow = (op / 3000) % 2 == 0;
		u32 i = prandom_below(NR_NODES);
		bool insert = prandom_below(100) < (grow ? 70 : 30);
		if (insert && !t[i].in) {
			tinsert(&root, &t[i]);
			inserts++;
			count++;
		} else if (!insert && t[i].in) {
			rb_erase(&t[i].rb, &root);
			RB_CLEAR_NODE(&t[i].rb);
			t[i].in = false;
			erases++;
			count--;
		} else {
			continue;
		}
		if (count <= 64 || op % 16 == 0) {
			why = check_tree(&root, t, NR_NODES, &maxh);
			checks++;
		}
		u32 k = prandom_below(NR_NODES);
		struct tnode *f = tsearch(&root, k);
		if (!why && (f ? f != &t[k] || !t[k].in : t[k].in))
			why = "search found the wrong node";
	}
	if (!why)
		why = check_tree(&root, t, NR_NODES, &maxh);
	/* empty it in random order */
	for (int left = count; !why && left; ) {
		u32 i = prandom_below(NR_NODES);
		if (!t[i].in)
			continue;
		rb_erase(&t[i].rb, &root);
		t[i].in = false;
		left--;
		why = check_tree(&root, t, NR_NODES, &maxh);
	}
	kfree(t);
	ktest_diag("%lu inserts, %lu erases, %lu full checks, max height %d", inserts, erases,
		   checks, maxh);
	if (why)
		ktest_diag("broken: %s", why);
	KTEST_EXPECT(!why);
	KTEST_EXPECT(RB_EMPTY_ROOT(&root));
	return KTEST_PASS;
}

static enum ktest_result rbtree_sequential_inserts_stay_balanced(void)
{
	struct tnode *t = kzalloc(NR_NODES * sizeof(*t), GFP_KERNEL);
	struct rb_root root = RB_ROOT;
	const char *why = NULL;
	int maxh = 0, h;

	KTEST_EXPECT(t);
	for (int i = 0; i < NR_NODES && !why; i++) {	/* ascending: a list if unbalanced */
		t[i].key = i;
		tinsert(&root, &t[i]);
		if (i % 32 == 31)
			why = check_tree(&root, t, i + 1, &maxh);
	}
	if (!why)
		why = check_tree(&root, t, NR_NODES, &maxh);
	h = maxh;
	for (int i = 0; i < NR_NODES && !why; i += 2) {	/* every other one out */
		rb_erase(&t[i].rb, &root);
		t[i].in = false;
		if (i % 64 == 0)
			why = check_tree(&root, t, NR_NODES, &maxh);
	}
	if (!why)
		why = check_tree(&root, t, NR_NODES, &maxh);
	for (int i = NR_NODES - 1; i >= 0 && !why; i--)	/* the rest, from the top */
		if (t[i].in) {
			rb_erase(&t[i].rb, &root);
			t[i].in = false;
			why = check_tree(&root, t, NR_NODES, &maxh);
		}
	kfree(t);
	ktest_diag("%d ascending inserts: height %d (bound %d)", NR_NODES, h,
		   2 * ilog2_up(NR_NODES + 1));
	if (why)
		ktest_diag("broken: %s", why);
	KTEST_EXPECT(!why);
	KTEST_EXPECT(RB_EMPTY_ROOT(&root));
	return KTEST_PASS;
}

static u32 tsize(struct rb_node *n)
{
	return n ? rb_entry(n, struct tnode, rb)->size : 0;
}

static void size_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n != stop; n = rb_parent(n))
		rb_entry(n, struct tnode, rb)->size = 1 + tsize(n->rb_left) + tsize(n->rb_right);
}

static void size_rotate(struct rb_node *old, struct rb_node *new)
{
	rb_entry(new, struct tnode, rb)->size = tsize(old);
	size_propagate(old, rb_parent(old));	/* old alone */
}

static const struct rb_augment_callbacks size_callbacks = {
	.propagate = size_propagate, .rotate = size_rotate,
};

/* every node's size is 1 + its children's: the count of its subtree */
static const char *check_sizes(struct rb_node *n)
{
	const char *why;

	if (!n)
		return NULL;
	if (tsize(n) != 1 + tsize(n->rb_left) + tsize(n->rb_right))
		return "a subtree size is stale";
	if ((why = check_sizes(n->rb_left)))
		return why;
	return check_sizes(n->rb_right);
}

static enum ktest_result rbtree_augmented_subtree_sizes(void)
{
	struct tnode *t = kzalloc(NR_NODES * sizeof(*t), GFP_KERNEL);
	struct rb_root root = RB_ROOT;
	const char *why = NULL;
	int count = 0, maxh = 0;

	KTEST_EXPECT(t);
	for (int i = 0; i < NR_NODES; i++)
		t[i].key = i;
	for (int op = 0; op < NR_OPS / 2 && !why; op++) {
		u32 i = prandom_below(NR_NODES);
		if (!t[i].in && prandom_below(100) < ((op / 2000) % 2 ? 30 : 70)) {
			struct rb_node **link = &root.rb_node, *parent = NULL;
			while (*link) {
				parent = *link;
				link = i < rb_entry(parent, struct tnode, rb)->key ?
				       &parent->rb_left : &parent->rb_right;
			}
			rb_link_node(&t[i].rb, parent, link);
			t[i].size = 1;
			size_propagate(&t[i].rb, NULL);
			rb_insert_augmented(&t[i].rb, &root, &size_callbacks);
			t[i].in = true;
			count++;
		} else if (t[i].in) {
			rb_erase_augmented(&t[i].rb, &root, &size_callbacks);
			t[i].in = false;
			count--;
		} else {
			continue;
		}
		if (count <= 64 || op % 16 == 0) {
			why = check_tree(&root, t, NR_NODES, &maxh);
			if (!why)
				why = check_sizes(root.rb_node);
			if (!why && tsize(root.rb_node) != (u32)count)
				why = "the root's size is not the node count";
		}
	}
	kfree(t);
	ktest_diag("%d nodes left, root size %u", count, tsize(root.rb_node));
	if (why)
		ktest_diag("broken: %s", why);
	KTEST_EXPECT(!why);
	return KTEST_PASS;
}

static const struct ktest_case rbtree_cases[] = {
	{ "rbtree_augmented_subtree_sizes", rbtree_augmented_subtree_sizes },
	{ "rbtree_random_insert_erase", rbtree_random_insert_erase },
	{ "rbtree_sequential_inserts_stay_balanced", rbtree_sequential_inserts_stay_balanced },
};
KTEST_SUITE(rbtree, rbtree_cases);
