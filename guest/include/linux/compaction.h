/* Memory compaction (mm/compaction.c) and migration (mm/migrate.c). */
#ifndef LINUX_COMPACTION_H
#define LINUX_COMPACTION_H
#include <types.h>
#include <linux/gfp.h>
#include <linux/list.h>

struct page;
struct zone;
/* Direct compaction for an allocation of this order: the page, or NULL. */
struct page *try_to_compact_pages(gfp_t gfp, unsigned int order);
bool compact_zone(struct zone *z, unsigned int order, int migratetype);

/* mm/migrate.c: pages isolated from the LRU (with their isolation reference) on from
 * are moved to pages get_new_page gives; the ones that could not be stay on from and
 * their number is returned. put_new_page takes back an unused new page. */
typedef struct page *new_page_t(struct page *page, unsigned long private);
typedef void free_page_t(struct page *page, unsigned long private);
int migrate_pages(struct list_head *from, new_page_t get_new_page, free_page_t put_new_page,
		  unsigned long private);
int migrate_isolated_page(struct page *page);	/* to any page; put back on failure */
#endif
