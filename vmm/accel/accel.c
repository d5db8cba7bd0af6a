/* Finding an accelerator by name. The model engine is linked in only when
 * vmm/accel/model/ provides it (VMM_HAVE_MODEL, set by vmm/CMakeLists.txt); until
 * then asking for it says so instead of pretending. */
#include <stddef.h>
#include <string.h>

#include "../accel.h"

#ifdef VMM_HAVE_MODEL
#define MODEL (&accel_model)
#else
#define MODEL NULL
#endif

static const struct {
	const char *name;
	const struct accel_ops *ops; /* NULL: not built into this vmm */
} accels[] = {
	{ "kvm", &accel_kvm },
	{ "model", MODEL },
};

const struct accel_ops *accel__find(const char *name)
{
	char why[160];
	size_t i;

	for (i = 0; i < sizeof(accels) / sizeof(accels[0]); i++) {
		if (name && strcmp(name, accels[i].name) == 0)
			return accels[i].ops;
		if (!name && accels[i].ops && accels[i].ops->available(why, sizeof(why)) == 0)
			return accels[i].ops;
	}
	return NULL;
}

int accel__known(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(accels) / sizeof(accels[0]); i++)
		if (strcmp(name, accels[i].name) == 0)
			return 1;
	return 0;
}
