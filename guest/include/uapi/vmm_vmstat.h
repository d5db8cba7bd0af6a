/*
 * The project-specific system call vmm_vmstat (number 1025): the kernel's memory
 * counters under their /proc/vmstat names (Linux: mm/vmstat.c vmstat_text), shared by
 * the kernel and the user programs.
 *   long vmm_vmstat(unsigned long *values, unsigned long n);
 * copies min(n, NR_VMM_VMSTAT) values, in the order below, and returns NR_VMM_VMSTAT.
 * The first items are current numbers of pages; the rest are events since boot.
 * nr_swap_pages and total_swap_pages are Linux's globals of those names (free and all
 * swap slots; /proc/meminfo's SwapFree and SwapTotal in pages).
 */
#ifndef UAPI_VMM_VMSTAT_H
#define UAPI_VMM_VMSTAT_H

#define __NR_vmm_vmstat 1025

#define VMM_VMSTAT_ITEMS(X) \
	X(NR_FREE_PAGES, "nr_free_pages") \
	X(NR_INACTIVE_ANON, "nr_inactive_anon") \
	X(NR_ACTIVE_ANON, "nr_active_anon") \
	X(NR_INACTIVE_FILE, "nr_inactive_file") \
	X(NR_ACTIVE_FILE, "nr_active_file") \
	X(NR_ISOLATED, "nr_isolated") \
	X(NR_SWAPCACHE, "nr_swapcached") \
	X(NR_FREE_CMA_PAGES, "nr_free_cma") \
	X(NR_SWAP_PAGES, "nr_swap_pages") \
	X(TOTAL_SWAP_PAGES, "total_swap_pages") \
	X(PGFAULT, "pgfault") \
	X(PGMAJFAULT, "pgmajfault") \
	X(PSWPIN, "pswpin") \
	X(PSWPOUT, "pswpout") \
	X(PGACTIVATE, "pgactivate") \
	X(PGDEACTIVATE, "pgdeactivate") \
	X(PGREFILL, "pgrefill") \
	X(PGSCAN_KSWAPD, "pgscan_kswapd") \
	X(PGSCAN_DIRECT, "pgscan_direct") \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd") \
	X(PGSTEAL_DIRECT, "pgsteal_direct") \
	X(PGSTEAL_ANON, "pgsteal_anon") \
	X(PGSTEAL_FILE, "pgsteal_file") \
	X(PAGEOUTRUN, "pageoutrun") \
	X(ALLOCSTALL, "allocstall_normal") \
	X(KSWAPD_WAKE, "kswapd_wake") \
	X(PGMIGRATE_SUCCESS, "pgmigrate_success") \
	X(PGMIGRATE_FAIL, "pgmigrate_fail") \
	X(COMPACT_MIGRATE_SCANNED, "compact_migrate_scanned") \
	X(COMPACT_FREE_SCANNED, "compact_free_scanned") \
	X(COMPACT_ISOLATED, "compact_isolated") \
	X(COMPACT_STALL, "compact_stall") \
	X(COMPACT_FAIL, "compact_fail") \
	X(COMPACT_SUCCESS, "compact_success") \
	X(CMA_ALLOC_SUCCESS, "cma_alloc_success") \
	X(CMA_ALLOC_FAIL, "cma_alloc_fail") \
	X(OOM_KILL, "oom_kill")

#define VMM_VMSTAT_ENUM(e, n) e,
enum vmm_vmstat_item { VMM_VMSTAT_ITEMS(VMM_VMSTAT_ENUM) NR_VMM_VMSTAT };
#undef VMM_VMSTAT_ENUM
/* The first event (the items before it are page counts). */
#define VMM_VMSTAT_FIRST_EVENT PGFAULT
#endif
