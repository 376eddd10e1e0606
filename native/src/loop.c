/* The monitor's event loop: container output -> log + attach clients, clients -> stdin/resize,
 * SIGCHLD -> exit status, then the exit file. Single-threaded, level-triggered epoll. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define DRAIN_AFTER_EXIT_MS 2000
#define MAX_CLIENT_FRAME (1 << 20)
/* Attach clients get backpressure, as in Docker: while one is more than CLIENT_HIGH_WATER
 * behind, the shim stops reading the container's output (the container blocks on its pipe),
 * but a client stuck that way for CLIENT_STALL_MS is dropped so it cannot freeze the container. */
#define CLIENT_HIGH_WATER (1 << 20)
#define CLIENT_STALL_MS 5000
#define MAX_CLIENT_PENDING (16 << 20) /* hard memory bound, reached only while finishing */
/* Above this much unwritten stdin we stop reading clients until the container catches up. */
#define MAX_STDIN_PENDING (1 << 20)

enum kind { K_SIGNAL, K_STREAM, K_STDIN, K_LISTEN, K_CLIENT };

/* Every epoll registration points at one of these (first member of each object). */
struct watch {
	enum kind kind;
};

struct stream {
	struct watch w;
	int fd;
	enum frame_type type;
	struct line_splitter lines;
};

struct client {
	struct watch w;
	int fd;
	bool dead;
	bool pollout;	     /* EPOLLOUT registered: output is waiting for the socket */
	int64_t behind_since; /* when it went above CLIENT_HIGH_WATER, or 0 */
	struct buf in, out;
	struct client *next;
};

static struct {
	const struct options *o;
	int ep;
	struct log_writer *log;
	struct stream streams[2];
	int nstreams;
	struct watch sig_w, listen_w, stdin_w;
	int sig_fd, listen_fd, tty_fd;
	int stdin_fd;
	bool stdin_watched, stdin_close_requested, stdin_full;
	struct buf stdin_buf;
	struct client *clients;
	bool any_client;
	bool holding;	 /* exec --wait-attach: output not read yet */
	bool streams_on; /* output fds registered in epoll */
	int64_t hold_until;
	pid_t pid;
	bool exited;
	int status;
	struct timespec exited_at;
	int64_t drain_until;
} S;

static void ep_set(int op, int fd, uint32_t events, struct watch *w)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	(void)epoll_ctl(S.ep, op, fd, &ev);
}

static int open_streams(void)
{
	int n = 0;
	for (int i = 0; i < S.nstreams; i++)
		n += S.streams[i].fd >= 0;
	return n;
}

/* ---- attach clients ---- */

static void client_drop(struct client *c)
{
	if (c->dead)
		return;
	epoll_ctl(S.ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->dead = true; /* freed after the current batch of events, which may still name it */
}

static void client_update(struct client *c)
{
	c->pollout = c->out.len > 0;
	uint32_t ev = (S.stdin_full ? 0 : EPOLLIN) | (c->pollout ? EPOLLOUT : 0);
	ep_set(EPOLL_CTL_MOD, c->fd, ev, &c->w);
}

static void client_flush(struct client *c)
{
	while (c->out.len > 0) {
		ssize_t w = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			client_drop(c);
			return;
		}
		buf_consume(&c->out, (size_t)w);
	}
	if (c->out.len <= CLIENT_HIGH_WATER)
		c->behind_since = 0;
	if (c->pollout != (c->out.len > 0))
		client_update(c);
}

static void put_frame(struct buf *b, enum frame_type type, const void *data, size_t n)
{
	unsigned char h[FRAME_HEADER] = { (unsigned char)type, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
					  (unsigned char)(n >> 8), (unsigned char)n };
	buf_put(b, h, sizeof h);
	buf_put(b, data, n);
}

static void broadcast(enum frame_type type, const void *data, size_t n)
{
	for (struct client *c = S.clients; c; c = c->next) {
		if (c->dead)
			continue;
		bool was_empty = c->out.len == 0;
		put_frame(&c->out, type, data, n);
		if (c->out.len > MAX_CLIENT_PENDING) {
			client_drop(c);
			continue;
		}
		if (was_empty)
			client_flush(c);
		if (!c->dead && c->out.len > CLIENT_HIGH_WATER && !c->behind_since)
			c->behind_since = monotonic_ms();
	}
}

