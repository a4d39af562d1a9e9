// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pcapng_bad.c - the pcapng reader on corrupt crafted files: every
 * kind of bad block (truncated, bad trailing length, lengths zero, short,
 * unaligned, oversized or past the end, packets past their block or their
 * snaplen, bad options, bad byte-order magic, other major versions) ends
 * the file after delivering the packets before it, with a sticky error;
 * files that are no pcapng are refused; every prefix of a good file reads
 * cleanly. Both byte orders, from memory, a regular file and a stream.
 */
#define _GNU_SOURCE
#include "pcapng_build.h"

/* A file with one good packet, then what the test appends. */
static void good_start(struct bld *w, bool big)
{
	w->n = 0;
	shb(w, big);
	idb(w, 1, 100, "ge0", NULL, -1, false, 0);
	epb(w, 0, T0_US, eth4, sizeof(eth4));
}

static void expect_good_then_error(struct bld *w, enum src src, int err,
				   const char *what)
{
	struct rd x;

	rd_open(&x, w, src);
	ck_assert_msg(x.r != NULL, "%s", x.err);
	expect_pkt(x.r, 1, "ge0", 1, T0_NS, eth4, sizeof(eth4), sizeof(eth4));
	expect_error(x.r, err, what);
	ck_assert_uint_eq(pcapng_stats(x.r)->packets, 1);
	rd_close(&x);
}

START_TEST(truncated_final_block)
{
	struct bld w;
	size_t n;

	good_start(&w, BIG(_i));
	n = w.n;
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	w.n -= 10;
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "truncated");
	/* cut inside the next block header */
	w.n = n + 5;
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "truncated");
	/* cut inside a section header's byte-order magic */
	w.n = n;
	shb(&w, BIG(_i));
	w.n = n + 10;
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "truncated");
}
END_TEST

START_TEST(bad_trailing_length)
{
	struct bld w;
	size_t end;

	good_start(&w, BIG(_i));
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	end = w.n;
	w.n -= 4;
	put32(&w, 64);
	w.n = end;
	epb(&w, 0, T0_US, eth4, sizeof(eth4)); /* never reached */
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "trailing length");
}
END_TEST

/* A block header with the given length (and a few octets after it). */
static void bad_length(struct bld *w, uint32_t len)
{
	put32(w, 6);
	put32(w, len);
	put32(w, 0);
	put32(w, len);
}

START_TEST(bad_lengths)
{
	static const struct {
		uint32_t len;
		const char *what;
	} cases[] = {
		{ 0, "multiple of 4" },	  { 8, "multiple of 4" },
		{ 14, "multiple of 4" },  { 17, "multiple of 4" },
		{ 1024, "past the end" }, { PCAPNG_MAX_BLOCK + 4, "limit" },
		{ 0xfffffffc, "limit" },
	};
	struct bld w;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		good_start(&w, BIG(_i));
		bad_length(&w, cases[i].len);
		/* a stream of unknown size finds the end by reading */
		if (cases[i].len == 1024 && SRC(_i) == SRC_STREAM)
			expect_good_then_error(&w, SRC(_i), -EBADMSG,
					       "truncated");
		else
			expect_good_then_error(&w, SRC(_i), -EBADMSG,
					       cases[i].what);
	}
	/* an SHB shorter than its fixed part */
	good_start(&w, BIG(_i));
	put32(&w, PCAPNG_SHB);
	put32(&w, 24);
	put32(&w, 0x1A2B3C4D);
	put32(&w, 1);
	put32(&w, 0);
	put32(&w, 24);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "section header");
}
END_TEST

START_TEST(bad_packet_blocks)
{
	struct bld w;
	size_t at;

	/* captured length past the block */
	good_start(&w, BIG(_i));
	at = blk_begin(&w, 6);
	put32(&w, 0);
	put64(&w, 0);
	put32(&w, 400);
	put32(&w, 400);
	put_bytes(&w, eth4, sizeof(eth4));
	blk_end(&w, at);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "runs past the block");
	/* captured length over the interface's snaplen (100) */
	good_start(&w, BIG(_i));
	{
		uint8_t big[120] = { 0 };

		epb(&w, 0, T0_US, big, sizeof(big));
	}
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "snaplen");
	/* an EPB too short for its fixed part */
	good_start(&w, BIG(_i));
	other_block(&w, 6, 12);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "packet block");
	/* an SPB without its length */
	good_start(&w, BIG(_i));
	other_block(&w, 3, 0);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "simple packet");
}
END_TEST

