// SPDX-License-Identifier: BSD-2-Clause
/*
 * config.c - reading xflowd.conf(5): the file into memory, lines checked
 * as text (UTF-8, no NUL or control characters, bounded length), split
 * into words, and each line given to its block. Block headers start in
 * the first column, settings are indented; the settings of each kind of
 * block are a table in config_set.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_int.h"
#include "config_bgp.h"
#include "config_blocks.h"
#include "config_ios.h"
#include "../common/safefile.h"

void cfg_error(struct cfg_parser *p, unsigned int line, const char *fmt, ...)
{
	struct config_errors *e = p->err;
	char text[CFG_MSG_MAX];
	unsigned int i;
	va_list ap;
	int n;

	if (p->stop)
		return;
	if (e->count == CFG_MAX_ERRORS) {
		e->truncated = true;
		p->stop = true;
		return;
	}
	if (line)
		n = snprintf(text, sizeof(text), "%s:%u: ", e->file, line);
	else
		n = snprintf(text, sizeof(text), "%s: ", e->file);
	if (n < 0 || (size_t)n >= sizeof(text))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	/* kept sorted by line, in the order found within a line */
	for (i = e->count; i > 0 && e->line[i - 1] > line; i--) {
		e->line[i] = e->line[i - 1];
		memcpy(e->msg[i], e->msg[i - 1], CFG_MSG_MAX);
	}
	e->line[i] = line;
	memcpy(e->msg[i], text, CFG_MSG_MAX);
	e->count++;
}

void config_errors_print(const struct config_errors *err, FILE *f)
{
	unsigned int i;

	for (i = 0; i < err->count; i++)
		fprintf(f, "%s\n", err->msg[i]);
	if (err->truncated)
		fprintf(f, "%s: stopped after %d errors; fix these first\n",
			err->file, CFG_MAX_ERRORS);
}

const char *cfg_quote(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s), max = 40;

	if (size < max + 4)
		max = size > 4 ? size - 4 : 0;
	if (n <= max) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	/* cut before a UTF-8 continuation octet, never inside a character */
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	snprintf(buf, size, "%.*s...", (int)n, s);
	return buf;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

size_t cfg_distance(const char *a, const char *b)
{
	/* three rows of the optimal string alignment (Damerau) table: a
	 * swapped pair of letters counts as one edit */
	size_t la = strlen(a), lb = strlen(b), r0[64], r1[64], r2[64];
	size_t *pp = r0, *prev = r1, *cur = r2, i, j;
	char x[64], y[64];

	if (la >= 63 || lb >= 63)
		return 64;
	for (i = 0; i < la; i++)
		x[i] = (char)lower(a[i]);
	for (j = 0; j < lb; j++)
		y[j] = (char)lower(b[j]);
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (x[i - 1] != y[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] &&
			    x[i - 2] == y[j - 1] && pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			cur[j] = best;
		}
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

bool cfg_close(size_t d, const char *c)
{
	/* one typo in a short word, about one in four letters in a long one */
	return d <= 1 + strlen(c) / 4;
}

const char *cfg_or_list(const char *const *w, int n, char *buf, size_t len)
{
	size_t k = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && k < len; i++) {
		int r = snprintf(buf + k, len - k, "%s%s",
				 i == 0	      ? ""
				 : i == n - 1 ? " or "
					      : ", ",
				 w[i]);

		if (r < 0)
			break;
		k += (size_t)r;
	}
	return buf;
}

int cfg_closest(const char *s, const char *const *cand, int ncand,
		const char **out, int n)
{
	size_t dist[8];
	int i, j, k = 0;

	if (n > 8)
		n = 8;
	for (i = 0; i < ncand; i++) {
		size_t ls = strlen(s), lc = strlen(cand[i]), d;

		/* the lengths alone can rule a candidate out */
		if (!cfg_close(ls > lc ? ls - lc : lc - ls, cand[i]))
			continue;
		d = cfg_distance(s, cand[i]);
		if (!cfg_close(d, cand[i]))
			continue;
		for (j = 0; j < k; j++)
			if (strcmp(out[j], cand[i]) == 0)
				break;
		if (j < k)
			continue; /* the same word twice in cand */
		/* insert among the n best; equal distances keep cand order */
		for (j = 0; j < k && dist[j] <= d; j++)
			;
		if (j == n)
			continue;
		if (k < n)
			k++;
		memmove(&dist[j + 1], &dist[j],
			(size_t)(k - 1 - j) * sizeof(*dist));
		memmove(&out[j + 1], &out[j],
			(size_t)(k - 1 - j) * sizeof(*out));
		dist[j] = d;
		out[j] = cand[i];
	}
	return k;
}

