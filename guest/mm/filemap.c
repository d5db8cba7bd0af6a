/*
 * The page cache (Linux: mm/filemap.c filemap_fault / filemap_get_pages). A file's
 * pages are found by index in its address_space; a missing one is allocated, filled
 * from the initrd (zero past the end of the file; all zero for shmem), and inserted,
 * unless another CPU inserted it first (then ours is freed and theirs used). The cache
 * holds one reference on each page; each caller gets one more.
 * A new page (mapping = the address_space, index = its offset) goes on the file LRU;
 * reclaim (mm/vmscan.c) may drop it again when it is clean and unmapped, and the
 * next use reads it again from the initrd. A page written through a shared mapping is
 * dirty and stays (there is nowhere to write it back: the page cache is the file).
 * Left out from Linux: the xarray, readahead, writeback, large folios, refault
 * (workingset) detection.
 */
#include <kernel.h>
#include <string.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/swap.h>

struct page *filemap_get_page(struct inode *inode, unsigned long index)
{
	struct address_space *m = &inode->i_mapping;
	struct page *page;

	if (index >= m->nr_slots)
		return NULL;
	spin_lock(&m->lock);
	page = m->pages[index];
	if (page)
		get_page(page);
	spin_unlock(&m->lock);
	if (page)
		return page;

	struct page *new = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	if (!new)
		return NULL;
	new->_mapcount = 0;
	if (inode->data) {
		unsigned long off = index << PAGE_SHIFT;
		memcpy(page_address(new), inode->data + off, min(PAGE_SIZE, inode->i_size - off));
	}
	spin_lock(&m->lock);
	page = m->pages[index];
	if (!page) {
		new->mapping = m;
		new->index = index;
		page = m->pages[index] = new;
		m->nrpages++;
		if (inode->data)
			inode->reads++;
		new = NULL;
	}
	get_page(page);
	spin_unlock(&m->lock);
	if (new)
		put_page(new);
	else
		lru_cache_add(page);
	return page;
}
