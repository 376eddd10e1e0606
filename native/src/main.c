/* tstack-shim entry: parse arguments, run `runc create` / `runc exec --detach` with our pipes
 * (or a pty received over the console socket), report one JSON line, then monitor. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#define RUNC_LOG "runc.log"
#define PID_FILE "pid"
#define CONSOLE_SOCK "console.sock"
#define ATTACH_SOCK "attach.sock"

static bool in_state_dir; /* our cwd is the state dir: relative unlinks are safe */

/* The one line the engine waits for; everything after it goes to /dev/null. */
static void report(const char *json)
{
	(void)write_all(STDOUT_FILENO, json, strlen(json));
}

static void fail(const char *msg)
{
	struct buf b = { 0 };
	buf_puts(&b, "{\"error\":\"");
	json_escape(&b, (const unsigned char *)msg, strlen(msg));
	buf_puts(&b, "\"}\n");
	buf_putc(&b, '\0');
	report(b.p);
	if (in_state_dir) {
		unlink(CONSOLE_SOCK);
		unlink(ATTACH_SOCK);
	}
	exit(1);
}

static void failf(const char *what, const char *detail)
{
	char msg[1024];
	snprintf(msg, sizeof msg, "tstack-shim: %s: %s", what, detail);
	fail(msg);
}

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "id", required_argument, 0, 'i' },	     { "exec-id", required_argument, 0, 'e' },
		{ "bundle", required_argument, 0, 'b' },     { "process", required_argument, 0, 'p' },
		{ "runtime", required_argument, 0, 'r' },    { "runtime-root", required_argument, 0, 'R' },
		{ "state-dir", required_argument, 0, 's' },  { "exit-file", required_argument, 0, 'x' },
		{ "log-path", required_argument, 0, 'l' },   { "log-max-size", required_argument, 0, 'm' },
		{ "log-max-files", required_argument, 0, 'n' }, { "tty", no_argument, 0, 't' },
		{ "stdin", no_argument, 0, 'I' },	     { "wait-attach", required_argument, 0, 'w' },
		{ "start", no_argument, 0, 'S' },
		{ 0, 0, 0, 0 },
	};
	memset(o, 0, sizeof *o);
	o->runtime = "/usr/sbin/runc";
	o->log_max_files = 1;
	if (argc < 2 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "exec") != 0))
		fail("usage: tstack-shim create|exec --id ID ... (see docs/shim.md)");
	o->exec_mode = strcmp(argv[1], "exec") == 0;
	optind = 2;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->id = optarg; break;
		case 'e': o->exec_id = optarg; break;
		case 'b': o->bundle = abspath(optarg); break;
		case 'p': o->process_file = abspath(optarg); break;
		case 'r': o->runtime = optarg; break;
		case 'R': o->runtime_root = abspath(optarg); break;
		case 's': o->state_dir = abspath(optarg); break;
		case 'x': o->exit_file = abspath(optarg); break;
		case 'l': o->log_path = abspath(optarg); break;
		case 'm': o->log_max_size = atoll(optarg); break;
		case 'n': o->log_max_files = atoi(optarg); break;
		case 't': o->tty = true; break;
		case 'I': o->open_stdin = true; break;
		case 'w': o->wait_attach_ms = atoi(optarg); break;
		case 'S': o->start = true; break;
		default: failf("bad argument", argv[optind - 1]);
		}
	}
	if (!o->id || !o->state_dir || !o->exit_file)
		fail("tstack-shim: --id, --state-dir and --exit-file are required");
	if (!o->exec_mode && !o->bundle)
		fail("tstack-shim: create needs --bundle");
	if (o->exec_mode && !o->process_file)
		fail("tstack-shim: exec needs --process");
	if (o->exec_mode && o->start)
		fail("tstack-shim: --start is for create");
}

/* A listening unix socket at a path relative to the state dir (our cwd), so a long state dir
 * does not hit sun_path's 108 bytes. */
