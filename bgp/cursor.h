/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cursor.h - the bounded reader every BGP message is parsed through.
 *
 * A cursor is {pos, end}; each get checks that the bytes are there before
 * it touches one. A short read sets the sticky `bad` flag and returns 0,
 * so a sequence of gets is checked once at the end, as export/wbuf.h does
 * for writes. A sub-cursor (bgp_cur_take) is how a length field is obeyed:
 * what follows a length is read only through a cursor of that length.
 */
#ifndef XFLOWD_BGP_CURSOR_H
#define XFLOWD_BGP_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bgp_cur {
	const uint8_t *pos, *end;
	bool bad;
};

static inline struct bgp_cur bgp_cur_make(const uint8_t *p, size_t len)
{
	struct bgp_cur c = { p, p + len, false };

	return c;
}

static inline size_t bgp_cur_left(const struct bgp_cur *c)
{
	return (size_t)(c->end - c->pos);
}

/* Whether n more bytes are there; sets `bad` when not. */
static inline bool bgp_cur_need(struct bgp_cur *c, size_t n)
{
	if (c->bad || bgp_cur_left(c) < n) {
		c->bad = true;
		return false;
	}
	return true;
}

static inline uint8_t bgp_get8(struct bgp_cur *c)
{
	if (!bgp_cur_need(c, 1))
		return 0;
	return *c->pos++;
}

static inline uint16_t bgp_get16(struct bgp_cur *c)
{
	uint16_t v;

	if (!bgp_cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->pos[0] << 8 | c->pos[1]);
	c->pos += 2;
	return v;
}

static inline uint32_t bgp_get32(struct bgp_cur *c)
{
	uint32_t v;

	if (!bgp_cur_need(c, 4))
		return 0;
	v = (uint32_t)c->pos[0] << 24 | (uint32_t)c->pos[1] << 16 |
	    (uint32_t)c->pos[2] << 8 | c->pos[3];
	c->pos += 4;
	return v;
}

/* Copies n bytes to dst (zeroes dst when they are not there). */
static inline void bgp_get_bytes(struct bgp_cur *c, void *dst, size_t n)
{
	if (!bgp_cur_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->pos, n);
	c->pos += n;
}

/* The next n bytes as a cursor of their own; the parent skips them. */
static inline struct bgp_cur bgp_cur_take(struct bgp_cur *c, size_t n)
{
	struct bgp_cur sub = { c->pos, c->pos, true };

	if (!bgp_cur_need(c, n))
		return sub;
	sub.end = c->pos + n;
	sub.bad = false;
	c->pos += n;
	return sub;
}

#endif
