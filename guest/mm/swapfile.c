/*
 * Swap: one swap device, a virtio-blk disk named on the command line (swap=vda for
 * the first disk, vdb the second...), and the swap cache (Linux: mm/swapfile.c,
 * mm/swap_state.c, mm/page_io.c).
 *  - The disk is used raw: slot n is the 4 KiB at sector 8n; slot 0 is never used,
 *    as Linux's (its swap header, written by mkswap; none here), so that no swap PTE
 *    is zero.
 *  - swap_map[slot] counts the PTEs (and, in Linux, shmem and other users) holding the
 *    entry, plus SWAP_HAS_CACHE while a page for it is in the swap cache; the slot is
 *    free at 0 (swap_entry_free).
 *  - The swap cache maps an entry to its page (an array indexed by slot; Linux uses an
 *    xarray per 64 MiB): a page being written out, just read in, or shared by PTEs of
 *    several processes after one of them faulted it in. A page in it has PG_swapcache,
 *    private = the entry, and the cache holds one reference.
 *  - Slots are allocated next-fit (Linux: clusters and per-CPU slot caches).
 *  - I/O is synchronous, one request at a time (the polled virtio-blk driver), the
 *    page locked throughout (Linux: bios completing asynchronously, PG_writeback).
 * Left out from Linux: several devices and priorities, swap files, the swap header,
 * discard, readahead (swapin_readahead reads one page), swap_cgroup, frontswap/zswap,
 * swapoff.
 */
#include <kernel.h>
#include <string.h>
#include <cmdline.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/rmap.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/virtio_blk.h>
#include <linux/vmstat.h>

#define SWAP_HAS_CACHE 0x40
#define SWAP_MAP_MAX 0x3f	/* Linux continues counts in extra pages (swap_count_continued) */
#define SECTORS_PER_PAGE (PAGE_SIZE / 512)

struct swap_info_struct {
	spinlock_t lock;		/* swap_map, swap_cache, the counts */
	spinlock_t io_lock;		/* one request at a time on the disk */
	struct virtio_blk *bdev;
	char name[8];
	unsigned long max;		/* slots */
	unsigned long inuse_pages;	/* slots with a non-zero swap_map */
	unsigned long cluster_next;
	unsigned long nr_swapcache;
	u8 *swap_map;
	struct page **swap_cache;
};
static struct swap_info_struct swap_info;
static const char *status = "no swap device: no swap= on the command line";

bool swap_active(void) { return swap_info.max != 0; }
/* more than half of swap in use (Linux: vm_swap_full) */
bool vm_swap_full(void) { return nr_swap_pages_free() * 2 < total_swap_pages_nr(); }
const char *swap_status(void) { return status; }
unsigned long total_swap_pages_nr(void) { return swap_info.max ? swap_info.max - 1 : 0; }
unsigned long nr_swap_pages_free(void)
{
	return total_swap_pages_nr() - READ_ONCE(swap_info.inuse_pages);
}
unsigned long swap_slots_in_use(void) { return READ_ONCE(swap_info.inuse_pages); }
unsigned long nr_swapcache_pages(void) { return READ_ONCE(swap_info.nr_swapcache); }

/* swapon: swap=vdX (X = a, b, ...) names the virtio-blk disk by probe order. */
void swap_setup(void)
{
	static char msg[96];
	char arg[16];

	if (!cmdline_get("swap", arg, sizeof(arg))) {
		if (!virtio_blk_probe())
			status = "no virtio-blk disk, so no swap (boot with one and swap=vda)";
		return;
	}
	if (strlen(arg) != 3 || arg[0] != 'v' || arg[1] != 'd' || arg[2] < 'a' || arg[2] > 'h') {
		snprintf(msg, sizeof(msg), "no swap device: swap=%s is not vda..vdh", arg);
		status = msg;
		return;
	}
	struct virtio_blk *b = virtio_blk_get(arg[2] - 'a');
	if (!b) {
		snprintf(msg, sizeof(msg), "no virtio-blk disk for swap=%s", arg);
		status = msg;
		return;
	}
	unsigned long slots = b->capacity / SECTORS_PER_PAGE;
	if (b->ro || slots < 16) {
		snprintf(msg, sizeof(msg), "no swap device: %s is %s", arg,
			 b->ro ? "read-only" : "smaller than 64 KiB");
		status = msg;
		return;
	}
	struct swap_info_struct *si = &swap_info;
	si->swap_map = vmalloc(PAGE_ALIGN(slots));
	si->swap_cache = vmalloc(PAGE_ALIGN(slots * sizeof(struct page *)));
	if (!si->swap_map || !si->swap_cache) {
		status = "no swap device: no memory for its maps";
		return;
	}
	memset(si->swap_map, 0, slots);
	memset(si->swap_cache, 0, slots * sizeof(struct page *));
	spin_lock_init(&si->lock);
	spin_lock_init(&si->io_lock);
	si->bdev = b;
	snprintf(si->name, sizeof(si->name), "%s", arg);
	WRITE_ONCE(si->max, slots);
	snprintf(msg, sizeof(msg), "swap on /dev/%s: %lu KiB (%lu slots)", arg, (slots - 1) * 4,
		 slots - 1);
	status = msg;
	printk("Adding %luk swap on /dev/%s. Priority:-2 extents:1 across:%luk\n", (slots - 1) * 4,
	       arg, slots * 4);
}

