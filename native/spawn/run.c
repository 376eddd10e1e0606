/* Runs: start a program with posix_spawn, feed its stdin, collect its output, answer. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tspawn.h"

extern char **environ;

struct run *runs;

/* glibc's execvp default when there is no PATH (_PATH_DEFPATH). */
static const char default_path[] = "/usr/bin:/bin";

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void close_all(struct run *r)
{
	close_fd(&r->in_fd);
	close_fd(&r->out_fd);
	close_fd(&r->err_fd);
	buf_free(&r->input);
}

static const char *search_path(char **env)
{
	if (!env)
		return getenv("PATH");
	for (char **e = env; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return NULL;
}

/* execvp's lookup, done here because posix_spawnp would search the helper's PATH, not the
   request's. Returns a malloc'd path, or NULL with *err set (EACCES if only non-executable
   candidates were found, as execvp reports). */
static char *resolve(const char *file, char **env, int *err)
{
	if (!*file) {
		*err = ENOENT;
		return NULL;
	}
	if (strchr(file, '/'))
		return strdup(file);
	const char *path = search_path(env);
	if (!path)
		path = default_path;
	size_t flen = strlen(file);
	bool denied = false;
	for (const char *p = path;;) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		char *cand = xmalloc(dlen + flen + 2);
		if (dlen == 0) { /* an empty entry is the current directory */
			memcpy(cand, file, flen + 1);
		} else {
			memcpy(cand, p, dlen);
			cand[dlen] = '/';
			memcpy(cand + dlen + 1, file, flen + 1);
		}
		struct stat st;
		if (stat(cand, &st) == 0) {
			if (S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
				return cand;
			denied = true;
		} else if (errno == EACCES) {
			denied = true;
		}
		free(cand);
		if (!*end)
			break;
		p = end + 1;
	}
	*err = denied ? EACCES : ENOENT;
	return NULL;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static pid_t spawn_child(const struct run_request *req, const char *path, const int in[2], const int out[2],
			 const int err[2], int *rc)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid = -1;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1] >= 0 ? err[1] : out[1], STDERR_FILENO);
	if (req->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, req->cwd);
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	if (req->flags & RUN_DETACHED)
		flags |= POSIX_SPAWN_SETSID;
	posix_spawnattr_setflags(&at, flags);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	*rc = posix_spawn(&pid, path, &fa, &at, req->argv, req->env ? req->env : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return pid;
}

void run_start(const struct run_request *req)
{
	int err = 0;
	char *path = resolve(req->file, req->env, &err);
	if (!path) {
		answer_failed(req->id, err, "%s: %s", req->file, strerror(err));
		return;
	}
	bool merge = req->flags & RUN_MERGE;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || (!merge && pipe2(errp, O_CLOEXEC) < 0)) {
		err = errno;
		for (int i = 0; i < 2; i++) {
			close_fd(&in[i]);
			close_fd(&out[i]);
			close_fd(&errp[i]);
		}
		free(path);
		answer_failed(req->id, err, "%s: cannot make pipes: %s", req->file, strerror(err));
		return;
	}
	int rc = 0;
	pid_t pid = spawn_child(req, path, in, out, errp, &rc);
	free(path);
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&errp[1]);
	if (rc != 0) {
		close_fd(&in[1]);
		close_fd(&out[0]);
		close_fd(&errp[0]);
		struct stat st;
		/* glibc reports a failed chdir as the spawn's own error: say which it was. */
		if (req->cwd && rc == ENOENT && stat(req->cwd, &st) < 0)
			answer_failed(req->id, rc, "%s: cwd %s: %s", req->file, req->cwd, strerror(rc));
		else
			answer_failed(req->id, rc, "%s: %s", req->file, strerror(rc));
		return;
	}
	set_nonblock(in[1]);
	set_nonblock(out[0]);
	if (errp[0] >= 0)
		set_nonblock(errp[0]);

	struct run *r = xcalloc(1, sizeof *r);
	r->id = req->id;
	r->flags = req->flags;
	r->max = req->max;
	r->pid = pid;
	r->file = strdup(req->file);
	r->in_fd = in[1];
	r->out_fd = out[0];
	r->err_fd = errp[0];
	r->next = runs;
	if (runs)
		runs->prev = r;
	runs = r;
	buf_put(&r->input, req->input, req->input_len);
	run_write_input(r);
}

