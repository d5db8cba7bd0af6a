/* Memory compaction (Linux: mm/compaction.c): not yet. */
#include <kernel.h>
#include <linux/compaction.h>

struct page *try_to_compact_pages(gfp_t gfp, unsigned int order)
{
	return NULL;
}
