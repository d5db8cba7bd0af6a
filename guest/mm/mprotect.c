/*
 * mprotect and madvise (Linux: mm/mprotect.c, mm/madvise.c). mprotect needs the whole
 * range mapped (else -ENOMEM, nothing changed), splits the VMAs at its ends, sets the
 * new access flags, rewrites the present PTEs (change_protection: break-before-make,
 * TLBI by ASID and VA; private pages stay read-only so that a later write still goes
 * through copy-on-write) and merges neighbours that became alike. A shared file mapping
 * of a file not opened for writing cannot be made writable (VM_MAYWRITE).
 * madvise(MADV_DONTNEED) drops the range's pages: the next access sees zeros (private
 * anonymous), the file again (private file) or the shared page (shared).
 * Left out from Linux: PROT_GROWSDOWN/UP, pkeys, MADV_FREE/COLD/PAGEOUT/hugepage
 * advice (accepted no-op: NORMAL, RANDOM, SEQUENTIAL, WILLNEED; others -EINVAL).
 */
#include <kernel.h>
#include <linux/errno.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/sched.h>

static unsigned long prot_to_vm(unsigned long prot)
{
	unsigned long f = 0;

	if (prot & PROT_READ)
		f |= VM_READ;
	if (prot & PROT_WRITE)
		f |= VM_WRITE | VM_READ;
	if (prot & PROT_EXEC)
		f |= VM_EXEC | VM_READ;
	return f;
}

int mprotect_fixup(struct mm_struct *mm, unsigned long start, unsigned long end,
		   unsigned long prot)
{
	unsigned long newacc = prot_to_vm(prot);
	struct vm_area_struct *vma = find_vma(mm, start), *v;

	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	for (v = vma; v && v->vm_start < end; v = v->vm_next) {
		if (v->vm_end < end && (!v->vm_next || v->vm_next->vm_start != v->vm_end))
			return -ENOMEM;		/* a hole in the range */
		if ((newacc & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE))
			return -EACCES;
	}
	if (vma->vm_start < start) {
		if (split_vma(mm, vma, start, 0))
			return -ENOMEM;
		vma = vma->vm_next;
	}
	while (vma && vma->vm_start < end) {
		if (vma->vm_end > end && split_vma(mm, vma, end, 0))
			return -ENOMEM;
		vma->vm_flags = (vma->vm_flags & ~VM_ACCESS_FLAGS) | newacc;
		change_protection(vma, vma->vm_start, vma->vm_end);
		vma = vma_merge_around(mm, vma)->vm_next;
	}
	return 0;
}

long sys_mprotect(unsigned long start, unsigned long len, unsigned long prot)
{
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	unsigned long end = start + len;
	if (end < start || end > TASK_SIZE)
		return -ENOMEM;
	if (!len)
		return 0;
	return mprotect_fixup(current->mm, start, end, prot);
}

long sys_madvise(unsigned long start, unsigned long len, int advice)
{
	struct mm_struct *mm = current->mm;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	unsigned long end = start + len;
	if (end < start)
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
		return 0;
	case MADV_DONTNEED:
		break;
	default:
		return -EINVAL;
	}
	long ret = 0;
	unsigned long covered = start;
	for (struct vm_area_struct *v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next) {
		if (v->vm_start > covered)
			ret = -ENOMEM;	/* unmapped parts: reported, the rest still done */
		zap_page_range(v, max(start, v->vm_start), min(end, v->vm_end));
		covered = v->vm_end;
	}
	if (covered < end)
		ret = -ENOMEM;
	return ret;
}