/* One line, split into words; quoted words have their quotes removed. */
struct line {
	unsigned int no;
	bool indented;
	int ntok;
	char *tok[CFG_MAX_TOKENS];
	char buf[CFG_LINE_MAX + CFG_MAX_TOKENS + 1];
};

/*
 * Refuse what is not text: NUL, control characters other than tab, and
 * malformed UTF-8 (RFC 3629: no overlong forms, surrogates or code points
 * past U+10FFFF). Returns 0 or -1 after an error.
 */
static int check_text(struct cfg_parser *p, unsigned int no,
		      const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len, k;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c == 0) {
			cfg_error(p, no,
				  "NUL byte at column %zu: a "
				  "configuration file is text; is this "
				  "the right file?",
				  i + 1);
			return -1;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			cfg_error(p, no,
				  "control character 0x%02x at column %zu: "
				  "remove it",
				  c, i + 1);
			return -1;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		else
			len = 0;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
		else if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
		for (k = 1; len && k < len; k++) {
			if (i + k >= n || s[i + k] < lo || s[i + k] > hi)
				len = 0;
			lo = 0x80;
			hi = 0xbf;
		}
		if (!len) {
			cfg_error(p, no,
				  "invalid UTF-8 at column %zu: save the file "
				  "as UTF-8",
				  i + 1);
			return -1;
		}
		i += len;
	}
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split s[0..n) into l's words; returns 0 or -1 after an error. */
static int lex(struct cfg_parser *p, struct line *l, const char *s, size_t n)
{
	char *o = l->buf;
	size_t i = 0;

	l->ntok = 0;
	l->indented = n > 0 && blank(s[0]);
	while (i < n && blank(s[i]))
		i++;
	if (i < n && s[i] == '!') /* IOS: a line of its own is a comment */
		return 0;
	for (;;) {
		while (i < n && blank(s[i]))
			i++;
		if (i == n || s[i] == '#')
			return 0;
		if (l->ntok == CFG_MAX_TOKENS) {
			cfg_error(p, l->no,
				  "more than %d words in a line: put one "
				  "setting on each line",
				  CFG_MAX_TOKENS);
			return -1;
		}
		l->tok[l->ntok++] = o;
		if (s[i] == '"') {
			size_t open = i++;

			while (i < n && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < n &&
				    (s[i + 1] == '"' || s[i + 1] == '\\')) {
					*o++ = s[i + 1];
					i += 2;
				} else if (s[i] == '\\') {
					cfg_error(p, l->no,
						  "unknown escape at column "
						  "%zu: inside quotes write "
						  "\\\" for \" and \\\\ for \\",
						  i + 1);
					return -1;
				} else {
					*o++ = s[i++];
				}
			}
			if (i == n) {
				cfg_error(p, l->no,
					  "the quote at column %zu is not "
					  "closed: add a \" at the end",
					  open + 1);
				return -1;
			}
			i++;
			if (i < n && !blank(s[i]) && s[i] != '#') {
				cfg_error(p, l->no,
					  "a space must follow the closing "
					  "quote at column %zu",
					  i);
				return -1;
			}
		} else {
			while (i < n && !blank(s[i]) && s[i] != '#') {
				if (s[i] == '"') {
					cfg_error(p, l->no,
						  "quote inside a word at "
						  "column %zu: quote the whole "
						  "word",
						  i + 1);
					return -1;
				}
				*o++ = s[i++];
			}
		}
		*o++ = '\0';
	}
}

static void do_line(struct cfg_parser *p, struct line *l)
{
	if (!l->indented && strcmp(l->tok[0], "bgp") == 0) {
		cfg_bgp_begin(p, l->no, l->tok, l->ntok);
		return;
	}
	if (l->indented && p->kind == BLK_BGP) {
		cfg_bgp_setting(p, l->no, l->tok, l->ntok);
		return;
	}
	if (!l->indented) {
		blocks_begin(p, l->no, l->tok, l->ntok);
		return;
	}
	blocks_setting(p, l->no, l->tok, l->ntok);
}

