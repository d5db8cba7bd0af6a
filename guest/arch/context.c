/*
 * ASID allocation (Linux: arch/arm64/mm/context.c), the same algorithm: context.id holds
 * a generation above the ASID bits; an mm whose generation is current keeps its ASID.
 * When the ASID space runs out, the generation advances (rollover): the bitmap is
 * cleared except for the ASIDs that CPUs are running right now (reserved_asids, which
 * their mms keep), and every CPU must flush its local TLB (tlb_flush_pending) before it
 * next switches to an mm with a new ASID. ASID 0 is never given out: it tags the
 * reserved (empty) TTBR0 of kernel threads.
 * The generation counts in units of 2^16 whatever the hardware width, so that
 * asid_set_limit_bits() can shrink the usable space at run time (tests force rollovers
 * with a handful of ASIDs; also "asid_bits=N" on the command line).
 * Left out from Linux: the lock-free fast path on active_asids (the lock is always
 * taken), pinned ASIDs (SVA), KPTI's odd/even ASID pairs, CNP.
 */
#include <kernel.h>
#include <cmdline.h>
#include <string.h>
#include <setup.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <asm/mmu.h>
#include <asm/memory.h>
#include <asm/mmu_context.h>
#include <linux/spinlock.h>

#define ASID_SPACE_BITS 16
#define ASID_FIRST_VERSION (1UL << ASID_SPACE_BITS)
#define ASID_MASK_LOW (ASID_FIRST_VERSION - 1)
#define TCR_AS (1UL << 36)

unsigned int asid_bits = 8;
static unsigned long num_user_asids;		/* usable ASIDs: 1 .. num_user_asids - 1 */
static u64 asid_generation = ASID_FIRST_VERSION;
static unsigned long asid_map[(1UL << ASID_SPACE_BITS) / 64];
static u64 active_asids[NR_CPUS], reserved_asids[NR_CPUS];
static unsigned long tlb_flush_pending;	/* a bit per CPU */
static unsigned long cur_idx = 1, rollovers;
static DEFINE_SPINLOCK(cpu_asid_lock);

static bool test_and_set(unsigned long *map, unsigned long bit)
{
	bool old = map[bit / 64] & (1UL << (bit % 64));
	map[bit / 64] |= 1UL << (bit % 64);
	return old;
}

static unsigned long find_next_zero(unsigned long from)
{
	for (unsigned long i = from; i < num_user_asids; i++)
		if (!(asid_map[i / 64] & (1UL << (i % 64))))
			return i;
	return num_user_asids;
}

static void local_flush_tlb_all(void)
{
	dsb(nshst);
	__asm__ volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	isb();
}

static void flush_context(void)
{
	memset(asid_map, 0, sizeof(asid_map));
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		u64 asid = __atomic_exchange_n(&active_asids[cpu], 0, __ATOMIC_RELAXED);
		/* A CPU that already rolled over while running this mm keeps it reserved. */
		if (asid == 0)
			asid = reserved_asids[cpu];
		if (asid)
			test_and_set(asid_map, asid & ASID_MASK_LOW);
		reserved_asids[cpu] = asid;
	}
	tlb_flush_pending = (1UL << NR_CPUS) - 1;
	rollovers++;
}

static bool check_update_reserved_asid(u64 asid, u64 newasid)
{
	bool hit = false;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (reserved_asids[cpu] == asid) {
			hit = true;
			reserved_asids[cpu] = newasid;
		}
	return hit;
}

static u64 new_context(struct mm_struct *mm)
{
	u64 asid = mm->context.id, generation = asid_generation;

	if (asid) {
		u64 newasid = generation | (asid & ASID_MASK_LOW);
		/* running somewhere at the rollover: keep it */
		if (check_update_reserved_asid(asid, newasid))
			return newasid;
		/* free in the new generation, and below the limit: keep it too */
		if ((asid & ASID_MASK_LOW) < num_user_asids &&
		    !test_and_set(asid_map, asid & ASID_MASK_LOW))
			return newasid;
	}
	asid = find_next_zero(cur_idx);
	if (asid == num_user_asids) {
		generation = asid_generation += ASID_FIRST_VERSION;
		flush_context();
		asid = find_next_zero(1);	/* there is one: fewer CPUs than ASIDs */
	}
	test_and_set(asid_map, asid);
	cur_idx = asid;
	return asid | generation;
}

