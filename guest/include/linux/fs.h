/*
 * Files (Linux: include/linux/fs.h, pagemap.h): an inode with its page cache (struct
 * address_space), and open files. Inodes come from the initramfs (fs/initramfs.c: the
 * data stay in the initrd, each page is read into the page cache on first use and then
 * shared by every mapping) or are anonymous shared memory (shmem: no backing data).
 * Left out from Linux: the dentry cache and path walk (a flat table of full paths),
 * writeback (the page cache is the only copy: it is a ramfs), the xarray (an array of
 * page pointers per file), file locks, permissions beyond O_ACCMODE.
 */
#ifndef LINUX_FS_H
#define LINUX_FS_H
#include <types.h>
#include <linux/spinlock.h>

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define AT_FDCWD (-100)

#include <linux/list.h>

struct page;
struct inode;
struct address_space {
	struct inode *host;
	spinlock_t lock;		/* the page slots */
	spinlock_t i_mmap_lock;		/* i_mmap: the VMAs mapping the file (rmap) */
	struct list_head i_mmap;
	struct page **pages;		/* one slot per page of the file, NULL: not cached */
	unsigned long nr_slots;
	unsigned long nrpages;		/* cached */
};

struct inode {
	const char *name;		/* full path in the archive, "/bin/..." */
	const u8 *data;			/* in the initrd (linear map); NULL for shmem */
	unsigned long i_size;
	u32 i_mode;
	bool shmem;
	int i_count;			/* shmem: freed with its pages at 0 */
	struct address_space i_mapping;
	unsigned long reads;		/* pages read from the initrd into the page cache */
};

struct file {
	struct inode *f_inode;
	unsigned long f_pos;
	unsigned int f_flags;
	int f_count;
};

/* fs/initramfs.c */
int populate_rootfs(void);		/* 0, or why not: -ENOENT (no initrd), -EINVAL */
bool initramfs_present(void);
const char *initramfs_status(void);
struct inode *initramfs_lookup(const char *path);
unsigned int initramfs_nr_files(void);
struct file *filp_open(struct inode *inode, unsigned int flags);
struct file *shmem_file_setup(unsigned long size);
void get_file(struct file *f);
void fput(struct file *f);
long kernel_read(struct file *f, void *buf, unsigned long count, unsigned long *pos);

/* mm/filemap.c: the page cache page at index, read in if needed, a reference taken */
struct page *filemap_get_page(struct inode *inode, unsigned long index);
#endif
