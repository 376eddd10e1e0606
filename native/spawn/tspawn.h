/* tstack-spawn: the engine's program starter and mounter (protocol in main.c and docs/spawn.md). */
#ifndef TSTACK_SPAWN_H
#define TSTACK_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROTOCOL_VERSION 1

/* Request types (client -> helper). */
enum {
	REQ_RUN = 0x01,
	REQ_CANCEL = 0x02,
	REQ_MOUNT = 0x03,
	REQ_UMOUNT = 0x04,
};

/* Answer types (helper -> client). */
enum {
	ANS_HELLO = 0x80,
	ANS_DONE = 0x81,
	ANS_LINE = 0x82,
	ANS_FAILED = 0x83,
	ANS_OK = 0x84,
};

/* RUN flags. */
enum {
	RUN_MERGE = 1u << 0,
	RUN_DETACHED = 1u << 1,
	RUN_UNTIL_LINE = 1u << 2,
	RUN_HAS_ENV = 1u << 3,
	RUN_HAS_CWD = 1u << 4,
};

/* MOUNT flags (the request's, not mount(2)'s). */
enum { MOUNT_HAS_CWD = 1u << 0 };

/* buf.c: a growable byte buffer; allocation failure aborts (the helper cannot answer anyway). */
struct buf {
	unsigned char *p;
	size_t len, cap;
};
void buf_reserve(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *data, size_t n);
void buf_free(struct buf *b);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);

/* buf.c: little-endian fields of a frame being written. */
void put_u8(struct buf *b, uint8_t v);
void put_u32(struct buf *b, uint32_t v);
void put_bytes(struct buf *b, const void *data, size_t n);
void put_str(struct buf *b, const char *s);

/* buf.c: a cursor over one received payload; any short or malformed field sets `bad`. */
struct reader {
	const unsigned char *p;
	size_t len, off;
	bool bad;
};
uint8_t get_u8(struct reader *r);
uint32_t get_u32(struct reader *r);
uint64_t get_u64(struct reader *r);
/* Points into the payload; *n is its length. */
const unsigned char *get_bytes(struct reader *r, size_t *n);
/* A malloc'd NUL-terminated copy; a string holding NUL is malformed (NULL, bad set). */
char *get_str(struct reader *r);
/* A malloc'd NULL-terminated array of strings. */
char **get_strv(struct reader *r);
void free_strv(char **v);

/* main.c: answers, built in place in the queue for stdout: begin, put_* into outq, end. */
extern struct buf outq;
size_t answer_begin(uint8_t type, uint32_t id);
void answer_end(size_t start);
void answer_failed(uint32_t id, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void answer_failed_code(uint32_t id, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void answer_ok(uint32_t id);
const char *errno_name(int err);
void die(const char *msg) __attribute__((noreturn));
/* The directory the helper started in (the engine's): runs without cwd start there. */
extern int start_dir;

/* run.c: programs being run. */
struct run {
	struct run *next, *prev;
	uint32_t id, flags;
	uint64_t max; /* bytes per stream (one stream when merged) */
	pid_t pid;
	char *file; /* for messages */
	int in_fd, out_fd, err_fd; /* our ends; -1 once closed */
	struct buf input;
	size_t input_off;
	struct buf out, err;
	bool exited, overflow, answered;
	int status;
};

struct run_request {
	uint32_t id, flags;
	uint64_t max;
	char *file, *cwd;
	char **argv, **env; /* env NULL: the helper's environment */
	const unsigned char *input;
	size_t input_len;
};

extern struct run *runs; /* all runs not yet answered-and-freed */

void run_start(const struct run_request *req);
void run_cancel(uint32_t id);
void run_reap(void);
void run_read(struct run *r, bool from_err);
void run_write_input(struct run *r);
/* Answers and frees finished runs; call when no pollfd refers to a run any more. */
void run_sweep(void);

/* mount.c */
void do_mount(struct reader *rd, uint32_t id);
void do_umount(struct reader *rd, uint32_t id);

#endif
