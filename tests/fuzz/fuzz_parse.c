// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_parse.c - libFuzzer harness for the packet path: link header,
 * parse.h, meter_packet and the flow cache.
 *
 * Packets are metered in batches (meter_flush); the harness flushes the
 * batch at random points and checks that every metered packet is in
 * exactly one place: the batch, the cache or an exported record.
 *
 * Input: one selector octet, then the captured packet. The selector picks
 * the link type (selector % NDLT) and how many octets the wire carried past
 * the capture ((selector / NDLT) % 4: none, 1, 1000, 65536), so snap-length
 * handling is exercised too. Seeds written as "DLT index, frame" keep
 * wire_extra at 0.
 *
 * Build: tests/fuzz/run.sh
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meter/flowcache.h"
#include "meter/link.h"
#include "meter/meter.h"
#include "meter/parse.h"
#include "templates/templates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = { 1,	 0,   9,   12,	50,  51, 101,
			    104, 108, 113, 228, 229, 276 };
#define NDLT (sizeof(dlts) / sizeof(dlts[0]))

static const uint32_t wire_extras[4] = { 0, 1, 1000, 65536 };

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static uint64_t exported_packets;

static void expire_cb(void *ctx, const struct flow *f,
		      enum flow_end_reason reason)
{
	(void)ctx;
	CHECK(f->packets >= 1);
	CHECK(f->first_ns <= f->last_ns);
	CHECK(reason >= FLOW_END_IDLE && reason <= FLOW_END_RESOURCES);
	CHECK(f->key.ipver == 4 || f->key.ipver == 6);
	exported_packets += f->packets;
}

static void check_info(int rc, const struct pkt_info *pi,
		       const struct parse_cursor *c, const uint8_t *data,
		       uint32_t caplen, uint32_t wirelen)
{
	static const uint8_t zero[12];

	CHECK(rc >= -PARSE_NERR && rc <= PARSE_NOT_IP);
	CHECK(c->pos >= data && c->pos <= data + caplen);
	if (rc != PARSE_IP)
		return;
	CHECK(pi->ipver == 4 || pi->ipver == 6);
	CHECK(pi->octets <= wirelen);
	CHECK(pi->octets >= (pi->ipver == 4 ? 20u : 40u));
	if (pi->ipver == 4) {
		CHECK(memcmp(pi->src + 4, zero, 12) == 0);
		CHECK(memcmp(pi->dst + 4, zero, 12) == 0);
	}
	if (pi->nonfirst_frag)
		CHECK(pi->sport == 0 && pi->dport == 0 && pi->tcp_flags == 0);
	if (pi->proto != 6)
		CHECK(pi->tcp_flags == 0);
	CHECK(pi->vlan[0] <= 0x0fff && pi->vlan[1] <= 0x0fff);
	CHECK(pi->nvlan <= 2 * PARSE_MAX_VLAN); /* outer and inner frame */
	CHECK(pi->tun_ver == 0 || pi->tun_ver == 4 || pi->tun_ver == 6);
	if (pi->tun_ver) {
		CHECK(pi->tun_kind != TUN_NONE);
		CHECK(c->lim != NULL);
	}
}

/* Packets of the flows in the cache, after checking its lists (the age
 * list and the idle timer's wheel each hold every flow once). */
