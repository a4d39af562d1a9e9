// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - NetFlow v5, v9 (RFC 3954) and IPFIX (RFC 7011) messages to
 * JSON lines. Every read goes through a bounds-checked cursor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xfdecode.h"

/*
 * The template table starts empty and grows as templates arrive, so that a
 * state costs nothing until used and every scan of it covers only the slots
 * ever filled, not XFD_MAX_TEMPLATES of them.
 */
int xfd_state_init(struct xfd_state *st)
{
	memset(st, 0, sizeof(*st));
	return 0;
}

void xfd_state_free(struct xfd_state *st)
{
	size_t i;

	for (i = 0; i < st->nslots; i++)
		free(st->tmpl[i].fields);
	free(st->tmpl);
	memset(st, 0, sizeof(*st));
}

/* ---------------------------------------------------------------------- */
/* Bounds-checked cursor: the only way message bytes are read.            */

struct xfd_cur {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static size_t cur_left(const struct xfd_cur *c)
{
	return c->len - c->off;
}

/*
 * On failure the outputs are still set (to NULL or 0), so a caller that
 * skips a check it has proven redundant never sees an uninitialised value.
 */
static bool cur_bytes(struct xfd_cur *c, size_t n, const uint8_t **v)
{
	*v = NULL;
	if (n > cur_left(c))
		return false;
	*v = c->p + c->off;
	c->off += n;
	return true;
}

static bool cur_u8(struct xfd_cur *c, uint8_t *v)
{
	const uint8_t *b;

	*v = 0;
	if (!cur_bytes(c, 1, &b))
		return false;
	*v = b[0];
	return true;
}

static bool cur_u16(struct xfd_cur *c, uint16_t *v)
{
	const uint8_t *b;

	*v = 0;
	if (!cur_bytes(c, 2, &b))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

static bool cur_u32(struct xfd_cur *c, uint32_t *v)
{
	const uint8_t *b;

	*v = 0;
	if (!cur_bytes(c, 4, &b))
		return false;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
	     b[3];
	return true;
}

/* Split the next n bytes off into their own cursor. */
static bool cur_sub(struct xfd_cur *c, size_t n, struct xfd_cur *sub)
{
	const uint8_t *b;

	if (!cur_bytes(c, n, &b))
		return false;
	sub->p = b;
	sub->len = n;
	sub->off = 0;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Template cache                                                         */

/*
 * Templates are scoped per exporter and observation domain / source ID
 * (RFC 7011 section 8, RFC 3954 section 5.1).  The version is part of the
 * key too, since a v9 and an IPFIX template with the same ID from the same
 * address describe different wire encodings.
 */
static struct xfd_tmpl *tmpl_find(struct xfd_msg *m, uint16_t id)
{
	struct xfd_state *st = m->st;
	size_t i;

	for (i = 0; i < st->nslots; i++) {
		struct xfd_tmpl *t = &st->tmpl[i];

		if (t->fields && t->id == id && t->domain == m->domain &&
		    t->version == m->version && !strcmp(t->exporter, m->key))
			return t;
	}
	return NULL;
}

static void tmpl_remove(struct xfd_state *st, struct xfd_tmpl *t)
{
	st->nfields -= t->nfields;
	st->ntmpl--;
	free(t->fields);
	t->fields = NULL;
}

static struct xfd_tmpl *tmpl_oldest(struct xfd_state *st)
{
	struct xfd_tmpl *old = NULL;
	size_t i;

	for (i = 0; i < st->nslots; i++) {
		struct xfd_tmpl *t = &st->tmpl[i];

		if (t->fields && (!old || t->stamp < old->stamp))
			old = t;
	}
	return old;
}

/* Takes ownership of fields, unless it fails (out of memory). */
static int tmpl_insert(struct xfd_msg *m, const struct xfd_tmpl *nt)
{
	struct xfd_state *st = m->st;
	struct xfd_tmpl *t;
	size_t i;

	/* A re-sent template replaces the old definition (RFC 7011 8.1). */
	t = tmpl_find(m, nt->id);
	if (t)
		tmpl_remove(st, t);
	while (st->ntmpl > 0 && (st->ntmpl >= XFD_MAX_TEMPLATES ||
				 st->nfields + nt->nfields > XFD_MAX_FIELDS))
		tmpl_remove(st, tmpl_oldest(st));
	for (i = 0; i < st->nslots; i++)
		if (!st->tmpl[i].fields)
			break;
	if (i == st->nslots) {
		/* every slot is used, so nslots == ntmpl < max: grow */
		size_t n = st->nslots ? st->nslots * 2 : 16;

		if (n > XFD_MAX_TEMPLATES)
			n = XFD_MAX_TEMPLATES;
		t = realloc(st->tmpl, n * sizeof(*t));
		if (!t)
			return -1;
		memset(t + st->nslots, 0, (n - st->nslots) * sizeof(*t));
		st->tmpl = t;
		st->nslots = n;
	}
	t = &st->tmpl[i];
	*t = *nt;
	t->stamp = st->clock++;
	st->ntmpl++;
	st->nfields += nt->nfields;
	return 0;
}

/* RFC 7011 section 8.1: template ID == set ID withdraws all of that kind. */
static void tmpl_withdraw_all(struct xfd_msg *m, bool options)
{
	struct xfd_state *st = m->st;
	size_t i;

	for (i = 0; i < st->nslots; i++) {
		struct xfd_tmpl *t = &st->tmpl[i];

		if (t->fields && t->options == options &&
		    t->domain == m->domain && t->version == m->version &&
		    !strcmp(t->exporter, m->key))
			tmpl_remove(st, t);
	}
}

/* ---------------------------------------------------------------------- */
/* Template sets                                                          */

static void print_template(struct xfd_msg *m, const struct xfd_tmpl *t)
{
	uint16_t i;

	line_start(m);
	fprintf(m->out, ",\"template\":%u", t->id);
	if (t->options)
		fprintf(m->out, ",\"scope_count\":%u", t->scope_count);
	fputs(",\"fields\":[", m->out);
	for (i = 0; i < t->nfields; i++)
		fprintf(m->out, "%s[%" PRIu32 ",%u,%u]", i ? "," : "",
			t->fields[i].pen, t->fields[i].id, t->fields[i].len);
	fputs("]}\n", m->out);
}

static void print_withdrawal(struct xfd_msg *m, uint16_t id, bool all)
{
	line_start(m);
	fprintf(m->out, ",\"template_withdrawn\":%u%s}\n", id,
		all ? ",\"all\":true" : "");
}

/*
 * Read nfields field specifiers into t.  IPFIX (RFC 7011 section 3.2):
 * the top bit of the ID says a 4-byte enterprise number follows.  NetFlow v9
 * (RFC 3954 section 5.2) has no enterprise bit: type and length only.
 */
static int read_fields(struct xfd_msg *m, struct xfd_cur *c, struct xfd_tmpl *t)
{
	uint32_t min_len = 0;
	uint16_t i;

	/* Each specifier needs at least 4 bytes: refuse before allocating. */
	if ((size_t)t->nfields * 4 > cur_left(c))
		return xfd_err(m, "template %u: field count %u overflows set",
			       t->id, t->nfields);
	t->fields = calloc(t->nfields, sizeof(*t->fields));
	if (!t->fields)
		return xfd_err(m, "out of memory");
	for (i = 0; i < t->nfields; i++) {
		struct xfd_field *f = &t->fields[i];
		bool scope = m->version == 9 && t->options &&
			     i < t->scope_count;

		if (!cur_u16(c, &f->id) || !cur_u16(c, &f->len))
			goto overflow;
		if (m->version == 10 && (f->id & 0x8000)) {
			f->id &= 0x7fff;
			if (!cur_u32(c, &f->pen))
				goto overflow;
		}
		/* A zero-length field makes no sense and could make a record
		 * zero bytes long, looping forever over a data set. */
		if (f->len == 0) {
			xfd_err(m, "template %u: field %u has length 0", t->id,
				f->id);
			goto fail;
		}
		if (scope)
			f->ie = ie_lookup(xfd_v9_scopes, xfd_nv9_scopes, 0,
					  f->id);
		else
			f->ie = ie_lookup(xfd_ies, xfd_nies, f->pen, f->id);
		/* A variable-length field takes at least its length byte. */
		if (m->version == 10 && f->len == XFD_VARLEN)
			min_len += 1;
		else
			min_len += f->len;
	}
	t->min_len = min_len;
	return 0;
overflow:
	xfd_err(m, "template %u: field count %u overflows set", t->id,
		t->nfields);
fail:
	free(t->fields);
	t->fields = NULL;
	return -1;
}

static int decode_template_set(struct xfd_msg *m, struct xfd_cur *c,
			       uint16_t set_id)
{
	bool options = set_id == V9_SET_OPTIONS || set_id == IPFIX_SET_OPTIONS;
	bool v9 = m->version == 9;
	/* v9 options template header: ID, scope length, option length. */
	size_t hdr = v9 && options ? 6 : 4;

	/*
	 * Anything shorter than a record header is padding (RFC 3954 5.3,
	 * RFC 7011 3.3.1: padding is shorter than any allowable record).
	 */
	while (cur_left(c) >= hdr) {
		struct xfd_tmpl t, *old;

		memset(&t, 0, sizeof(t));
		t.version = (uint8_t)m->version;
		t.domain = m->domain;
		t.options = options;
		memcpy(t.exporter, m->key, sizeof(t.exporter));
		cur_u16(c, &t.id);
		if (v9 && options) {
			uint16_t scope_len, opt_len;

			/* RFC 3954 section 6.1: lengths are in bytes. */
			cur_u16(c, &scope_len);
			cur_u16(c, &opt_len);
			if (scope_len % 4 || opt_len % 4 ||
			    scope_len + opt_len == 0)
				return xfd_err(m,
					       "options template %u: bad "
					       "scope/option length %u/%u",
					       t.id, scope_len, opt_len);
			t.scope_count = scope_len / 4;
			t.nfields = (uint16_t)((scope_len + opt_len) / 4);
		} else {
			cur_u16(c, &t.nfields);
		}
		if (!v9 && t.nfields == 0) {
			/* RFC 7011 section 8.1: field count 0 withdraws. */
			if (t.id == set_id) {
				tmpl_withdraw_all(m, options);
				print_withdrawal(m, t.id, true);
				continue;
			}
			if (t.id < SET_ID_MIN_DATA)
				return xfd_err(m, "template id %u < 256", t.id);
			old = tmpl_find(m, t.id);
			if (old)
				tmpl_remove(m->st, old);
			print_withdrawal(m, t.id, false);
			continue;
		}
		if (t.id < SET_ID_MIN_DATA)
			return xfd_err(m, "template id %u < 256", t.id);
		if (t.nfields == 0)
			return xfd_err(m, "template %u has no fields", t.id);
		if (!v9 && options) {
			/* RFC 7011 3.4.2.2: scope count is 1..field count. */
			if (!cur_u16(c, &t.scope_count))
				return xfd_err(m,
					       "options template %u "
					       "truncated",
					       t.id);
			if (t.scope_count == 0 || t.scope_count > t.nfields)
				return xfd_err(m,
					       "options template %u: scope "
					       "count %u invalid",
					       t.id, t.scope_count);
		}
		if (read_fields(m, c, &t) < 0)
			return -1;
		if (tmpl_insert(m, &t) < 0) {
			free(t.fields);
			return xfd_err(m, "out of memory");
		}
		print_template(m, &t);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Data sets                                                              */

/* Read one field's bytes; handles RFC 7011 section 7 variable length. */
static bool field_next(struct xfd_msg *m, struct xfd_cur *c,
		       const struct xfd_field *f, const uint8_t **v, size_t *n)
{
	size_t len = f->len;

	*v = NULL;
	*n = 0;
	if (m->version == 10 && len == XFD_VARLEN) {
		uint8_t b;
		uint16_t w;

		/* One length byte, or 255 followed by a 2-byte length. */
		if (!cur_u8(c, &b))
			return false;
		len = b;
		if (b == 255) {
			if (!cur_u16(c, &w))
				return false;
			len = w;
		}
	}
	*n = len;
	return cur_bytes(c, len, v);
}

static int decode_data_set(struct xfd_msg *m, struct xfd_cur *c,
			   uint16_t set_id)
{
	const struct xfd_tmpl *t = tmpl_find(m, set_id);
	const uint8_t *v;
	size_t n;
	uint16_t i;

	if (!t) {
		fprintf(m->out,
			"{\"version\":%u,\"unknown_template\":%u,"
			"\"domain\":%" PRIu32 "}\n",
			m->version, set_id, m->domain);
		return 0;
	}
	/*
	 * Trailing bytes shorter than the smallest record are padding
	 * (RFC 7011 section 3.3.1, RFC 3954 section 5.3).  min_len >= 1 is
	 * guaranteed by read_fields(), so every iteration makes progress.
	 */
	while (cur_left(c) >= t->min_len && cur_left(c) > 0) {
		struct xfd_cur probe = *c;

		/* Validate the whole record first so that a bad one never
		 * leaves half a JSON line behind. */
		for (i = 0; i < t->nfields; i++)
			if (!field_next(m, &probe, &t->fields[i], &v, &n))
				return xfd_err(m,
					       "template %u: record "
					       "overruns set",
					       t->id);
		line_start(m);
		fprintf(m->out, ",\"template\":%u", t->id);
		if (t->options)
			fputs(",\"options\":true", m->out);
		for (i = 0; i < t->nfields; i++) {
			if (!field_next(m, c, &t->fields[i], &v, &n))
				break; /* cannot happen: probed above */
			print_key(m->out, &t->fields[i]);
			print_value(m->out, &t->fields[i], v, n);
		}
		fputs("}\n", m->out);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Messages                                                               */

/* Shared by v9 and IPFIX: both are a header followed by sets. */
static int decode_sets(struct xfd_msg *m, struct xfd_cur *c)
{
	uint16_t tmpl_set = m->version == 9 ? V9_SET_TEMPLATE
					    : IPFIX_SET_TEMPLATE;
	uint16_t opt_set = m->version == 9 ? V9_SET_OPTIONS : IPFIX_SET_OPTIONS;

	while (cur_left(c) > 0) {
		struct xfd_cur set;
		uint16_t id, len;
		int rc = 0;

		/*
		 * v9 has no message length, so a few trailing bytes are
		 * tolerated as padding; IPFIX sets must fill the message
		 * exactly (RFC 7011 section 3.3.1).
		 */
		if (cur_left(c) < SET_HDR_LEN) {
			if (m->version == 9)
				return 0;
			return xfd_err(m, "%zu trailing bytes after last set",
				       cur_left(c));
		}
		cur_u16(c, &id);
		cur_u16(c, &len);
		/* The set length includes its own 4-byte header. */
		if (len < SET_HDR_LEN)
			return xfd_err(m, "set %u: length %u < 4", id, len);
		if (!cur_sub(c, len - SET_HDR_LEN, &set))
			return xfd_err(m,
				       "set %u: length %u past end of "
				       "message",
				       id, len);
		if (id == tmpl_set || id == opt_set)
			rc = decode_template_set(m, &set, id);
		else if (id >= SET_ID_MIN_DATA)
			rc = decode_data_set(m, &set, id);
		/* Other IDs are reserved: skipped for forward compatibility. */
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int decode_v5(struct xfd_msg *m, struct xfd_cur *c)
{
	uint16_t version, count, i;
	uint32_t uptime, secs, nsecs, seq;
	uint8_t engine_type, engine_id;
	uint16_t sampling;

	if (cur_left(c) < V5_HDR_LEN)
		return xfd_err(m, "v5 header truncated (%zu bytes)",
			       cur_left(c));
	cur_u16(c, &version);
	cur_u16(c, &count);
	cur_u32(c, &uptime);
	cur_u32(c, &secs);
	cur_u32(c, &nsecs);
	cur_u32(c, &seq);
	cur_u8(c, &engine_type);
	cur_u8(c, &engine_id);
	cur_u16(c, &sampling);
	if ((size_t)count * V5_REC_LEN > cur_left(c))
		return xfd_err(m,
			       "v5 record count %u exceeds message length "
			       "%zu",
			       count, c->len);
	if (m->st->headers) {
		fputs("{\"version\":5,\"exporter\":", m->out);
		json_cstr(m->out, m->exporter);
		fprintf(m->out,
			",\"header\":true,\"count\":%u,"
			"\"sys_uptime\":%" PRIu32 ",\"unix_secs\":%" PRIu32
			",\"unix_nsecs\":%" PRIu32 ",\"seq\":%" PRIu32
			",\"engine_type\":%u,\"engine_id\":%u,"
			"\"sampling_interval\":%u}\n",
			count, uptime, secs, nsecs, seq, engine_type, engine_id,
			sampling);
	}
	for (i = 0; i < count; i++) {
		const uint8_t *r;
		struct xfd_cur rc;
		uint32_t pkts, octets, first, last;
		uint16_t input, output, sport, dport, src_as, dst_as;

		if (!cur_bytes(c, V5_REC_LEN, &r))
			break; /* cannot happen: count checked above */
		rc.p = r;
		rc.len = V5_REC_LEN;
		rc.off = 12; /* after the three addresses */
		cur_u16(&rc, &input);
		cur_u16(&rc, &output);
		cur_u32(&rc, &pkts);
		cur_u32(&rc, &octets);
		cur_u32(&rc, &first);
		cur_u32(&rc, &last);
		cur_u16(&rc, &sport);
		cur_u16(&rc, &dport);
		rc.off = 40; /* past pad1, flags, prot, tos */
		cur_u16(&rc, &src_as);
		cur_u16(&rc, &dst_as);

		fputs("{\"version\":5,\"exporter\":", m->out);
		json_cstr(m->out, m->exporter);
		fprintf(m->out, ",\"seq\":%" PRIu32 ",\"srcaddr\":", seq);
		print_ipv4(m->out, r);
		fputs(",\"dstaddr\":", m->out);
		print_ipv4(m->out, r + 4);
		fputs(",\"nexthop\":", m->out);
		print_ipv4(m->out, r + 8);
		fprintf(m->out,
			",\"input\":%u,\"output\":%u,\"packets\":%" PRIu32
			",\"octets\":%" PRIu32 ",\"first\":%" PRIu32
			",\"last\":%" PRIu32 ",\"srcport\":%u,\"dstport\":%u,"
			"\"tcp_flags\":%u,\"proto\":%u,\"tos\":%u,"
			"\"src_as\":%u,\"dst_as\":%u,\"src_mask\":%u,"
			"\"dst_mask\":%u}\n",
			input, output, pkts, octets, first, last, sport, dport,
			r[37], r[38], r[39], src_as, dst_as, r[44], r[45]);
	}
	return 0;
}

static int decode_v9(struct xfd_msg *m, struct xfd_cur *c)
{
	uint16_t version, count;
	uint32_t uptime, secs, seq;

	/* RFC 3954 section 5.1. */
	if (cur_left(c) < V9_HDR_LEN)
		return xfd_err(m, "v9 header truncated (%zu bytes)",
			       cur_left(c));
	cur_u16(c, &version);
	cur_u16(c, &count);
	cur_u32(c, &uptime);
	cur_u32(c, &secs);
	cur_u32(c, &seq);
	cur_u32(c, &m->domain); /* source ID */
	if (m->st->headers) {
		line_start(m);
		fprintf(m->out,
			",\"header\":true,\"count\":%u,"
			"\"sys_uptime\":%" PRIu32 ",\"unix_secs\":%" PRIu32
			",\"seq\":%" PRIu32 "}\n",
			count, uptime, secs, seq);
	}
	/* The header count is advisory; the sets are walked by length. */
	return decode_sets(m, c);
}

static int decode_ipfix(struct xfd_msg *m, struct xfd_cur *c)
{
	uint16_t version, length;
	uint32_t export_time, seq;
	struct xfd_cur body;
	int rc;

	/* RFC 7011 section 3.1. */
	if (cur_left(c) < IPFIX_HDR_LEN)
		return xfd_err(m, "IPFIX header truncated (%zu bytes)",
			       cur_left(c));
	cur_u16(c, &version);
	cur_u16(c, &length);
	cur_u32(c, &export_time);
	cur_u32(c, &seq);
	cur_u32(c, &m->domain);
	if (length < IPFIX_HDR_LEN)
		return xfd_err(m, "IPFIX message length %u < 16", length);
	if (length > c->len)
		return xfd_err(m,
			       "IPFIX message length %u exceeds datagram "
			       "(%zu bytes)",
			       length, c->len);
	if (m->st->headers) {
		line_start(m);
		fprintf(m->out,
			",\"header\":true,\"length\":%u,"
			"\"export_time\":%" PRIu32 ",\"seq\":%" PRIu32 "}\n",
			length, export_time, seq);
	}
	cur_sub(c, length - IPFIX_HDR_LEN, &body);
	rc = decode_sets(m, &body);
	if (rc == 0 && cur_left(c) > 0)
		return xfd_err(m, "%zu bytes after IPFIX message length %u",
			       cur_left(c), length);
	return rc;
}

/*
 * Decode one export message and print it to out.  Returns 0, or -1 after
 * printing an error line for a malformed message (whatever was decoded
 * before the problem has been printed already).  Never reads outside
 * buf[0..len).
 */
int xfd_decode(struct xfd_state *st, const uint8_t *buf, size_t len,
	       const char *exporter, FILE *out)
{
	struct xfd_msg m;
	struct xfd_cur c = { .p = buf, .len = buf ? len : 0, .off = 0 };
	uint16_t version;

	memset(&m, 0, sizeof(m));
	m.st = st;
	m.out = out;
	m.exporter = exporter ? exporter : "";
	snprintf(m.key, sizeof(m.key), "%s", m.exporter);
	if (!cur_u16(&c, &version))
		return xfd_err(&m, "message too short (%zu bytes)", c.len);
	c.off = 0;
	m.version = version;
	switch (version) {
	case 5:
		return decode_v5(&m, &c);
	case 9:
		return decode_v9(&m, &c);
	case 10:
		return decode_ipfix(&m, &c);
	default:
		return xfd_err(&m, "unsupported version %u", version);
	}
}
