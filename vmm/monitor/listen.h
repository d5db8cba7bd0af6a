/* The monitor's listening socket and the check of each client's credentials. */
#ifndef MONITOR_LISTEN_H
#define MONITOR_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

struct listen_sock {
	int fd;
	dev_t dev;   /* the socket file, to remove it only while it is ours */
	ino_t ino;
};

/* Create PATH (0600) and listen on it; 0 or -errno with one line in err. */
int listen__open(const char *path, struct listen_sock *ls, char *err, size_t len);
void listen__close(struct listen_sock *ls, const char *path);
/* 0 when the client runs as vmm's effective user; -EACCES (why says so) otherwise. */
int listen__peer_ok(int fd, char *why, size_t len);

#endif
