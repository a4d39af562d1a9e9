// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pcapng.c - the pcapng reader on well-formed crafted files: both
 * byte orders, interfaces of different link types with their names and
 * descriptions, timestamp resolutions and offsets, the Simple and the
 * obsolete Packet Block, skipped blocks, several sections, interfaces of
 * unsupported link types and packets of undescribed ones. Each file is
 * read from memory and, through a FILE, from a regular file and from a
 * stream of unknown size (see pcapng_build.h). Corrupt files:
 * test_pcapng_bad.c.
 */
#define _GNU_SOURCE
#include "pcapng_build.h"

START_TEST(two_interfaces)
{
	struct bld w = { .n = 0 };
	const struct pcapng_if *ifc;
	struct rd x;

	shb(&w, BIG(_i));
	idb(&w, 1, 65535, "ge0", "uplink to the core", -1, false, 0);
	idb(&w, 101, 0, "vlan100", NULL, -1, false, 0);
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	epb(&w, 1, T0_US + 1, ip4, sizeof(ip4));
	epb(&w, 0, T0_US + 2, eth4, sizeof(eth4));
	rd_open(&x, &w, SRC(_i));
	ck_assert_msg(x.r != NULL, "%s", x.err);
	ck_assert_uint_eq(pcapng_nif(x.r), 2);
	ck_assert_uint_eq(pcapng_usable(x.r), 2);
	ifc = pcapng_if_at(x.r, 0);
	ck_assert_str_eq(ifc->op.descr, "uplink to the core");
	ck_assert_uint_eq(ifc->snaplen, 65535);
	ifc = pcapng_if_at(x.r, 1);
	ck_assert_str_eq(ifc->op.descr, "");
	ck_assert_uint_eq(ifc->snaplen, PCAPNG_MAX_SNAPLEN);
	ck_assert_ptr_null(pcapng_if_at(x.r, 2));
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, sizeof(eth4), sizeof(eth4));
	expect_pkt(x.r, 2, "vlan100", 101, T0_NS + 1000, ip4, sizeof(ip4),
		   sizeof(ip4));
	expect_parses(x.r);
	expect_end(x.r);
	ck_assert_str_eq(pcapng_point(x.r, 1)->name, "ge0");
	ck_assert_str_eq(pcapng_point(x.r, 2)->name, "vlan100");
	ck_assert_ptr_null(pcapng_point(x.r, 0));
	ck_assert_ptr_null(pcapng_point(x.r, 3));
	ck_assert_uint_eq(pcapng_stats(x.r)->packets, 3);
	ck_assert_uint_eq(pcapng_stats(x.r)->sections, 1);
	ck_assert_uint_eq(pcapng_stats(x.r)->errors, 0);
	rd_close(&x);
}
END_TEST

START_TEST(raw_ip_interface_parses)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb(&w, BIG(_i));
	idb(&w, 1, 0, "ge0", NULL, -1, false, 0);
	idb(&w, 101, 0, "vlan100", NULL, -1, false, 0);
	epb(&w, 1, T0_US, ip4, sizeof(ip4));
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	expect_parses(x.r);
	expect_parses(x.r);
	expect_end(x.r);
	rd_close(&x);
}
END_TEST

