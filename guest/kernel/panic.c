/* panic(): report and stop the run with the fatal status (Linux: kernel/panic.c). */
#include <kernel.h>
#include <vmm_exit.h>

void printk_bust_lock(void);

void panic(const char *fmt, ...)
{
	static int panicking;
	va_list ap;

	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST))
		for (;;)
			__asm__ volatile("wfe");
	printk_bust_lock();
	printk("Kernel panic - not syncing: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n# fatal: kernel panic, stopping the test run (status 2)\n");
	vmm_exit__fatal();
}
