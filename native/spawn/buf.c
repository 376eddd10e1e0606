/* Growable buffers and the wire's little-endian fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tspawn.h"

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("tstack-spawn: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		fputs("tstack-spawn: out of memory\n", stderr);
		abort();
	}
	return p;
}

void buf_reserve(struct buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < extra)
		cap *= 2;
	unsigned char *p = realloc(b->p, cap);
	if (!p) {
		fputs("tstack-spawn: out of memory\n", stderr);
		abort();
	}
	b->p = p;
	b->cap = cap;
}

void buf_put(struct buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void put_u8(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

void put_u32(struct buf *b, uint32_t v)
{
	unsigned char le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };
	buf_put(b, le, 4);
}

void put_bytes(struct buf *b, const void *data, size_t n)
{
	put_u32(b, (uint32_t)n);
	buf_put(b, data, n);
}

void put_str(struct buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

static bool have(struct reader *r, size_t n)
{
	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return false;
	}
	return true;
}

uint8_t get_u8(struct reader *r)
{
	if (!have(r, 1))
		return 0;
	return r->p[r->off++];
}

uint32_t get_u32(struct reader *r)
{
	if (!have(r, 4))
		return 0;
	const unsigned char *p = r->p + r->off;
	r->off += 4;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t get_u64(struct reader *r)
{
	uint64_t lo = get_u32(r);
	uint64_t hi = get_u32(r);
	return lo | hi << 32;
}

const unsigned char *get_bytes(struct reader *r, size_t *n)
{
	size_t len = get_u32(r);
	*n = 0;
	if (!have(r, len))
		return NULL;
	const unsigned char *p = r->p + r->off;
	r->off += len;
	*n = len;
	return p;
}

char *get_str(struct reader *r)
{
	size_t n;
	const unsigned char *p = get_bytes(r, &n);
	if (!p || memchr(p, 0, n)) {
		r->bad = true;
		return NULL;
	}
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

char **get_strv(struct reader *r)
{
	uint32_t count = get_u32(r);
	/* Each string takes at least its 4-byte length: a count beyond that is malformed. */
	if (r->bad || count > (r->len - r->off) / 4) {
		r->bad = true;
		return NULL;
	}
	char **v = xcalloc((size_t)count + 1, sizeof *v);
	for (uint32_t i = 0; i < count; i++) {
		v[i] = get_str(r);
		if (!v[i]) {
			free_strv(v);
			return NULL;
		}
	}
	return v;
}

void free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}
