// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcapng.c - the pcapng block reader (see pcapng.h). Layouts from
 * draft-ietf-opsawg-pcapng: §3.1 general block structure, §3.5 options,
 * §4.1 Section Header Block, §4.2 Interface Description Block, §4.3
 * Enhanced Packet Block, §4.4 Simple Packet Block, Appendix A the
 * obsolete Packet Block.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/clock.h"
#include "pcapng.h"

#define BT_IDB 1u
#define BT_PB 2u /* obsolete Packet Block (Appendix A) */
#define BT_SPB 3u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

/* IDB options (§4.2) */
#define OPT_ENDOFOPT 0
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define IF_TSOFFSET 14

#define SHB_MIN 28  /* type, length, magic, versions, section length, length */
#define IDB_BODY 8  /* link type, reserved, snaplen */
#define EPB_BODY 20 /* interface, timestamp high and low, lengths */
#define SPB_BODY 4  /* original length */
#define FILE_BUF 65536

struct pcapng {
	FILE *f;	    /* file input, or */
	const uint8_t *mem; /* memory input */
	uint64_t size;	    /* octets of input from the start; UINT64_MAX:
			       unknown (a pipe) */
	uint64_t off;	    /* offset of the block being read */
	size_t pre;	    /* octets of it read ahead (the file magic) */
	uint8_t *buf;	    /* file input: the current block */
	size_t bufsize;
	const uint8_t *blk;    /* the current block */
	bool big;	       /* the current section is big-endian */
	unsigned int sec_base; /* ifs index of the section's first interface */
	struct pcapng_if **ifs;
	unsigned int nif;
	unsigned int ifcap;
	unsigned int usable;
	uint64_t last_ts; /* for Simple Packet Blocks, which carry none */
	bool pending;	  /* pend holds the packet block the open stopped at */
	struct pcapng_pkt pend;
	int err;
	char msg[192];
	struct pcapng_stats st;
};

