/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xfdecode.h - print NetFlow v5, NetFlow v9 and IPFIX messages as JSON lines.
 *
 * A small aid for "make demo" and for people checking their xflowd setup:
 * it listens on a UDP port (or reads raw messages from files) and prints one
 * JSON object per data record, per template and, optionally, per message
 * header.  It is not the reference decoder for tests (tshark and nfdump are),
 * so it stays plain: only libc, no file-static mutable state, and every read
 * from a message goes through a bounds-checked cursor, because every
 * datagram is hostile.
 *
 * Wire formats:
 *   NetFlow v5  - Cisco "NetFlow Export Datagram Format" (24 + n * 48 bytes)
 *   NetFlow v9  - RFC 3954
 *   IPFIX       - RFC 7011
 *
 */
#ifndef XFDECODE_H
#define XFDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The template cache is bounded twice: by the number of templates and by the
 * total number of cached field specifiers.  A single hostile IPFIX template
 * may carry ~16k fields, so counting templates alone would allow hundreds
 * of megabytes.  When either bound is hit the oldest template is replaced.
 */
#define XFD_MAX_TEMPLATES 4096
#define XFD_MAX_FIELDS (256 * 1024)
#define XFD_EXPORTER_MAX 64 /* INET6_ADDRSTRLEN plus a scope id */
#define XFD_DGRAM_MAX 65536 /* > any UDP payload */

/* RFC 7011 section 7: a field length of 65535 means "variable length". */
#define XFD_VARLEN 65535

#define V5_HDR_LEN 24
#define V5_REC_LEN 48
#define V9_HDR_LEN 20	 /* RFC 3954 section 5.1 */
#define IPFIX_HDR_LEN 16 /* RFC 7011 section 3.1 */
#define SET_HDR_LEN 4	 /* RFC 3954 5.2, RFC 7011 3.3.2 */

/* Set IDs: RFC 3954 section 5.2 and RFC 7011 section 3.3.2. */
#define V9_SET_TEMPLATE 0
#define V9_SET_OPTIONS 1
#define IPFIX_SET_TEMPLATE 2
#define IPFIX_SET_OPTIONS 3
#define SET_ID_MIN_DATA 256

/* ---------------------------------------------------------------------- */
/* Information element names                                              */

enum xfd_type {
	XT_UINT, /* unsigned, reduced-size encoding 1..8 bytes */
	XT_IPV4,
	XT_IPV6,
	XT_MAC,
	XT_STRING,
	XT_OCTETS,
};

struct xfd_ie {
	uint32_t pen;
	uint16_t id;
	uint8_t type;
	const char *name;
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* names.c: IANA and enterprise-770 element names, v9 scope types */
extern const struct xfd_ie xfd_ies[];
extern const size_t xfd_nies;
extern const struct xfd_ie xfd_v9_scopes[];
extern const size_t xfd_nv9_scopes;
const struct xfd_ie *ie_lookup(const struct xfd_ie *tab, size_t n, uint32_t pen,
			       uint16_t id);

/* ---------------------------------------------------------------------- */
/* Decoder state                                                          */

struct xfd_field {
	const struct xfd_ie *ie; /* NULL: print as hex under a number */
	uint32_t pen;
	uint16_t id;
	uint16_t len;
};

struct xfd_tmpl {
	struct xfd_field *fields; /* NULL when the slot is free */
	uint64_t stamp;		  /* insertion order */
	uint32_t domain;
	uint32_t min_len; /* smallest possible record size */
	uint16_t id;
	uint16_t nfields;
	uint16_t scope_count;
	uint8_t version;
	bool options;
	char exporter[XFD_EXPORTER_MAX];
};

struct xfd_state {
	struct xfd_tmpl *tmpl; /* nslots slots, grown on demand */
	size_t nslots;	       /* at most XFD_MAX_TEMPLATES */
	size_t ntmpl;	       /* slots in use */
	size_t nfields;	       /* cached field specifiers */
	uint64_t clock;
	bool headers; /* print header lines */
};

/* Everything one message's decoding needs, passed down by pointer. */
struct xfd_msg {
	struct xfd_state *st;
	FILE *out;
	const char *exporter;
	char key[XFD_EXPORTER_MAX]; /* exporter, truncated */
	uint32_t domain;
	unsigned int version;
};

/* decode.c: the state owns its template cache; free it with
 * xfd_state_free. xfd_decode prints one message's records to out. */
int xfd_state_init(struct xfd_state *st);
void xfd_state_free(struct xfd_state *st);
int xfd_decode(struct xfd_state *st, const uint8_t *buf, size_t len,
	       const char *exporter, FILE *out);

/* json.c: JSON output of values and errors */
void json_str(FILE *out, const uint8_t *s, size_t n);
void json_cstr(FILE *out, const char *s);
void json_hex(FILE *out, const uint8_t *v, size_t n);
int xfd_err(struct xfd_msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void line_start(struct xfd_msg *m);
void print_value(FILE *out, const struct xfd_field *f, const uint8_t *v,
		 size_t n);
void print_key(FILE *out, const struct xfd_field *f);
void print_ipv4(FILE *out, const uint8_t *v);

#endif
