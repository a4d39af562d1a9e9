/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng_build.h - crafted pcapng files for test_pcapng*.c: a bounded
 * writer of blocks and options in either byte order, two frames, and the
 * ways of handing a file to the reader (memory, a regular file, a stream
 * of unknown size) with the checks the tests share.
 */
#ifndef XFLOWD_TEST_PCAPNG_BUILD_H
#define XFLOWD_TEST_PCAPNG_BUILD_H

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meter/pcapng.h"

#define T0_US 1700000000123456ull /* 2023-11-14 22:13:20.123456 UTC */
#define T0_NS (T0_US * 1000ull)

/* A file under construction, in the byte order of its current section. */
struct bld {
	uint8_t b[8192];
	size_t n;
	bool big;
};

static inline void put8(struct bld *w, uint8_t v)
{
	ck_assert_uint_lt(w->n, sizeof(w->b));
	w->b[w->n++] = v;
}

static inline void put16(struct bld *w, uint16_t v)
{
	put8(w, w->big ? v >> 8 : v & 0xff);
	put8(w, w->big ? v & 0xff : v >> 8);
}

static inline void put32(struct bld *w, uint32_t v)
{
	put16(w, w->big ? v >> 16 : v & 0xffff);
	put16(w, w->big ? v & 0xffff : v >> 16);
}

static inline void put64(struct bld *w, uint64_t v)
{
	put32(w, w->big ? v >> 32 : (uint32_t)v);
	put32(w, w->big ? (uint32_t)v : v >> 32);
}

