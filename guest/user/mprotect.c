/* mprotect and munmap split and merge VMAs and the expected faults follow: writes to
 * read-only pages, reads of PROT_NONE and unmapped pages, execution of data, writes to
 * text, NULL. Each bad access is made by a child, which must die by SIGSEGV. */
#include "ulib.h"

static char *m;

static void write_page(void *p) { *(volatile char *)p = 1; }
static void read_page(void *p) { (void)*(volatile char *)p; }
static void exec_page(void *p) { ((void (*)(void))p)(); }

static int map_count(void)
{
	struct vmm_memstat st;
	memstat_self(&st);
	return (int)st.map_count;
}

static int t_readonly(void)
{
	int n0 = map_count();
	CHECK(mprotect(m + PAGE_SIZE, PAGE_SIZE, PROT_READ) == 0);
	CHECK(map_count() == n0 + 2);			/* split in three */
	m[0] = 1;
	m[2 * PAGE_SIZE] = 2;
	CHECK(m[PAGE_SIZE] == 'p');
	CHECK(expect_signal(write_page, m + PAGE_SIZE, 11, "write to PROT_READ page"));
	CHECK(mprotect(m + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE) == 0);
	CHECK(map_count() == n0);			/* merged again */
	m[PAGE_SIZE] = 3;
	CHECK(m[PAGE_SIZE] == 3 && m[PAGE_SIZE + 1] == 'p');
	return 1;
}

static int t_prot_none(void)
{
	CHECK(mprotect(m + 3 * PAGE_SIZE, PAGE_SIZE, PROT_NONE) == 0);
	CHECK(expect_signal(read_page, m + 3 * PAGE_SIZE, 11, "read of PROT_NONE page"));
	CHECK(mprotect(m + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE) == 0);
	CHECK(m[3 * PAGE_SIZE + 5] == 'p');		/* the data survived */
	return 1;
}

static int t_munmap(void)
{
	int n0 = map_count();
	CHECK(munmap(m + 2 * PAGE_SIZE, PAGE_SIZE) == 0);
	CHECK(map_count() == n0 + 1);
	CHECK(expect_signal(read_page, m + 2 * PAGE_SIZE, 11, "read of unmapped page"));
	CHECK(m[4 * PAGE_SIZE] == 'p');
	CHECK(mprotect(m, 5 * PAGE_SIZE, PROT_READ) == -ENOMEM);	/* a hole in the range */
	CHECK(munmap(m + 1, PAGE_SIZE) == -EINVAL);
	return 1;
}

static int t_exec_and_text(void)
{
	static const u32 ret_insn = 0xd65f03c0;
	memcpy(m + 4 * PAGE_SIZE, &ret_insn, 4);
	CHECK(expect_signal(exec_page, m + 4 * PAGE_SIZE, 11, "execute data page"));
	CHECK(expect_signal(write_page, (void *)&t_exec_and_text, 11, "write to text"));
	CHECK(expect_signal(read_page, NULL, 11, "NULL read"));
	CHECK(expect_signal(read_page, (void *)0xffff000000000000UL, 11, "kernel address read"));
	return 1;
}

int main(void)
{
	ktap_plan(4);
	m = mmap(NULL, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	memset(m, 'p', 8 * PAGE_SIZE);
	ktap_ok(t_readonly(), "mprotect_readonly_splits_faults_and_merges_back");
	ktap_ok(t_prot_none(), "prot_none_faults_and_keeps_data");
	ktap_ok(t_munmap(), "munmap_hole_faults");
	ktap_ok(t_exec_and_text(), "exec_of_data_write_to_text_null_kernel_fault");
	return ktap_failures();
}
