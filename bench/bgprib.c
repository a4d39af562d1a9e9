// SPDX-License-Identifier: BSD-2-Clause
/*
 * bgprib.c - the RIB with a synthetic full table (issue 17): load time,
 * memory and lookup cost.
 *
 *   build/bench/bgprib [IPV4_PREFIXES IPV6_PREFIXES PATHS]
 *
 * Defaults: 1,000,000 IPv4 and 220,000 IPv6 prefixes sharing 300,000
 * distinct AS paths (a full-table peer sends about 4 prefixes per path;
 * path length 2-8, heavy-tailed: a few paths cover many prefixes). Prefix
 * lengths follow a full table's shape (IPv4 mostly /24, IPv6 mostly /48,
 * /32 and /40-/44). The table is sent as a daemon sends it: UPDATE
 * messages of up to 4096 octets, each one path and its prefixes, which
 * are parsed (bgp_update_parse) and applied (rib_apply) as a session
 * does; the load time is that of parsing and applying, not of writing
 * the messages. Then 2,000,000 lookups of random addresses per family
 * (two per exported flow: source and destination).
 *
 * Prints one line per figure; README's Performance section quotes them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp/apply.h"
#include "bgp/attr.h"
#include "bgp/msg.h"
#include "bgp/rib.h"

struct route {
	uint32_t path;
	uint8_t af, len;
	uint8_t addr[16];
};

/* xorshift64*: a reproducible stream, the state passed explicitly */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* A prefix length drawn from a full table's distribution. */
static uint8_t v4_len(uint64_t *s)
{
	static const uint8_t lens[] = { 24, 24, 24, 24, 24, 24, 24, 24, 24,
					24, 24, 24, 23, 23, 22, 22, 22, 21,
					20, 20, 19, 18, 17, 16, 16, 15, 12 };

	return lens[rnd(s) % sizeof(lens)];
}

static uint8_t v6_len(uint64_t *s)
{
	static const uint8_t lens[] = { 48, 48, 48, 48, 48, 48, 48, 48,
					48, 48, 48, 44, 44, 40, 40, 36,
					32, 32, 32, 29, 64, 47, 46 };

	return lens[rnd(s) % sizeof(lens)];
}

