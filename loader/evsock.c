// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/evsock.h"
#include "loader/metrics.h"

struct reader {
	int fd;
	char *buf;
	size_t len;
	uint64_t dropped; /* not yet announced to this reader */
	uint64_t dropped_total;
	bool want_out; /* EPOLLOUT registered */
};

static struct {
	int lfd, epfd;
	char path[108];
	struct reader r[EVSOCK_MAX_READERS];
	int n;
} ev = { .lfd = -1, .epfd = -1 };

static void mkdir_parent(const char *path)
{
	char dir[108];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
}

int unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	mkdir_parent(path);
	/* a socket left by a loader that was killed; never a file of another kind */
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) || listen(fd, 16)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int evsock_open(const char *path)
{
	snprintf(ev.path, sizeof(ev.path), "%s", path);
	ev.lfd = unix_listen(path);
	return ev.lfd < 0 ? ev.lfd : 0;
}

int epoll_watch_in(int epfd, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 ? 0 : epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
}

void evsock_watch(int epfd)
{
	ev.epfd = epfd;
	epoll_watch_in(epfd, ev.lfd);
}

static void drop_reader(int i)
{
	struct reader *r = &ev.r[i];

	epoll_ctl(ev.epfd, EPOLL_CTL_DEL, r->fd, NULL);
	close(r->fd);
	free(r->buf);
	ev.r[i] = ev.r[--ev.n];
}

static void set_out(struct reader *r, bool on)
{
	struct epoll_event e = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.fd = r->fd };

	if (r->want_out == on)
		return;
	r->want_out = on;
	epoll_ctl(ev.epfd, EPOLL_CTL_MOD, r->fd, &e);
}

static bool put(struct reader *r, const char *s, size_t len)
{
	if (r->len + len > EVSOCK_BUF)
		return false;
	memcpy(r->buf + r->len, s, len);
	r->len += len;
	return true;
}

/* Tell the reader what it lost, as soon as there is room for the notice and the next alert. */
static void announce(struct reader *r, size_t next_len)
{
	char line[256], ts[64];
	struct timespec now;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &now);
	format_rfc3339((uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec, ts, sizeof(ts));
	n = snprintf(line, sizeof(line),
		     "{\"time\":\"%s\",\"type\":\"dropped\",\"reason\":\"reader too slow\","
		     "\"dropped\":%llu,\"dropped_total\":%llu}\n",
		     ts, (unsigned long long)r->dropped, (unsigned long long)r->dropped_total);
	if (r->len + n + next_len <= EVSOCK_BUF && put(r, line, n))
		r->dropped = 0;
}

/* Send what is buffered, and the news of what was lost once there is room; false: gone. */
static bool flush(struct reader *r)
{
	for (;;) {
		ssize_t n;

		if (r->dropped)
			announce(r, 0);
		if (!r->len)
			break;
		n = send(r->fd, r->buf, r->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0)
			return false;
		memmove(r->buf, r->buf + n, r->len - n);
		r->len -= n;
	}
	set_out(r, r->len > 0);
	return true;
}

void evsock_send(const char *line, size_t len)
{
	for (int i = 0; i < ev.n; i++) {
		struct reader *r = &ev.r[i];

		if (r->dropped)
			announce(r, len);
		if (r->dropped || !put(r, line, len)) {
			r->dropped++;
			r->dropped_total++;
			metrics_output_drop("socket");
		}
		if (!flush(r))
			drop_reader(i--);
	}
}

static void accept_readers(void)
{
	for (;;) {
		int fd = accept4(ev.lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct reader *r;

		if (fd < 0)
			return;
		if (ev.n == EVSOCK_MAX_READERS) {
			static const char full[] =
				"{\"type\":\"error\",\"reason\":\"too many readers\"}\n";

			send(fd, full, sizeof(full) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
			close(fd);
			log_warn("events socket: more than %d readers, refusing one",
				 EVSOCK_MAX_READERS);
			continue;
		}
		r = &ev.r[ev.n];
		memset(r, 0, sizeof(*r));
		r->fd = fd;
		r->buf = malloc(EVSOCK_BUF);
		if (!r->buf || epoll_watch_in(ev.epfd, fd)) {
			free(r->buf);
			close(fd);
			continue;
		}
		ev.n++;
	}
}

bool evsock_event(int fd, uint32_t events)
{
	char junk[512];

	if (fd < 0)
		return false;
	if (fd == ev.lfd) {
		accept_readers();
		return true;
	}
	for (int i = 0; i < ev.n; i++) {
		struct reader *r = &ev.r[i];

		if (r->fd != fd)
			continue;
		/* readers send nothing; EOF or an error means it left */
		if (events & EPOLLIN) {
			ssize_t n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				events |= EPOLLHUP;
		}
		if ((events & (EPOLLHUP | EPOLLERR)) || ((events & EPOLLOUT) && !flush(r)))
			drop_reader(i);
		return true;
	}
	return false;
}

int evsock_readers(void)
{
	return ev.n;
}

void evsock_close(void)
{
	while (ev.n)
		drop_reader(ev.n - 1);
	if (ev.lfd >= 0) {
		close(ev.lfd);
		unlink(ev.path);
	}
	ev.lfd = -1;
}
