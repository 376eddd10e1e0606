/*
 * tstack-spawn: starts programs and does mount(2)/umount2(2) for the engine.
 *
 * Why: the engine is one big Node process; node's child_process.spawn forks it, so the kernel
 * copies (and then tears down) the page tables of ~100 MB for every runc, CNI plugin or mount.
 * This small process is started once; it starts programs with posix_spawn (glibc uses
 * clone(CLONE_VM|CLONE_VFORK): nothing is copied) and mounts with the syscalls themselves.
 *
 * PROTOCOL (stdin: requests, stdout: answers; docs/spawn.md has the same with examples)
 *   Frame:   u32 length N (little-endian), then N bytes of payload.
 *   Payload: u8 type, u32 id, then the type's fields. The client chooses ids; an answer carries
 *            its request's id back. Any number of requests may be in flight.
 *   Fields:  u32/u64 little-endian; bytes and str = u32 length + bytes (str holds no NUL);
 *            strv = u32 count + count strs.
 *
 *   Requests
 *   0x01 RUN    u32 flags, u64 max bytes per stream, str file, strv argv,
 *               [strv env "K=V" if flags&8], [str cwd if flags&16], bytes stdin input
 *               flags: 1 merge stderr into stdout (one pipe for both: arrival order)
 *                      2 detached (new session)   4 until-line   8 has env   16 has cwd
 *               Answers DONE, or LINE (until-line), or FAILED (cannot start: errno name;
 *               output beyond max: ENOBUFS, the child is SIGKILLed first).
 *   0x02 CANCEL (no fields) SIGKILL the run's child; the run then answers normally. No answer
 *               of its own; unknown or finished ids are ignored.
 *   0x03 MOUNT  u32 flags (1: has cwd), u64 mount(2) flags, str source, str target,
 *               str fstype, str data, [str cwd]. Empty fstype/data are passed as NULL.
 *               Answers OK or FAILED (errno name).
 *   0x04 UMOUNT u32 umount2(2) flags, str target. Answers OK or FAILED (errno name).
 *
 *   Answers
 *   0x80 HELLO  (id 0) u32 protocol version; sent once at start.
 *   0x81 DONE   u32 pid, u32 exit code (0 when a signal ended it), u32 signal number (0 if
 *               none), bytes stdout, bytes stderr
 *   0x82 LINE   u32 pid, bytes first stdout line (without '\n'), bytes stderr so far
 *   0x83 FAILED str code (errno name such as ENOENT, or EPROTO for a malformed request), str message
 *   0x84 OK     (no fields)
 *
 * Semantics
 *   - A run completes when its child has exited and both output pipes reached EOF (a background
 *     grandchild holding them open delays the answer, as with node's "close" event).
 *   - file is resolved like execvp: with a '/' as is (relative to cwd), else searched in PATH from
 *     env when given, else the helper's PATH, else /usr/bin:/bin. No ENOEXEC shell fallback.
 *   - Children get an empty signal mask, default dispositions, the 3 stdio pipes and no other fd
 *     of ours (every fd here is O_CLOEXEC). Without cwd they start in the helper's directory,
 *     which is the engine's at start-up (MOUNT's cwd is left again right after the call).
 *   - until-line: on the first '\n' on stdout the run answers LINE, closes our pipe ends and is
 *     forgotten; the child keeps running and is reaped whenever it exits. If it exits first, the
 *     run answers DONE as usual.
 *   - stdin EOF (the engine closed us or died, even by SIGKILL): exit at once, kill nothing.
 *     Running children are reparented to init; their output pipes are gone, so a child that
 *     writes afterwards gets SIGPIPE. Waiting for them instead could keep this process (and a
 *     closing engine) waiting on a program that never ends.
 *   - A frame shorter than 5 bytes or longer than 1 GiB ends the helper (status 2): the stream
 *     cannot be trusted after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "tspawn.h"

#define MAX_FRAME (1u << 30)

struct buf outq; /* answers not yet written, from outq_off on */
static size_t outq_off;
static struct buf inq; /* request bytes not yet parsed */
int start_dir = -1;

void die(const char *msg)
{
	fprintf(stderr, "tstack-spawn: %s\n", msg);
	exit(2);
}

const char *errno_name(int err)
{
	const char *name = strerrorname_np(err);
	return name ? name : "EUNKNOWN";
}

size_t answer_begin(uint8_t type, uint32_t id)
{
	size_t start = outq.len;
	put_u32(&outq, 0); /* the length, patched by answer_end */
	put_u8(&outq, type);
	put_u32(&outq, id);
	return start;
}

void answer_end(size_t start)
{
	uint32_t n = (uint32_t)(outq.len - start - 4);
	unsigned char le[4] = { n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff };
	memcpy(outq.p + start, le, 4);
}

static void vanswer_failed(uint32_t id, const char *code, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t f = answer_begin(ANS_FAILED, id);
	put_str(&outq, code);
	put_str(&outq, msg);
	answer_end(f);
}

void answer_failed(uint32_t id, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vanswer_failed(id, errno_name(err), fmt, ap);
	va_end(ap);
}

void answer_failed_code(uint32_t id, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vanswer_failed(id, code, fmt, ap);
	va_end(ap);
}

void answer_ok(uint32_t id)
{
	answer_end(answer_begin(ANS_OK, id));
}

