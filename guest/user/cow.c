/* Copy-on-write after fork: data equal in the child, a write copies (the other side
 * keeps its data), a page left mapped only once is reused, not copied. A MAP_SHARED
 * anonymous page carries the handshake between parent and child. */
#include "ulib.h"
#define N 16

struct shared {
	volatile int child_checked, child_wrote, parent_wrote, child_ok;
	unsigned long child_copies, child_reuses, child_rss_anon;
};

static char *buf;
static struct shared *sh;

static void fill(void)
{
	for (int i = 0; i < N; i++)
		memset(buf + i * PAGE_SIZE, 'a' + i, PAGE_SIZE);
}

static int page_is(int i, char c)
{
	for (unsigned long j = 0; j < PAGE_SIZE; j += 64)
		if (buf[i * PAGE_SIZE + j] != c)
			return 0;
	return 1;
}

static void child(void)
{
	struct vmm_memstat a, b;
	int ok = 1;

	memstat_self(&a);	/* the first write to the stack copies it: not counted */
	memstat_self(&a);
	for (int i = 0; i < N; i++)
		ok &= page_is(i, 'a' + i);		/* same data, read without copying */
	buf[0] = 'X';					/* copied */
	memstat_self(&b);
	ok &= page_is(1, 'b') && buf[0] == 'X' && buf[1] == 'a';
	sh->child_copies = b.cow_copies - a.cow_copies;
	sh->child_rss_anon = b.rss_anon;
	sh->child_ok = ok;
	sh->child_wrote = 1;
	while (!sh->parent_wrote)
		sched_yield();
	ok &= page_is(3, 'd');				/* the parent's write is not seen */
	sh->child_ok = ok;
	exit(ok ? 0 : 1);
}

int main(void)
{
	struct vmm_memstat a, b, c;
	int status;

	ktap_plan(5);
	buf = mmap(NULL, N * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || sh == MAP_FAILED)
		return 1;
	fill();
	memstat_self(&a);
	long pid = fork();
	if (pid == 0)
		child();
	while (!sh->child_wrote)
		sched_yield();
	ktap_ok(sh->child_ok && sh->child_copies == 1 && sh->child_rss_anon >= N,
		"child_sees_parent_data_and_its_write_copies");
	diag("child: %lu COW copies, rss_anon %lu", sh->child_copies, sh->child_rss_anon);
	ktap_ok(buf[0] == 'a' && page_is(0, 'a'), "parent_keeps_its_data_after_child_write");
	memstat_self(&b);
	buf[3 * PAGE_SIZE] = 'Y';			/* shared with the child: copied */
	memstat_self(&c);
	ktap_ok(c.cow_copies - b.cow_copies == 1 && c.cow_reuses == b.cow_reuses,
		"write_to_page_still_shared_copies");
	sh->parent_wrote = 1;
	ktap_ok(wait4(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"child_does_not_see_parent_write");
	/* the child is gone: pages 0 (it had copied) and 4 are ours alone */
	memstat_self(&b);
	buf[4 * PAGE_SIZE] = 'Z';
	buf[0] = 'W';
	memstat_self(&c);
	diag("after the child exited: %lu reuses, %lu copies", c.cow_reuses - b.cow_reuses,
	     c.cow_copies - b.cow_copies);
	ktap_ok(c.cow_reuses - b.cow_reuses == 2 && c.cow_copies == b.cow_copies &&
		c.rss_anon == b.rss_anon && buf[4 * PAGE_SIZE + 1] == 'e',
		"pages_reused_once_the_child_exited");
	(void)a;
	return ktap_failures();
}
