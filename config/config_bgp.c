// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_bgp.c - the `bgp` block (xflowd.conf(5)):
 *
 *   bgp
 *       local-as 64512
 *       router-id 192.0.2.1
 *       listen 127.0.0.1 port 1179      # default 0.0.0.0 port 179
 *       neighbor 127.0.0.1 remote-as 65010
 *       hold-time 90
 *       stale-time 360
 *       wait-end-of-rib 30              # --read: seconds, 0: do not wait
 *
 * One setting per line, matched through a table; numbers within the
 * range BGP gives them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_bgp.h"
#include "settings.h"

/* A number in [lo, hi], or -1 saying why in err. */
static int number(const char *what, const char *s, unsigned long long lo,
		  unsigned long long hi, unsigned long long *out, char *err,
		  size_t len)
{
	char *end, q[48];

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || *out < lo ||
	    *out > hi) {
		snprintf(err, len,
			 "%s '%s': expected a number from %llu to %llu", what,
			 cfg_quote(s, q, sizeof(q)), lo, hi);
		return -1;
	}
	return 0;
}

/* An IPv4 or IPv6 address into af and a (16 octets), or -1. */
static int address(const char *what, const char *s, enum bgp_af *af, uint8_t *a,
		   char *err, size_t len)
{
	char q[48];

	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1) {
		*af = BGP_AF_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*af = BGP_AF_IPV6;
		return 0;
	}
	snprintf(err, len, "%s '%s': expected an IPv4 or IPv6 address", what,
		 cfg_quote(s, q, sizeof(q)));
	return -1;
}

int bgp_set_local_as(struct bgp_cfg *b, const char *s, char *err, size_t len)
{
	unsigned long long n;

	if (number("local-as", s, SET_BGP_AS_MIN, SET_BGP_AS_MAX, &n, err, len))
		return -1;
	b->local_as = (uint32_t)n;
	return 0;
}

int bgp_set_router_id(struct bgp_cfg *b, const char *s, char *err, size_t len)
{
	uint8_t a[4];
	char q[48];

	if (inet_pton(AF_INET, s, a) != 1 || !(a[0] | a[1] | a[2] | a[3])) {
		snprintf(err, len,
			 "router-id '%s': expected a non-zero IPv4 "
			 "address (192.0.2.1)",
			 cfg_quote(s, q, sizeof(q)));
		return -1;
	}
	b->router_id = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		       (uint32_t)a[2] << 8 | a[3];
	return 0;
}

int bgp_set_listen(struct bgp_cfg *b, const char *addr, const char *port,
		   char *err, size_t len)
{
	unsigned long long n = b->port;

	if (port && number("listen port", port, 1, SET_PORT_MAX, &n, err, len))
		return -1;
	if (address("listen", addr, &b->listen_af, b->listen_addr, err, len))
		return -1;
	b->port = (uint16_t)n;
	return 0;
}

int bgp_add_neighbor(struct bgp_cfg *b, const char *addr, const char *as,
		     char *err, size_t len)
{
	struct bgp_neighbor_cfg nb;
	unsigned long long n;
	char q[48];
	int i;

	if (address("neighbor", addr, &nb.af, nb.addr, err, len) ||
	    number("neighbor remote-as", as, SET_BGP_AS_MIN, SET_BGP_AS_MAX, &n,
		   err, len))
		return -1;
	nb.remote_as = (uint32_t)n;
	for (i = 0; i < b->nneighbor; i++)
		if (b->neighbor[i].af == nb.af &&
		    !memcmp(b->neighbor[i].addr, nb.addr, 16)) {
			snprintf(err, len, "neighbor %s: given twice",
				 cfg_quote(addr, q, sizeof(q)));
			return -1;
		}
	if (b->nneighbor == BGP_MAX_NEIGHBORS) {
		snprintf(err, len, "neighbor %s: at most %d neighbors",
			 cfg_quote(addr, q, sizeof(q)), BGP_MAX_NEIGHBORS);
		return -1;
	}
	b->neighbor[b->nneighbor++] = nb;
	return 0;
}

int bgp_set_hold(struct bgp_cfg *b, const char *s, char *err, size_t len)
{
	unsigned long long n;

	if (number("hold-time", s, 0, SET_BGP_HOLD_MAX, &n, err, len))
		return -1;
	/* RFC 4271 §4.2: zero or at least three seconds */
	if (n == 1 || n == 2) {
		snprintf(err, len,
			 "hold-time %llu: 0 or at least 3 seconds (RFC 4271)",
			 n);
		return -1;
	}
	b->hold = (uint16_t)n;
	return 0;
}

int bgp_set_stale(struct bgp_cfg *b, const char *s, char *err, size_t len)
{
	unsigned long long n;

	if (number("stale-time", s, 0, SET_BGP_STALE_MAX, &n, err, len))
		return -1;
	b->stale_time = (uint32_t)n;
	return 0;
}

int bgp_set_wait(struct bgp_cfg *b, const char *s, char *err, size_t len)
{
	unsigned long long n;

	if (number("wait-end-of-rib", s, 0, SET_BGP_WAIT_EOR_MAX, &n, err, len))
		return -1;
	b->wait_eor_s = (uint32_t)n;
	return 0;
}

