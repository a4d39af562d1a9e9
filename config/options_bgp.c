// SPDX-License-Identifier: BSD-2-Clause
/*
 * options_bgp.c - the command line's shorthand for the bgp block
 * (xflowd.conf(5), issue 17) and --as for its exporters:
 *
 *   --bgp-local-as 64512 --bgp-router-id 192.0.2.1
 *   --bgp-listen 127.0.0.1,1179      (or 127.0.0.1:1179, [::1]:1179)
 *   --bgp-neighbor 127.0.0.1:65010   (repeatable; [2001:db8::1]:65010)
 *   --bgp-hold-time 90 --bgp-stale-time 360 --bgp-wait-end-of-rib 30
 *   --as origin|peer
 *
 * Each value goes through the bgp block's own setter (config_bgp.h), so
 * both front ends take and refuse the same values, with settings.h's
 * limits; the block is a struct bgp_cfg, never text.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_bgp.h"
#include "options.h"

/*
 * "ADDR", "ADDR,PORT", "ADDR:PORT", "[IPV6]", "[IPV6]:PORT" or a bare
 * IPv6 address: the address into a (len octets) and the port's text into
 * *port (NULL: none). -1 when brackets do not close or do not fit.
 */
static int split_listen(const char *s, char *a, size_t len, const char **port)
{
	const char *sep, *close;
	size_t n;

	*port = NULL;
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':' && close[1] != ','))
			return -1;
		n = (size_t)(close - s - 1);
		if (close[1])
			*port = close + 2;
		s++;
	} else {
		sep = strchr(s, ',');
		/* one colon: IPv4 (or a name) and a port; more: IPv6 */
		if (!sep && (sep = strchr(s, ':')) && strchr(sep + 1, ':'))
			sep = NULL;
		n = sep ? (size_t)(sep - s) : strlen(s);
		if (sep)
			*port = sep + 1;
	}
	if (n >= len)
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	return 0;
}

/* "ADDR:AS" or "[IPV6]:AS": the address into a, the AS's text into *as. */
static int split_neighbor(const char *s, char *a, size_t len, const char **as)
{
	const char *sep;
	size_t n;

	if (s[0] == '[') {
		sep = strchr(s, ']');
		if (!sep || sep[1] != ':')
			return -1;
		n = (size_t)(sep - s - 1);
		*as = sep + 2;
		s++;
	} else {
		sep = strrchr(s, ':');
		if (!sep || memchr(s, ':', (size_t)(sep - s)))
			return -1; /* none, or IPv6 without brackets */
		n = (size_t)(sep - s);
		*as = sep + 1;
	}
	if (n >= len)
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	return 0;
}

int options_bgp(struct options *o, const char *setting, const char *arg)
{
	struct bgp_cfg *b = &o->bgp;
	char err[200], a[64];
	const char *v = NULL;
	int rc;

	if (!b->enabled) {
		bgp_cfg_default(b);
		b->enabled = true;
	}
	if (!strcmp(setting, "listen")) {
		if (split_listen(arg, a, sizeof(a), &v)) {
			fprintf(stderr,
				"xflowd: --bgp-listen '%s': expected "
				"ADDRESS[,PORT] or ADDRESS:PORT (IPv6 as "
				"[ADDRESS]:PORT)\n",
				arg);
			return 2;
		}
		rc = bgp_set_listen(b, a, v, err, sizeof(err));
	} else if (!strcmp(setting, "neighbor")) {
		if (split_neighbor(arg, a, sizeof(a), &v)) {
			fprintf(stderr,
				"xflowd: --bgp-neighbor '%s': expected "
				"ADDRESS:AS (IPv6 as [ADDRESS]:AS)\n",
				arg);
			return 2;
		}
		rc = bgp_add_neighbor(b, a, v, err, sizeof(err));
	} else if (!strcmp(setting, "local-as")) {
		rc = bgp_set_local_as(b, arg, err, sizeof(err));
	} else if (!strcmp(setting, "router-id")) {
		rc = bgp_set_router_id(b, arg, err, sizeof(err));
	} else if (!strcmp(setting, "hold-time")) {
		rc = bgp_set_hold(b, arg, err, sizeof(err));
	} else if (!strcmp(setting, "stale-time")) {
		rc = bgp_set_stale(b, arg, err, sizeof(err));
	} else {
		rc = bgp_set_wait(b, arg, err, sizeof(err));
	}
	if (rc) {
		/* err begins with the setting: "--bgp-local-as '0': ..." */
		fprintf(stderr, "xflowd: --bgp-%s\n", err);
		return 2;
	}
	return 0;
}

int options_as(struct options *o, const char *arg)
{
	if (!strcmp(arg, "origin")) {
		o->export.as = EXPORT_AS_ORIGIN;
	} else if (!strcmp(arg, "peer")) {
		o->export.as = EXPORT_AS_PEER;
	} else {
		fprintf(stderr,
			"xflowd: --as '%s': expected origin (the last AS of "
			"the path) or peer (the first)\n",
			arg);
		return 2;
	}
	return 0;
}

int options_bgp_check(const struct options *o)
{
	const struct bgp_cfg *b = &o->bgp;

	if (o->export.as && o->config_file) {
		fprintf(stderr, "xflowd: --as: with -f, give it in the "
				"exporter block (as origin|peer) or IOS's "
				"'ip flow-export version 5 "
				"origin-as|peer-as'\n");
		return 2;
	}
	if (!b->enabled)
		return 0;
	if (!b->local_as || !b->router_id || !b->nneighbor) {
		fprintf(stderr,
			"xflowd: %s missing: a BGP session needs "
			"--bgp-local-as N, --bgp-router-id A.B.C.D and "
			"--bgp-neighbor ADDRESS:AS (repeatable)\n",
			!b->local_as	? "--bgp-local-as N"
			: !b->router_id ? "--bgp-router-id A.B.C.D"
					: "--bgp-neighbor ADDRESS:AS");
		return 2;
	}
	return 0;
}

int options_bgp_merge(const struct options *o, struct config *cfg)
{
	if (!o->bgp.enabled)
		return 0;
	if (cfg->bgp.enabled) {
		fprintf(stderr,
			"xflowd: %s:%u: the file has a bgp block and the "
			"command line --bgp-* options: give the BGP settings "
			"in one place (the file's block, or the options with "
			"a file without one)\n",
			cfg->file, cfg->bgp_line);
		return -1;
	}
	cfg->bgp = o->bgp;
	cfg->bgp_line = 0; /* the command line's */
	return 0;
}

const struct bgp_cfg *options_bgp_cfg(const struct options *o)
{
	const struct bgp_cfg *b = o->cfg ? &o->cfg->bgp : &o->bgp;

	return b->enabled ? b : NULL;
}
