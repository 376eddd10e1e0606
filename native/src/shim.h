/* tstack-shim: one small monitor per container (see docs/shim.md). */
#ifndef TSTACK_SHIM_H
#define TSTACK_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* A record's "log" holds at most this many bytes; longer lines are split (as Docker does). */
#define LOG_LINE_MAX 16384

/* Attach frame types (docs/shim.md). */
enum frame_type {
	FRAME_STDIN = 0,
	FRAME_STDOUT = 1,
	FRAME_STDERR = 2,
	FRAME_EXIT = 3,
	FRAME_CLOSE_STDIN = 4,
	FRAME_RESIZE = 5,
};
#define FRAME_HEADER 5

struct options {
	bool exec_mode;
	const char *id, *exec_id, *bundle, *process_file;
	const char *runtime, *runtime_root, *state_dir, *exit_file, *log_path;
	long long log_max_size; /* <= 0: unlimited */
	int log_max_files;
	bool tty, open_stdin;
	bool start; /* create: also `runc start` it before reporting ready (one engine process less) */
	int wait_attach_ms; /* exec: hold output until the first client attaches, at most this long */
};

/* util.c: a growable byte buffer and fd helpers that survive EINTR and partial writes. */
struct buf {
	char *p;
	size_t len, cap;
};
void buf_put(struct buf *b, const void *data, size_t n);
void buf_putc(struct buf *b, char c);
void buf_puts(struct buf *b, const char *s);
void buf_consume(struct buf *b, size_t n);
void buf_free(struct buf *b);
int write_all(int fd, const void *data, size_t n);
ssize_t read_retry(int fd, void *data, size_t n);
int set_nonblock(int fd);
char *abspath(const char *path);
char *join_path(const char *dir, const char *name);
int64_t monotonic_ms(void);

/* jsonlog.c: Docker json-file records. */
void json_escape(struct buf *b, const unsigned char *s, size_t n);
void format_time(char out[40], const struct timespec *ts);

struct log_writer {
	int fd; /* -1: no log */
	char *path;
	long long size, max_size;
	int max_files;
	struct buf batch; /* records waiting for one write(2) */
};
int log_open(struct log_writer *w, const char *path, long long max_size, int max_files);
void log_record(struct log_writer *w, const char *stream, const char *data, size_t n, const struct timespec *ts);
void log_flush(struct log_writer *w);

/* Splits a stream's bytes into lines for the log. */
struct line_splitter {
	const char *stream;
	char data[LOG_LINE_MAX];
	size_t len;
};
void lines_feed(struct line_splitter *ls, struct log_writer *w, const char *data, size_t n, const struct timespec *ts);
void lines_finish(struct line_splitter *ls, struct log_writer *w, const struct timespec *ts);

/* loop.c: the event loop after the container process is running; returns the exit status. */
struct monitor_setup {
	pid_t pid;
	int out_fd, err_fd; /* err_fd -1 with a TTY */
	int stdin_fd;       /* -1 without --stdin */
	int tty_fd;         /* pty master for resizes, or -1 */
	int listen_fd;
};
int run_monitor(const struct options *o, const struct monitor_setup *m, int sig_fd, struct log_writer *log);

#endif