static int listen_unix(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", name);
	unlink(name);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	mode_t old = umask(0077); /* root-only: the socket carries the container's stdin */
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
	umask(old);
	if (rc < 0 || listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The pty master runc sends over the console socket (SCM_RIGHTS). */
static int receive_console(int listen_fd)
{
	struct pollfd p = { .fd = listen_fd, .events = POLLIN };
	/* runc has exited after sending, so the connection is already queued; the wait is a guard. */
	if (poll(&p, 1, 5000) <= 0)
		return -1;
	int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return -1;
	char name[4096];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	ssize_t r;
	do
		r = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	close(conn);
	if (r < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
			return fd;
		}
	}
	return -1;
}

/* runc logs JSON lines ({"level":"error","msg":"…"}); the last error's msg is what the user
 * needs to see. A small unescaper is enough: runc writes Go's encoding/json. */
static char *runc_error(void)
{
	FILE *f = fopen(RUNC_LOG, "re");
	if (!f)
		return NULL;
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		if (!strstr(line, "\"level\":\"error\""))
			continue;
		char *m = strstr(line, "\"msg\":\"");
		if (!m)
			continue;
		free(found);
		found = strdup(m + 7);
	}
	free(line);
	fclose(f);
	if (!found)
		return NULL;
	char *out = found, *in = found;
	while (*in && *in != '"') {
		if (*in != '\\' || !in[1]) {
			*out++ = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'n': *out++ = '\n'; break;
		case 't': *out++ = '\t'; break;
		case 'r': *out++ = '\r'; break;
		case 'u': {
			unsigned v = 0;
			if (sscanf(in + 1, "%4x", &v) == 1 && strlen(in) >= 5) {
				in += 4;
				/* ASCII only; other characters are rare in runc's messages. */
				*out++ = v < 0x80 ? (char)v : '?';
			}
			break;
		}
		default: *out++ = *in; break; /* \" \\ \/ */
		}
		in++;
	}
	*out = '\0';
	return found;
}

/* The runtime's program name and global flags (root, JSON log in the state dir); returns the count. */
static int runtime_globals(const struct options *o, const char **argv)
{
	int n = 0;
	argv[n++] = o->runtime;
	if (o->runtime_root) {
		argv[n++] = "--root";
		argv[n++] = o->runtime_root;
	}
	argv[n++] = "--log";
	argv[n++] = RUNC_LOG;
	argv[n++] = "--log-format";
	argv[n++] = "json";
	return n;
}