static void set_stdin_full(bool full)
{
	if (full == S.stdin_full)
		return;
	S.stdin_full = full;
	for (struct client *c = S.clients; c; c = c->next)
		if (!c->dead)
			client_update(c);
}

static void stdin_close(void)
{
	if (S.stdin_fd < 0)
		return;
	if (S.stdin_watched)
		epoll_ctl(S.ep, EPOLL_CTL_DEL, S.stdin_fd, NULL);
	close(S.stdin_fd);
	S.stdin_fd = -1;
	S.stdin_watched = false;
	buf_free(&S.stdin_buf);
	set_stdin_full(false);
}

static void stdin_flush(void)
{
	while (S.stdin_fd >= 0 && S.stdin_buf.len > 0) {
		ssize_t w = write(S.stdin_fd, S.stdin_buf.p, S.stdin_buf.len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			stdin_close(); /* EPIPE: the container closed its stdin or exited */
			return;
		}
		buf_consume(&S.stdin_buf, (size_t)w);
	}
	if (S.stdin_fd < 0)
		return;
	if (S.stdin_buf.len == 0 && S.stdin_close_requested) {
		stdin_close();
		return;
	}
	bool want = S.stdin_buf.len > 0;
	if (want != S.stdin_watched) {
		ep_set(want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, S.stdin_fd, EPOLLOUT, &S.stdin_w);
		S.stdin_watched = want;
	}
	set_stdin_full(S.stdin_buf.len > MAX_STDIN_PENDING);
}

static void handle_frame(unsigned char type, const char *p, size_t n)
{
	switch (type) {
	case FRAME_STDIN:
		if (S.stdin_fd >= 0 && !S.stdin_close_requested) {
			buf_put(&S.stdin_buf, p, n);
			stdin_flush();
		}
		break;
	case FRAME_CLOSE_STDIN:
		/* With a TTY this only stops further input; the pty itself stays open for output. */
		if (S.stdin_fd >= 0) {
			S.stdin_close_requested = true;
			stdin_flush();
		}
		break;
	case FRAME_RESIZE: {
		char s[64];
		unsigned rows, cols;
		if (S.tty_fd < 0 || n >= sizeof s)
			break;
		memcpy(s, p, n);
		s[n] = '\0';
		if (sscanf(s, "%u %u", &rows, &cols) == 2 && rows > 0 && cols > 0 && rows < 65536 && cols < 65536) {
			struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
			(void)ioctl(S.tty_fd, TIOCSWINSZ, &ws);
		}
		break;
	}
	default:
		break; /* unknown or shim->client types from a client: ignored */
	}
}

static void client_read(struct client *c)
{
	char tmp[65536];
	ssize_t r = read_retry(c->fd, tmp, sizeof tmp);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r <= 0) {
		client_drop(c);
		return;
	}
	buf_put(&c->in, tmp, (size_t)r);
	size_t off = 0;
	while (c->in.len - off >= FRAME_HEADER) {
		const unsigned char *h = (const unsigned char *)c->in.p + off;
		size_t n = ((size_t)h[1] << 24) | ((size_t)h[2] << 16) | ((size_t)h[3] << 8) | h[4];
		if (n > MAX_CLIENT_FRAME) {
			client_drop(c);
			return;
		}
		if (c->in.len - off < FRAME_HEADER + n)
			break;
		handle_frame(h[0], (const char *)h + FRAME_HEADER, n);
		off += FRAME_HEADER + n;
	}
	buf_consume(&c->in, off);
}

static void accept_clients(void)
{
	for (;;) {
		int fd = accept4(S.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return; /* EAGAIN, or EMFILE: the client waits in the backlog */
		}
		struct client *c = calloc(1, sizeof *c);
		if (!c)
			abort();
		c->w.kind = K_CLIENT;
		c->fd = fd;
		c->next = S.clients;
		S.clients = c;
		S.any_client = true;
		ep_set(EPOLL_CTL_ADD, fd, S.stdin_full ? 0 : EPOLLIN, &c->w);
	}
}

