/*
 * The OOM killer (Linux: mm/oom_kill.c). When a page fault cannot get a page even
 * after direct reclaim (and compaction) gave up, the task with the highest badness
 * (oom_badness: RSS + swap entries + page-table pages; no oom_score_adj here) among
 * the user processes is killed: Linux's report is printed (the invoking task, the
 * memory summary, the "Tasks state" table with every candidate, the constraint line
 * and "Out of memory: Killed process ..."), the victim gets a pending SIGKILL (it dies
 * on its way back to user space: do_exit frees its memory) and is woken if it sleeps
 * in wait4. While a victim has not exited, no other is chosen: the faulting task gives
 * the CPU away and retries its fault (Linux: oom_lock, tsk_is_oom_victim). A victim
 * that exited between this task's failed fault and its taking oom_lock has freed
 * memory: with oom_lock held, a zone above its high watermark means "retry the fault",
 * not "kill again" (Linux: the last get_page_from_freelist with ALLOC_WMARK_HIGH in
 * __alloc_pages_may_oom, "to catch a parallel oom killing").
 * Left out from Linux: the oom_reaper (the victim frees its own memory), memcg and
 * cpuset constraints, oom_score_adj and /proc/PID/oom_score, panic_on_oom,
 * sysctl_oom_kill_allocating_task, the dump of slab caches.
 */
#include <kernel.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/oom.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

int oom_victims;
static DEFINE_SPINLOCK(oom_lock);

static unsigned long get_mm_rss(struct mm_struct *mm)
{
	return READ_ONCE(mm->rss_stat[MM_ANONPAGES]) + READ_ONCE(mm->rss_stat[MM_FILEPAGES]) +
	       READ_ONCE(mm->rss_stat[MM_SHMEMPAGES]);
}

static unsigned long total_vm(struct mm_struct *mm)
{
	unsigned long n = 0;

	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		n += (v->vm_end - v->vm_start) >> PAGE_SHIFT;
	return n;
}

/* oom_badness: pages the kill would free */
static unsigned long oom_badness(struct task_struct *p)
{
	struct mm_struct *mm = p->mm;

	return get_mm_rss(mm) + READ_ONCE(mm->rss_stat[MM_SWAPENTS]) + mm->pgtables;
}

static bool oom_candidate(struct task_struct *p)
{
	return p->mm && !p->is_idle && !(p->flags & PF_KTHREAD) && !p->exit_state;
}

static void dump_tasks(void)
{
	struct task_struct *p;

	printk("Tasks state (memory values in pages):\n");
	printk("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
	list_for_each_entry(p, &task_list, tasks) {
		if (!oom_candidate(p))
			continue;
		struct mm_struct *mm = p->mm;
		printk("[%7d] %5d %5d %8lu %8lu %14lu %8lu %13d %s\n", p->pid, 0, p->pid, total_vm(mm),
		       get_mm_rss(mm), mm->pgtables * PAGE_SIZE, mm->rss_stat[MM_SWAPENTS], 0,
		       p->comm);
	}
}

static void show_mem(void)
{
	printk("Mem-Info:\n");
	printk("active_anon:%lu inactive_anon:%lu isolated:%lu\n active_file:%lu inactive_file:%lu\n"
	       " free:%lu free_pcp:%lu free_cma:%lu swapcache:%lu\n", lru_pages(LRU_ACTIVE_ANON),
	       lru_pages(LRU_INACTIVE_ANON), global_vm_stat(NR_ISOLATED), lru_pages(LRU_ACTIVE_FILE),
	       lru_pages(LRU_INACTIVE_FILE), nr_free_pages(), nr_free_pages_pcp(),
	       global_vm_stat(NR_FREE_CMA_PAGES), nr_swapcache_pages());
	printk("Free swap  = %lukB\nTotal swap = %lukB\n", nr_swap_pages_free() * 4,
	       total_swap_pages_nr() * 4);
}

/* Called with oom_lock held. */
static void out_of_memory(void)
{
	struct task_struct *tsk = current, *p, *victim = NULL;
	unsigned long best = 0;

	printk("%s invoked oom-killer: gfp_mask=0x%x(GFP_HIGHUSER_MOVABLE), order=0, "
	       "oom_score_adj=0\n", tsk->comm, GFP_HIGHUSER_MOVABLE);
	printk("CPU: %u PID: %d Comm: %s\n", tsk->cpu, tsk->pid, tsk->comm);
	show_mem();
	spin_lock(&tasklist_lock);
	dump_tasks();
	list_for_each_entry(p, &task_list, tasks) {
		if (!oom_candidate(p))
			continue;
		unsigned long points = oom_badness(p);
		if (!victim || points > best) {
			victim = p;
			best = points;
		}
	}
	if (!victim) {
		spin_unlock(&tasklist_lock);
		printk("Out of memory and no killable processes...\n");
		return;
	}
	struct mm_struct *mm = victim->mm;
	printk("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
	       "global_oom,task_memcg=/,task=%s,pid=%d,uid=0\n", victim->comm, victim->pid);
	printk("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
	       "file-rss:%lukB, shmem-rss:%lukB, UID:0 pgtables:%lukB oom_score_adj:0\n",
	       victim->pid, victim->comm, total_vm(mm) * 4, mm->rss_stat[MM_ANONPAGES] * 4,
	       mm->rss_stat[MM_FILEPAGES] * 4, mm->rss_stat[MM_SHMEMPAGES] * 4, mm->pgtables * 4);
	victim->oom_victim = true;
	victim->sigkill_pending = 1;
	__atomic_add_fetch(&oom_victims, 1, __ATOMIC_RELAXED);
	count_vm_event(OOM_KILL);
	spin_unlock(&tasklist_lock);
	wake_up_process(victim);
}

void exit_oom_victim(struct task_struct *p)
{
	p->oom_victim = false;
	__atomic_sub_fetch(&oom_victims, 1, __ATOMIC_RELEASE);
}

/* Memory came back meanwhile (a parallel kill's victim exited): a zone is above its
 * high watermark for an order-0 user page. */
static bool memory_came_back(void)
{
	struct zone *z;

	for_each_populated_zone(z)
		if (zone_watermark_ok(z, 0, high_wmark_pages(z), MAX_NR_ZONES - 1, 0))
			return true;
	return false;
}

void pagefault_out_of_memory(void)
{
	struct task_struct *tsk = current;

	if (tsk->sigkill_pending)
		return;			/* dying: it will free its memory */
	spin_lock(&oom_lock);
	if (!READ_ONCE(oom_victims) && !memory_came_back())
		out_of_memory();
	spin_unlock(&oom_lock);
	if (!tsk->sigkill_pending)
		schedule();		/* let a victim on this CPU run and exit */
}