static inline void put_bytes(struct bld *w, const void *p, size_t len)
{
	ck_assert_uint_le(w->n + len, sizeof(w->b));
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

static inline void pad4(struct bld *w)
{
	while (w->n % 4)
		put8(w, 0);
}

static inline size_t blk_begin(struct bld *w, uint32_t type)
{
	size_t at = w->n;

	put32(w, type);
	put32(w, 0);
	return at;
}

/* Pad, then write the length at both ends. */
static inline void blk_end(struct bld *w, size_t at)
{
	size_t end;

	pad4(w);
	end = w->n;
	w->n = at + 4;
	put32(w, (uint32_t)(end - at + 4));
	w->n = end;
	put32(w, (uint32_t)(end - at + 4));
}

static inline void shb_v(struct bld *w, bool big, uint16_t major)
{
	size_t at;

	w->big = big;
	at = blk_begin(w, PCAPNG_SHB);
	put32(w, 0x1A2B3C4D);
	put16(w, major);
	put16(w, 0);
	put64(w, UINT64_MAX); /* section length unknown */
	blk_end(w, at);
}

static inline void shb(struct bld *w, bool big)
{
	shb_v(w, big, 1);
}

static inline void opt(struct bld *w, uint16_t code, const void *val,
		       uint16_t len)
{
	put16(w, code);
	put16(w, len);
	put_bytes(w, val, len);
	pad4(w);
}

static inline void opt_str(struct bld *w, uint16_t code, const char *s)
{
	opt(w, code, s, (uint16_t)strlen(s));
}

/* tsresol < 0: none; has_off: an if_tsoffset of off seconds */
static inline void idb(struct bld *w, uint16_t lt, uint32_t snaplen,
		       const char *name, const char *descr, int tsresol,
		       bool has_off, int64_t off)
{
	size_t at = blk_begin(w, 1);
	uint8_t r = (uint8_t)tsresol;

	put16(w, lt);
	put16(w, 0);
	put32(w, snaplen);
	if (name)
		opt_str(w, 2, name);
	if (descr)
		opt_str(w, 3, descr);
	if (tsresol >= 0)
		opt(w, 9, &r, 1);
	if (has_off) {
		put16(w, 14);
		put16(w, 8);
		put64(w, (uint64_t)off);
	}
	if (name || descr || tsresol >= 0 || has_off)
		put32(w, 0); /* opt_endofopt */
	blk_end(w, at);
}

static inline void epb_len(struct bld *w, uint32_t id, uint64_t units,
			   const uint8_t *data, uint32_t caplen,
			   uint32_t wirelen)
{
	size_t at = blk_begin(w, 6);

	put32(w, id);
	put32(w, units >> 32);
	put32(w, (uint32_t)units);
	put32(w, caplen);
	put32(w, wirelen);
	put_bytes(w, data, caplen);
	pad4(w);
	opt_str(w, 1, "a comment"); /* EPB options are skipped */
	put32(w, 0);
	blk_end(w, at);
}

static inline void epb(struct bld *w, uint32_t id, uint64_t units,
		       const uint8_t *data, uint32_t len)
{
	epb_len(w, id, units, data, len, len);
}

static inline void spb(struct bld *w, const uint8_t *data, uint32_t caplen,
		       uint32_t wirelen)
{
	size_t at = blk_begin(w, 3);

	put32(w, wirelen);
	put_bytes(w, data, caplen);
	blk_end(w, at);
}

/* the obsolete Packet Block: 16-bit interface id, drops count */
static inline void pb(struct bld *w, uint16_t id, uint64_t units,
		      const uint8_t *data, uint32_t len)
{
	size_t at = blk_begin(w, 2);

	put16(w, id);
	put16(w, 0);
	put32(w, units >> 32);
	put32(w, (uint32_t)units);
	put32(w, len);
	put32(w, len);
	put_bytes(w, data, len);
	blk_end(w, at);
}

static inline void other_block(struct bld *w, uint32_t type, size_t body)
{
	size_t at = blk_begin(w, type), i;

	for (i = 0; i < body; i++)
		put8(w, (uint8_t)i);
	blk_end(w, at);
}

/* IPv4/UDP 10.0.0.1:1000 -> 10.0.0.2:2000, 28 octets, as raw IP and in
 * an Ethernet frame */
static const uint8_t ip4[28] = {
	0x45, 0, 0,  28, 0, 1, 0,    0,	   64,	 17,   0, 0, 10, 0,
	0,    1, 10, 0,	 0, 2, 0x03, 0xe8, 0x07, 0xd0, 0, 8, 0,	 0,
};
static uint8_t eth4[14 + 28];

static inline void init_frames(void)
{
	static const uint8_t hdr[14] = { 2, 0, 0, 0, 0, 2,    2,
					 0, 0, 0, 0, 1, 0x08, 0x00 };

	memcpy(eth4, hdr, sizeof(hdr));
	memcpy(eth4 + 14, ip4, sizeof(ip4));
}

/* How the file reaches the reader. */
enum src { SRC_MEM, SRC_FILE, SRC_STREAM, NSRC };

struct rd {
	struct pcapng *r;
	FILE *f;
	char err[256];
};

static inline void rd_open(struct rd *x, const struct bld *w, enum src src)
{
	x->f = NULL;
	x->err[0] = 0;
	if (src == SRC_MEM) {
		x->r = pcapng_open_mem(w->b, w->n, x->err, sizeof(x->err));
		return;
	}
	if (src == SRC_FILE) {
		x->f = tmpfile();
		ck_assert_ptr_nonnull(x->f);
		ck_assert_uint_eq(fwrite(w->b, 1, w->n, x->f), w->n);
		rewind(x->f);
	} else {
		/* fmemopen has no descriptor: the size is unknown */
		x->f = fmemopen((void *)w->b, w->n ? w->n : 1, "rb");
		ck_assert_ptr_nonnull(x->f);
		if (!w->n)
			fgetc(x->f);
	}
	x->r = pcapng_open_file(x->f, x->err, sizeof(x->err));
}

static inline void rd_close(struct rd *x)
{
	pcapng_close(x->r);
	if (x->f)
		fclose(x->f);
}

static inline void expect_pkt(struct pcapng *r, uint32_t ifindex,
			      const char *name, int dlt, uint64_t ts,
			      const uint8_t *data, uint32_t caplen,
			      uint32_t wirelen)
{
	struct pcapng_pkt p;

	ck_assert_int_eq(pcapng_next(r, &p), 1);
	ck_assert_ptr_nonnull(p.op);
	ck_assert_uint_eq(p.op->ifindex, ifindex);
	ck_assert_str_eq(p.op->name, name);
	ck_assert_ptr_nonnull(p.op->link);
	ck_assert_int_eq(p.op->link->dlt, dlt);
	ck_assert_uint_eq(p.ts_ns, ts);
	ck_assert_uint_eq(p.caplen, caplen);
	ck_assert_uint_eq(p.wirelen, wirelen);
	ck_assert_mem_eq(p.data, data, caplen);
}

/* The link type's parser finds the IPv4/UDP packet. */
static inline void expect_parses(struct pcapng *r)
{
	struct pcapng_pkt p;
	struct parse_cursor c;
	struct pkt_info pi;

	ck_assert_int_eq(pcapng_next(r, &p), 1);
	memset(&pi, 0, sizeof(pi));
	c.pos = p.data;
	c.end = p.data + p.caplen;
	c.wire_extra = p.wirelen - p.caplen;
	ck_assert_int_eq(p.op->link->parse(&c, &pi), PARSE_IP);
	ck_assert_uint_eq(pi.sport, 1000);
	ck_assert_uint_eq(pi.dport, 2000);
	ck_assert_uint_eq(pi.octets, 28);
}

static inline void expect_end(struct pcapng *r)
{
	struct pcapng_pkt p;

	ck_assert_int_eq(pcapng_next(r, &p), 0);
	ck_assert_int_eq(pcapng_next(r, &p), 0);
	ck_assert_str_eq(pcapng_error(r), "");
}

/* The error after the good packets, sticky, its message containing what. */
static inline void expect_error(struct pcapng *r, int err, const char *what)
{
	struct pcapng_pkt p;

	ck_assert_int_eq(pcapng_next(r, &p), err);
	ck_assert_msg(strstr(pcapng_error(r), what), "error '%s' lacks '%s'",
		      pcapng_error(r), what);
	ck_assert_int_eq(pcapng_next(r, &p), err);
	ck_assert_uint_eq(pcapng_stats(r)->errors, 1);
}

/* Loop tests: _i = byte order (bit 0) x source (_i >> 1). */
#define BIG(i) (((i)&1) != 0)
#define SRC(i) ((enum src)((i) >> 1))
#define NLOOP (2 * NSRC)

#endif
