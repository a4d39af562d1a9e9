/*
 * xfdecode - print NetFlow v5, NetFlow v9 and IPFIX messages as JSON lines.
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
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o xfdecode xfdecode.c
 * Define XFDECODE_NO_MAIN to link xfd_decode() into a fuzzing harness.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * The template cache is bounded twice: by the number of templates and by the
 * total number of cached field specifiers.  A single hostile IPFIX template
 * may carry ~16k fields, so counting templates alone would allow hundreds
 * of megabytes.  When either bound is hit the oldest template is replaced.
 */
#define XFD_MAX_TEMPLATES	4096
#define XFD_MAX_FIELDS		(256 * 1024)
#define XFD_EXPORTER_MAX	64	/* INET6_ADDRSTRLEN plus a scope id */
#define XFD_DGRAM_MAX		65536	/* > any UDP payload */

/* RFC 7011 section 7: a field length of 65535 means "variable length". */
#define XFD_VARLEN		65535

#define V5_HDR_LEN		24
#define V5_REC_LEN		48
#define V9_HDR_LEN		20	/* RFC 3954 section 5.1 */
#define IPFIX_HDR_LEN		16	/* RFC 7011 section 3.1 */
#define SET_HDR_LEN		4	/* RFC 3954 5.2, RFC 7011 3.3.2 */

/* Set IDs: RFC 3954 section 5.2 and RFC 7011 section 3.3.2. */
#define V9_SET_TEMPLATE		0
#define V9_SET_OPTIONS		1
#define IPFIX_SET_TEMPLATE	2
#define IPFIX_SET_OPTIONS	3
#define SET_ID_MIN_DATA		256

/* ---------------------------------------------------------------------- */
/* Information element names                                              */

