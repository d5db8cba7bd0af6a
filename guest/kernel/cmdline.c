/* Kernel command line parameters (Linux: kernel/params.c, very much reduced). */
#include <kernel.h>
#include <string.h>
#include <cmdline.h>
#include <setup.h>

/* Finds "key=" or "key" as a whole word; returns a pointer after the key. */
static const char *find_word(const char *key)
{
	size_t klen = strlen(key);
	const char *p = machine.cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && (p[klen] == '=' || p[klen] == ' ' || !p[klen]))
			return p + klen;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

bool cmdline_get(const char *key, char *buf, size_t len)
{
	const char *p = find_word(key);
	size_t n = 0;

	if (!p || *p != '=')
		return false;
	for (p++; *p && *p != ' ' && n + 1 < len; p++)
		buf[n++] = *p;
	buf[n] = 0;
	return true;
}

bool cmdline_has(const char *flag)
{
	return find_word(flag) != NULL;
}