static int by_path(const void *a, const void *b)
{
	const struct route *x = a, *y = b;

	if (x->af != y->af)
		return x->af - y->af;
	return x->path < y->path ? -1 : x->path > y->path;
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The UPDATE body for path `path` and the routes from *i on (same family
 * and path) that fit: the attributes first, then NLRI; advances *i.
 */
static size_t update_body(uint8_t *b, const struct route *r, size_t n,
			  size_t *i, const uint32_t *path, unsigned plen)
{
	uint8_t af = r[*i].af, pathlen = (uint8_t)(2 + 4 * plen);
	size_t k = 4, alen_at = 2, mp_len_at = 0, mp_start = 0, j;
	uint32_t p = r[*i].path;

	b[0] = b[1] = 0; /* no withdrawn routes */
	b[k++] = 0x40, b[k++] = 1, b[k++] = 1, b[k++] = 0;
	b[k++] = 0x40, b[k++] = 2, b[k++] = pathlen, b[k++] = 2;
	b[k++] = (uint8_t)plen;
	for (j = 0; j < plen; j++) {
		b[k++] = (uint8_t)(path[j] >> 24);
		b[k++] = (uint8_t)(path[j] >> 16);
		b[k++] = (uint8_t)(path[j] >> 8);
		b[k++] = (uint8_t)path[j];
	}
	if (af == BGP_AF_IPV4) {
		b[k++] = 0x40, b[k++] = 3, b[k++] = 4;
		memcpy(b + k, "\xc0\x00\x02\x01", 4);
		k += 4;
	} else {
		b[k++] = 0x90, b[k++] = 14;
		mp_len_at = k;
		k += 2;
		mp_start = k;
		b[k++] = 0, b[k++] = 2, b[k++] = 1, b[k++] = 16;
		memcpy(b + k, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		k += 16;
		b[k++] = 0;
	}
	for (; *i < n && r[*i].af == af && r[*i].path == p; (*i)++) {
		unsigned bytes = (r[*i].len + 7u) / 8;

		if (k + 1 + bytes > BGP_MAX_MSG - BGP_HDR_LEN)
			break;
		b[k++] = r[*i].len;
		memcpy(b + k, r[*i].addr, bytes);
		k += bytes;
	}
	if (af == BGP_AF_IPV4) {
		put16(b + alen_at, 7 + pathlen + 3 + 4);
	} else {
		put16(b + mp_len_at, k - mp_start);
		put16(b + alen_at, k - 4);
	}
	return k;
}

int main(int argc, char **argv)
{
	size_t n4 = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	size_t n6 = argc > 2 ? strtoul(argv[2], NULL, 10) : 220000;
	size_t npath = argc > 3 ? strtoul(argv[3], NULL, 10) : 300000;
	size_t n = n4 + n6, i, msgs = 0, bytes = 0, hits = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	static uint8_t body[BGP_MAX_MSG];
	static struct bgp_update u;
	struct rib_apply_stats st = { 0 };
	struct bgp_attr_table at;
	struct route *r;
	uint32_t *paths;
	struct rib rib;
	long rss0, rss1;
	double t, load = 0, look4, look6;
	const int lookups = 2000000;

	if (!n || !npath)
		return 2;
	r = calloc(n, sizeof(*r));
	paths = calloc(npath * 8, sizeof(*paths));
	if (!r || !paths)
		return 1;
	for (i = 0; i < npath * 8; i++)
		paths[i] = 1 + (uint32_t)(rnd(&seed) % 400000);
	for (i = 0; i < n; i++) {
		/* heavy tail: squaring a uniform draw favours low indexes */
		double x = (double)(rnd(&seed) % 1000000) / 1e6;

		r[i].path = (uint32_t)(x * x * (double)npath);
		if (i < n4) {
			uint32_t a = (uint32_t)rnd(&seed);

			r[i].af = BGP_AF_IPV4;
			r[i].len = v4_len(&seed);
			a = 0x01000000u + a % 0xde000000u;
			a &= r[i].len ? ~0u << (32 - r[i].len) : 0;
			r[i].addr[0] = (uint8_t)(a >> 24);
			r[i].addr[1] = (uint8_t)(a >> 16);
			r[i].addr[2] = (uint8_t)(a >> 8);
			r[i].addr[3] = (uint8_t)a;
		} else {
			uint64_t a = rnd(&seed);
			unsigned k;

			r[i].af = BGP_AF_IPV6;
			r[i].len = v6_len(&seed);
			a = (0x2000ull << 48) | (a >> 16);
			for (k = 0; k < 8; k++)
				r[i].addr[k] = (uint8_t)(a >> (56 - 8 * k));
		}
	}
	qsort(r, n, sizeof(*r), by_path);

	if (bgp_attr_table_init(&at) || rib_init(&rib, &at))
		return 1;
	rss0 = rss_kb();
	for (i = 0; i < n;) {
		const uint32_t *path = paths + (size_t)r[i].path * 8;
		unsigned plen = 2 + r[i].path % 7;
		struct bgp_error err;
		enum bgp_update_action act;
		size_t len = update_body(body, r, n, &i, path, plen);

		t = now();
		act = bgp_update_parse(body, len, true, &u, &err);
		if (act != BGP_UPD_OK || rib_apply(&rib, &u, act, &st)) {
			fprintf(stderr, "bgprib: message %zu refused\n", msgs);
			return 1;
		}
		load += now() - t;
		msgs++;
		bytes += len + BGP_HDR_LEN;
	}
	rss1 = rss_kb();

	t = now();
	for (i = 0; i < (size_t)lookups; i++) {
		uint32_t a = (uint32_t)rnd(&seed);
		uint8_t addr[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16),
				    (uint8_t)(a >> 8), (uint8_t)a };

		hits += rib_lookup(&rib, BGP_AF_IPV4, addr) != NULL;
	}
	look4 = (now() - t) / lookups * 1e9;
	t = now();
	for (i = 0; i < (size_t)lookups; i++) {
		uint8_t addr[16];
		uint64_t a = rnd(&seed), b = rnd(&seed);

		/* half inside 2000::/16 like the table, half anywhere */
		if (i & 1)
			a = (0x2000ull << 48) | (a >> 16);
		memcpy(addr, &a, 8);
		memcpy(addr + 8, &b, 8);
		if (i & 1) {
			unsigned k;

			for (k = 0; k < 8; k++)
				addr[k] = (uint8_t)(a >> (56 - 8 * k));
		}
		hits += rib_lookup(&rib, BGP_AF_IPV6, addr) != NULL;
	}
	look6 = (now() - t) / lookups * 1e9;

	printf("bgp rib: %zu IPv4 + %zu IPv6 prefixes (%zu + %zu after "
	       "duplicates), %zu distinct attributes\n",
	       n4, n6, rib_count(&rib, BGP_AF_IPV4),
	       rib_count(&rib, BGP_AF_IPV6), at.count);
	printf("bgp rib: load %.2f s for %zu UPDATEs (%.1f MB): %.0f "
	       "prefixes/s\n",
	       load, msgs, bytes / 1e6, (double)n / load);
	printf("bgp rib: RSS +%.1f MB (tables %.1f MB, attributes %.1f MB)\n",
	       (rss1 - rss0) / 1024.0, rib_bytes(&rib) / 1e6, at.bytes / 1e6);
	printf("bgp rib: lookup %.0f ns IPv4, %.0f ns IPv6 (%zu of %d hit); "
	       "%.0f ns per exported IPv4 flow (source and destination)\n",
	       look4, look6, hits, 2 * lookups, 2 * look4);
	rib_fini(&rib);
	bgp_attr_table_fini(&at);
	free(paths);
	free(r);
	return 0;
}