static void exec_runtime(const struct options *o, const char *console_path, int in_fd, int out_fd, int err_fd)
{
	/* Undo what the shim set up for itself: the container inherits signal dispositions and
	 * the mask through runc, and must see SIGTERM/SIGINT/SIGPIPE as usual. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);

	const char *argv[32];
	int n = runtime_globals(o, argv);
	if (o->exec_mode) {
		argv[n++] = "exec";
		argv[n++] = "--detach";
		argv[n++] = "--pid-file";
		argv[n++] = PID_FILE;
		argv[n++] = "--process";
		argv[n++] = o->process_file;
		if (o->tty) {
			argv[n++] = "--tty";
			argv[n++] = "--console-socket";
			argv[n++] = console_path;
		}
	} else {
		argv[n++] = "create";
		argv[n++] = "--bundle";
		argv[n++] = o->bundle;
		argv[n++] = "--pid-file";
		argv[n++] = PID_FILE;
		if (o->tty) {
			argv[n++] = "--console-socket";
			argv[n++] = console_path;
		}
	}
	argv[n++] = o->id;
	argv[n] = NULL;
	execv(o->runtime, (char **)argv);
	dprintf(2, "tstack-shim: exec %s: %s\n", o->runtime, strerror(errno));
	_exit(127);
}

/* `runtime [--root R] --log runc.log --log-format json VERB [--force] ID` with stdio on /dev/null;
 * returns 0 when it exited 0. */
static int run_runtime_verb(const struct options *o, const char *verb, bool force, int null_fd)
{
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0)
			_exit(127);
		const char *argv[16];
		int n = runtime_globals(o, argv);
		argv[n++] = verb;
		if (force)
			argv[n++] = "--force";
		argv[n++] = o->id;
		argv[n] = NULL;
		execv(o->runtime, (char **)argv);
		_exit(127);
	}
	int status;
	while (waitpid(p, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static pid_t read_pid_file(void)
{
	char s[32] = { 0 };
	int fd = open(PID_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read_retry(fd, s, sizeof s - 1);
	close(fd);
	return r > 0 ? (pid_t)atol(s) : -1;
}

int main(int argc, char **argv)
{
	struct options o;
	parse_args(argc, argv, &o);

	/* The engine stops containers with `runc kill`, never by signalling us; a hung-up attach
	 * client must not kill us either. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int sig_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_fd < 0)
		failf("signalfd", strerror(errno));
	/* The container's process is a grandchild (runc exits after starting it); as subreaper we
	 * inherit it, so we can wait for it and read its exit status. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		failf("PR_SET_CHILD_SUBREAPER", strerror(errno));
	(void)setsid(); /* normally already done by the engine's detached spawn */

	if (mkdir(o.state_dir, 0700) < 0 && errno != EEXIST)
		failf(o.state_dir, strerror(errno));
	if (chdir(o.state_dir) < 0)
		failf(o.state_dir, strerror(errno));
	in_state_dir = true;
	char *exit_dir = strdup(o.exit_file);
	struct stat st;
	if (stat(dirname(exit_dir), &st) < 0 || !S_ISDIR(st.st_mode))
		failf("exit file directory", o.exit_file);
	free(exit_dir);

	struct log_writer log;
	if (log_open(&log, o.log_path, o.log_max_size, o.log_max_files) < 0)
		failf(o.log_path, strerror(errno));

	int listen_fd = listen_unix(ATTACH_SOCK);
	if (listen_fd < 0)
		failf("attach socket", strerror(errno));

	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		failf("/dev/null", strerror(errno));

	int console_fd = -1, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, in_pipe[2] = { -1, -1 };
	char console_path[108];
	if (o.tty) {
		console_fd = listen_unix(CONSOLE_SOCK);
		if (console_fd < 0)
			failf("console socket", strerror(errno));
		/* runc resolves the path after chdir to the bundle, so it must be absolute; when the
		 * state dir is too long for sun_path, reach it through our cwd link in /proc. */
		if ((size_t)snprintf(console_path, sizeof console_path, "%s/%s", o.state_dir, CONSOLE_SOCK) >=
		    sizeof console_path)
			snprintf(console_path, sizeof console_path, "/proc/%d/cwd/%s", (int)getpid(), CONSOLE_SOCK);
	} else {
		if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0)
			failf("pipe", strerror(errno));
	}
	if (o.open_stdin && !o.tty && pipe2(in_pipe, O_CLOEXEC) < 0)
		failf("pipe", strerror(errno));

	unlink(PID_FILE);
	int rl = open(RUNC_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (rl >= 0)
		close(rl);

	pid_t runc = fork();
	if (runc < 0)
		failf("fork", strerror(errno));
	if (runc == 0) {
		if (o.tty)
			exec_runtime(&o, console_path, null_fd, null_fd, null_fd);
		else
			exec_runtime(&o, NULL, in_pipe[0] >= 0 ? in_pipe[0] : null_fd, out_pipe[1], err_pipe[1]);
	}
	/* Only the container holds the write ends now: EOF on them means it (and its children) are done. */
	if (out_pipe[1] >= 0)
		close(out_pipe[1]);
	if (err_pipe[1] >= 0)
		close(err_pipe[1]);
	if (in_pipe[0] >= 0)
		close(in_pipe[0]);

	int status;
	while (waitpid(runc, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *msg = runc_error();
		if (msg)
			fail(msg);
		char detail[64];
		snprintf(detail, sizeof detail, "exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		failf(o.runtime, detail);
	}
	pid_t pid = read_pid_file();
	if (pid <= 0)
		failf("pid file", "runtime wrote no pid");

	struct monitor_setup m = {
		.pid = pid,
		.out_fd = out_pipe[0],
		.err_fd = err_pipe[0],
		.stdin_fd = in_pipe[1],
		.tty_fd = -1,
		.listen_fd = listen_fd,
	};
	if (o.tty) {
		int master = receive_console(console_fd);
		close(console_fd);
		unlink(CONSOLE_SOCK);
		if (master < 0)
			failf("console socket", "no pty master received from the runtime");
		m.out_fd = master;
		m.tty_fd = master;
		/* A separate fd for writes so stdin can be closed without closing the output. */
		m.stdin_fd = o.open_stdin ? fcntl(master, F_DUPFD_CLOEXEC, 3) : -1;
	}
	if (o.start && run_runtime_verb(&o, "start", false, null_fd) != 0) {
		char *msg = runc_error();
		/* Nothing may stay behind a failed start: the created container goes too. */
		(void)run_runtime_verb(&o, "delete", true, null_fd);
		if (msg)
			fail(msg);
		failf(o.runtime, "start failed");
	}
	set_nonblock(m.out_fd);
	if (m.err_fd >= 0)
		set_nonblock(m.err_fd);
	if (m.stdin_fd >= 0)
		set_nonblock(m.stdin_fd);

	char ready[96];
	snprintf(ready, sizeof ready, "{\"pid\":%d,\"shimPid\":%d}\n", (int)pid, (int)getpid());
	report(ready);
	/* The engine may go away now; nothing may write into its pipes afterwards. */
	dup2(null_fd, STDIN_FILENO);
	dup2(null_fd, STDOUT_FILENO);
	dup2(null_fd, STDERR_FILENO);
	close(null_fd);

	return run_monitor(&o, &m, sig_fd, &log);
}
