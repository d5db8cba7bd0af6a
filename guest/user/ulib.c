/* The user runtime (see ulib.h). */
#include "ulib.h"

typedef __builtin_va_list va_list;
#define va_start(v, l) __builtin_va_start(v, l)
#define va_end(v) __builtin_va_end(v)
#define va_arg(v, t) __builtin_va_arg(v, t)

long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

void exit(int code)
{
	syscall1(__NR_exit_group, code);
	for (;;)
		;
}

int main(int argc, char **argv);
void __start_c(long *sp)
{
	exit(main((int)sp[0], (char **)(sp + 1)));
}

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;
	while (n--)
		*p++ = (u8)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *a = d;
	const u8 *b = s;
	while (n--)
		*a++ = *b++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

static int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t o = 0;
#define PUT(c) do { if (o + 1 < size) buf[o] = (c); o++; } while (0)
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			PUT(*fmt);
			continue;
		}
		fmt++;
		int zero = 0, width = 0, lng = 0;
		if (*fmt == '0') {
			zero = 1;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			lng++, fmt++;
		char tmp[24];
		int n = 0, neg = 0;
		unsigned long v;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			while (*s)
				PUT(*s++);
			continue;
		}
		case 'c':
			PUT((char)va_arg(ap, int));
			continue;
		case '%':
			PUT('%');
			continue;
		case 'p':
			lng = 1;
			PUT('0');
			PUT('x');
			/* fall through */
		case 'x':
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			do {
				tmp[n++] = "0123456789abcdef"[v & 15];
				v >>= 4;
			} while (v);
			break;
		case 'd': {
			long s = lng ? va_arg(ap, long) : va_arg(ap, int);
			neg = s < 0;
			v = neg ? -(unsigned long)s : (unsigned long)s;
			goto dec;
		}
		case 'u':
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
dec:
			do {
				tmp[n++] = '0' + v % 10;
				v /= 10;
			} while (v);
			break;
		default:
			PUT('?');
			continue;
		}
		if (neg)
			tmp[n++] = '-';
		while (n < width)
			tmp[n++] = zero ? '0' : ' ';
		while (n)
			PUT(tmp[--n]);
	}
	if (size)
		buf[o < size ? o : size - 1] = 0;
	return (int)o;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sys_write(1, buf, r < (int)sizeof(buf) ? (size_t)r : sizeof(buf) - 1);
	return r;
}

/* ---- malloc: brk for small blocks (first fit on a free list), mmap from 128 KiB ---- */
#define MMAP_THRESHOLD (128 * 1024)
struct chunk {
	size_t size;		/* bytes after the header; bit 0: mmapped */
	struct chunk *next;	/* free list */
};
static struct chunk *free_list;
static char *heap_end;

void *sbrk(long inc)
{
	if (!heap_end)
		heap_end = (char *)sys_brk(0);
	char *old = heap_end;
	if ((char *)sys_brk(old + inc) != old + inc)
		return (void *)-1;
	heap_end = old + inc;
	return old;
}

void *malloc(size_t n)
{
	n = (n + 15) & ~15UL;
	if (n >= MMAP_THRESHOLD) {
		struct chunk *c = mmap(NULL, n + sizeof(*c), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			return NULL;
		c->size = n | 1;
		return c + 1;
	}
	for (struct chunk **pp = &free_list; *pp; pp = &(*pp)->next)
		if ((*pp)->size >= n) {
			struct chunk *c = *pp;
			*pp = c->next;
			return c + 1;
		}
	struct chunk *c = sbrk(n + sizeof(*c));
	if (c == (void *)-1)
		return NULL;
	c->size = n;
	return c + 1;
}

void free(void *p)
{
	if (!p)
		return;
	struct chunk *c = (struct chunk *)p - 1;
	if (c->size & 1) {
		munmap(c, (c->size & ~1UL) + sizeof(*c));
		return;
	}
	c->next = free_list;
	free_list = c;
}

/* ---- KTAP ---- */
static int ktap_n, ktap_failed;

void ktap_plan(int n)
{
	printf("        KTAP version 1\n        1..%d\n", n);
}

int ktap_ok(int cond, const char *fmt, ...)
{
	char name[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	printf("        %s %d %s\n", cond ? "ok" : "not ok", ++ktap_n, name);
	ktap_failed += !cond;
	return cond;
}

/* A skipped case (KTAP "# SKIP reason"); cond false still counts as a failure. */
int ktap_skip(int cond, const char *name, const char *reason)
{
	if (!cond)
		return ktap_ok(0, "%s", name);
	printf("        ok %d %s # SKIP %s\n", ++ktap_n, name, reason);
	return 1;
}

void diag(const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("        # %s\n", buf);
}

int ktap_failures(void)
{
	return ktap_failed;
}

int run_child(void (*fn)(void *), void *arg)
{
	int status = -1;
	long pid = fork();
	if (pid == 0) {
		fn(arg);
		exit(0);
	}
	if (pid < 0)
		return -1;
	if (wait4(pid, &status, 0) != pid)
		return -1;
	return status;
}

int expect_signal(void (*fn)(void *), void *arg, int sig, const char *what)
{
	int status = run_child(fn, arg);
	if (!(WIFSIGNALED(status) && WTERMSIG(status) == sig)) {
		diag("%s: wait status %#x, expected killed by signal %d", what, status, sig);
		return 0;
	}
	return 1;
}

void memstat_self(struct vmm_memstat *st)
{
	memstat(0, st);
}