START_TEST(bad_interface_blocks)
{
	struct bld w;
	size_t at;
	uint8_t v;

	/* an option running past its block */
	good_start(&w, BIG(_i));
	at = blk_begin(&w, 1);
	put16(&w, 1);
	put16(&w, 0);
	put32(&w, 0);
	put16(&w, 2);
	put16(&w, 200);
	put32(&w, 0);
	blk_end(&w, at);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "runs past");
	/* if_tsresol out of range: 10^-20 and 2^-64 */
	good_start(&w, BIG(_i));
	idb(&w, 1, 0, NULL, NULL, 20, false, 0);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "10^-20");
	good_start(&w, BIG(_i));
	idb(&w, 1, 0, NULL, NULL, 0x80 | 64, false, 0);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "2^-64");
	/* if_tsresol of 2 octets, if_tsoffset of 4 */
	good_start(&w, BIG(_i));
	at = blk_begin(&w, 1);
	put32(&w, 1);
	put32(&w, 0);
	v = 9;
	opt(&w, 9, &v, 1);
	opt(&w, 9, "\x09\x09", 2);
	blk_end(&w, at);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "if_tsresol");
	good_start(&w, BIG(_i));
	at = blk_begin(&w, 1);
	put32(&w, 1);
	put32(&w, 0);
	opt(&w, 14, "\0\0\0\0", 4);
	blk_end(&w, at);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "if_tsoffset");
	/* an IDB too short for its fixed part */
	good_start(&w, BIG(_i));
	other_block(&w, 1, 4);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "interface");
	/* a bad byte-order magic in a later section */
	good_start(&w, BIG(_i));
	at = blk_begin(&w, PCAPNG_SHB);
	put32(&w, 0x11223344);
	put32(&w, 1);
	put64(&w, 0);
	blk_end(&w, at);
	expect_good_then_error(&w, SRC(_i), -EBADMSG, "byte-order magic");
	/* a later section of another major version */
	good_start(&w, BIG(_i));
	shb_v(&w, BIG(_i), 3);
	expect_good_then_error(&w, SRC(_i), -EPROTONOSUPPORT, "version 3.0");
}
END_TEST

START_TEST(refused_files)
{
	struct bld w = { .n = 0 };
	struct rd x;

	shb_v(&w, BIG(_i), 2);
	idb(&w, 1, 0, "ge0", NULL, -1, false, 0);
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_null(x.r);
	ck_assert_msg(strstr(x.err, "version 2.0 is not supported"), "%s",
		      x.err);
	rd_close(&x);

	/* a pcap file, an empty file, a lone magic */
	w.n = 0;
	put32(&w, 0xa1b2c3d4);
	put32(&w, 0x00040002);
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_null(x.r);
	ck_assert_msg(strstr(x.err, "not a pcapng file"), "%s", x.err);
	rd_close(&x);
	w.n = 0;
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_null(x.r);
	rd_close(&x);
	w.n = 0;
	put32(&w, PCAPNG_SHB);
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_null(x.r);
	ck_assert_msg(strstr(x.err, "truncated"), "%s", x.err);
	rd_close(&x);

	/* SHB only: opens, no interface, no packet */
	w.n = 0;
	shb(&w, BIG(_i));
	rd_open(&x, &w, SRC(_i));
	ck_assert_ptr_nonnull(x.r);
	ck_assert_uint_eq(pcapng_nif(x.r), 0);
	expect_end(x.r);
	rd_close(&x);
}
END_TEST

/* Every prefix of a good file: no crash, packets delivered in order, and
 * then a clean end (at a block boundary) or exactly one error. */
START_TEST(every_prefix)
{
	struct bld w = { .n = 0 }, cut;
	struct pcapng_pkt p;
	size_t len, full;
	struct rd x;
	int rc, n;

	shb(&w, BIG(_i));
	idb(&w, 1, 0, "ge0", "descr", 9, true, 10);
	idb(&w, 101, 0, "vlan100", NULL, -1, false, 0);
	other_block(&w, 5, 8);
	epb(&w, 0, T0_NS, eth4, sizeof(eth4));
	spb(&w, eth4, sizeof(eth4), sizeof(eth4));
	pb(&w, 1, T0_US, ip4, sizeof(ip4));
	shb(&w, !BIG(_i));
	idb(&w, 1, 0, "x", NULL, -1, false, 0);
	epb(&w, 0, T0_US, eth4, sizeof(eth4));
	full = w.n;
	for (len = 0; len <= full; len++) {
		memcpy(cut.b, w.b, len);
		cut.n = len;
		rd_open(&x, &cut, SRC(_i));
		if (!x.r) {
			ck_assert_uint_lt(len, 28); /* the first SHB */
			rd_close(&x);
			continue;
		}
		n = 0;
		while ((rc = pcapng_next(x.r, &p)) == 1) {
			if (SRC(_i) == SRC_MEM)
				ck_assert_uint_le(p.data + p.caplen - cut.b,
						  len);
			n++;
		}
		ck_assert_int_le(n, 4);
		if (len == full)
			ck_assert_int_eq(n, 4);
		ck_assert(rc == 0 || rc == -EBADMSG);
		ck_assert_uint_eq(pcapng_stats(x.r)->errors, rc != 0);
		rd_close(&x);
	}
}
END_TEST

static Suite *pcapng_bad_suite(void)
{
	Suite *s = suite_create("pcapng_bad");
	TCase *tc = tcase_create("pcapng_bad");

	init_frames();
	tcase_add_loop_test(tc, truncated_final_block, 0, NLOOP);
	tcase_add_loop_test(tc, bad_trailing_length, 0, NLOOP);
	tcase_add_loop_test(tc, bad_lengths, 0, NLOOP);
	tcase_add_loop_test(tc, bad_packet_blocks, 0, NLOOP);
	tcase_add_loop_test(tc, bad_interface_blocks, 0, NLOOP);
	tcase_add_loop_test(tc, refused_files, 0, NLOOP);
	tcase_add_loop_test(tc, every_prefix, 0, NLOOP);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pcapng_bad_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
