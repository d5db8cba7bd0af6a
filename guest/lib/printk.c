/*
 * printk and vsnprintf: %d %i %u %x %X %p %s %c %%, with flags '-', '0', '#', width,
 * precision for %s, and length modifiers l, ll, z. Output lines from several CPUs are
 * serialised by a lock. Left out from Linux: log levels, the ring buffer, %pX extensions.
 */
#include <kernel.h>
#include <string.h>
#include <console.h>
#include <linux/spinlock.h>

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, u64 v, int base, bool upper, int width, bool zero,
		    bool left, bool neg, const char *prefix)
{
	char tmp[24];
	int n = 0, plen = prefix ? strlen(prefix) : 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int total = n + neg + plen;
	if (!left && !zero)
		for (; total < width; width--)
			out(o, ' ');
	if (neg)
		out(o, '-');
	for (int i = 0; i < plen; i++)
		out(o, prefix[i]);
	if (!left && zero)
		for (; total < width; width--)
			out(o, '0');
	while (n)
		out(o, tmp[--n]);
	if (left)
		for (; total < width; width--)
			out(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out(&o, *fmt);
			continue;
		}
		bool zero = false, left = false, alt = false;
		int width = 0, prec = -1, lng = 0;
		for (fmt++;; fmt++) {
			if (*fmt == '0') zero = true;
			else if (*fmt == '-') left = true;
			else if (*fmt == '#') alt = true;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {	/* C11 7.21.6.1: a negative width is '-' */
				left = true;
				width = -width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {	/* "%.*s": the precision is an int argument */
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;	/* as if omitted */
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': case 'i': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
			out_num(&o, v < 0 ? -(u64)v : (u64)v, 10, false, width, zero, left, v < 0, NULL);
			break;
		}
		case 'u':
			out_num(&o, lng ? va_arg(ap, u64) : va_arg(ap, unsigned int), 10, false,
				width, zero, left, false, NULL);
			break;
		case 'x': case 'X':
			out_num(&o, lng ? va_arg(ap, u64) : va_arg(ap, unsigned int), 16, *fmt == 'X',
				width, zero, left, false, alt ? "0x" : NULL);
			break;
		case 'p':
			out_num(&o, (u64)va_arg(ap, void *), 16, false, width ? width : 16, true,
				false, false, "0x");
			break;
		case 'c':
			out(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);
			if (!left)
				for (int i = n; i < width; i++)
					out(&o, ' ');
			for (int i = 0; i < n; i++)
				out(&o, s[i]);
			if (left)
				for (int i = n; i < width; i++)
					out(&o, ' ');
			break;
		}
		case '%':
			out(&o, '%');
			break;
		default:
			out(&o, '%');
			out(&o, *fmt);
			if (!*fmt)
				fmt--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static DEFINE_SPINLOCK(printk_lock);

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	spin_lock(&printk_lock);
	console_write(buf, n);
	spin_unlock(&printk_lock);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprintk(fmt, ap);
	va_end(ap);
	return r;
}

/* A panic must print even if the lock holder died: bypass it after a while. */
void printk_bust_lock(void)
{
	spin_unlock(&printk_lock);
}