static uint64_t cached_packets(const struct flowcache *fc)
{
	uint64_t sum = 0;
	uint32_t i, n = 0;
	struct flow f;

	CHECK(flowcache_check(fc) == (long)fc->used);
	for (i = 1; i < fc->next_unused; i++) {
		if (!flowcache_get(fc, i, &f))
			continue;
		sum += f.packets;
		n++;
	}
	CHECK(n == fc->used);
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct flowcache *fc;
	static struct meter m;
	static struct meter_cfg mcfg;
	static uint64_t now = 1700000000ull * 1000000000ull;
	static uint64_t n;
	const struct linktype *lt;
	struct obs_point op;
	struct pkt_info pi;
	struct parse_cursor c;
	uint32_t caplen, wirelen;
	uint64_t before_malformed = 0, after_malformed = 0;
	int rc, i;

	if (size < 1 || size > 65535 + 1)
		return 0;
	if (!fc) {
		fc = flowcache_new(32, 30ull * 1000000000ull,
				   5ull * 1000000000ull, expire_cb, NULL);
		CHECK(fc != NULL);
		m.fc = fc;
		/* every tunnel pair opened, every class exportable */
		static const char *const names[] = {
			"tun4-ipv4-seven-tuple-iij",
			"tun4-ipv6-five-tuple-iij",
			"tun6-ipv4-five-tuple-iij",
			"tun6-ipv6-seven-tuple-iij",
			"ipv4-seven-tuple",
			"ipv6-five-tuple",
		};
		const struct template_def *t[6];

		for (i = 0; i < 6; i++)
			CHECK((t[i] = template_find(names[i])) != NULL);
		meter_configure(&mcfg, t, 6);
		CHECK(mcfg.decap == PARSE_DECAP_ALL);
		flowcache_set_key_len(fc, mcfg.key_len);
		m.cfg = &mcfg;
	}
	lt = link_lookup(dlts[data[0] % NDLT]);
	CHECK(lt != NULL);
	caplen = (uint32_t)(size - 1);
	wirelen = caplen + wire_extras[(data[0] / NDLT) % 4];

	/* the parser alone, with its invariants */
	memset(&pi, 0, sizeof(pi));
	memset(&c, 0, sizeof(c));
	c.pos = data + 1;
	c.end = data + 1 + caplen;
	c.wire_extra = wirelen - caplen;
	c.decap = PARSE_DECAP_ALL;
	rc = parse_inner(&c, &pi, lt->parse(&c, &pi));
	check_info(rc, &pi, &c, data + 1, caplen, wirelen);

	/* the whole packet path must agree with it */
	memset(&op, 0, sizeof(op));
	op.link = lt;
	op.ifindex = (uint32_t)(size & 3);
	op.dir = (uint8_t)(size >> 2 & 1);
	for (i = 0; i <= PARSE_NERR; i++)
		before_malformed += m.st.malformed[i];
	{
		uint64_t metered = m.st.metered, non_ip = m.st.non_ip;
		uint64_t octets = m.st.octets;

		meter_packet(&m, &op, data + 1, caplen, wirelen, now);
		for (i = 0; i <= PARSE_NERR; i++)
			after_malformed += m.st.malformed[i];
		CHECK(m.st.metered - metered == (rc == PARSE_IP));
		CHECK(m.st.non_ip - non_ip == (rc == PARSE_NOT_IP));
		CHECK(after_malformed - before_malformed == (rc < 0));
		if (rc == PARSE_IP)
			CHECK(m.st.octets - octets == pi.octets);
	}
	CHECK(m.st.packets == m.st.metered + m.st.non_ip + after_malformed);
	CHECK(m.npending <= METER_BATCH);
	/* the batch reaches the cache now and then, not after every packet */
	if (data[size - 1] & 0x10)
		meter_flush(&m);
	CHECK(fc->used <= fc->capacity);
	/* no packet lost or counted twice: batched, cached or exported */
	CHECK(exported_packets + cached_packets(fc) + m.npending ==
	      m.st.metered);

	/* time moves on, sometimes backwards; the ager runs now and then */
	now += (uint64_t)(data[size - 1]) * 37000000ull;
	if (data[size - 1] == 0xff)
		now -= 20ull * 1000000000ull;
	if (++n % 64 == 0) {
		meter_flush(&m);
		CHECK(m.npending == 0);
		flowcache_expire(fc, now);
		if (n % 4096 == 0) {
			/* every metered packet left in exactly one record */
			flowcache_flush(fc, FLOW_END_FORCED);
			CHECK(fc->used == 0);
			CHECK(exported_packets == m.st.metered);
		}
	}
	return 0;
}