static bool entry_ok(swp_entry_t e)
{
	return swap_info.max && swp_type(e) == 0 && swp_offset(e) && swp_offset(e) < swap_info.max;
}

static void swap_entry_free_locked(struct swap_info_struct *si, unsigned long off)
{
	if (!si->swap_map[off])
		si->inuse_pages--;
}

void swap_duplicate(swp_entry_t e)
{
	struct swap_info_struct *si = &swap_info;

	BUG_ON(!entry_ok(e));
	spin_lock(&si->lock);
	u8 *m = &si->swap_map[swp_offset(e)];
	BUG_ON(!*m || (*m & SWAP_MAP_MAX) == SWAP_MAP_MAX);
	(*m)++;
	spin_unlock(&si->lock);
}

int swap_count(swp_entry_t e)
{
	return entry_ok(e) ? READ_ONCE(swap_info.swap_map[swp_offset(e)]) & SWAP_MAP_MAX : 0;
}

void swap_free(swp_entry_t e)
{
	struct swap_info_struct *si = &swap_info;

	BUG_ON(!entry_ok(e));
	spin_lock(&si->lock);
	u8 *m = &si->swap_map[swp_offset(e)];
	BUG_ON(!(*m & SWAP_MAP_MAX));
	(*m)--;
	swap_entry_free_locked(si, swp_offset(e));
	spin_unlock(&si->lock);
}

/* A zapped swap PTE: one user fewer; with none left, its cached page (if nobody is
 * busy with it) leaves the cache and the slot is freed (Linux: free_swap_and_cache). */
void free_swap_and_cache(swp_entry_t e)
{
	struct swap_info_struct *si = &swap_info;
	struct page *page = NULL;

	BUG_ON(!entry_ok(e));
	spin_lock(&si->lock);
	u8 *m = &si->swap_map[swp_offset(e)];
	BUG_ON(!(*m & SWAP_MAP_MAX));
	(*m)--;
	if (*m == SWAP_HAS_CACHE) {
		page = si->swap_cache[swp_offset(e)];
		if (page && !get_page_unless_zero(page))
			page = NULL;
	}
	swap_entry_free_locked(si, swp_offset(e));
	spin_unlock(&si->lock);
	if (page) {
		if (trylock_page(page)) {	/* else its holder will drop it */
			if (!page_mapcount(page))
				try_to_free_swap(page);
			unlock_page(page);
		}
		put_page(page);
	}
}

static long scan_swap_map(struct swap_info_struct *si)
{
	for (unsigned long i = 0; i < si->max; i++) {
		unsigned long off = (si->cluster_next + i) % si->max;
		if (off && !si->swap_map[off]) {
			si->cluster_next = off + 1;
			return off;
		}
	}
	return -1;
}

/* The page (locked, anonymous, not in the swap cache) gets a slot and joins the
 * cache, dirty: its data are not in the slot yet (Linux: add_to_swap). */
int add_to_swap(struct page *page)
{
	struct swap_info_struct *si = &swap_info;

	if (!si->max)
		return -ENODEV;
	spin_lock(&si->lock);
	long off = scan_swap_map(si);
	if (off < 0) {
		spin_unlock(&si->lock);
		return -ENOSPC;
	}
	si->swap_map[off] = SWAP_HAS_CACHE;
	si->inuse_pages++;
	si->swap_cache[off] = page;
	si->nr_swapcache++;
	get_page(page);
	page->private = swp_entry(0, off).val;
	SetPageFlag(page, PG_swapcache);
	spin_unlock(&si->lock);
	SetPageFlag(page, PG_dirty);
	return 0;
}