/* if_tsresol 10^-9, 2^-20, 10^0, 10^-19, 2^-63, and if_tsoffset */
START_TEST(timestamps)
{
	struct bld w = { .n = 0 };
	uint64_t t = 1700000000ull;
	struct rd x;

	shb(&w, BIG(_i));
	idb(&w, 1, 0, "ns", NULL, 9, false, 0);
	idb(&w, 1, 0, "bin20", NULL, 0x80 | 20, false, 0);
	idb(&w, 1, 0, "sec", NULL, 0, true, 3600);
	idb(&w, 1, 0, "e19", NULL, 19, false, 0);
	idb(&w, 1, 0, "bin63", NULL, 0x80 | 63, true, -100);
	idb(&w, 1, 0, "us", NULL, -1, true, -1700000000);
	epb(&w, 0, t * 1000000000ull + 123456789, eth4, sizeof(eth4));
	/* half a second, then one unit of 2^-20 s: 953.67... ns, floored */
	epb(&w, 1, (t << 20) + (1u << 19), eth4, sizeof(eth4));
	epb(&w, 1, (t << 20) + 1, eth4, sizeof(eth4));
	epb(&w, 2, t, eth4, sizeof(eth4));
	/* 1.5 s in 10^-19 s units */
	epb(&w, 3, 15000000000000000000ull, eth4, sizeof(eth4));
	/* 1.25 s in 2^-63 s units with an offset of -100 s */
	epb(&w, 4, (1ull << 63) + (1ull << 61), eth4, sizeof(eth4));
	epb(&w, 5, T0_US, eth4, sizeof(eth4));
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	expect_pkt(x.r, 1, "ns", 1, t * 1000000000ull + 123456789, eth4,
		   sizeof(eth4), sizeof(eth4));
	expect_pkt(x.r, 2, "bin20", 1, t * 1000000000ull + 500000000, eth4,
		   sizeof(eth4), sizeof(eth4));
	expect_pkt(x.r, 2, "bin20", 1, t * 1000000000ull + 953, eth4,
		   sizeof(eth4), sizeof(eth4));
	expect_pkt(x.r, 3, "sec", 1, (t + 3600) * 1000000000ull, eth4,
		   sizeof(eth4), sizeof(eth4));
	expect_pkt(x.r, 4, "e19", 1, 1500000000ull, eth4, sizeof(eth4),
		   sizeof(eth4));
	/* 1.25 s - 100 s < 0: clamped to the epoch */
	expect_pkt(x.r, 5, "bin63", 1, 0, eth4, sizeof(eth4), sizeof(eth4));
	expect_pkt(x.r, 6, "us", 1, 123456000, eth4, sizeof(eth4),
		   sizeof(eth4));
	expect_end(x.r);
	ck_assert_uint_eq(pcapng_stats(x.r)->ts_clamped, 1);
	rd_close(&x);
}
END_TEST

START_TEST(ts_conversion)
{
	struct pcapng_if ifc = { .ts_exp = 6 };
	int clamped = 0;

	ck_assert_uint_eq(pcapng_ts_ns(&ifc, T0_US, &clamped), T0_NS);
	ifc.ts_exp = 0;
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, 18446744073ull, &clamped),
			  18446744073000000000ull);
	ck_assert_int_eq(clamped, 0);
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, 18446744074ull, &clamped),
			  UINT64_MAX);
	ck_assert_int_eq(clamped, 1);
	clamped = 0;
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, UINT64_MAX, &clamped), UINT64_MAX);
	ck_assert_int_eq(clamped, 1);
	/* 2^-30 s: the largest unit below a nanosecond; 2^30 - 1 units */
	ifc.ts_bin = 1;
	ifc.ts_exp = 30;
	clamped = 0;
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, (1ull << 30) - 1, &clamped),
			  999999999ull);
	/* 2^-0: whole seconds */
	ifc.ts_exp = 0;
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, 7, &clamped), 7000000000ull);
	/* 2^-63 with the largest unit count: 2 s minus one unit, floored */
	ifc.ts_exp = 63;
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, UINT64_MAX, &clamped),
			  1999999999ull);
	ck_assert_int_eq(clamped, 0);
	ifc.tsoffset = INT64_MIN;
	ck_assert_uint_eq(pcapng_ts_ns(&ifc, UINT64_MAX, &clamped), 0);
	ck_assert_int_eq(clamped, 1);
}
END_TEST

/* SPB: interface 0, the previous packet's time, caplen bounded by the
 * block and the snaplen; the obsolete PB: a 16-bit interface id */