/* Writes what stdout takes now; the client may be slow, so the rest waits for POLLOUT. */
static void flush_answers(void)
{
	while (outq_off < outq.len) {
		ssize_t n = write(STDOUT_FILENO, outq.p + outq_off, outq.len - outq_off);
		if (n > 0) {
			outq_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		exit(0); /* the engine is gone: nobody to answer, nothing to clean up */
	}
	if (outq_off == outq.len) {
		outq.len = outq_off = 0;
		if (outq.cap > (1u << 20)) /* give a big answer's memory back */
			buf_free(&outq);
	} else if (outq_off > outq.len / 2) {
		memmove(outq.p, outq.p + outq_off, outq.len - outq_off);
		outq.len -= outq_off;
		outq_off = 0;
	}
}

static void handle_run(struct reader *rd, uint32_t id)
{
	struct run_request req = { .id = id };
	req.flags = get_u32(rd);
	req.max = get_u64(rd);
	req.file = get_str(rd);
	req.argv = get_strv(rd);
	if (req.flags & RUN_HAS_ENV)
		req.env = get_strv(rd);
	if (req.flags & RUN_HAS_CWD)
		req.cwd = get_str(rd);
	req.input = get_bytes(rd, &req.input_len);
	if (rd->bad)
		answer_failed_code(id, "EPROTO", "malformed run request");
	else
		run_start(&req);
	free(req.file);
	free(req.cwd);
	free_strv(req.argv);
	free_strv(req.env);
}

static void handle_frame(const unsigned char *p, size_t n)
{
	struct reader rd = { .p = p, .len = n };
	uint8_t type = get_u8(&rd);
	uint32_t id = get_u32(&rd);
	switch (type) {
	case REQ_RUN:
		handle_run(&rd, id);
		break;
	case REQ_CANCEL:
		run_cancel(id);
		break;
	case REQ_MOUNT:
		do_mount(&rd, id);
		break;
	case REQ_UMOUNT:
		do_umount(&rd, id);
		break;
	default:
		answer_failed_code(id, "EPROTO", "unknown request type %u", type);
	}
}

/* Reads what stdin has and handles every complete frame; false at EOF. */
static bool read_requests(void)
{
	for (;;) {
		buf_reserve(&inq, 65536);
		ssize_t n = read(STDIN_FILENO, inq.p + inq.len, inq.cap - inq.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		inq.len += (size_t)n;
		if ((size_t)n < 65536)
			break;
	}
	size_t off = 0;
	while (inq.len - off >= 4) {
		const unsigned char *h = inq.p + off;
		uint32_t len = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
		if (len < 5 || len > MAX_FRAME)
			die("malformed frame length on stdin");
		if (inq.len - off - 4 < len)
			break;
		handle_frame(h + 4, len);
		off += 4 + (size_t)len;
	}
	if (off > 0) {
		memmove(inq.p, inq.p + off, inq.len - off);
		inq.len -= off;
	}
	return true;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* One pollfd per open fd: which run and which of its pipes. */
struct slot {
	struct run *run;
	int which; /* 0 input, 1 stdout, 2 stderr */
};

int main(void)
{
	/* Nothing inherited beyond stdio may leak into the children. */
	close_range(3, ~0u, 0);
	/* A closed 0-2 would let a pipe take that number; children expect pipes only there. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			die("cannot open /dev/null");
	start_dir = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	/* EPIPE instead of death on a vanished reader; Ctrl-C at the engine's terminal must not
	   take us down under an engine still cleaning up: our lifetime is stdin's. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
		die("sigprocmask failed");
	int sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		die("signalfd failed");
	if (set_nonblock(STDIN_FILENO) < 0 || set_nonblock(STDOUT_FILENO) < 0)
		die("cannot make stdio non-blocking");

	size_t hello = answer_begin(ANS_HELLO, 0);
	put_u32(&outq, PROTOCOL_VERSION);
	answer_end(hello);

	struct pollfd *pfds = NULL;
	struct slot *slots = NULL;
	size_t cap = 0;
	for (;;) {
		size_t need = 3;
		for (struct run *r = runs; r; r = r->next)
			need += 3;
		if (need > cap) {
			cap = need * 2;
			free(pfds);
			free(slots);
			pfds = xcalloc(cap, sizeof *pfds);
			slots = xcalloc(cap, sizeof *slots);
		}
		pfds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfds[1] = (struct pollfd){ .fd = outq_off < outq.len ? STDOUT_FILENO : -1, .events = POLLOUT };
		pfds[2] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		size_t n = 3;
		for (struct run *r = runs; r; r = r->next) {
			const int fds[3] = { r->in_fd, r->out_fd, r->err_fd };
			for (int w = 0; w < 3; w++) {
				if (fds[w] < 0)
					continue;
				pfds[n] = (struct pollfd){ .fd = fds[w], .events = w == 0 ? POLLOUT : POLLIN };
				slots[n] = (struct slot){ .run = r, .which = w };
				n++;
			}
		}
		if (poll(pfds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll failed");
		}
		if (pfds[2].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
				;
			run_reap();
		}
		for (size_t i = 3; i < n; i++) {
			if (!pfds[i].revents)
				continue;
			struct run *r = slots[i].run;
			if (slots[i].which == 0)
				run_write_input(r);
			else
				run_read(r, slots[i].which == 2);
		}
		/* Only now may runs be freed: the pollfds above pointed at them. */
		run_sweep();
		if (pfds[0].revents && !read_requests())
			exit(0);
		flush_answers();
	}
}