void run_write_input(struct run *r)
{
	while (r->in_fd >= 0 && r->input_off < r->input.len) {
		ssize_t n = write(r->in_fd, r->input.p + r->input_off, r->input.len - r->input_off);
		if (n > 0) {
			r->input_off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			break; /* EPIPE: the program exits without reading its input, which is fine */
		}
	}
	/* All written (or it can never be): the program sees EOF. */
	close_fd(&r->in_fd);
	buf_free(&r->input);
}

static void overflow(struct run *r)
{
	r->overflow = true;
	if (!r->exited)
		kill(r->pid, SIGKILL);
	close_all(r);
}

void run_read(struct run *r, bool from_err);

static void answer_line(struct run *r, size_t line_len)
{
	/* stderr written before the line may sit unread in its pipe (poll reported both at once,
	   stdout handled first): take what is there now. */
	if (r->err_fd >= 0)
		run_read(r, true);
	if (r->overflow)
		return; /* killed for that stderr: answered ENOBUFS once it has exited */
	size_t f = answer_begin(ANS_LINE, r->id);
	put_u32(&outq, (uint32_t)r->pid);
	put_bytes(&outq, r->out.p, line_len);
	put_bytes(&outq, r->err.p, r->err.len);
	answer_end(f);
	/* Forget it: the program runs on (a shim), reaped by run_reap as an unknown pid. */
	close_all(r);
	r->answered = true;
}

void run_read(struct run *r, bool from_err)
{
	static unsigned char chunk[65536];
	int *fd = from_err ? &r->err_fd : &r->out_fd;
	struct buf *b = from_err ? &r->err : &r->out;
	/* A bounded number of reads, so that one chatty program cannot starve the others. */
	for (int i = 0; i < 16 && *fd >= 0 && !r->answered; i++) {
		ssize_t n = read(*fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			close_fd(fd);
			return;
		}
		if ((uint64_t)b->len + (uint64_t)n > r->max) {
			overflow(r);
			return;
		}
		size_t before = b->len;
		buf_put(b, chunk, (size_t)n);
		if (!from_err && (r->flags & RUN_UNTIL_LINE)) {
			const unsigned char *nl = memchr(b->p + before, '\n', (size_t)n);
			if (nl) {
				answer_line(r, (size_t)(nl - b->p));
				return;
			}
		}
		if ((size_t)n < sizeof chunk)
			return;
	}
}

void run_reap(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		for (struct run *r = runs; r; r = r->next) {
			if (r->pid == pid && !r->exited && !r->answered) {
				r->exited = true;
				r->status = status;
				break;
			}
		}
		/* Not ours any more (an until-line program after its line): just reaped. */
	}
}

void run_cancel(uint32_t id)
{
	for (struct run *r = runs; r; r = r->next) {
		if (r->id == id && !r->answered) {
			/* Not once reaped: the pid may belong to someone else by now. */
			if (!r->exited)
				kill(r->pid, SIGKILL);
			return;
		}
	}
}

static void answer_done(struct run *r)
{
	size_t f = answer_begin(ANS_DONE, r->id);
	put_u32(&outq, (uint32_t)r->pid);
	put_u32(&outq, WIFEXITED(r->status) ? (uint32_t)WEXITSTATUS(r->status) : 0);
	put_u32(&outq, WIFSIGNALED(r->status) ? (uint32_t)WTERMSIG(r->status) : 0);
	put_bytes(&outq, r->out.p, r->out.len);
	put_bytes(&outq, r->err.p, r->err.len);
	answer_end(f);
}

void run_sweep(void)
{
	struct run *next;
	for (struct run *r = runs; r; r = next) {
		next = r->next;
		if (!r->answered) {
			if (!r->exited || r->out_fd >= 0 || r->err_fd >= 0)
				continue;
			if (r->overflow)
				answer_failed_code(r->id, "ENOBUFS", "%s: more than %llu bytes of output", r->file,
						   (unsigned long long)r->max);
			else
				answer_done(r);
		}
		close_all(r);
		if (r->prev)
			r->prev->next = r->next;
		else
			runs = r->next;
		if (r->next)
			r->next->prev = r->prev;
		buf_free(&r->out);
		buf_free(&r->err);
		free(r->file);
		free(r);
	}
}
