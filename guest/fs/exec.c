/*
 * execve of static AArch64 ELF programs (Linux: fs/exec.c, fs/binfmt_elf.c load_elf_binary,
 * arch/arm64 start_thread). A new mm is built before the old one is dropped: each
 * PT_LOAD segment is a private file mapping of the initramfs file (its page-cache pages,
 * copied on write), the part of memsz beyond filesz an anonymous mapping (bss), the
 * heap (brk) starts after the highest segment, the stack VMA is the top 128 KiB below
 * STACK_TOP and grows down on demand. Past the point of no return the task switches to
 * the new mm (new ASID on first switch), zeroes the bss part of the last file page
 * (padzero), and builds the initial stack as the ELF ABI wants it: argc, argv[],
 * NULL, envp[], NULL, auxv (AT_PAGESZ, AT_ENTRY, AT_NULL), then the strings.
 * Left out from Linux: interpreters (PT_INTERP), ET_DYN/PIE, binfmt_script and misc,
 * credentials (setuid), address randomisation, vDSO, AT_RANDOM/HWCAP and most auxv,
 * close-on-exec, signal reset, de_thread (no threads).
 */
#include <kernel.h>
#include <string.h>
#include <asm/irqflags.h>
#include <asm/mmu_context.h>
#include <asm/uaccess.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/sched.h>
#include <linux/slab.h>

#define EI_NIDENT 16
#define ET_EXEC 2
#define EM_AARCH64 183
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define MAX_ARG_STRINGS 32
#define MAX_ARG_BYTES 4096

struct elf64_hdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

unsigned long mmap_region_mm(struct mm_struct *mm, struct file *file, unsigned long addr,
			     unsigned long len, unsigned long prot, unsigned long pgoff);

/* Arguments copied into the kernel: count strings, then the strings back to back. */
struct linux_binprm {
	int argc, envc;
	unsigned long len;
	char buf[MAX_ARG_BYTES];
};

static int bprm_add(struct linux_binprm *b, const char *s)
{
	size_t n = strlen(s) + 1;

	if (b->len + n > sizeof(b->buf) || b->argc + b->envc >= MAX_ARG_STRINGS)
		return -E2BIG;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	return 0;
}

static int check_elf(const struct inode *in, const struct elf64_hdr *eh)
{
	if (in->i_size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4) ||
	    eh->e_ident[4] != 2 || eh->e_ident[5] != 1)
		return -ENOEXEC;		/* not ELF64 little endian */
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_AARCH64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum || eh->e_phnum > 16 ||
	    eh->e_phoff > in->i_size || eh->e_phnum * sizeof(struct elf64_phdr) > in->i_size - eh->e_phoff)
		return -ENOEXEC;
	return 0;
}

static unsigned long elf_prot(u32 f)
{
	return ((f & PF_R) ? PROT_READ : 0) | ((f & PF_W) ? PROT_WRITE : 0) |
	       ((f & PF_X) ? PROT_EXEC : 0);
}

/* The new mm: segments, bss, heap start, stack VMA. */
static int load_elf_mm(struct mm_struct *mm, struct inode *in, const struct elf64_hdr *eh,
		       unsigned long *bss_zero_start)
{
	const struct elf64_phdr *ph = (const void *)(in->data + eh->e_phoff);
	unsigned long elf_brk = 0;
	struct file *file = filp_open(in, O_RDONLY);
	int ret = 0;

	if (!file)
		return -ENOMEM;
	mm->start_code = ~0UL;
	*bss_zero_start = 0;
	for (int i = 0; i < eh->e_phnum && !ret; i++, ph++) {
		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_vaddr & ~PAGE_MASK) != (ph->p_offset & ~PAGE_MASK) ||
		    ph->p_filesz > ph->p_memsz || ph->p_offset + ph->p_filesz > in->i_size ||
		    ph->p_vaddr < MMAP_MIN_ADDR || ph->p_vaddr + ph->p_memsz > STACK_TOP / 2) {
			ret = -ENOEXEC;
			break;
		}
		unsigned long start = ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE);
		unsigned long fend = ph->p_vaddr + ph->p_filesz, mend = ph->p_vaddr + ph->p_memsz;
		unsigned long prot = elf_prot(ph->p_flags);
		if (fend > start) {
			unsigned long r = mmap_region_mm(mm, file, start, PAGE_ALIGN(fend) - start, prot,
							 ALIGN_DOWN(ph->p_offset, PAGE_SIZE) >> PAGE_SHIFT);
			if (IS_ERR_VALUE(r)) {
				ret = (long)r;
				break;
			}
		}
		if (PAGE_ALIGN(mend) > PAGE_ALIGN(fend)) {
			unsigned long r = mmap_region_mm(mm, NULL, PAGE_ALIGN(fend),
							 PAGE_ALIGN(mend) - PAGE_ALIGN(fend), prot, 0);
			if (IS_ERR_VALUE(r)) {
				ret = (long)r;
				break;
			}
		}
		if ((ph->p_flags & PF_W) && mend > fend && (fend & ~PAGE_MASK))
			*bss_zero_start = fend;
		if (ph->p_flags & PF_X) {
			mm->start_code = min(mm->start_code, start);
			mm->end_code = max(mm->end_code, fend);
		} else {
			if (!mm->start_data)
				mm->start_data = ph->p_vaddr;
			mm->end_data = max(mm->end_data, fend);
		}
		elf_brk = max(elf_brk, mend);
	}
	fput(file);		/* the VMAs hold their references */
	if (ret)
		return ret;
	mm->start_brk = mm->brk = PAGE_ALIGN(elf_brk);
	unsigned long r = mmap_region_mm(mm, NULL, STACK_TOP - STACK_INIT_SIZE, STACK_INIT_SIZE,
					 PROT_READ | PROT_WRITE, 0);
	if (IS_ERR_VALUE(r))
		return (long)r;
	find_vma(mm, STACK_TOP - 1)->vm_flags |= VM_GROWSDOWN;
	return 0;
}