struct config *config_parse(const char *name, const char *text, size_t len,
			    struct config_errors *err)
{
	return config_parse_dialect(name, text, len, CFG_AUTO, err);
}

struct config *config_parse_dialect(const char *name, const char *text,
				    size_t len, enum cfg_dialect dialect,
				    struct config_errors *err)
{
	struct ios_state *ios = NULL;
	struct cfg_parser *p;
	struct config *cfg;
	struct line *l;
	unsigned int no = 0;
	size_t pos = 0;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	p = calloc(1, sizeof(*p));
	cfg = calloc(1, sizeof(*cfg));
	l = malloc(sizeof(*l));
	if (!p || !cfg || !l) {
		free(p);
		free(cfg);
		free(l);
		return NULL;
	}
	snprintf(cfg->file, sizeof(cfg->file), "%s", name);
	if (dialect == CFG_AUTO)
		dialect = ios_detect(text, len) ? CFG_IOS : CFG_XFLOWD;
	cfg->dialect = dialect;
	if (dialect == CFG_IOS && !(ios = ios_new())) {
		free(p);
		free(cfg);
		free(l);
		return NULL;
	}
	p->cfg = cfg;
	p->err = err;
	p->kind = BLK_NONE;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a byte order mark some editors write */
	if (len > CFG_FILE_MAX) {
		cfg_error(p, 0,
			  "larger than %d octets: is this a configuration "
			  "file?",
			  CFG_FILE_MAX);
		pos = len;
	}
	while (pos < len && !p->stop) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		unsigned int before = err->count;

		pos += n + (nl != NULL);
		l->no = ++no;
		if (n && s[n - 1] == '\r')
			n--; /* CRLF line ends */
		if (n > CFG_LINE_MAX) {
			cfg_error(p, no,
				  "line too long (%zu octets, at most %d): "
				  "shorten it",
				  n, CFG_LINE_MAX);
			if (p->aux)
				p->aux->damaged = true;
			continue;
		}
		if (check_text(p, no, (const unsigned char *)s, n) != 0)
			;
		else if (ios)
			ios_line(p, ios, no, s, n);
		else if (lex(p, l, s, n) == 0 && l->ntok > 0)
			do_line(p, l);
		/* an error in a block makes what it lacks a likely echo */
		if (err->count != before && p->aux)
			p->aux->damaged = true;
	}
	if (ios && !p->stop)
		ios_finish(p, ios);
	if (!p->stop) {
		cfg_check(p);
		cfg_bgp_check(p);
	}
	free(ios);
	free(l);
	free(p);
	if (err->count) {
		free(cfg);
		return NULL;
	}
	return cfg;
}

struct config *config_load(const char *path, struct config_errors *err)
{
	return config_load_dialect(path, CFG_AUTO, err);
}

struct config *config_load_dialect(const char *path, enum cfg_dialect dialect,
				   struct config_errors *err)
{
	struct config *cfg = NULL;
	char *text;
	size_t len = 0;
	FILE *f;
	int fd;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	/* a FIFO or device would block whoever loads it (a reload too) */
	fd = safefile_open_regular(path, err->msg[0], CFG_MSG_MAX);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		if (fd >= 0) {
			snprintf(err->msg[0], CFG_MSG_MAX, "%s: %s", path,
				 strerror(errno));
			close(fd);
		}
		err->count = 1;
		return NULL;
	}
	/* one octet more than allowed tells a file that is too large */
	text = malloc(CFG_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return NULL;
	}
	len = fread(text, 1, CFG_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err->msg[0], CFG_MSG_MAX, "%s: cannot read: %s", path,
			 strerror(errno));
		err->count = 1;
	} else {
		cfg = config_parse_dialect(path, text, len, dialect, err);
	}
	free(text);
	fclose(f);
	return cfg;
}

void config_free(struct config *cfg)
{
	free(cfg);
}

struct config *config_copy(const struct config *cfg)
{
	struct config *c = malloc(sizeof(*c));

	if (c)
		memcpy(c, cfg, sizeof(*c));
	return c;
}

bool config_monitor_used(const struct config *cfg, int m)
{
	int i;

	for (i = 0; i < cfg->ninterface; i++)
		if (cfg->interface[i].monitor[CFG_INPUT] == m ||
		    cfg->interface[i].monitor[CFG_OUTPUT] == m)
			return true;
	return false;
}
