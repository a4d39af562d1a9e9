// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_pcapng.c - libFuzzer harness for the pcapng reader (meter/pcapng.c).
 *
 * The input is a whole file. It is read twice, from memory and through a
 * FILE (fmemopen: no descriptor, so of unknown size), and both readings
 * must agree packet by packet and end the same way. Every packet must lie
 * inside the input (memory reading), fit its interface's snaplen, come
 * from a meterable interface, and survive its link type's parser; names
 * are NUL-terminated; an error is sticky, counted once, and has a message.
 *
 * Build and seeds: tests/fuzz/run.sh
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meter/link.h"
#include "meter/pcapng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static void check_point(const struct obs_point *op)
{
	CHECK(op->ifindex >= 1 && op->ifindex <= PCAPNG_MAX_IF);
	CHECK(memchr(op->name, 0, sizeof(op->name)) != NULL);
	CHECK(memchr(op->descr, 0, sizeof(op->descr)) != NULL);
}

static void check_packet(const struct pcapng *r, const struct pcapng_pkt *p,
			 const uint8_t *data, size_t size)
{
	const struct pcapng_if *ifc;
	struct parse_cursor c;
	struct pkt_info pi;
	unsigned int i;

	CHECK(p->op && p->op->link);
	check_point(p->op);
	CHECK(pcapng_point(r, p->op->ifindex) == p->op);
	CHECK(p->data >= data && p->data + p->caplen <= data + size);
	for (i = 0; i < pcapng_nif(r); i++) {
		ifc = pcapng_if_at(r, i);
		if (&ifc->op == p->op)
			break;
	}
	CHECK(i < pcapng_nif(r));
	CHECK(p->caplen <= ifc->snaplen);
	CHECK(ifc->snaplen >= 1 && ifc->snaplen <= PCAPNG_MAX_SNAPLEN);

	memset(&pi, 0, sizeof(pi));
	c.pos = p->data;
	c.end = p->data + p->caplen;
	c.wire_extra = p->wirelen > p->caplen ? p->wirelen - p->caplen : 0;
	p->op->link->parse(&c, &pi);
	CHECK(c.pos >= p->data && c.pos <= p->data + p->caplen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapng *m, *f = NULL;
	struct pcapng_pkt pm, pf;
	char em[256], ef[256];
	const struct pcapng_stats *st;
	FILE *fp = NULL;
	uint64_t n = 0;
	unsigned int i;
	int rm, rf;

	m = pcapng_open_mem(data, size, em, sizeof(em));
	if (size > 0) {
		fp = fmemopen((void *)data, size, "rb");
		CHECK(fp != NULL);
		f = pcapng_open_file(fp, ef, sizeof(ef));
	}
	if (!m) {
		CHECK(em[0] != 0);
		CHECK(!f);
		goto out;
	}
	CHECK(f);
	CHECK(pcapng_nif(m) == pcapng_nif(f));
	CHECK(pcapng_usable(m) == pcapng_usable(f));
	for (;;) {
		rm = pcapng_next(m, &pm);
		rf = pcapng_next(f, &pf);
		if (rm != 1)
			break;
		CHECK(rf == 1);
		check_packet(m, &pm, data, size);
		CHECK(pm.caplen == pf.caplen && pm.wirelen == pf.wirelen);
		CHECK(pm.ts_ns == pf.ts_ns);
		CHECK(pm.op->ifindex == pf.op->ifindex);
		CHECK(strcmp(pm.op->name, pf.op->name) == 0);
		CHECK(memcmp(pm.data, pf.data, pm.caplen) == 0);
		CHECK(++n <= size / 16);
	}
	st = pcapng_stats(m);
	CHECK(st->packets == n);
	CHECK(st->errors == (rm < 0));
	CHECK(rm == 0 || rm == -EBADMSG || rm == -EPROTONOSUPPORT);
	/* a stream of unknown size sees "truncated" where memory sees "runs
	 * past the end": the same error code */
	CHECK(rf == rm);
	if (rm < 0)
		CHECK(pcapng_error(m)[0] != 0);
	else
		CHECK(pcapng_error(m)[0] == 0);
	CHECK(pcapng_next(m, &pm) == rm);
	CHECK(pcapng_stats(m)->errors == st->errors);
	CHECK(pcapng_usable(m) <= pcapng_nif(m));
	for (i = 0; i < pcapng_nif(m); i++)
		check_point(&pcapng_if_at(m, i)->op);
	CHECK(st->blocks * 12 <= size);
out:
	pcapng_close(m);
	pcapng_close(f);
	if (fp)
		fclose(fp);
	return 0;
}
