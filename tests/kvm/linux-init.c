/* init (PID 1) of the Linux guest that tests/kvm boots under vmm --accel kvm: proves
 * that Linux reached user space, reports what Linux sees, optionally echoes one line
 * of console input, and ends the VM. Chosen by the kernel command line, whose
 * unknown key=value words Linux hands to init as environment variables:
 *   vmmtest=poweroff (default)  print and power off (PSCI SYSTEM_OFF: vmm status 0)
 *   vmmtest=input               also read one line from the console and echo it
 *   vmmtest=reboot              print and reboot (PSCI SYSTEM_RESET)
 * Built statically with the aarch64 cross compiler; the only file in its initramfs. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static void print_file(const char *label, const char *path)
{
	char buf[256] = "?";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (n > 0)
		buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	printf("init: %s: %s\n", label, buf);
	if (fd >= 0)
		close(fd);
}

static void echo_one_line(void)
{
	char line[256];

	/* The console is a tty in canonical mode: read() returns one typed line. */
	printf("init: type a line\n");
	fflush(stdout);
	ssize_t n = read(0, line, sizeof(line) - 1);

	if (n < 0)
		n = 0;
	line[n] = 0;
	line[strcspn(line, "\r\n")] = 0;
	printf("init: read '%s' from the console\n", line);
}

int main(void)
{
	const char *mode = getenv("vmmtest");

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("init: hello from user space\n");
	print_file("CPUs online", "/sys/devices/system/cpu/online");
	print_file("kernel", "/proc/sys/kernel/osrelease");
	if (mode && !strcmp(mode, "input"))
		echo_one_line();
	sync();
	if (mode && !strcmp(mode, "reboot")) {
		printf("init: rebooting\n");
		reboot(RB_AUTOBOOT);
	}
	printf("init: powering off\n");
	reboot(RB_POWER_OFF);
	return 1;
}