START_TEST(simple_and_obsolete_blocks)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb(&w, BIG(_i));
	idb(&w, 1, 40, "ge0", NULL, -1, false, 0);
	idb(&w, 101, 0, "tun0", NULL, -1, false, 0);
	spb(&w, eth4, 30, 30); /* before any timed packet: time 0 */
	pb(&w, 1, T0_US, ip4, sizeof(ip4));
	spb(&w, eth4, 30, 30);
	spb(&w, eth4, sizeof(eth4), 1500); /* snaplen 40 cuts it */
	spb(&w, eth4, 20, 1500);	   /* the block cuts it */
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	expect_pkt(x.r, 1, "ge0", 1, 0, eth4, 30, 30);
	expect_pkt(x.r, 2, "tun0", 101, T0_NS, ip4, sizeof(ip4), sizeof(ip4));
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, 30, 30);
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, 40, 1500);
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, 20, 1500);
	expect_end(x.r);
	rd_close(&x);
}
END_TEST

START_TEST(skipped_blocks)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb(&w, BIG(_i));
	other_block(&w, 4, 16);		 /* name resolution */
	other_block(&w, 0x40000BAD, 13); /* custom, may be copied */
	idb(&w, 1, 0, "ge0", NULL, -1, false, 0);
	other_block(&w, 0x0A, 0);	  /* decryption secrets */
	other_block(&w, 0x12345678, 100); /* unknown */
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	other_block(&w, 5, 24);		/* interface statistics */
	other_block(&w, 0x00000BAD, 4); /* custom */
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, sizeof(eth4), sizeof(eth4));
	expect_end(x.r);
	ck_assert_uint_eq(pcapng_stats(x.r)->skipped, 6);
	ck_assert_uint_eq(pcapng_stats(x.r)->blocks, 9);
	rd_close(&x);
}
END_TEST

/* Sections restart interface ids; each has its own byte order. */
START_TEST(sections)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb(&w, BIG(_i));
	idb(&w, 1, 0, "ge0", NULL, -1, false, 0);
	idb(&w, 1, 0, "ge1", NULL, -1, false, 0);
	epb(&w, 1, T0_US, eth4, sizeof(eth4));
	shb(&w, !BIG(_i));
	idb(&w, 101, 0, "wg0", NULL, 9, false, 0);
	epb(&w, 0, T0_NS + 5, ip4, sizeof(ip4));
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	expect_pkt(x.r, 2, "ge1", 1, T0_NS, eth4, sizeof(eth4), sizeof(eth4));
	ck_assert_str_eq(pcapng_point(x.r, 1)->name, "ge0");
	expect_pkt(x.r, 1, "wg0", 101, T0_NS + 5, ip4, sizeof(ip4),
		   sizeof(ip4));
	/* the current section first, then the latest earlier one */
	ck_assert_str_eq(pcapng_point(x.r, 1)->name, "wg0");
	ck_assert_str_eq(pcapng_point(x.r, 2)->name, "ge1");
	ck_assert_uint_eq(pcapng_if_at(x.r, 2)->section, 1);
	expect_end(x.r);
	ck_assert_uint_eq(pcapng_stats(x.r)->sections, 2);
	rd_close(&x);
}
END_TEST

START_TEST(unsupported_link_type)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb(&w, BIG(_i));
	idb(&w, 105, 0, "wlan0", NULL, -1, false, 0); /* IEEE 802.11 */
	idb(&w, 1, 0, "ge0", NULL, -1, false, 0);
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	epb(&w, 1, T0_US, eth4, sizeof(eth4));
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	ck_assert_uint_eq(pcapng_nif(x.r), 2);
	ck_assert_uint_eq(pcapng_usable(x.r), 1);
	ck_assert_ptr_null(pcapng_if_at(x.r, 0)->op.link);
	ck_assert_uint_eq(pcapng_if_at(x.r, 0)->linktype, 105);
	expect_pkt(x.r, 2, "ge0", 1, T0_NS, eth4, sizeof(eth4), sizeof(eth4));
	expect_end(x.r);
	ck_assert_uint_eq(pcapng_stats(x.r)->unsupported, 2);
	ck_assert_uint_eq(pcapng_stats(x.r)->packets, 1);
	rd_close(&x);

	/* nothing usable: the caller refuses the file */
	w.n = 0;
	shb(&w, BIG(_i));
	idb(&w, 105, 0, "wlan0", NULL, -1, false, 0);
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	idb(&w, 1, 0, "late", NULL, -1, false, 0);
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	ck_assert_uint_eq(pcapng_usable(x.r), 0);
	ck_assert_uint_eq(pcapng_nif(x.r), 1);
	rd_close(&x);
}
END_TEST