enum xfd_type {
	XT_UINT,	/* unsigned, reduced-size encoding 1..8 bytes */
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

/* IANA "IP Flow Information Export (IPFIX) Entities" names. */
static const struct xfd_ie xfd_ies[] = {
	{ 0, 1, XT_UINT, "octetDeltaCount" },
	{ 0, 2, XT_UINT, "packetDeltaCount" },
	{ 0, 3, XT_UINT, "deltaFlowCount" },
	{ 0, 4, XT_UINT, "protocolIdentifier" },
	{ 0, 5, XT_UINT, "ipClassOfService" },
	{ 0, 6, XT_UINT, "tcpControlBits" },
	{ 0, 7, XT_UINT, "sourceTransportPort" },
	{ 0, 8, XT_IPV4, "sourceIPv4Address" },
	{ 0, 9, XT_UINT, "sourceIPv4PrefixLength" },
	{ 0, 10, XT_UINT, "ingressInterface" },
	{ 0, 11, XT_UINT, "destinationTransportPort" },
	{ 0, 12, XT_IPV4, "destinationIPv4Address" },
	{ 0, 13, XT_UINT, "destinationIPv4PrefixLength" },
	{ 0, 14, XT_UINT, "egressInterface" },
	{ 0, 15, XT_IPV4, "ipNextHopIPv4Address" },
	{ 0, 16, XT_UINT, "bgpSourceAsNumber" },
	{ 0, 17, XT_UINT, "bgpDestinationAsNumber" },
	{ 0, 18, XT_IPV4, "bgpNextHopIPv4Address" },
	{ 0, 21, XT_UINT, "flowEndSysUpTime" },
	{ 0, 22, XT_UINT, "flowStartSysUpTime" },
	{ 0, 27, XT_IPV6, "sourceIPv6Address" },
	{ 0, 28, XT_IPV6, "destinationIPv6Address" },
	{ 0, 29, XT_UINT, "sourceIPv6PrefixLength" },
	{ 0, 30, XT_UINT, "destinationIPv6PrefixLength" },
	{ 0, 31, XT_UINT, "flowLabelIPv6" },
	{ 0, 32, XT_UINT, "icmpTypeCodeIPv4" },
	{ 0, 34, XT_UINT, "samplingInterval" },
	{ 0, 35, XT_UINT, "samplingAlgorithm" },
	{ 0, 40, XT_UINT, "exportedOctetTotalCount" },
	{ 0, 41, XT_UINT, "exportedMessageTotalCount" },
	{ 0, 42, XT_UINT, "exportedFlowRecordTotalCount" },
	{ 0, 48, XT_UINT, "samplerId" },
	{ 0, 49, XT_UINT, "samplerMode" },
	{ 0, 50, XT_UINT, "samplerRandomInterval" },
	{ 0, 52, XT_UINT, "minimumTTL" },
	{ 0, 53, XT_UINT, "maximumTTL" },
	{ 0, 56, XT_MAC, "sourceMacAddress" },
	{ 0, 57, XT_MAC, "postDestinationMacAddress" },
	{ 0, 58, XT_UINT, "vlanId" },
	{ 0, 60, XT_UINT, "ipVersion" },
	{ 0, 61, XT_UINT, "flowDirection" },
	{ 0, 62, XT_IPV6, "ipNextHopIPv6Address" },
	{ 0, 80, XT_MAC, "destinationMacAddress" },
	{ 0, 81, XT_MAC, "postSourceMacAddress" },
	{ 0, 82, XT_STRING, "interfaceName" },
	{ 0, 83, XT_STRING, "interfaceDescription" },
	{ 0, 85, XT_UINT, "octetTotalCount" },
	{ 0, 86, XT_UINT, "packetTotalCount" },
	{ 0, 89, XT_UINT, "forwardingStatus" },
	{ 0, 130, XT_IPV4, "exporterIPv4Address" },
	{ 0, 131, XT_IPV6, "exporterIPv6Address" },
	{ 0, 136, XT_UINT, "flowEndReason" },
	{ 0, 139, XT_UINT, "icmpTypeCodeIPv6" },
	{ 0, 144, XT_UINT, "exportingProcessId" },
	{ 0, 148, XT_UINT, "flowId" },
	{ 0, 149, XT_UINT, "observationDomainId" },
	{ 0, 150, XT_UINT, "flowStartSeconds" },
	{ 0, 151, XT_UINT, "flowEndSeconds" },
	{ 0, 152, XT_UINT, "flowStartMilliseconds" },
	{ 0, 153, XT_UINT, "flowEndMilliseconds" },
	{ 0, 160, XT_UINT, "systemInitTimeMilliseconds" },
	{ 0, 161, XT_UINT, "flowDurationMilliseconds" },
	{ 0, 163, XT_UINT, "observedFlowTotalCount" },
	{ 0, 164, XT_UINT, "ignoredPacketTotalCount" },
	{ 0, 165, XT_UINT, "ignoredOctetTotalCount" },
	{ 0, 166, XT_UINT, "notSentFlowTotalCount" },
	{ 0, 176, XT_UINT, "icmpTypeIPv4" },
	{ 0, 177, XT_UINT, "icmpCodeIPv4" },
	{ 0, 178, XT_UINT, "icmpTypeIPv6" },
	{ 0, 179, XT_UINT, "icmpCodeIPv6" },
	{ 0, 210, XT_OCTETS, "paddingOctets" },
	{ 0, 256, XT_UINT, "ethernetType" },
	{ 0, 302, XT_UINT, "selectorId" },
	{ 0, 304, XT_UINT, "selectorAlgorithm" },
	{ 0, 305, XT_UINT, "samplingPacketInterval" },
	{ 0, 306, XT_UINT, "samplingPacketSpace" },
	{ 0, 309, XT_UINT, "samplingSize" },
	{ 0, 310, XT_UINT, "samplingPopulation" },
	/* IIJ enterprise-specific elements (PEN 770). */
	{ 770, 6, XT_IPV4, "tunnelSourceIPv4Address" },
	{ 770, 7, XT_IPV4, "tunnelDestinationIPv4Address" },
	{ 770, 8, XT_IPV6, "tunnelSourceIPv6Address" },
	{ 770, 9, XT_IPV6, "tunnelDestinationIPv6Address" },
	{ 770, 11, XT_STRING, "pppacUserName" },
	{ 770, 13, XT_UINT, "pppacProtocol" },
	{ 770, 14, XT_UINT, "systemCpuId" },
	{ 770, 17, XT_STRING, "ingressPhysicalInterfaceName" },
};

/*
 * NetFlow v9 options templates carry scope fields whose type numbers live
 * in their own space (RFC 3954 section 6.1), not in the IE space: scope
 * type 1 is "System", not octetDeltaCount.
 */
static const struct xfd_ie xfd_v9_scopes[] = {
	{ 0, 1, XT_UINT, "scopeSystem" },
	{ 0, 2, XT_UINT, "scopeInterface" },
	{ 0, 3, XT_UINT, "scopeLineCard" },
	{ 0, 4, XT_UINT, "scopeCache" },
	{ 0, 5, XT_UINT, "scopeTemplate" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct xfd_ie *ie_lookup(const struct xfd_ie *tab, size_t n,
				      uint32_t pen, uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].pen == pen && tab[i].id == id)
			return &tab[i];
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Decoder state                                                          */

struct xfd_field {
	const struct xfd_ie *ie;	/* NULL: print as hex under a number */
	uint32_t pen;
	uint16_t id;
	uint16_t len;
};

struct xfd_tmpl {
	struct xfd_field *fields;	/* NULL when the slot is free */
	uint64_t stamp;			/* insertion order */
	uint32_t domain;
	uint32_t min_len;		/* smallest possible record size */
	uint16_t id;
	uint16_t nfields;
	uint16_t scope_count;
	uint8_t version;
	bool options;
	char exporter[XFD_EXPORTER_MAX];
};

struct xfd_state {
	struct xfd_tmpl *tmpl;		/* XFD_MAX_TEMPLATES slots */
	size_t ntmpl;			/* slots in use */
	size_t nfields;			/* cached field specifiers */
	uint64_t clock;
	bool headers;			/* print header lines */
};

/* Everything one message's decoding needs, passed down by pointer. */
struct xfd_msg {
	struct xfd_state *st;
	FILE *out;
	const char *exporter;
	char key[XFD_EXPORTER_MAX];	/* exporter, truncated */
	uint32_t domain;
	unsigned int version;
};

int xfd_state_init(struct xfd_state *st);
void xfd_state_free(struct xfd_state *st);
int xfd_decode(struct xfd_state *st, const uint8_t *buf, size_t len,
	       const char *exporter, FILE *out);

int xfd_state_init(struct xfd_state *st)
{
	memset(st, 0, sizeof(*st));
	st->tmpl = calloc(XFD_MAX_TEMPLATES, sizeof(*st->tmpl));
	return st->tmpl ? 0 : -1;
}

void xfd_state_free(struct xfd_state *st)
{
	size_t i;

	if (!st->tmpl)
		return;
	for (i = 0; i < XFD_MAX_TEMPLATES; i++)
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
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	     (uint32_t)b[2] << 8 | b[3];
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
/* JSON output                                                            */

/* Length of a valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and out-of-range code points. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Print s as a JSON string.  Exporters NUL-pad fixed-length string fields
 * (RFC 7011 section 6.1.6 strings are not NUL-terminated, but v9 exporters
 * pad), so stop at the first NUL.  Bytes that are not valid UTF-8 become
 * U+FFFD so the output line is always valid JSON.
 */
static void json_str(FILE *out, const uint8_t *s, size_t n)
{
	size_t i = 0, l;

	fputc('"', out);
	while (i < n && s[i]) {
		switch (s[i]) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (s[i] < 0x20 || s[i] == 0x7f) {
				fprintf(out, "\\u%04x", s[i]);
				break;
			}
			l = utf8_len(s + i, n - i);
			if (!l) {
				fputs("\\ufffd", out);
				break;
			}
			fwrite(s + i, 1, l, out);
			i += l;
			continue;
		}
		i++;
	}
	fputc('"', out);
}

static void json_cstr(FILE *out, const char *s)
{
	json_str(out, (const uint8_t *)s, strlen(s));
}

static void json_hex(FILE *out, const uint8_t *v, size_t n)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%02x", v[i]);
	fputc('"', out);
}

/* {"error":"...","exporter":".."}; always returns -1 for convenience. */
__attribute__((format(printf, 2, 3)))
static int xfd_err(struct xfd_msg *m, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("{\"error\":", m->out);
	json_cstr(m->out, buf);
	fputs(",\"exporter\":", m->out);
	json_cstr(m->out, m->exporter);
	fputs("}\n", m->out);
	return -1;
}

/* Opening of every record/template line: version, exporter, domain. */
static void line_start(struct xfd_msg *m)
{
	fprintf(m->out, "{\"version\":%u,\"exporter\":", m->version);
	json_cstr(m->out, m->exporter);
	fprintf(m->out, ",\"domain\":%" PRIu32, m->domain);
}

static void print_ipv4(FILE *out, const uint8_t *v)
{
	fprintf(out, "\"%u.%u.%u.%u\"", v[0], v[1], v[2], v[3]);
}

static void print_value(FILE *out, const struct xfd_field *f,
			const uint8_t *v, size_t n)
{
	char buf[INET6_ADDRSTRLEN];
	uint64_t u = 0;
	size_t i;

	switch (f->ie ? f->ie->type : XT_OCTETS) {
	case XT_UINT:
		/* RFC 7011 section 6.2: reduced-size encoding, big-endian. */
		if (n < 1 || n > 8)
			break;
		for (i = 0; i < n; i++)
			u = u << 8 | v[i];
		fprintf(out, "%" PRIu64, u);
		return;
	case XT_IPV4:
		if (n != 4)
			break;
		print_ipv4(out, v);
		return;
	case XT_IPV6:
		if (n != 16 || !inet_ntop(AF_INET6, v, buf, sizeof(buf)))
			break;
		fprintf(out, "\"%s\"", buf);
		return;
	case XT_MAC:
		if (n != 6)
			break;
		fprintf(out, "\"%02x:%02x:%02x:%02x:%02x:%02x\"",
			v[0], v[1], v[2], v[3], v[4], v[5]);
		return;
	case XT_STRING:
		json_str(out, v, n);
		return;
	default:
		break;
	}
	/* Unknown element or unexpected length: show the raw bytes. */
	json_hex(out, v, n);
}

static void print_key(FILE *out, const struct xfd_field *f)
{
	if (f->ie)
		fprintf(out, ",\"%s\":", f->ie->name);
	else if (f->pen)
		fprintf(out, ",\"e%" PRIu32 ".%u\":", f->pen, f->id);
	else
		fprintf(out, ",\"%u\":", f->id);
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

	for (i = 0; i < XFD_MAX_TEMPLATES; i++) {
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

	for (i = 0; i < XFD_MAX_TEMPLATES; i++) {
		struct xfd_tmpl *t = &st->tmpl[i];

		if (t->fields && (!old || t->stamp < old->stamp))
			old = t;
	}
	return old;
}

/* Takes ownership of fields. */
static void tmpl_insert(struct xfd_msg *m, const struct xfd_tmpl *nt)
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
	for (i = 0; i < XFD_MAX_TEMPLATES; i++)
		if (!st->tmpl[i].fields)
			break;
	t = &st->tmpl[i];	/* a free slot exists: ntmpl < max */
	*t = *nt;
	t->stamp = st->clock++;
	st->ntmpl++;
	st->nfields += nt->nfields;
}

/* RFC 7011 section 8.1: template ID == set ID withdraws all of that kind. */
static void tmpl_withdraw_all(struct xfd_msg *m, bool options)
{
	struct xfd_state *st = m->st;
	size_t i;

	for (i = 0; i < XFD_MAX_TEMPLATES; i++) {
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
static int read_fields(struct xfd_msg *m, struct xfd_cur *c,
		       struct xfd_tmpl *t)
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
			xfd_err(m, "template %u: field %u has length 0",
				t->id, f->id);
			goto fail;
		}
		if (scope)
			f->ie = ie_lookup(xfd_v9_scopes,
					  ARRAY_SIZE(xfd_v9_scopes), 0, f->id);
		else
			f->ie = ie_lookup(xfd_ies, ARRAY_SIZE(xfd_ies),
					  f->pen, f->id);
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
	bool options = set_id == V9_SET_OPTIONS ||
		       set_id == IPFIX_SET_OPTIONS;
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
				return xfd_err(m, "options template %u: bad "
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
				return xfd_err(m, "template id %u < 256",
					       t.id);
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
				return xfd_err(m, "options template %u "
					       "truncated", t.id);
			if (t.scope_count == 0 || t.scope_count > t.nfields)
				return xfd_err(m, "options template %u: scope "
					       "count %u invalid", t.id,
					       t.scope_count);
		}
		if (read_fields(m, c, &t) < 0)
			return -1;
		tmpl_insert(m, &t);
		print_template(m, &t);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Data sets                                                              */

/* Read one field's bytes; handles RFC 7011 section 7 variable length. */
static bool field_next(struct xfd_msg *m, struct xfd_cur *c,
		       const struct xfd_field *f, const uint8_t **v,
		       size_t *n)
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
		fprintf(m->out, "{\"version\":%u,\"unknown_template\":%u,"
			"\"domain\":%" PRIu32 "}\n", m->version, set_id,
			m->domain);
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
				return xfd_err(m, "template %u: record "
					       "overruns set", t->id);
		line_start(m);
		fprintf(m->out, ",\"template\":%u", t->id);
		if (t->options)
			fputs(",\"options\":true", m->out);
		for (i = 0; i < t->nfields; i++) {
			if (!field_next(m, c, &t->fields[i], &v, &n))
				break;	/* cannot happen: probed above */
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
	uint16_t tmpl_set = m->version == 9 ? V9_SET_TEMPLATE :
					      IPFIX_SET_TEMPLATE;
	uint16_t opt_set = m->version == 9 ? V9_SET_OPTIONS :
					     IPFIX_SET_OPTIONS;

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
			return xfd_err(m, "set %u: length %u past end of "
				       "message", id, len);
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
		return xfd_err(m, "v5 record count %u exceeds message length "
			       "%zu", count, c->len);
	if (m->st->headers) {
		fputs("{\"version\":5,\"exporter\":", m->out);
		json_cstr(m->out, m->exporter);
		fprintf(m->out, ",\"header\":true,\"count\":%u,"
			"\"sys_uptime\":%" PRIu32 ",\"unix_secs\":%" PRIu32
			",\"unix_nsecs\":%" PRIu32 ",\"seq\":%" PRIu32
			",\"engine_type\":%u,\"engine_id\":%u,"
			"\"sampling_interval\":%u}\n", count, uptime, secs,
			nsecs, seq, engine_type, engine_id, sampling);
	}
	for (i = 0; i < count; i++) {
		const uint8_t *r;
		struct xfd_cur rc;
		uint32_t pkts, octets, first, last;
		uint16_t input, output, sport, dport, src_as, dst_as;

		if (!cur_bytes(c, V5_REC_LEN, &r))
			break;	/* cannot happen: count checked above */
		rc.p = r;
		rc.len = V5_REC_LEN;
		rc.off = 12;		/* after the three addresses */
		cur_u16(&rc, &input);
		cur_u16(&rc, &output);
		cur_u32(&rc, &pkts);
		cur_u32(&rc, &octets);
		cur_u32(&rc, &first);
		cur_u32(&rc, &last);
		cur_u16(&rc, &sport);
		cur_u16(&rc, &dport);
		rc.off = 40;		/* past pad1, flags, prot, tos */
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
		fprintf(m->out, ",\"input\":%u,\"output\":%u,\"packets\":%"
			PRIu32 ",\"octets\":%" PRIu32 ",\"first\":%" PRIu32
			",\"last\":%" PRIu32 ",\"srcport\":%u,\"dstport\":%u,"
			"\"tcp_flags\":%u,\"proto\":%u,\"tos\":%u,"
			"\"src_as\":%u,\"dst_as\":%u,\"src_mask\":%u,"
			"\"dst_mask\":%u}\n", input, output, pkts, octets,
			first, last, sport, dport, r[37], r[38], r[39],
			src_as, dst_as, r[44], r[45]);
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
	cur_u32(c, &m->domain);		/* source ID */
	if (m->st->headers) {
		line_start(m);
		fprintf(m->out, ",\"header\":true,\"count\":%u,"
			"\"sys_uptime\":%" PRIu32 ",\"unix_secs\":%" PRIu32
			",\"seq\":%" PRIu32 "}\n", count, uptime, secs, seq);
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
		return xfd_err(m, "IPFIX message length %u exceeds datagram "
			       "(%zu bytes)", length, c->len);
	if (m->st->headers) {
		line_start(m);
		fprintf(m->out, ",\"header\":true,\"length\":%u,"
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

/* ---------------------------------------------------------------------- */
/* Command line                                                           */

#ifndef XFDECODE_NO_MAIN

struct xfd_opts {
	const char *addr;
	const char *port;
	unsigned long count;
	double timeout;		/* seconds; 0 = none */
	const char **files;
	size_t nfiles;
};

static void usage(FILE *f)
{
	fputs("usage: xfdecode [-l ADDR] -p PORT [--count N] [--timeout SEC]"
	      " [--headers]\n"
	      "       xfdecode [--headers] --file FILE [--file FILE...]\n"
	      "  -l ADDR      listen address (default 0.0.0.0; :: for "
	      "dual-stack)\n"
	      "  -p PORT      UDP port\n"
	      "  --count N    exit after N export messages\n"
	      "  --timeout S  exit after S seconds without a datagram\n"
	      "  --headers    also print one line per message header\n"
	      "  --file FILE  decode one raw message per file (repeatable)\n",
	      f);
}

static int decode_file(struct xfd_state *st, const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int extra;

	if (!f) {
		fprintf(stderr, "xfdecode: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, XFD_DGRAM_MAX, f);
	extra = fgetc(f);
	if (ferror(f)) {
		fprintf(stderr, "xfdecode: %s: read error\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (extra != EOF) {
		fprintf(stderr, "xfdecode: %s: larger than %d bytes\n", path,
			XFD_DGRAM_MAX);
		return -1;
	}
	/* Files have no sender; one fixed name lets templates carry over
	 * from one file to the next. */
	xfd_decode(st, buf, n, "file", stdout);
	fflush(stdout);
	return 0;
}

static int open_socket(const char *addr, const char *port)
{
	struct addrinfo hints, *res;
	int fd, rc, off = 0, rcvbuf = 4 << 20;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc) {
		fprintf(stderr, "xfdecode: %s: %s\n", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("xfdecode: socket");
		freeaddrinfo(res);
		return -1;
	}
	/* Dual-stack: an IPv6 socket also accepts IPv4 (as ::ffff:a.b.c.d). */
	if (res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	/* Best effort: exporters send bursts; losing them confuses users. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		fprintf(stderr, "xfdecode: bind %s port %s: %s\n", addr, port,
			strerror(errno));
		close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Sender address as text; IPv4-mapped IPv6 is shown as plain IPv4. */
static void addr_str(const struct sockaddr_storage *ss, char *buf,
		     size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)len);
	} else if (ss->ss_family == AF_INET6 &&
		   IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf,
			  (socklen_t)len);
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)len);
	} else {
		snprintf(buf, len, "unknown");
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_socket(struct xfd_state *st, const struct xfd_opts *o,
		      uint8_t *buf)
{
	int64_t tmo_ms = (int64_t)(o->timeout * 1000.0);
	int64_t deadline = now_ms() + tmo_ms;
	unsigned long received = 0;
	sigset_t mask;
	int fd, sfd;

	/*
	 * SIGINT/SIGTERM are read from a signalfd rather than a handler, so
	 * no global flag is needed and poll() sees them as just another fd.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		perror("xfdecode: sigprocmask");
		return 1;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("xfdecode: signalfd");
		return 1;
	}
	fd = open_socket(o->addr, o->port);
	if (fd < 0) {
		close(sfd);
		return 1;
	}
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char exporter[INET6_ADDRSTRLEN];
		int wait = -1;
		ssize_t r;

		if (o->timeout > 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > 3600000 ? 3600000 : (int)left;
		}
		if (poll(p, 2, wait) < 0) {
			if (errno == EINTR)
				continue;
			perror("xfdecode: poll");
			break;
		}
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		r = recvfrom(fd, buf, XFD_DGRAM_MAX, MSG_DONTWAIT,
			     (struct sockaddr *)&ss, &sl);
		if (r < 0)
			continue;	/* EAGAIN, EINTR, ICMP errors */
		addr_str(&ss, exporter, sizeof(exporter));
		xfd_decode(st, buf, (size_t)r, exporter, stdout);
		fflush(stdout);
		deadline = now_ms() + tmo_ms;
		if (o->count && ++received >= o->count)
			break;
	}
	close(fd);
	close(sfd);
	return 0;
}

/* Returns -1 to go on, or the exit status to leave with. */
static int parse_args(int argc, char **argv, struct xfd_opts *o,
		      bool *headers)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "headers", no_argument, NULL, 'H' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long port;
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "l:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			o->addr = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || port < 1 ||
			    port > 65535) {
				fprintf(stderr, "xfdecode: bad port '%s'\n",
					optarg);
				return 2;
			}
			o->port = optarg;
			break;
		case 'c':
			errno = 0;
			o->count = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || o->count < 1 ||
			    optarg[0] == '-') {
				fprintf(stderr, "xfdecode: bad count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			errno = 0;
			o->timeout = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !isfinite(o->timeout) || o->timeout <= 0 ||
			    o->timeout > 1e9) {
				fprintf(stderr, "xfdecode: bad timeout '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'H':
			*headers = true;
			break;
		case 'f':
			o->files[o->nfiles++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (!o->port && !o->nfiles)) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct xfd_opts o = { .addr = "0.0.0.0" };
	struct xfd_state st;
	bool headers = false;
	uint8_t *buf = NULL;
	size_t i;
	int rc;

	/* --file may be given once per argument at most. */
	o.files = calloc((size_t)argc, sizeof(*o.files));
	if (!o.files)
		return 1;
	rc = parse_args(argc, argv, &o, &headers);
	if (rc >= 0)
		goto out;
	rc = 0;
	buf = malloc(XFD_DGRAM_MAX);
	if (!buf || xfd_state_init(&st) < 0) {
		fprintf(stderr, "xfdecode: out of memory\n");
		rc = 1;
		goto out;
	}
	st.headers = headers;
	if (o.nfiles) {
		for (i = 0; i < o.nfiles; i++)
			if (decode_file(&st, o.files[i], buf) < 0)
				rc = 1;
	} else {
		rc = run_socket(&st, &o, buf);
	}
	xfd_state_free(&st);
out:
	free(buf);
	free(o.files);
	return rc;
}

#endif /* XFDECODE_NO_MAIN */
