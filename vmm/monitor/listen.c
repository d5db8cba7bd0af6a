/* The listening socket: created 0600 without touching the process umask (bound in a
 * private 0700 directory, then hard-linked into place, which also refuses to replace
 * anything), refusing a PATH that exists unless it is a socket nobody listens on;
 * and the peer-credential check of every client. */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"

static int fail(char *err, size_t len, int rc, const char *fmt, const char *path)
{
	snprintf(err, len, fmt, path, strerror(-rc));
	return rc;
}

static int set_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	strcpy(a->sun_path, path);
	return 0;
}

/* PATH exists: a socket nobody accepts on is stale (removed); anything else stays. */
static int clear_stale(const char *path, char *err, size_t len)
{
	struct sockaddr_un a;
	struct stat st;
	int s, rc;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return fail(err, len, -errno, "monitor: cannot check %s: %s", path);
	}
	if (!S_ISSOCK(st.st_mode))
		return fail(err, len, -EEXIST, "monitor: %s exists and is not a socket (%s): "
			    "not replacing it", path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail(err, len, -errno, "monitor: socket for %s: %s", path);
	rc = set_addr(&a, path) ? -ENAMETOOLONG :
	     connect(s, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
	close(s);
	if (rc == 0)
		return fail(err, len, -EADDRINUSE, "monitor: %s is in use by a running "
			    "monitor (%s)", path);
	if (rc != -ECONNREFUSED)
		return fail(err, len, rc, "monitor: %s is a socket that cannot be probed: %s",
			    path);
	if (unlink(path) && errno != ENOENT)
		return fail(err, len, -errno, "monitor: cannot remove the stale socket %s: %s",
			    path);
	return 0;
}

/* Bind and listen at dir/s inside a fresh 0700 directory next to path. */
static int bind_private(const char *path, char *dir, size_t dlen, char *tmp, size_t tlen)
{
	char copy[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
	struct sockaddr_un a;
	int fd;

	if (strlen(path) >= sizeof(copy))
		return -ENAMETOOLONG;
	strcpy(copy, path);
	if ((size_t)snprintf(dir, dlen, "%s/.vmm-monitor-XXXXXX", dirname(copy)) >= dlen)
		return -ENAMETOOLONG;
	if (!mkdtemp(dir))
		return -errno;
	if ((size_t)snprintf(tmp, tlen, "%s/s", dir) >= tlen || set_addr(&a, tmp)) {
		rmdir(dir);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || chmod(tmp, 0600) ||
	    listen(fd, 8)) {
		int rc = -errno;

		if (fd >= 0)
			close(fd);
		unlink(tmp);
		rmdir(dir);
		return rc;
	}
	return fd;
}

int listen__open(const char *path, struct listen_sock *ls, char *err, size_t len)
{
	char dir[512], tmp[520];
	struct sockaddr_un a;
	struct stat st;
	int fd, rc;

	if (set_addr(&a, path))
		return fail(err, len, -ENAMETOOLONG, "monitor: socket path %s: %s", path);
	rc = clear_stale(path, err, len);
	if (rc)
		return rc;
	fd = bind_private(path, dir, sizeof(dir), tmp, sizeof(tmp));
	if (fd < 0)
		return fail(err, len, fd, "monitor: cannot create a socket next to %s: %s", path);
	rc = link(tmp, path) ? -errno : 0;
	unlink(tmp);
	rmdir(dir);
	if (rc == 0 && lstat(path, &st))
		rc = -errno;
	if (rc) {
		close(fd);
		return fail(err, len, rc, rc == -EEXIST ?
			    "monitor: %s appeared while the monitor started (%s)" :
			    "monitor: cannot create %s: %s", path);
	}
	ls->fd = fd;
	ls->dev = st.st_dev;
	ls->ino = st.st_ino;
	return 0;
}

void listen__close(struct listen_sock *ls, const char *path)
{
	struct stat st;

	if (ls->fd < 0)
		return;
	close(ls->fd);
	ls->fd = -1;
	/* remove PATH only while it is still our socket */
	if (!lstat(path, &st) && st.st_dev == ls->dev && st.st_ino == ls->ino)
		unlink(path);
}

int listen__peer_ok(int fd, char *why, size_t len)
{
	struct ucred cred;
	socklen_t n = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &n)) {
		snprintf(why, len, "cannot read the client's credentials: %s", strerror(errno));
		return -errno;
	}
	if (cred.uid != geteuid()) {
		snprintf(why, len, "client uid %u is not vmm's (%u): refused",
			 (unsigned)cred.uid, (unsigned)geteuid());
		return -EACCES;
	}
	return 0;
}