static const uint64_t dec_unit[20] = {
	1ull,
	10ull,
	100ull,
	1000ull,
	10000ull,
	100000ull,
	1000000ull,
	10000000ull,
	100000000ull,
	1000000000ull,
	10000000000ull,
	100000000000ull,
	1000000000000ull,
	10000000000000ull,
	100000000000000ull,
	1000000000000000ull,
	10000000000000000ull,
	100000000000000000ull,
	1000000000000000000ull,
	10000000000000000000ull,
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Fields in the byte order of the current section. */
static uint16_t rd16(const struct pcapng *r, const uint8_t *p)
{
	return r->big ? (uint16_t)(p[0] << 8 | p[1])
		      : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const struct pcapng *r, const uint8_t *p)
{
	return r->big ? __builtin_bswap32(le32(p)) : le32(p);
}

static uint64_t rd64(const struct pcapng *r, const uint8_t *p)
{
	uint64_t lo = le32(p), hi = le32(p + 4);

	return r->big ? __builtin_bswap64(lo | hi << 32) : lo | hi << 32;
}

static int fail(struct pcapng *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the (sticky) error; returns err. */
static int fail(struct pcapng *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->err = err;
	r->st.errors++;
	return err;
}

/* File input: room for a block of len octets (len <= PCAPNG_MAX_BLOCK). */
static int grow(struct pcapng *r, size_t len)
{
	size_t n = r->bufsize;
	uint8_t *nb;

	if (len <= n)
		return 0;
	while (n < len)
		n *= 2;
	nb = realloc(r->buf, n);
	if (!nb)
		return -ENOMEM;
	r->buf = nb;
	r->bufsize = n;
	return 0;
}

/*
 * Octets [have, want) of the block at r->off into r->blk; returns how many
 * of the block are in place now (less than want at the end of input).
 */
static size_t fetch(struct pcapng *r, size_t have, size_t want)
{
	uint64_t left = r->size - r->off;

	if (r->mem) {
		r->blk = r->mem + r->off;
		return want < left ? want : (size_t)left;
	}
	r->blk = r->buf;
	return have + fread(r->buf + have, 1, want - have, r->f);
}

static int truncated(struct pcapng *r, const char *what, size_t got,
		     size_t want)
{
	if (r->f && ferror(r->f))
		return fail(r, -EIO, "read error at offset %llu",
			    (unsigned long long)r->off);
	return fail(r, -EBADMSG,
		    "truncated %s at offset %llu: %zu of %zu octets", what,
		    (unsigned long long)r->off, got, want);
}

/*
 * Read the next block (§3.1): its type, its body (the octets between the
 * two length fields) and the body's length. 1, 0 at the end of the input,
 * or -errno.
 */
static int read_block(struct pcapng *r, uint32_t *type, const uint8_t **body,
		      uint32_t *blen)
{
	unsigned long long at = r->off;
	size_t hlen = 8, got;
	uint32_t len, magic;

	if (r->err)
		return r->err;
	got = fetch(r, r->pre, 8);
	r->pre = 0;
	if (got == 0)
		return r->f && ferror(r->f) ? truncated(r, "block", 0, 8) : 0;
	if (got < 8)
		return truncated(r, "block header", got, 8);
	/* 0x0A0D0D0A reads the same in both byte orders; the byte-order
	 * magic after it sets the order of the section it opens (§4.1) */
	if (le32(r->blk) == PCAPNG_SHB) {
		hlen = 12;
		got = fetch(r, 8, 12);
		if (got < 12)
			return truncated(r, "section header", got, 12);
		magic = le32(r->blk + 8);
		if (magic == BYTE_ORDER_MAGIC)
			r->big = false;
		else if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
			r->big = true;
		else
			return fail(r, -EBADMSG,
				    "section header at offset %llu: bad "
				    "byte-order magic 0x%08x",
				    at, magic);
	}
	*type = rd32(r, r->blk);
	len = rd32(r, r->blk + 4);
	if (len < 12 || len % 4)
		return fail(r, -EBADMSG,
			    "block of type 0x%x at offset %llu: length %u "
			    "(must be a multiple of 4, at least 12)",
			    *type, at, len);
	if (hlen == 12 && len < SHB_MIN)
		return fail(r, -EBADMSG,
			    "section header at offset %llu: length %u < %u", at,
			    len, SHB_MIN);
	if (len > PCAPNG_MAX_BLOCK)
		return fail(r, -EBADMSG,
			    "block of type 0x%x at offset %llu: length %u "
			    "exceeds the limit of %u",
			    *type, at, len, PCAPNG_MAX_BLOCK);
	if (len > r->size - r->off)
		return fail(r, -EBADMSG,
			    "truncated block of type 0x%x at offset %llu: "
			    "length %u runs past the end of the file (%llu "
			    "octets left)",
			    *type, at, len,
			    (unsigned long long)(r->size - r->off));
	if (!r->mem && grow(r, len))
		return fail(r, -ENOMEM, "block of %u octets: out of memory",
			    len);
	got = fetch(r, hlen, len);
	if (got < len)
		return truncated(r, "block", got, len);
	if (rd32(r, r->blk + len - 4) != len)
		return fail(r, -EBADMSG,
			    "block of type 0x%x at offset %llu: trailing "
			    "length %u differs from the leading %u",
			    *type, at, rd32(r, r->blk + len - 4), len);
	*body = r->blk + 8;
	*blen = len - 12;
	r->off += len;
	r->st.blocks++;
	return 1;
}

/* Section Header Block (§4.1): a new section, its own interface ids. */
static int parse_shb(struct pcapng *r, const uint8_t *body)
{
	uint16_t major = rd16(r, body + 4), minor = rd16(r, body + 6);

	if (major != 1)
		return fail(r, -EPROTONOSUPPORT,
			    "section %llu: pcapng version %u.%u is not "
			    "supported (xflowd reads version 1)",
			    (unsigned long long)r->st.sections + 1, major,
			    minor);
	r->st.sections++;
	r->sec_base = r->nif;
	return 0;
}

/*
 * A string option into dst: at most size - 1 octets, up to a NUL, control
 * characters as '?', and never ending in a UTF-8 character cut short.
 */
static void copy_str(char *dst, size_t size, const uint8_t *s, size_t len)
{
	size_t n = 0, i;

	while (n < len && n < size - 1 && s[n])
		n++;
	if (n < len && s[n])
		while (n > 0 && (s[n] & 0xc0) == 0x80)
			n--;
	for (i = 0; i < n; i++)
		dst[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	dst[n] = 0;
}

/* if_tsresol (§4.2): 10^-v s, or 2^-(v & 0x7f) s when the high bit is set;
 * beyond 10^-19 and 2^-63 a unit no longer fits 64 bits */
static int set_tsresol(struct pcapng *r, struct pcapng_if *ifc, uint8_t v)
{
	ifc->ts_bin = v >> 7;
	ifc->ts_exp = v & 0x7f;
	if (ifc->ts_exp > (ifc->ts_bin ? 63 : 19))
		return fail(r, -EBADMSG,
			    "interface %u: if_tsresol %s%u is out of range",
			    r->nif - r->sec_base, ifc->ts_bin ? "2^-" : "10^-",
			    ifc->ts_exp);
	return 0;
}

static int idb_options(struct pcapng *r, struct pcapng_if *ifc,
		       const uint8_t *p, const uint8_t *end)
{
	unsigned int id = r->nif - r->sec_base;
	uint16_t code, olen;
	size_t padded;

	/* the options area is a multiple of 4 octets, as every block is */
	while (end - p >= 4) {
		code = rd16(r, p);
		olen = rd16(r, p + 2);
		p += 4;
		padded = ((size_t)olen + 3) & ~(size_t)3;
		if (padded > (size_t)(end - p))
			return fail(r, -EBADMSG,
				    "interface %u: option %u of %u octets "
				    "runs past its block",
				    id, code, olen);
		switch (code) {
		case OPT_ENDOFOPT:
			return 0;
		case IF_NAME:
			copy_str(ifc->op.name, sizeof(ifc->op.name), p, olen);
			break;
		case IF_DESCRIPTION:
			copy_str(ifc->op.descr, sizeof(ifc->op.descr), p, olen);
			break;
		case IF_TSRESOL:
			if (olen != 1)
				return fail(r, -EBADMSG,
					    "interface %u: if_tsresol of %u "
					    "octets",
					    id, olen);
			if (set_tsresol(r, ifc, p[0]))
				return r->err;
			break;
		case IF_TSOFFSET:
			if (olen != 8)
				return fail(r, -EBADMSG,
					    "interface %u: if_tsoffset of %u "
					    "octets",
					    id, olen);
			ifc->tsoffset = (int64_t)rd64(r, p);
			break;
		default:
			break;
		}
		p += padded;
	}
	return 0;
}

/* Interface Description Block (§4.2): the next interface of the section. */
static int parse_idb(struct pcapng *r, const uint8_t *body, uint32_t blen)
{
	struct pcapng_if *ifc, **nifs;
	unsigned int n;

	if (blen < IDB_BODY)
		return fail(r, -EBADMSG,
			    "interface description at offset %llu: %u octets",
			    (unsigned long long)r->off - blen - 12, blen);
	if (r->nif >= PCAPNG_MAX_IF)
		return fail(r, -EBADMSG, "more than %u interfaces",
			    PCAPNG_MAX_IF);
	if (r->nif == r->ifcap) {
		n = r->ifcap ? r->ifcap * 2 : 8;
		nifs = realloc(r->ifs, n * sizeof(*nifs));
		if (!nifs)
			return fail(r, -ENOMEM, "out of memory");
		r->ifs = nifs;
		r->ifcap = n;
	}
	ifc = calloc(1, sizeof(*ifc));
	if (!ifc)
		return fail(r, -ENOMEM, "out of memory");
	ifc->section = (uint32_t)r->st.sections - 1;
	ifc->linktype = rd16(r, body);
	ifc->snaplen = rd32(r, body + 4);
	if (ifc->snaplen == 0 || ifc->snaplen > PCAPNG_MAX_SNAPLEN)
		ifc->snaplen = PCAPNG_MAX_SNAPLEN;
	ifc->ts_exp = 6; /* microseconds unless if_tsresol says otherwise */
	if (idb_options(r, ifc, body + IDB_BODY, body + blen)) {
		free(ifc);
		return r->err;
	}
	ifc->op.link = link_lookup(ifc->linktype);
	ifc->op.ifindex = r->nif - r->sec_base + 1;
	/* a PPP session interface: its description says what it is */
	if (pppac_is_ppp(ifc->op.name, NULL))
		obs_point_pppac(&ifc->op, ifc->op.descr);
	r->ifs[r->nif++] = ifc;
	if (ifc->op.link)
		r->usable++;
	return 0;
}

uint64_t pcapng_ts_ns(const struct pcapng_if *ifc, uint64_t units, int *clamped)
{
	uint64_t sec, frac, fns;
	__int128 s, ns;

	if (ifc->ts_bin) {
		sec = units >> ifc->ts_exp;
		frac = units & ((1ull << ifc->ts_exp) - 1);
		fns = (uint64_t)(((unsigned __int128)frac * NS) >> ifc->ts_exp);
	} else {
		sec = units / dec_unit[ifc->ts_exp];
		frac = units % dec_unit[ifc->ts_exp];
		fns = ifc->ts_exp <= 9 ? frac * dec_unit[9 - ifc->ts_exp]
				       : frac / dec_unit[ifc->ts_exp - 9];
	}
	s = (__int128)sec + ifc->tsoffset;
	ns = s * (__int128)NS + fns;
	if (s < 0 || ns > (__int128)UINT64_MAX) {
		if (clamped)
			*clamped = 1;
		return s < 0 ? 0 : UINT64_MAX;
	}
	return (uint64_t)ns;
}

static struct pcapng_if *section_if(const struct pcapng *r, uint32_t id)
{
	return id < r->nif - r->sec_base ? r->ifs[r->sec_base + id] : NULL;
}

/* EPB (§4.3), SPB (§4.4), PB (Appendix A) into pkt; pkt->op NULL when the
 * block names an interface the section did not describe. */
static int parse_packet(struct pcapng *r, uint32_t type, const uint8_t *body,
			uint32_t blen, struct pcapng_pkt *pkt)
{
	unsigned long long at = r->off - blen - 12;
	struct pcapng_if *ifc;
	uint32_t id, room;
	uint64_t units;
	int clamped = 0;

	memset(pkt, 0, sizeof(*pkt));
	if (type == BT_SPB) {
		if (blen < SPB_BODY)
			return fail(r, -EBADMSG,
				    "simple packet block at offset %llu: %u "
				    "octets",
				    at, blen);
		ifc = section_if(r, 0);
		pkt->wirelen = rd32(r, body);
		room = blen - SPB_BODY;
		pkt->caplen = pkt->wirelen < room ? pkt->wirelen : room;
		if (ifc && pkt->caplen > ifc->snaplen)
			pkt->caplen = ifc->snaplen;
		pkt->data = body + SPB_BODY;
		pkt->ts_ns = r->last_ts;
		pkt->op = ifc ? &ifc->op : NULL;
		return 1;
	}
	if (blen < EPB_BODY)
		return fail(r, -EBADMSG,
			    "packet block at offset %llu: %u octets", at, blen);
	id = type == BT_EPB ? rd32(r, body) : rd16(r, body);
	units = (uint64_t)rd32(r, body + 4) << 32 | rd32(r, body + 8);
	pkt->caplen = rd32(r, body + 12);
	pkt->wirelen = rd32(r, body + 16);
	pkt->data = body + EPB_BODY;
	if (pkt->caplen > blen - EPB_BODY)
		return fail(r, -EBADMSG,
			    "packet block at offset %llu: captured length %u "
			    "runs past the block (%u octets)",
			    at, pkt->caplen, blen - EPB_BODY);
	ifc = section_if(r, id);
	if (!ifc)
		return 1;
	/* libpcap refuses this too: a writer that ignored its own snaplen */
	if (pkt->caplen > ifc->snaplen)
		return fail(r, -EBADMSG,
			    "packet block at offset %llu: captured length %u "
			    "exceeds the snaplen %u of interface %u",
			    at, pkt->caplen, ifc->snaplen, id);
	pkt->ts_ns = pcapng_ts_ns(ifc, units, &clamped);
	r->st.ts_clamped += (uint64_t)clamped;
	r->last_ts = pkt->ts_ns;
	pkt->op = &ifc->op;
	return 1;
}

/* The next packet block of any interface: 1, 0 at the end, -errno. */
static int read_packet(struct pcapng *r, struct pcapng_pkt *pkt)
{
	const uint8_t *body;
	uint32_t type, blen;
	int rc;

	for (;;) {
		rc = read_block(r, &type, &body, &blen);
		if (rc <= 0)
			return rc;
		switch (type) {
		case PCAPNG_SHB:
			rc = parse_shb(r, body);
			break;
		case BT_IDB:
			rc = parse_idb(r, body, blen);
			break;
		case BT_EPB:
		case BT_SPB:
		case BT_PB:
			return parse_packet(r, type, body, blen, pkt);
		default:
			/* NRB, ISB, DSB, custom, systemd journal, unknown */
			r->st.skipped++;
			rc = 0;
		}
		if (rc < 0)
			return rc;
	}
}

int pcapng_next(struct pcapng *r, struct pcapng_pkt *pkt)
{
	int rc;

	for (;;) {
		if (r->pending) {
			*pkt = r->pend;
			r->pending = false;
		} else {
			rc = read_packet(r, pkt);
			if (rc <= 0)
				return rc;
		}
		if (!pkt->op) {
			r->st.bad_iface++;
		} else if (!pkt->op->link) {
			r->st.unsupported++;
		} else {
			r->st.packets++;
			return 1;
		}
	}
}

/* The first block must be a section header; then read on to the first
 * packet block, so that the interfaces described before it are known. */
static struct pcapng *open_common(struct pcapng *r, char *err, size_t errlen)
{
	const uint8_t *body;
	uint32_t type, blen;
	int rc;

	if (r->mem) {
		r->blk = r->mem;
	} else {
		r->bufsize = FILE_BUF;
		r->buf = malloc(r->bufsize);
		if (!r->buf) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	r->pre = fetch(r, 0, 4);
	if (r->pre < 4 || le32(r->blk) != PCAPNG_SHB) {
		snprintf(err, errlen,
			 "not a pcapng file (no section header block)");
		goto fail;
	}
	if (r->mem)
		r->pre = 0;
	rc = read_block(r, &type, &body, &blen);
	if (rc == 0)
		rc = fail(r, -EBADMSG, "empty file");
	if (rc < 0 || parse_shb(r, body)) {
		snprintf(err, errlen, "%s", r->msg);
		goto fail;
	}
	rc = read_packet(r, &r->pend);
	r->pending = rc > 0;
	return r;
fail:
	pcapng_close(r);
	return NULL;
}

struct pcapng *pcapng_open_file(FILE *f, char *err, size_t errlen)
{
	struct pcapng *r = calloc(1, sizeof(*r));
	struct stat st;
	off_t pos;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->f = f;
	r->size = UINT64_MAX;
	/* a regular file's size bounds every block before it is allocated */
	pos = ftello(f);
	if (pos >= 0 && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= pos)
		r->size = (uint64_t)(st.st_size - pos);
	return open_common(r, err, errlen);
}

struct pcapng *pcapng_open_mem(const uint8_t *buf, size_t len, char *err,
			       size_t errlen)
{
	struct pcapng *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->mem = buf;
	r->size = len;
	return open_common(r, err, errlen);
}

const char *pcapng_error(const struct pcapng *r)
{
	return r->msg;
}

unsigned int pcapng_usable(const struct pcapng *r)
{
	return r->usable;
}

unsigned int pcapng_nif(const struct pcapng *r)
{
	return r->nif;
}

const struct pcapng_if *pcapng_if_at(const struct pcapng *r, unsigned int i)
{
	return i < r->nif ? r->ifs[i] : NULL;
}

const struct obs_point *pcapng_point(const struct pcapng *r, uint32_t ifindex)
{
	unsigned int i;

	if (ifindex >= 1 && ifindex <= r->nif - r->sec_base)
		return &r->ifs[r->sec_base + ifindex - 1]->op;
	for (i = r->sec_base; i-- > 0;)
		if (r->ifs[i]->op.ifindex == ifindex)
			return &r->ifs[i]->op;
	return NULL;
}

const struct pcapng_stats *pcapng_stats(const struct pcapng *r)
{
	return &r->st;
}

void pcapng_close(struct pcapng *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->nif; i++)
		free(r->ifs[i]);
	free(r->ifs);
	free(r->buf);
	free(r);
}
