// SPDX-License-Identifier: BSD-2-Clause
/* json.c - xfdecode's JSON output. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "xfdecode.h"

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
void json_str(FILE *out, const uint8_t *s, size_t n)
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

void json_cstr(FILE *out, const char *s)
{
	json_str(out, (const uint8_t *)s, strlen(s));
}

void json_hex(FILE *out, const uint8_t *v, size_t n)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n; i++)
		fprintf(out, "%02x", v[i]);
	fputc('"', out);
}

/* {"error":"...","exporter":".."}; always returns -1 for convenience. */
__attribute__((format(printf, 2, 3))) int xfd_err(struct xfd_msg *m,
						  const char *fmt, ...)
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
void line_start(struct xfd_msg *m)
{
	fprintf(m->out, "{\"version\":%u,\"exporter\":", m->version);
	json_cstr(m->out, m->exporter);
	fprintf(m->out, ",\"domain\":%" PRIu32, m->domain);
}

void print_ipv4(FILE *out, const uint8_t *v)
{
	fprintf(out, "\"%u.%u.%u.%u\"", v[0], v[1], v[2], v[3]);
}

void print_value(FILE *out, const struct xfd_field *f, const uint8_t *v,
		 size_t n)
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
		fprintf(out, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", v[0], v[1],
			v[2], v[3], v[4], v[5]);
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

void print_key(FILE *out, const struct xfd_field *f)
{
	if (f->ie)
		fprintf(out, ",\"%s\":", f->ie->name);
	else if (f->pen)
		fprintf(out, ",\"e%" PRIu32 ".%u\":", f->pen, f->id);
	else
		fprintf(out, ",\"%u\":", f->id);
}