/* The initial stack (fs/binfmt_elf.c create_elf_tables), in the new mm. */
static int create_elf_tables(struct linux_binprm *b, unsigned long entry, unsigned long *sp_out)
{
	unsigned long strings = STACK_TOP - 16 - ALIGN(b->len, 16);	/* strings at the top */
	unsigned long words = 1 + b->argc + 1 + b->envc + 1 + 6;
	unsigned long sp = ALIGN_DOWN(strings - words * 8, 16), s = strings;
	u64 vec[1 + MAX_ARG_STRINGS + 2 + 6];
	unsigned int w = 0;
	const char *k = b->buf;

	vec[w++] = b->argc;
	for (int i = 0; i < b->argc + b->envc; i++) {
		vec[w++] = s;
		size_t len = strlen(k) + 1;
		s += len;
		k += len;
		if (i == b->argc - 1)
			vec[w++] = 0;		/* argv[argc] */
	}
	if (!b->argc)
		vec[w++] = 0;
	vec[w++] = 0;				/* envp's NULL */
	vec[w++] = AT_PAGESZ;
	vec[w++] = PAGE_SIZE;
	vec[w++] = AT_ENTRY;
	vec[w++] = entry;
	vec[w++] = AT_NULL;
	vec[w++] = 0;
	if (copy_to_user((void *)strings, b->buf, b->len) || copy_to_user((void *)sp, vec, w * 8))
		return -EFAULT;
	current->mm->start_stack = sp;
	*sp_out = sp;
	return 0;
}

static int exec_binprm(const char *path, struct linux_binprm *b)
{
	struct inode *in = initramfs_lookup(path);
	unsigned long bss_zero, sp;

	if (!in)
		return -ENOENT;
	const struct elf64_hdr *eh = (const void *)in->data;
	int ret = check_elf(in, eh);
	if (ret)
		return ret;
	struct mm_struct *mm = mm_alloc(), *old;
	if (!mm)
		return -ENOMEM;
	mm->mm_users = 1;
	ret = load_elf_mm(mm, in, eh, &bss_zero);
	if (ret) {
		mmput(mm);
		return ret;
	}
	/* point of no return */
	struct task_struct *tsk = current;
	u64 flags = local_irq_save();
	old = tsk->mm;
	tsk->mm = mm;
	switch_mm(old, mm);
	local_irq_restore(flags);
	if (old)
		mmput(old);
	const char *base = path;
	for (const char *c = path; *c; c++)
		if (*c == '/')
			base = c + 1;
	snprintf(tsk->comm, sizeof(tsk->comm), "%s", base);
	if (bss_zero && clear_user((void *)bss_zero, PAGE_ALIGN(bss_zero) - bss_zero))
		goto fatal;
	if (create_elf_tables(b, eh->e_entry, &sp))
		goto fatal;
	struct pt_regs *regs = task_pt_regs(tsk);
	memset(regs, 0, sizeof(*regs));
	regs->pc = eh->e_entry;
	regs->sp = sp;
	regs->pstate = 0;		/* EL0t, interrupts unmasked */
	fpsimd_flush_thread();
	return 0;
fatal:
	printk("%s[%d]: execve: cannot set up the new image\n", tsk->comm, tsk->pid);
	do_exit(SIGSEGV);
}

int do_execve_kernel(const char *path, const char *const argv[])
{
	struct linux_binprm *b = kzalloc(sizeof(*b), GFP_KERNEL);
	int ret = 0;

	if (!b)
		return -ENOMEM;
	for (int i = 0; argv && argv[i] && !ret; i++) {
		ret = bprm_add(b, argv[i]);
		b->argc++;
	}
	if (!ret)
		ret = exec_binprm(path, b);
	kfree(b);
	return ret;
}

static int copy_strings(struct linux_binprm *b, const char *const __user *uv, int *count)
{
	char *s = kmalloc(MAX_ARG_BYTES, GFP_KERNEL);
	int ret = 0;

	if (!s)
		return -ENOMEM;
	for (int i = 0; uv; i++) {
		const char *up;
		if (get_user(up, uv + i)) {
			ret = -EFAULT;
			break;
		}
		if (!up)
			break;
		long n = strncpy_from_user(s, up, MAX_ARG_BYTES);
		if (n < 0) {
			ret = n == -ENAMETOOLONG ? -E2BIG : (int)n;
			break;
		}
		ret = bprm_add(b, s);
		if (ret)
			break;
		(*count)++;
	}
	kfree(s);
	return ret;
}

long sys_execve(const char __user *filename, const char *const __user *argv,
		const char *const __user *envp)
{
	char path[128];
	long n = strncpy_from_user(path, filename, sizeof(path));

	if (n < 0)
		return n;
	struct linux_binprm *b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	int ret = copy_strings(b, argv, &b->argc);
	if (!ret)
		ret = copy_strings(b, envp, &b->envc);
	if (!ret)
		ret = exec_binprm(path, b);
	kfree(b);
	return ret;
}