static void free_dead_clients(void)
{
	struct client **pp = &S.clients;
	while (*pp) {
		struct client *c = *pp;
		if (c->dead) {
			*pp = c->next;
			buf_free(&c->in);
			buf_free(&c->out);
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

/* ---- container output ---- */

static void stream_close(struct stream *s)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	lines_finish(&s->lines, S.log, &now);
	log_flush(S.log);
	if (S.streams_on)
		epoll_ctl(S.ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
}

/* Returns false when there is nothing more to read right now. */
static bool stream_read(struct stream *s)
{
	static char data[65536];
	ssize_t r = read_retry(s->fd, data, sizeof data);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return false;
	if (r <= 0) {
		stream_close(s); /* EOF, or EIO from a pty master once the last slave fd closed */
		return false;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	lines_feed(&s->lines, S.log, data, (size_t)r, &now);
	log_flush(S.log);
	broadcast(s->type, data, (size_t)r);
	return true;
}

/* Earliest time a lagging client started lagging, or 0; drops clients stuck too long. */
static int64_t oldest_lag(int64_t now)
{
	int64_t oldest = 0;
	for (struct client *c = S.clients; c; c = c->next) {
		if (c->dead || !c->behind_since)
			continue;
		if (now - c->behind_since >= CLIENT_STALL_MS) {
			client_drop(c);
			continue;
		}
		if (!oldest || c->behind_since < oldest)
			oldest = c->behind_since;
	}
	return oldest;
}

/* Output is read unless held for the first client or paused for a lagging one. */
static void update_streams(bool want)
{
	if (want == S.streams_on)
		return;
	S.streams_on = want;
	for (int i = 0; i < S.nstreams; i++)
		if (S.streams[i].fd >= 0)
			ep_set(want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, S.streams[i].fd, EPOLLIN, &S.streams[i].w);
}

static void release_output(void)
{
	S.holding = false;
	if (S.exited)
		S.drain_until = monotonic_ms() + DRAIN_AFTER_EXIT_MS;
}

/* ---- exit ---- */

static void reap(void)
{
	struct signalfd_siginfo si;
	while (read(S.sig_fd, &si, sizeof si) > 0)
		;
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);
		if (p <= 0)
			return; /* 0: others still running; -1 ECHILD: none left */
		/* Orphans of the container re-parented to us are reaped and forgotten. */
		if (p == S.pid && !S.exited) {
			S.exited = true;
			S.status = status;
			clock_gettime(CLOCK_REALTIME, &S.exited_at);
			S.drain_until = monotonic_ms() + DRAIN_AFTER_EXIT_MS;
		}
	}
}

static void exit_json(struct buf *b)
{
	char when[40], s[256];
	format_time(when, &S.exited_at);
	int code, sig = 0;
	if (WIFSIGNALED(S.status)) {
		sig = WTERMSIG(S.status);
		code = 128 + sig; /* as Docker reports a killed container */
	} else {
		code = WEXITSTATUS(S.status);
	}
	char sigs[16] = "null";
	if (sig)
		snprintf(sigs, sizeof sigs, "%d", sig);
	snprintf(s, sizeof s, "{\"exitCode\":%d,\"signal\":%s,\"exitedAt\":\"%s\",\"pid\":%d}\n", code, sigs, when,
		 (int)S.pid);
	buf_puts(b, s);
}

/* temp + fsync + rename + fsync(dir): the engine sees the whole file or none. */
static void write_exit_file(const struct buf *b)
{
	const char *path = S.o->exit_file;
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	if (!tmp)
		abort();
	snprintf(tmp, n, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		int ok = write_all(fd, b->p, b->len) == 0 && fsync(fd) == 0;
		close(fd);
		if (ok && rename(tmp, path) == 0) {
			char *dir = strdup(path);
			char *slash = strrchr(dir, '/');
			if (slash)
				*(slash == dir ? slash + 1 : slash) = '\0';
			int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
			free(dir);
		} else {
			unlink(tmp);
		}
	}
	free(tmp);
}

static void finish(void)
{
	/* Whatever is already in the pipes still belongs to the log, even when a straggler
	 * holds them open past the deadline (bounded, in case it keeps writing). */
	for (int i = 0; i < S.nstreams; i++) {
		for (int k = 0; k < 256 && S.streams[i].fd >= 0; k++)
			if (!stream_read(&S.streams[i]))
				break;
		if (S.streams[i].fd >= 0) {
			struct timespec now;
			clock_gettime(CLOCK_REALTIME, &now);
			lines_finish(&S.streams[i].lines, S.log, &now);
		}
	}
	log_flush(S.log);

	struct buf b = { 0 };
	exit_json(&b);
	write_exit_file(&b);
	broadcast(FRAME_EXIT, b.p, b.len);
	/* Give attached clients a bounded chance to receive the tail and the exit frame. */
	for (struct client *c = S.clients; c; c = c->next) {
		if (c->dead)
			continue;
		int fl = fcntl(c->fd, F_GETFL);
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
		struct timeval tv = { .tv_sec = 1 };
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		(void)write_all(c->fd, c->out.p, c->out.len);
		close(c->fd);
	}
	unlink("attach.sock");
}

int run_monitor(const struct options *o, const struct monitor_setup *m, int sig_fd, struct log_writer *log)
{
	S.o = o;
	S.log = log;
	S.pid = m->pid;
	S.sig_fd = sig_fd;
	S.listen_fd = m->listen_fd;
	S.tty_fd = m->tty_fd;
	S.stdin_fd = m->stdin_fd;
	S.sig_w.kind = K_SIGNAL;
	S.listen_w.kind = K_LISTEN;
	S.stdin_w.kind = K_STDIN;
	S.ep = epoll_create1(EPOLL_CLOEXEC);
	if (S.ep < 0)
		return 1;

	struct stream *out = &S.streams[S.nstreams++];
	*out = (struct stream){ .w.kind = K_STREAM, .fd = m->out_fd, .type = FRAME_STDOUT };
	out->lines.stream = "stdout";
	if (m->err_fd >= 0) {
		struct stream *err = &S.streams[S.nstreams++];
		*err = (struct stream){ .w.kind = K_STREAM, .fd = m->err_fd, .type = FRAME_STDERR };
		err->lines.stream = "stderr";
	}

	ep_set(EPOLL_CTL_ADD, sig_fd, EPOLLIN, &S.sig_w);
	ep_set(EPOLL_CTL_ADD, S.listen_fd, EPOLLIN, &S.listen_w);
	S.holding = true;
	S.hold_until = monotonic_ms() + (o->wait_attach_ms > 0 ? o->wait_attach_ms : 0);
	reap(); /* the process may have exited before SIGCHLD was being watched */

	for (;;) {
		int64_t now = monotonic_ms();
		if (S.holding && (S.any_client || now >= S.hold_until))
			release_output();
		if (S.exited && !S.holding && (open_streams() == 0 || now >= S.drain_until))
			break;

		int64_t lag = oldest_lag(now);
		free_dead_clients();
		update_streams(!S.holding && !lag);

		int64_t wake = 0; /* the next deadline, if any */
		if (S.holding)
			wake = S.hold_until;
		else if (S.exited)
			wake = S.drain_until;
		if (lag && (!wake || lag + CLIENT_STALL_MS < wake))
			wake = lag + CLIENT_STALL_MS;
		int timeout = wake ? (int)(wake > now ? wake - now : 0) : -1;

		struct epoll_event evs[32];
		int n = epoll_wait(S.ep, evs, 32, timeout);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct watch *w = evs[i].data.ptr;
			switch (w->kind) {
			case K_SIGNAL:
				reap();
				break;
			case K_STREAM: {
				struct stream *s = (struct stream *)w;
				if (s->fd >= 0)
					stream_read(s);
				break;
			}
			case K_STDIN:
				stdin_flush();
				break;
			case K_LISTEN:
				accept_clients();
				break;
			case K_CLIENT: {
				struct client *c = (struct client *)w;
				if (c->dead)
					break;
				if (evs[i].events & EPOLLOUT)
					client_flush(c);
				if (!c->dead && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
					client_read(c);
				break;
			}
			}
		}
		free_dead_clients();
	}
	finish();
	return 0;
}
