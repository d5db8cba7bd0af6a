/*
 * The project-specific system call vmm_memstat (number 1024, above Linux's range of
 * asm-generic numbers) and the counters it returns: shared by the kernel and by the
 * user programs in guest/user/. Counters count pages (rss, page tables) or events.
 *   long vmm_memstat(int pid, struct vmm_memstat *st);  pid 0: the caller; -1: system
 */
#ifndef UAPI_VMM_MEMSTAT_H
#define UAPI_VMM_MEMSTAT_H

#define __NR_vmm_memstat 1024
#define VMM_MEMSTAT_SYSTEM (-1)

struct vmm_memstat {
	/* resident pages by kind (Linux: MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES) */
	unsigned long rss_anon, rss_file, rss_shmem;
	unsigned long pgtables;		/* user page-table pages (pgd included) */
	unsigned long map_count;	/* VMAs */
	/* faults by kind */
	unsigned long pgfault;		/* every user page fault handled */
	unsigned long zero_page_maps;	/* anonymous read faults given the shared zero page */
	unsigned long anon_faults;	/* anonymous write faults given a new zeroed page */
	unsigned long cow_copies;	/* write to a shared or zero/file page: copied */
	unsigned long cow_reuses;	/* write to a COW page mapped only here: made writable */
	unsigned long file_faults;	/* page-cache pages mapped */
	unsigned long stack_grows;	/* faults that grew the stack VMA */
	unsigned long segv;		/* processes killed by a fault (system only) */
	unsigned long asid;		/* the caller's ASID (hardware value) */
	unsigned long asid_generation;	/* rollovers so far */
	unsigned long nr_free_pages;	/* system: buddy + per-CPU lists */
	unsigned long nr_cpus;		/* system: CPUs online */
	unsigned long cpu;		/* the CPU the caller runs on */
};
#endif
