// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_bgp.c - libFuzzer harness for the BGP message parser (bgp/msg.c,
 * bgp/update.c) and the RIB it feeds (bgp/attr.c, bgp/rib.c).
 *
 * Input: a stream of BGP messages as a session reads them; the first
 * octet picks 2- or 4-octet ASes. Each message is checked by
 * bgp_msg_header and parsed by its type; every UPDATE's prefixes are
 * announced to or withdrawn from a RIB as the session would, End-of-RIB
 * sweeps, and after the stream each prefix left must be found by a lookup
 * of its own address with a match at least as long. The RIB is then
 * emptied by a sweep, and every interned attribute must be gone with it.
 *
 * Seeds: tests/fuzz/corpus/bgp (tests/fuzz/mkbgpseeds.py writes them).
 *
 * Build (from the top of the tree):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. bgp/msg.c \
 *     bgp/update.c bgp/attr.c bgp/rib.c bgp/apply.c tests/fuzz/fuzz_bgp.c \
 *     -o build/fuzz/fuzz_bgp
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/apply.h"
#include "bgp/attr.h"
#include "bgp/msg.h"
#include "bgp/rib.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void update(struct rib *r, const uint8_t *body, size_t len, bool as4)
{
	static __thread struct bgp_update u;
	struct rib_apply_stats st = { 0 };
	struct bgp_error err;
	enum bgp_update_action act = bgp_update_parse(body, len, as4, &u, &err);

	if (act == BGP_UPD_RESET) {
		check(err.code == BGP_ERR_UPDATE);
		return;
	}
	check(rib_apply(r, &u, act, &st) == 0);
	if (u.eor) {
		r->gen++;
		rib_sweep(r, u.eor);
	}
}

static void table_check(const struct rib *r, const struct rib_table *t)
{
	size_t i, n = 0;

	for (i = 0; i <= t->mask; i++) {
		const struct rib_entry *e, *m;

		for (e = t->bucket[i]; e; e = e->next) {
			m = rib_lookup(r, t->af, e->addr);
			check(m && m->len >= e->len);
			check(e->attr && e->attr->refs > 0);
			n++;
		}
	}
	check(n == t->count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * One RIB for every input, emptied after each: setting up its
	 * region bitmaps (3 MB) per input cost most of the time. Emptying
	 * it by a sweep is itself checked: every attribute must be gone.
	 */
	static struct bgp_attr_table attrs;
	static struct rib r;
	static bool ready;
	bool as4;

	if (!ready) {
		check(bgp_attr_table_init(&attrs) == 0);
		check(rib_init(&r, &attrs) == 0);
		ready = true;
	}
	if (size < 1)
		return 0;
	as4 = data[0] & 1;
	data++;
	size--;
	while (size > 0) {
		struct bgp_error err = { 0 };
		struct bgp_open o;
		struct bgp_notification n;
		enum bgp_af af;
		uint8_t type;
		int len = bgp_msg_header(data, size, &type, &err);

		if (len <= 0 || (size_t)len > size)
			break;
		switch (type) {
		case BGP_OPEN:
			if (bgp_open_parse(data + BGP_HDR_LEN,
					   (size_t)len - BGP_HDR_LEN, &o,
					   &err) == 0)
				as4 = o.as4;
			break;
		case BGP_UPDATE:
			update(&r, data + BGP_HDR_LEN,
			       (size_t)len - BGP_HDR_LEN, as4);
			break;
		case BGP_NOTIFICATION:
			bgp_notification_parse(data + BGP_HDR_LEN,
					       (size_t)len - BGP_HDR_LEN, &n);
			break;
		case BGP_ROUTE_REFRESH:
			bgp_refresh_parse(data + BGP_HDR_LEN,
					  (size_t)len - BGP_HDR_LEN, &af);
			break;
		}
		data += len;
		size -= (size_t)len;
	}
	table_check(&r, &r.v4);
	table_check(&r, &r.v6);
	r.gen++;
	rib_sweep(&r, BGP_AF_NONE);
	check(rib_count(&r, BGP_AF_IPV4) == 0 &&
	      rib_count(&r, BGP_AF_IPV6) == 0);
	check(attrs.count == 0);
	return 0;
}
