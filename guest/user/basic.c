/* Processes and the runtime: argv, getpid, write, brk, malloc on brk and on mmap,
 * unknown system calls, sched_yield, getcpu, the memory counters. */
#include "ulib.h"

static int t_argv(int argc, char **argv)
{
	CHECK(argc >= 1);
	CHECK(!strcmp(argv[0], "/bin/basic"));
	CHECK(argv[argc] == NULL);
	return 1;
}

static int t_write_getpid(void)
{
	CHECK(getpid() > 0);
	CHECK(sys_write(1, "", 0) == 0);
	CHECK(sys_write(1, "        # hello from user space\n", 32) == 32);
	return 1;
}

static int t_brk(void)
{
	char *b0 = (char *)sys_brk(0);
	CHECK(((unsigned long)b0 & 0xfff) == 0);	/* start_brk: page after the bss */
	CHECK((char *)sys_brk(b0 + 10000) == b0 + 10000);
	memset(b0, 0x5a, 10000);
	CHECK(b0[9999] == 0x5a);
	CHECK((char *)sys_brk(b0 + 100) == b0 + 100);
	CHECK((char *)sys_brk(b0 - 4096) == b0 + 100);	/* below start_brk: refused */
	CHECK((char *)sys_brk(b0) == b0);
	return 1;
}

static int t_malloc(void)
{
	char *b0 = (char *)sys_brk(0);
	char *small = malloc(1000), *big = malloc(256 * 1024);
	CHECK(small && big);
	CHECK(small >= b0 && small < b0 + 64 * 1024);			/* on brk */
	CHECK((unsigned long)big > 0x100000000UL);			/* mmap area, high */
	memset(small, 1, 1000);
	memset(big, 2, 256 * 1024);
	CHECK(big[256 * 1024 - 1] == 2 && small[999] == 1);
	free(big);
	free(small);
	CHECK(malloc(900) == small);			/* reused from the free list */
	return 1;
}

static int t_misc(void)
{
	CHECK(syscall0(999) == -ENOSYS);
	CHECK(syscall0(5000) == -ENOSYS);
	CHECK(sched_yield() == 0);
	struct vmm_memstat st;
	CHECK(memstat(0, &st) == 0);
	CHECK(getcpu() == st.cpu);
	CHECK(st.cpu < st.nr_cpus);
	CHECK(st.map_count >= 3);		/* text, data/bss, stack at least */
	CHECK(st.asid != 0);
	CHECK(st.pgfault > 0 && st.rss_file > 0);
	CHECK(memstat(12345, &st) < 0);
	return 1;
}

int main(int argc, char **argv)
{
	ktap_plan(5);
	ktap_ok(t_argv(argc, argv), "argv_on_the_initial_stack");
	ktap_ok(t_write_getpid(), "write_and_getpid");
	ktap_ok(t_brk(), "brk_grows_and_shrinks");
	ktap_ok(t_malloc(), "malloc_small_on_brk_large_on_mmap");
	ktap_ok(t_misc(), "enosys_yield_getcpu_memstat");
	return ktap_failures();
}
