/* Accessors and formats the printers share (print.h). */
#include <string.h>

#include "print.h"

uint64_t ju(const struct json *obj, const char *key)
{
	uint64_t v = 0;
	const struct json *m = json__get(obj, key);

	if (m && m->type == JSON_NUMBER && m->u.num.is_int && m->u.num.neg)
		return (uint64_t)-(int64_t)m->u.num.mag;
	json__u64(m, &v);
	return v;
}

const char *js(const struct json *obj, const char *key)
{
	const char *s = json__str(json__get(obj, key));

	return s ? s : "";
}

bool jb(const struct json *obj, const char *key)
{
	const struct json *m = json__get(obj, key);

	return m && m->type == JSON_BOOL && m->u.b;
}

const char *size_str(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (size && !(size & 1023) && u < 5) {
		size >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)size);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)size, units[u]);
	return buf;
}
