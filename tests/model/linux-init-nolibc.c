/* init (PID 1) for Debian's arm64 kernel on --accel model, without a C library and
 * built with -mgeneral-regs-only, so that it needs no SIMD&FP instruction (a static
 * glibc's string functions use them): proves that Linux reached user space, says how
 * many CPUs it brought up, and powers off (PSCI SYSTEM_OFF: vmm status 0). The same
 * lines as tests/kvm/linux-init.c, which takes its place once the model has SIMD&FP.
 * Raw system calls with the arm64 numbers (include/uapi/asm-generic/unistd.h). */
#define SYS_mkdirat 34
#define SYS_mount 40
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_reboot 142
#define AT_FDCWD (-100)
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

static long sys(long n, long a, long b, long c, long d, long e)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
			 : "memory");
	return x0;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys(SYS_write, 1, (long)s, (long)len(s), 0, 0);
}

/* "init: LABEL: first line of PATH" */
static void print_file(const char *label, const char *path)
{
	char buf[128];
	long fd = sys(SYS_openat, AT_FDCWD, (long)path, 0, 0, 0), n = -1;
	if (fd >= 0) {
		n = sys(SYS_read, fd, (long)buf, sizeof(buf) - 1, 0, 0);
		sys(SYS_close, fd, 0, 0, 0, 0);
	}
	if (n <= 0) {
		buf[0] = '?';
		n = 1;
	}
	buf[n] = 0;
	for (long k = 0; k < n; k++)
		if (buf[k] == '\n')
			buf[k] = 0;
	put("init: ");
	put(label);
	put(": ");
	put(buf);
	put("\n");
}

void _start(void)
{
	sys(SYS_mkdirat, AT_FDCWD, (long)"/proc", 0755, 0, 0);
	sys(SYS_mkdirat, AT_FDCWD, (long)"/sys", 0755, 0, 0);
	sys(SYS_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0);
	sys(SYS_mount, (long)"sysfs", (long)"/sys", (long)"sysfs", 0, 0);
	put("init: hello from user space\n");
	print_file("CPUs online", "/sys/devices/system/cpu/online");
	print_file("kernel", "/proc/sys/kernel/osrelease");
	put("init: powering off\n");
	sys(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0, 0);
	sys(SYS_exit, 1, 0, 0, 0, 0);
	for (;;)
		;
}
