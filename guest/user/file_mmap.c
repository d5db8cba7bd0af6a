/* File mappings of an initramfs file: contents equal the file (read(2)), private
 * writes are copies the file never sees, shared mappings (in one process and across
 * fork) see each other's writes, a page wholly past the end of the file is SIGBUS. */
#include "ulib.h"
#define PATH "/etc/pattern.txt"
#define REC 32

static long size;
static char *data;

static int rec_ok(const char *p, long i)
{
	char want[REC + 1];
	snprintf(want, sizeof(want), "rec %05ld abcdefghijklmnopqrstu\n", i);
	return !memcmp(p, want, REC);
}

static int t_contents(void)
{
	int fd = sys_open(PATH, O_RDONLY);
	CHECK(fd >= 3);
	data = malloc(256 * 1024);
	size = sys_read(fd, data, 256 * 1024);
	CHECK(size > 16 * (long)PAGE_SIZE && size % REC == 0);
	CHECK(rec_ok(data, 0) && rec_ok(data + size - REC, size / REC - 1));
	struct vmm_memstat a, b;
	memstat_self(&a);
	char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(!memcmp(m, data, size));
	memstat_self(&b);
	diag("%ld bytes; %lu file faults, rss_file +%lu", size, b.file_faults - a.file_faults,
	     b.rss_file - a.rss_file);
	CHECK(b.file_faults - a.file_faults == (size + PAGE_SIZE - 1) / PAGE_SIZE);
	char *m2 = mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 3 * PAGE_SIZE);
	CHECK(!memcmp(m2, data + 3 * PAGE_SIZE, 2 * PAGE_SIZE));	/* an offset */
	CHECK(munmap(m, size) == 0 && munmap(m2, 2 * PAGE_SIZE) == 0);
	sys_close(fd);
	return 1;
}

static int t_private_write(void)
{
	int fd = sys_open(PATH, O_RDONLY);
	char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	struct vmm_memstat a, b;
	memstat_self(&a);
	m[10] = '#';
	memstat_self(&b);
	CHECK(b.cow_copies - a.cow_copies == 1);
	char *m2 = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m2[10] == data[10] && m[10] == '#');
	CHECK(mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == (void *)-EACCES);
	munmap(m, size);
	munmap(m2, size);
	sys_close(fd);
	return 1;
}

static char *shared_a;
static void child_writes(void *arg) { shared_a[PAGE_SIZE + 1] = '!'; }

static int t_shared(void)
{
	int fd = sys_open(PATH, O_RDWR);
	char *a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(a != MAP_FAILED && b != MAP_FAILED && a != b);
	CHECK(b[7] == data[7]);
	a[7] = '@';
	CHECK(b[7] == '@');				/* one page-cache page behind both */
	shared_a = a;
	int st = run_child(child_writes, NULL);
	CHECK(WIFEXITED(st));
	CHECK(b[PAGE_SIZE + 1] == '!');			/* the child's write, seen here */
	a[7] = data[7];
	a[PAGE_SIZE + 1] = data[PAGE_SIZE + 1];
	munmap(a, size);
	munmap(b, size);
	sys_close(fd);
	return 1;
}

static void touch(void *p) { (void)*(volatile char *)p; }

static int t_past_eof(void)
{
	int fd = sys_open(PATH, O_RDONLY);
	unsigned long len = ((size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
	char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(m[size - 1] == '\n');
	CHECK(m[len - PAGE_SIZE - 1] == 0 || size % PAGE_SIZE == 0);	/* tail of last page: 0 */
	CHECK(expect_signal(touch, m + len - PAGE_SIZE, 7, "page past EOF"));
	sys_close(fd);
	return 1;
}

int main(void)
{
	ktap_plan(4);
	ktap_ok(t_contents(), "file_mapping_equals_file");
	ktap_ok(t_private_write(), "private_file_write_is_a_copy");
	ktap_ok(t_shared(), "shared_mappings_see_each_others_writes");
	ktap_ok(t_past_eof(), "page_past_eof_is_sigbus");
	return ktap_failures();
}
