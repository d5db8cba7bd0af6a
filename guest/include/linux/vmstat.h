/*
 * Memory events with /proc/vmstat's names (Linux: include/linux/vm_event_item.h,
 * vmstat.h). Events are counted in one array of atomics (Linux: per-CPU, summed on
 * read); page counts are computed when read (mm/vmstat.c).
 */
#ifndef LINUX_VMSTAT_H
#define LINUX_VMSTAT_H
#include <types.h>
#include <uapi/vmm_vmstat.h>

extern unsigned long vm_event_states[NR_VMM_VMSTAT];
extern const char *const vmstat_text[NR_VMM_VMSTAT];
static inline void count_vm_events(enum vmm_vmstat_item item, unsigned long n)
{
	__atomic_add_fetch(&vm_event_states[item], n, __ATOMIC_RELAXED);
}
static inline void count_vm_event(enum vmm_vmstat_item item) { count_vm_events(item, 1); }
/* Every item: the events and the page counts of now. */
void all_vm_stats(unsigned long *values);
unsigned long global_vm_stat(enum vmm_vmstat_item item);
void show_vmstat(void);	/* "# vmstat: name value ..." lines, as /proc/vmstat */
#endif
