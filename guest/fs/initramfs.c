/*
 * The initramfs (Linux: init/initramfs.c unpacking into ramfs, mm/shmem.c for shared
 * anonymous memory, fs/file_table.c). The initrd given by the loader (/chosen
 * linux,initrd-start/end) is read as a cpio "newc" archive (magic 070701, 110-byte ASCII
 * header, name and data each padded to 4 bytes, "TRAILER!!!" at the end). Its regular
 * files become inodes whose data stay where the archive is (reserved by memblock, read
 * through the linear map): a page is copied into the page cache the first time it is
 * needed (mm/filemap.c) and then shared by every mapping, as a ramfs would hold it.
 * Shared anonymous mappings get a shmem inode with no data: its pages are zero-filled
 * page-cache pages, freed with the inode when the last mapping goes.
 * Left out from Linux: directories, links, devices and the dentry cache (paths are
 * looked up whole, leading "./" or "/" ignored), compressed archives, several
 * concatenated archives, writing to files (write(2) goes to the console only),
 * timestamps and ownership.
 */
#include <kernel.h>
#include <string.h>
#include <setup.h>
#include <asm/memory.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/swap.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/slab.h>

#define MAX_INITRAMFS_FILES 64
#define S_IFMT 0170000
#define S_IFREG 0100000

static struct inode inodes[MAX_INITRAMFS_FILES];
static char names[MAX_INITRAMFS_FILES][64];
static unsigned int nr_inodes;
static int rootfs_state = -ENOENT;
static const char *rootfs_why = "no initrd in /chosen";

static unsigned long hex8(const char *p)
{
	unsigned long v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];
		v = v << 4 | (c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
	}
	return v;
}

static int address_space_init(struct inode *inode)
{
	struct address_space *m = &inode->i_mapping;

	spin_lock_init(&m->lock);
	spin_lock_init(&m->i_mmap_lock);
	INIT_LIST_HEAD(&m->i_mmap);
	m->host = inode;
	m->nr_slots = DIV_ROUND_UP(inode->i_size, PAGE_SIZE);
	m->pages = m->nr_slots ? kzalloc(m->nr_slots * sizeof(struct page *), GFP_KERNEL) : NULL;
	return m->nr_slots && !m->pages ? -ENOMEM : 0;
}

int populate_rootfs(void)
{
	if (machine.initrd_end <= machine.initrd_start)
		return rootfs_state;
	const char *p = __va(machine.initrd_start), *end = __va(machine.initrd_end);

	rootfs_state = -EINVAL;
	rootfs_why = "initrd is not a cpio newc archive";
	while (p + 110 <= end && !memcmp(p, "070701", 6)) {
		unsigned long mode = hex8(p + 14), size = hex8(p + 54), namesize = hex8(p + 94);
		const char *name = p + 110;
		const char *data = (const char *)ALIGN((u64)name + namesize, 4);
		if (data > end || data + size > end || !namesize) {
			rootfs_why = "cpio archive truncated";
			return rootfs_state;
		}
		if (!strcmp(name, "TRAILER!!!")) {
			rootfs_state = 0;
			rootfs_why = NULL;
			break;
		}
		if ((mode & S_IFMT) == S_IFREG && nr_inodes < MAX_INITRAMFS_FILES) {
			while (*name == '.' && name[1] == '/')
				name += 2;
			while (*name == '/')
				name++;
			struct inode *in = &inodes[nr_inodes];
			snprintf(names[nr_inodes], sizeof(names[0]), "/%s", name);
			in->name = names[nr_inodes];
			in->data = (const u8 *)data;
			in->i_size = size;
			in->i_mode = mode;
			in->i_count = 1;
			if (address_space_init(in))
				return -ENOMEM;
			nr_inodes++;
		}
		p = (const char *)ALIGN((u64)data + size, 4);
	}
	if (rootfs_state == 0)
		printk("initramfs: %u files from the initrd at %#lx (%lu bytes)\n", nr_inodes,
		       machine.initrd_start, machine.initrd_end - machine.initrd_start);
	else
		printk("initramfs: not used: %s\n", rootfs_why);
	return rootfs_state;
}

bool initramfs_present(void)
{
	return rootfs_state == 0;
}

const char *initramfs_status(void)
{
	return rootfs_why;
}

unsigned int initramfs_nr_files(void)
{
	return nr_inodes;
}

struct inode *initramfs_lookup(const char *path)
{
	while (*path == '.' && path[1] == '/')
		path += 2;
	while (*path == '/')
		path++;
	for (unsigned int i = 0; i < nr_inodes; i++)
		if (!strcmp(inodes[i].name + 1, path))
			return &inodes[i];
	return NULL;
}

struct file *filp_open(struct inode *inode, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->f_inode = inode;
	f->f_flags = flags;
	f->f_count = 1;
	return f;
}

struct file *shmem_file_setup(unsigned long size)
{
	struct inode *in = kzalloc(sizeof(*in), GFP_KERNEL);

	if (!in)
		return NULL;
	in->name = "/dev/zero (deleted)";
	in->i_size = size;
	in->shmem = true;
	in->i_count = 1;
	if (address_space_init(in)) {
		kfree(in);
		return NULL;
	}
	struct file *f = filp_open(in, O_RDWR);
	if (!f) {
		kfree(in->i_mapping.pages);
		kfree(in);
	}
	return f;
}

void get_file(struct file *f)
{
	__atomic_add_fetch(&f->f_count, 1, __ATOMIC_RELAXED);
}

static void shmem_evict_inode(struct inode *in)
{
	struct address_space *m = &in->i_mapping;

	for (unsigned long i = 0; i < m->nr_slots; i++)
		if (m->pages[i])
			put_page(m->pages[i]);
	kfree(m->pages);
	kfree(in);
}

void fput(struct file *f)
{
	if (__atomic_sub_fetch(&f->f_count, 1, __ATOMIC_ACQ_REL))
		return;
	struct inode *in = f->f_inode;
	if (in->shmem && !__atomic_sub_fetch(&in->i_count, 1, __ATOMIC_ACQ_REL))
		shmem_evict_inode(in);
	kfree(f);
}

/* read(2) on an initramfs file: through the page cache, as Linux's filemap_read. */
long kernel_read(struct file *f, void *buf, unsigned long count, unsigned long *pos)
{
	struct inode *in = f->f_inode;
	unsigned long done = 0;

	while (done < count && *pos < in->i_size) {
		unsigned long idx = *pos >> PAGE_SHIFT, off = *pos & ~PAGE_MASK;
		unsigned long n = min(min(count - done, PAGE_SIZE - off), in->i_size - *pos);
		struct page *page = filemap_get_page(in, idx);
		if (!page)
			return done ? (long)done : -ENOMEM;
		memcpy((u8 *)buf + done, (u8 *)page_address(page) + off, n);
		mark_page_accessed(page);
		put_page(page);
		done += n;
		*pos += n;
	}
	return done;
}