START_TEST(undescribed_interface)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb(&w, BIG(_i));
	epb(&w, 0, T0_US, eth4, sizeof(eth4)); /* before any IDB */
	idb(&w, 1, 0, "ge0", NULL, -1, false, 0);
	epb(&w, 3, T0_US, eth4, sizeof(eth4));
	pb(&w, 1, T0_US, eth4, sizeof(eth4));
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	/* the open stopped at the first packet block, before any IDB */
	ck_assert_uint_eq(pcapng_nif(x.r), 0);
	ck_assert_uint_eq(pcapng_usable(x.r), 0);
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, sizeof(eth4), sizeof(eth4));
	expect_end(x.r);
	ck_assert_uint_eq(pcapng_stats(x.r)->bad_iface, 3);
	rd_close(&x);
}
END_TEST

START_TEST(interface_strings)
{
	struct bld w = { .n = 0 };
	const struct pcapng_if *ifc;
	char longd[100];
	struct rd x;

	memset(longd, 'd', sizeof(longd) - 1);
	longd[sizeof(longd) - 1] = 0;
	shb(&w, BIG(_i));
	idb(&w, 1, 0, "a-very-long-interface-name", longd, -1, false, 0);
	/* "eth-" and 6 x U+00E9 in 16 octets: the 15-octet cut falls inside
	 * the 6th character, which goes entirely */
	idb(&w, 1, 0, "eth-\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "tab\there", -1, false, 0);
	/* a NUL ends the name early */
	idb(&w, 1, 0, "", NULL, -1, false, 0);
	{
		size_t at = blk_begin(&w, 1);

		put16(&w, 1);
		put16(&w, 0);
		put32(&w, 0);
		opt(&w, 2, "ab\0cd", 5);
		blk_end(&w, at); /* no opt_endofopt: the block ends them */
	}
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	ifc = pcapng_if_at(x.r, 0);
	ck_assert_str_eq(ifc->op.name, "a-very-long-int");
	ck_assert_uint_eq(strlen(ifc->op.descr), 63);
	ifc = pcapng_if_at(x.r, 1);
	ck_assert_str_eq(ifc->op.name, "eth-\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
				       "\xc3\xa9");
	ck_assert_str_eq(ifc->op.descr, "tab?here");
	ck_assert_str_eq(pcapng_if_at(x.r, 2)->op.name, "");
	ck_assert_str_eq(pcapng_if_at(x.r, 3)->op.name, "ab");
	ck_assert_uint_eq(pcapng_if_at(x.r, 3)->op.ifindex, 4);
	expect_end(x.r);
	rd_close(&x);
}
END_TEST

static Suite *pcapng_suite(void)
{
	Suite *s = suite_create("pcapng");
	TCase *tc = tcase_create("pcapng");

	init_frames();
	tcase_add_loop_test(tc, two_interfaces, 0, NLOOP);
	tcase_add_loop_test(tc, raw_ip_interface_parses, 0, NLOOP);
	tcase_add_loop_test(tc, timestamps, 0, NLOOP);
	tcase_add_test(tc, ts_conversion);
	tcase_add_loop_test(tc, simple_and_obsolete_blocks, 0, NLOOP);
	tcase_add_loop_test(tc, skipped_blocks, 0, NLOOP);
	tcase_add_loop_test(tc, sections, 0, NLOOP);
	tcase_add_loop_test(tc, unsupported_link_type, 0, NLOOP);
	tcase_add_loop_test(tc, undescribed_interface, 0, NLOOP);
	tcase_add_loop_test(tc, interface_strings, 0, NLOOP);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pcapng_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
