// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_netlink.c - libFuzzer harness for the interface table's netlink
 * input: ifinfo_handle() on one received datagram.
 *
 * Input: one datagram as the kernel delivers it; the datagrams that
 * ifinfo_watch --save writes are seeds as they are (tests/fuzz/mknlseeds.py
 * cuts the large ones to -max_len for tests/fuzz/corpus/netlink). When its
 * first message carries NLM_F_MULTI it is taken for a dump reply:
 * ifinfo_dump_begin() with that sequence number comes first, so NLMSG_DONE
 * sweeps. The datagram is applied twice (the second pass replaces, renames
 * and deletes what the first made) to a fresh table holding 15 entries set
 * by hand (ifindex 1-15: a 16th makes it grow and rehash), and the table is
 * checked for consistency after each pass.
 *
 * libmnl is not instrumented, so the datagram is placed to end at a
 * PROT_NONE page: a read past it by libmnl faults. The 0-3 octets that
 * round its length up to 4 (it must start 4-aligned) are poisoned for ASan.
 *
 * Build: tests/fuzz/run.sh
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "netlink/ifinfo.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#endif
#endif
#ifndef POISON
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define AREA (64 * 1024)

static uint8_t *area_end(void)
{
	static uint8_t *end;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *p;

	if (end)
		return end;
	p = mmap(NULL, AREA + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(mprotect(p + AREA, page, PROT_NONE) == 0);
	end = p + AREA;
	return end;
}

static void check_str(const char *s, size_t size, int may_be_empty)
{
	size_t n = strnlen(s, size);

	CHECK(n < size);
	CHECK(may_be_empty || n > 0);
}

static void check_table(const struct ifinfo *t)
{
	size_t n = ifinfo_count(t), i;

	CHECK(n <= IFINFO_MAX);
	CHECK(ifinfo_at(t, n) == NULL);
	for (i = 0; i < n; i++) {
		const struct ifinfo_entry *e = ifinfo_at(t, i);
		const char *phys;

		CHECK(e && e->ifindex);
		CHECK(ifinfo_get(t, e->ifindex) == e);
		check_str(e->name, sizeof(e->name), e->manual);
		check_str(e->kind, sizeof(e->kind), 1);
		check_str(e->alias, sizeof(e->alias), 1);
		CHECK(e->tun.ver == 0 || e->tun.ver == 4 || e->tun.ver == 6);
		CHECK(e->parent != e->ifindex);
		phys = ifinfo_phys_name(t, e->ifindex);
		CHECK(phys);
		CHECK(phys == e->name ||
		      (e->parent && phys == ifinfo_get(t, e->parent)->name));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *end = area_end(), *buf;
	size_t padded;
	struct ifinfo *t;
	const struct ifinfo_stats *st;
	uint64_t gen;
	int pass, n;
	uint32_t i;

	if (size > AREA)
		size = AREA;
	padded = (size + 3) & ~(size_t)3;
	buf = end - padded;
	UNPOISON(buf, padded);
	memcpy(buf, data, size);
	memset(buf + size, 0xa5, padded - size);
	POISON(buf + size, padded - size);

	t = ifinfo_new();
	CHECK(t);
	CHECK(ifinfo_set(t, 1, "lo", NULL) == 0);
	CHECK(ifinfo_set(t, 2, "eth0", "uplink") == 0);
	/* 15 entries: one more and the table grows and rehashes */
	for (i = 3; i <= 15; i++)
		CHECK(ifinfo_set(t, i, "m", NULL) == 0);
	if (size >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)buf;

		if (nlh->nlmsg_flags & NLM_F_MULTI)
			ifinfo_dump_begin(t, nlh->nlmsg_seq);
	}
	for (pass = 0; pass < 2; pass++) {
		gen = ifinfo_generation(t);
		n = ifinfo_handle(t, buf, size);
		CHECK(n >= 0 && (size_t)n <= size / sizeof(struct nlmsghdr));
		CHECK(ifinfo_generation(t) >= gen);
		check_table(t);
	}
	st = ifinfo_stats(t);
	CHECK(st->newlink + st->dellink <= st->messages);
	CHECK(st->full == 0);
	UNPOISON(buf + size, padded - size);
	ifinfo_close(t);
	return 0;
}
