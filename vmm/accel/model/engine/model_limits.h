/* How many vCPUs the model runs: the VM (engine/vm.h) and the GIC (gic/gicv3.c) are
 * sized by it and accel_model.max_cpus reports it. All run in one host thread. */
#ifndef MODEL_LIMITS_H
#define MODEL_LIMITS_H

#include <platform/memmap.h>

#define MODEL_MAX_CPUS 8

_Static_assert(MODEL_MAX_CPUS <= PLATFORM_MAX_CPUS,
	       "more vCPUs than the memory map has redistributors for");

#endif