static void cpu_switch_mm(pte_t *pgd, u64 asid)
{
	write_sysreg(__pa(pgd) | (asid & ASID_MASK_LOW) << 48, ttbr0_el1);
	isb();
}

void cpu_set_reserved_ttbr0(void)
{
	write_sysreg(__pa_symbol(reserved_pg_dir), ttbr0_el1);
	isb();
}

void check_and_switch_context(struct mm_struct *mm)
{
	unsigned int cpu = smp_processor_id();

	spin_lock(&cpu_asid_lock);
	u64 asid = mm->context.id;
	if ((asid ^ asid_generation) >> ASID_SPACE_BITS) {
		asid = new_context(mm);
		mm->context.id = asid;
	}
	if (tlb_flush_pending & (1UL << cpu)) {
		tlb_flush_pending &= ~(1UL << cpu);
#ifndef PLANT_BUG_ASID_NO_FLUSH	/* guest-bug-asid-no-flush.img: old ASIDs' entries stay */
		local_flush_tlb_all();
#endif
	}
	active_asids[cpu] = asid;
	spin_unlock(&cpu_asid_lock);
	cpu_switch_mm(mm->pgd, asid);
}

void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
	if (next)
		check_and_switch_context(next);
	else
		cpu_set_reserved_ttbr0();
}

void asid_set_limit_bits(unsigned int bits)
{
	spin_lock(&cpu_asid_lock);
	if (!bits || bits > asid_bits)
		bits = asid_bits;
	num_user_asids = 1UL << bits;
	asid_generation += ASID_FIRST_VERSION;
	flush_context();
	cur_idx = 1;
	spin_unlock(&cpu_asid_lock);
}

unsigned long asid_generation_count(void)
{
	return rollovers;
}

unsigned long asid_limit(void)
{
	return num_user_asids - 1;
}

void cpu_asid_init(void)
{
	if (asid_bits == 16) {
		write_sysreg(read_sysreg(tcr_el1) | TCR_AS, tcr_el1);
		isb();
		local_flush_tlb_all();
	}
}

void asids_init(void)
{
	char buf[16];
	unsigned int fld = (read_sysreg(id_aa64mmfr0_el1) >> 4) & 0xf;

	asid_bits = fld == 2 ? 16 : 8;
	num_user_asids = 1UL << asid_bits;
	cpu_asid_init();
	if (cmdline_get("asid_bits", buf, sizeof(buf))) {
		unsigned long b = simple_strtoul(buf, NULL, 0);
		if (b >= 2 && b <= asid_bits)
			num_user_asids = 1UL << b;
	}
	printk("ASID allocator initialised with %lu entries (%u-bit ASIDs)\n", num_user_asids - 1,
	       asid_bits);
}

/* TLB maintenance for user addresses: TLBI operand = ASID << 48 | VA >> 12. */
static inline u64 tlbi_op(struct mm_struct *mm, unsigned long va)
{
	return ASID(mm) << 48 | ((va >> PAGE_SHIFT) & ((1UL << 44) - 1));
}

void flush_tlb_page_nosync(struct mm_struct *mm, unsigned long va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vale1is, %0" ::"r"(tlbi_op(mm, va)) : "memory");
}

void flush_tlb_page(struct mm_struct *mm, unsigned long va)
{
	flush_tlb_page_nosync(mm, va);
	dsb(ish);
	isb();
}

void flush_tlb_table(struct mm_struct *mm, unsigned long va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vae1is, %0" ::"r"(tlbi_op(mm, va)) : "memory");
	dsb(ish);
	isb();
}

void flush_tlb_mm(struct mm_struct *mm)
{
	dsb(ishst);
	__asm__ volatile("tlbi aside1is, %0" ::"r"(ASID(mm) << 48) : "memory");
	dsb(ish);
	isb();
}