/* Out of the swap cache (locked page): the slot stays for the PTEs that hold it, and
 * is freed if there are none. The cache's reference is dropped. With expect_refs, only
 * if the page has exactly that many references (checked under the lock that lookups
 * take: __remove_mapping's freeze). */
bool __delete_from_swap_cache(struct page *page, int expect_refs)
{
	struct swap_info_struct *si = &swap_info;
	swp_entry_t e = { page->private };
	unsigned long off = swp_offset(e);

	spin_lock(&si->lock);
	if (!PageFlag(page, PG_swapcache) || si->swap_cache[off] != page ||
	    (expect_refs && page_count(page) != expect_refs)) {
		spin_unlock(&si->lock);
		return false;
	}
	si->swap_cache[off] = NULL;
	si->nr_swapcache--;
	si->swap_map[off] &= ~SWAP_HAS_CACHE;
	swap_entry_free_locked(si, off);
	ClearPageFlag(page, PG_swapcache);
	page->private = 0;
	spin_unlock(&si->lock);
	put_page(page);
	return true;
}

void delete_from_swap_cache(struct page *page)
{
	__delete_from_swap_cache(page, 0);
}

/* A swap-cache page whose entry no PTE holds any more leaves the cache (it is then
 * only in memory: dirty). The page is locked. */
bool try_to_free_swap(struct page *page)
{
	if (!PageFlag(page, PG_swapcache))
		return false;
	if (swap_count((swp_entry_t){ page->private }))
		return false;
	SetPageFlag(page, PG_dirty);
	return __delete_from_swap_cache(page, 0);
}

struct page *lookup_swap_cache(swp_entry_t e)
{
	struct swap_info_struct *si = &swap_info;
	struct page *page;

	if (!entry_ok(e))
		return NULL;
	spin_lock(&si->lock);
	page = si->swap_cache[swp_offset(e)];
	if (page && !get_page_unless_zero(page))
		page = NULL;
	spin_unlock(&si->lock);
	return page;
}

static int swap_io(struct page *page, bool write)
{
	struct swap_info_struct *si = &swap_info;
	u64 sector = swp_offset((swp_entry_t){ page->private }) * SECTORS_PER_PAGE;
	int ret;

	spin_lock(&si->io_lock);
	ret = write ? virtio_blk_write(si->bdev, sector, page_address(page), SECTORS_PER_PAGE)
		    : virtio_blk_read(si->bdev, sector, page_address(page), SECTORS_PER_PAGE);
	spin_unlock(&si->io_lock);
	if (ret)
		printk("%s: %s error %d at sector %lu\n", si->name, write ? "write" : "read", ret,
		       sector);
	return ret;
}

/* Write the locked swap-cache page to its slot (Linux: swap_writepage). */
int swap_writepage(struct page *page)
{
	int ret = swap_io(page, true);

	if (!ret) {
		ClearPageFlag(page, PG_dirty);
		count_vm_event(PSWPOUT);
	}
	return ret;
}

struct page *read_swap_cache_async(swp_entry_t e, bool *major)
{
	struct swap_info_struct *si = &swap_info;
	struct page *page, *new;

	*major = false;
	if (!entry_ok(e))
		return NULL;
	page = lookup_swap_cache(e);
	if (page)
		return page;
	new = alloc_page(GFP_HIGHUSER_MOVABLE);
	if (!new)
		return NULL;
	new->_mapcount = 0;
	spin_lock(&si->lock);
	unsigned long off = swp_offset(e);
	page = si->swap_cache[off];
	if (page && get_page_unless_zero(page)) {
		spin_unlock(&si->lock);
		put_page(new);
		return page;
	}
	if (!(si->swap_map[off] & SWAP_MAP_MAX) || (si->swap_map[off] & SWAP_HAS_CACHE)) {
		/* no PTE holds it any more, or a page is on its way out of the cache */
		spin_unlock(&si->lock);
		put_page(new);
		return NULL;
	}
	si->swap_map[off] |= SWAP_HAS_CACHE;
	si->swap_cache[off] = new;
	si->nr_swapcache++;
	get_page(new);			/* the cache's */
	BUG_ON(!trylock_page(new));
	new->private = e.val;
	SetPageFlag(new, PG_swapcache);
	SetPageFlag(new, PG_anon);
	SetPageFlag(new, PG_swapbacked);
	spin_unlock(&si->lock);
	if (!swap_io(new, false))
		count_vm_event(PSWPIN);
	else
		SetPageFlag(new, PG_dirty);	/* keep it in memory: the slot is bad */
	*major = true;
	unlock_page(new);
	lru_cache_add(new);
	return new;
}
