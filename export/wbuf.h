/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wbuf.h - a bounded big-endian writer. Every put checks the space left;
 * the overflow flag is sticky, so a run of puts is checked once at the end.
 */
#ifndef XFLOWD_WBUF_H
#define XFLOWD_WBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wbuf {
	uint8_t *start;
	uint8_t *p;
	uint8_t *end;
	bool overflow;
};

static inline void wbuf_init(struct wbuf *w, uint8_t *buf, size_t len)
{
	w->start = buf;
	w->p = buf;
	w->end = buf + len;
	w->overflow = false;
}

static inline size_t wbuf_len(const struct wbuf *w)
{
	return (size_t)(w->p - w->start);
}

static inline size_t wbuf_room(const struct wbuf *w)
{
	return (size_t)(w->end - w->p);
}

/* n octets to fill now or patch later; NULL (and overflow) if no room. */
static inline uint8_t *wbuf_reserve(struct wbuf *w, size_t n)
{
	uint8_t *r = w->p;

	if (w->overflow || n > wbuf_room(w)) {
		w->overflow = true;
		return NULL;
	}
	w->p += n;
	return r;
}

static inline void be16_store(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void be32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *p = wbuf_reserve(w, 1);

	if (p)
		*p = v;
}

static inline void put_be16(struct wbuf *w, uint16_t v)
{
	uint8_t *p = wbuf_reserve(w, 2);

	if (p)
		be16_store(p, v);
}

static inline void put_be32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = wbuf_reserve(w, 4);

	if (p)
		be32_store(p, v);
}

static inline void put_be64(struct wbuf *w, uint64_t v)
{
	uint8_t *p = wbuf_reserve(w, 8);

	if (p) {
		be32_store(p, (uint32_t)(v >> 32));
		be32_store(p + 4, (uint32_t)v);
	}
}

static inline void put_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);

	if (p)
		memcpy(p, src, n);
}

static inline void put_zero(struct wbuf *w, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);

	if (p)
		memset(p, 0, n);
}

/* A string in a fixed field of n octets, NUL-padded (and cut to fit). */
static inline void put_strn(struct wbuf *w, const char *s, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);
	size_t l;

	if (!p)
		return;
	l = s ? strnlen(s, n) : 0;
	if (l)
		memcpy(p, s, l);
	memset(p + l, 0, n - l);
}

#endif
