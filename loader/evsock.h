/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events socket: a unix stream socket any number of readers follow, one JSON alert a line.
 * Each reader has a bounded buffer; what does not fit is dropped for that reader alone, counted,
 * and announced in its stream ({"type":"dropped","dropped":N,...}) once it catches up.
 */
#ifndef DCEA_EVSOCK_H
#define DCEA_EVSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSOCK_MAX_READERS 64
#define EVSOCK_BUF	   (256 << 10) /* per reader: ~1000 alerts */

/*
 * A non-blocking unix stream socket listening at `path`, mode 0600: its directory is created, a
 * stale socket (never a file of another kind) replaced. The fd or negative errno.
 */
int unix_listen(const char *path);

/* Add `fd` (if >= 0) to `epfd` for EPOLLIN, the fd as its data; 0 or -1 with errno. */
int epoll_watch_in(int epfd, int fd);

/* Listen on `path` (its directory is created, a stale socket replaced); 0 or negative errno. */
int evsock_open(const char *path);
void evsock_watch(int epfd);
/* Handle an epoll event if `fd` is ours; false otherwise. */
bool evsock_event(int fd, uint32_t events);
/* Queue one line (with its newline) to every reader, without blocking. */
void evsock_send(const char *line, size_t len);
int evsock_readers(void);
void evsock_close(void);

#endif
