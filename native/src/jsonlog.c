/* Docker's json-file log format: {"log":"…","stream":"stdout","time":"RFC3339Nano"} per line. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Length of the valid UTF-8 sequence at s (Go's utf8.DecodeRune rules: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when the byte at s starts no valid sequence. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		*cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		*cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return len;
}

/* Escapes like Docker's json-file writer (Go's encoding/json with HTML escaping): invalid
 * UTF-8 becomes U+FFFD, control characters and <>& are \u-escaped, U+2028/9 too. */
void json_escape(struct buf *b, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t len = c < 0x80 ? 1 : utf8_seq(s + i, n - i, &cp);
		if (len > 1 && cp != 0x2028 && cp != 0x2029) {
			i += len; /* valid multi-byte character: copied as is */
			continue;
		}
		buf_put(b, s + start, i - start);
		if (len == 0) {
			buf_puts(b, "\\ufffd");
			i++;
		} else if (len > 1) {
			buf_puts(b, cp == 0x2028 ? "\\u2028" : "\\u2029");
			i += len;
		} else {
			switch (c) {
			case '"': buf_puts(b, "\\\""); break;
			case '\\': buf_puts(b, "\\\\"); break;
			case '\n': buf_puts(b, "\\n"); break;
			case '\r': buf_puts(b, "\\r"); break;
			case '\t': buf_puts(b, "\\t"); break;
			default: {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF] };
				buf_put(b, e, sizeof e);
			}
			}
			i++;
		}
		start = i;
	}
	buf_put(b, s + start, n - start);
}

/* RFC3339 with a fixed 9-digit fraction in UTC, like Docker's RFC3339NanoFixed. */
void format_time(char out[40], const struct timespec *ts)
{
	struct tm tm;
	gmtime_r(&ts->tv_sec, &tm);
	size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 40 - n, ".%09uZ", (unsigned)(ts->tv_nsec % 1000000000));
}

static int open_log_file(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

int log_open(struct log_writer *w, const char *path, long long max_size, int max_files)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->max_size = max_size;
	w->max_files = max_files < 1 ? 1 : max_files;
	if (!path)
		return 0;
	w->path = strdup(path);
	w->fd = open_log_file(path);
	if (w->fd < 0)
		return -1;
	struct stat st;
	if (fstat(w->fd, &st) == 0)
		w->size = st.st_size;
	return 0;
}

/* FILE -> FILE.1 -> ... -> FILE.<max_files-1> (the oldest falls off), then a fresh FILE. */
static void log_rotate(struct log_writer *w)
{
	if (w->max_files <= 1) {
		if (ftruncate(w->fd, 0) == 0)
			w->size = 0;
		return;
	}
	size_t n = strlen(w->path) + 16;
	char *from = malloc(n), *to = malloc(n);
	if (!from || !to)
		abort();
	for (int i = w->max_files - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, n, "%s", w->path);
		else
			snprintf(from, n, "%s.%d", w->path, i - 1);
		snprintf(to, n, "%s.%d", w->path, i);
		if (rename(from, to) < 0 && errno != ENOENT) {
			/* Keep logging into the current file rather than lose lines. */
			free(from);
			free(to);
			return;
		}
	}
	free(from);
	free(to);
	int fd = open_log_file(w->path);
	if (fd >= 0) {
		close(w->fd);
		w->fd = fd;
		w->size = 0;
	}
}

void log_flush(struct log_writer *w)
{
	if (w->fd < 0 || w->batch.len == 0)
		return;
	/* On a full disk the records are dropped: the container must not stall on its log. */
	if (write_all(w->fd, w->batch.p, w->batch.len) == 0)
		w->size += (long long)w->batch.len;
	buf_consume(&w->batch, w->batch.len);
}

void log_record(struct log_writer *w, const char *stream, const char *data, size_t n, const struct timespec *ts)
{
	static struct buf rec; /* reused between records */
	if (w->fd < 0)
		return;
	char when[40];
	format_time(when, ts);
	rec.len = 0;
	buf_puts(&rec, "{\"log\":\"");
	json_escape(&rec, (const unsigned char *)data, n);
	buf_puts(&rec, "\",\"stream\":\"");
	buf_puts(&rec, stream);
	buf_puts(&rec, "\",\"time\":\"");
	buf_puts(&rec, when);
	buf_puts(&rec, "\"}\n");

	long long before = w->size + (long long)w->batch.len;
	if (w->max_size > 0 && before > 0 && before + (long long)rec.len > w->max_size) {
		/* The records before this one finish the old file. */
		log_flush(w);
		log_rotate(w);
	}
	buf_put(&w->batch, rec.p, rec.len);
}

/* Splits output into records: one per line (with its "\n"), a line longer than LOG_LINE_MAX
 * into pieces without "\n" (as Docker does). */
void lines_feed(struct line_splitter *ls, struct log_writer *w, const char *data, size_t n, const struct timespec *ts)
{
	while (n > 0) {
		size_t take = LOG_LINE_MAX - ls->len;
		if (take > n)
			take = n;
		const char *nl = memchr(data, '\n', take);
		if (nl)
			take = (size_t)(nl - data) + 1;
		memcpy(ls->data + ls->len, data, take);
		ls->len += take;
		data += take;
		n -= take;
		if (nl || ls->len == LOG_LINE_MAX) {
			log_record(w, ls->stream, ls->data, ls->len, ts);
			ls->len = 0;
		}
	}
}

/* The stream ended: a last line without "\n" is still a record. */
void lines_finish(struct line_splitter *ls, struct log_writer *w, const struct timespec *ts)
{
	if (ls->len > 0)
		log_record(w, ls->stream, ls->data, ls->len, ts);
	ls->len = 0;
}
