/* Starting and stopping the monitor: what PATH may be (nothing, or a stale socket;
 * never a file, nor a socket someone listens on), the socket removed at the stop,
 * and a target without the model's parts (KVM) answering the model-only commands
 * with NotSupported. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vmm-monitor-start-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.sock", dir);
	scenario_4k(&hfake);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	fake__free(&hfake);
	return 0;
}

static int start(char *err, size_t len)
{
	struct monitor_config cfg = { .path = path, .version = "t", .engine = "kvm" };

	return monitor__start(&cfg, &fake_ops, &hfake, err, len);
}

/* A socket bound at path; listening or not. */
static int bound_socket(bool listening)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(a.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (listening)
		assert_int_equal(listen(fd, 1), 0);
	return fd;
}

static void a_file_at_path_is_never_replaced(void **state)
{
	char err[256];
	struct stat st;
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	(void)state;
	assert_true(write(fd, "keep", 4) == 4);
	close(fd);
	assert_int_equal(start(err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "exists and is not a socket"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
}

static void a_socket_in_use_is_refused(void **state)
{
	char err[256];
	int fd = bound_socket(true);

	(void)state;
	assert_int_equal(start(err, sizeof(err)), -EADDRINUSE);
	assert_non_null(strstr(err, "in use by a running monitor"));
	close(fd);
}

/* A socket nobody listens on (a vmm that died) is replaced; the stop removes it. */
static void a_stale_socket_is_replaced_and_removed_at_the_stop(void **state)
{
	char err[256];
	struct stat st;

	(void)state;
	close(bound_socket(false));
	assert_int_equal(start(err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	monitor__stop();
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	monitor__stop(); /* twice: harmless */
}

/* KVM has no TLB or cache model: tlb, cache and stats say what they need. */
static void model_only_commands_on_kvm_are_not_supported(void **state)
{
	static const char *const cmds[] = { "tlb", "cache", "stats" };
	char err[256];

	(void)state;
	assert_int_equal(start(err, sizeof(err)), 0);
	strcpy(hsock, path);
	for (size_t i = 0; i < 3; i++) {
		char *out, *e;

		assert_int_equal(h_inspect(&out, &e, "%s", cmds[i]), 1);
		assert_non_null(strstr(e, "NotSupported: "));
		assert_non_null(strstr(e, "needs the model engine (vmm run --accel model)"));
		free(out);
		free(e);
	}
	monitor__stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_file_at_path_is_never_replaced),
		T(a_socket_in_use_is_refused),
		T(a_stale_socket_is_replaced_and_removed_at_the_stop),
		T(model_only_commands_on_kvm_are_not_supported),
	};
	return cmocka_run_group_tests_name("monitor start and stop", tests, NULL, NULL);
}