/* The bgp block's lines: v holds the values after the setting's word. */
static void set_local_as(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (bgp_set_local_as(&p->cfg->bgp, v[0], err, sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

static void set_router_id(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (bgp_set_router_id(&p->cfg->bgp, v[0], err, sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

static void set_listen(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (v[1] && (strcmp(v[1], "port") != 0 || !v[2])) {
		cfg_error(p, no,
			  "bgp listen: expected 'listen ADDRESS [port "
			  "N]'");
		return;
	}
	if (bgp_set_listen(&p->cfg->bgp, v[0], v[1] ? v[2] : NULL, err,
			   sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

static void set_neighbor(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (strcmp(v[1], "remote-as") != 0) {
		cfg_error(p, no,
			  "bgp neighbor: expected 'neighbor ADDRESS "
			  "remote-as N'");
		return;
	}
	if (bgp_add_neighbor(&p->cfg->bgp, v[0], v[2], err, sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

static void set_hold(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (bgp_set_hold(&p->cfg->bgp, v[0], err, sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

static void set_stale(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (bgp_set_stale(&p->cfg->bgp, v[0], err, sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

static void set_wait(struct cfg_parser *p, unsigned int no, char **v)
{
	char err[160];

	if (bgp_set_wait(&p->cfg->bgp, v[0], err, sizeof(err)))
		cfg_error(p, no, "bgp %s", err);
}

struct bgp_kw {
	const char *word;
	const char *usage;
	int min, max; /* values after the word */
	void (*set)(struct cfg_parser *p, unsigned int no, char **v);
};

static const struct bgp_kw bgp_kws[] = {
	{ "local-as", "local-as N", 1, 1, set_local_as },
	{ "router-id", "router-id A.B.C.D", 1, 1, set_router_id },
	{ "listen", "listen ADDRESS [port N]", 1, 3, set_listen },
	{ "neighbor", "neighbor ADDRESS remote-as N", 3, 3, set_neighbor },
	{ "hold-time", "hold-time SECONDS", 1, 1, set_hold },
	{ "stale-time", "stale-time SECONDS", 1, 1, set_stale },
	{ "wait-end-of-rib", "wait-end-of-rib SECONDS", 1, 1, set_wait },
};
#define NKW (sizeof(bgp_kws) / sizeof(bgp_kws[0]))

void cfg_bgp_begin(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	(void)tok; /* tok[0] is "bgp" */
	p->kind = BLK_BGP;
	p->aux = NULL;
	if (ntok != 1) {
		cfg_error(p, no,
			  "'bgp' has no name: write it alone on its "
			  "line");
		return;
	}
	if (p->cfg->bgp.enabled) {
		cfg_error(p, no,
			  "a second bgp block (the first is at line %u): "
			  "one holds every neighbor",
			  p->cfg->bgp_line);
		return;
	}
	bgp_cfg_default(&p->cfg->bgp);
	p->cfg->bgp.enabled = true;
	p->cfg->bgp_line = no;
}

void cfg_bgp_setting(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok)
{
	char *v[3] = { NULL, NULL, NULL }, q[48];
	size_t i;
	int k;

	for (i = 0; i < NKW; i++)
		if (strcmp(tok[0], bgp_kws[i].word) == 0)
			break;
	if (i == NKW) {
		cfg_error(p, no,
			  "unknown bgp setting '%s': local-as, router-id, "
			  "listen, neighbor, hold-time, stale-time or "
			  "wait-end-of-rib",
			  cfg_quote(tok[0], q, sizeof(q)));
		return;
	}
	if (ntok - 1 < bgp_kws[i].min || ntok - 1 > bgp_kws[i].max) {
		cfg_error(p, no, "bgp: expected '%s'", bgp_kws[i].usage);
		return;
	}
	for (k = 1; k < ntok; k++)
		v[k - 1] = tok[k];
	bgp_kws[i].set(p, no, v);
}

void cfg_bgp_check(struct cfg_parser *p)
{
	const struct bgp_cfg *b = &p->cfg->bgp;

	if (!b->enabled)
		return;
	if (!b->local_as)
		cfg_error(p, p->cfg->bgp_line, "bgp: 'local-as N' missing");
	if (!b->router_id)
		cfg_error(p, p->cfg->bgp_line,
			  "bgp: 'router-id A.B.C.D' missing");
	if (!b->nneighbor)
		cfg_error(p, p->cfg->bgp_line,
			  "bgp: no 'neighbor ADDRESS remote-as N': "
			  "sessions are accepted from neighbors only");
}

void cfg_bgp_dump(const struct config *cfg, FILE *f)
{
	const struct bgp_cfg *b = &cfg->bgp;
	char a[INET6_ADDRSTRLEN];
	int i;

	if (!b->enabled)
		return;
	fprintf(f, "bgp # line %u\n", cfg->bgp_line);
	fprintf(f, "    local-as %u\n", b->local_as);
	fprintf(f, "    router-id %u.%u.%u.%u\n", b->router_id >> 24,
		b->router_id >> 16 & 0xff, b->router_id >> 8 & 0xff,
		b->router_id & 0xff);
	inet_ntop(b->listen_af == BGP_AF_IPV6 ? AF_INET6 : AF_INET,
		  b->listen_addr, a, sizeof(a));
	fprintf(f, "    listen %s port %u\n", a, b->port);
	for (i = 0; i < b->nneighbor; i++) {
		inet_ntop(b->neighbor[i].af == BGP_AF_IPV6 ? AF_INET6 : AF_INET,
			  b->neighbor[i].addr, a, sizeof(a));
		fprintf(f, "    neighbor %s remote-as %u\n", a,
			b->neighbor[i].remote_as);
	}
	fprintf(f, "    hold-time %u\n", b->hold);
	fprintf(f, "    stale-time %u\n", b->stale_time);
	fprintf(f, "    wait-end-of-rib %u\n", b->wait_eor_s);
}
