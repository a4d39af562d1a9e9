// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_bgp_speaker.c - the passive speaker over loopback: a neighbor
 * opens a session, sends routes and End-of-RIB; a stranger and a wrong AS
 * are refused with a NOTIFICATION; a lost session's routes outlive it for
 * the stale time, then go; a new session's End-of-RIB sweeps what it did
 * not announce again.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp/speaker.h"

static uint64_t ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct bgp_speaker *start(uint32_t stale)
{
	struct bgp_cfg c;
	char err[256];
	struct bgp_speaker *sp;

	bgp_cfg_default(&c);
	c.local_as = 64512;
	c.router_id = 0xc0000201;
	c.port = 0;
	inet_pton(AF_INET, "127.0.0.1", c.listen_addr);
	c.stale_time = stale;
	c.nneighbor = 1;
	c.neighbor[0].af = BGP_AF_IPV4;
	inet_pton(AF_INET, "127.0.0.1", c.neighbor[0].addr);
	c.neighbor[0].remote_as = 65010;
	sp = bgp_speaker_new(&c, err, sizeof(err));
	ck_assert_msg(sp != NULL, "%s", err);
	return sp;
}

static int dial(struct bgp_speaker *sp)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_port = htons(bgp_speaker_port(sp));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

/* Processes until the client can read a whole message; its type. */
static int expect(struct bgp_speaker *sp, int fd, uint8_t *body, size_t *blen)
{
	uint8_t m[BGP_MAX_MSG];
	size_t n = 0;
	uint64_t end = ms() + 3000;

	while (ms() < end) {
		struct pollfd p = { fd, POLLIN, 0 };
		struct bgp_error err;
		uint8_t type;
		int len;

		bgp_speaker_process(sp);
		if (poll(&p, 1, 10) <= 0)
			continue;
		len = (int)recv(fd, m + n, sizeof(m) - n, MSG_DONTWAIT);
		if (len <= 0)
			return -1; /* closed */
		n += (size_t)len;
		len = bgp_msg_header(m, n, &type, &err);
		ck_assert_int_ge(len, 0);
		if (len > 0 && (size_t)len <= n) {
			if (body) {
				memcpy(body, m + BGP_HDR_LEN,
				       (size_t)len - BGP_HDR_LEN);
				*blen = (size_t)len - BGP_HDR_LEN;
			}
			return type;
		}
	}
	return 0;
}

static void send_all(int fd, const void *p, size_t n)
{
	ck_assert_int_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void send_open(int fd, uint32_t as)
{
	uint8_t m[128];
	struct bgp_open_local o = { .as = as,
				    .router_id = 0x0a000001,
				    .hold = 30 };
	size_t n = bgp_build_open(m, sizeof(m), &o);

	send_all(fd, m, n);
}

static void send_update(int fd, const uint8_t *body, size_t n)
{
	uint8_t m[BGP_MAX_MSG];

	memset(m, 0xff, 16);
	m[16] = (uint8_t)((n + 19) >> 8);
	m[17] = (uint8_t)(n + 19);
	m[18] = BGP_UPDATE;
	memcpy(m + 19, body, n);
	send_all(fd, m, n + 19);
}

/* ORIGIN, AS_PATH 65010 65020 (4-octet), NEXT_HOP 10.0.0.1, nlri */
static void announce(int fd, const uint8_t *nlri, size_t nn)
{
	/* clang-format off */
	uint8_t b[256] = {
		0, 0, 0, 24,
		0x40, 1, 1, 0,
		0x40, 2, 10, 2, 2, 0, 0, 0xfd, 0xf2, 0, 0, 0xfd, 0xfc,
		0x40, 3, 4, 10, 0, 0, 1,
	};
	/* clang-format on */

	memcpy(b + 28, nlri, nn);
	send_update(fd, b, 28 + nn);
}

static void established(struct bgp_speaker *sp, int fd)
{
	uint8_t ka[19];

	ck_assert_int_eq(expect(sp, fd, NULL, NULL), BGP_OPEN);
	send_open(fd, 65010);
	ck_assert_int_eq(expect(sp, fd, NULL, NULL), BGP_KEEPALIVE);
	send_all(fd, ka, bgp_build_keepalive(ka, sizeof(ka)));
}

static uint32_t origin(struct bgp_speaker *sp, const char *a)
{
	uint8_t addr[4], plen;
	const struct bgp_attr *at;

	inet_pton(AF_INET, a, addr);
	at = bgp_speaker_lookup(sp, BGP_AF_IPV4, addr, &plen);
	return at ? bgp_attr_origin_as(at) : 0;
}

/* Processes until origin(a) == want or 3 s pass. */
static uint32_t wait_origin(struct bgp_speaker *sp, const char *a,
			    uint32_t want)
{
	uint64_t end = ms() + 3000;

	while (origin(sp, a) != want && ms() < end) {
		bgp_speaker_process(sp);
		poll(NULL, 0, 5);
	}
	return origin(sp, a);
}

START_TEST(test_session)
{
	struct bgp_speaker *sp = start(1);
	const uint8_t n1[] = { 24, 198, 51, 100, 24, 203, 0, 113 };
	const uint8_t n2[] = { 24, 198, 51, 100 };
	const uint8_t eor[] = { 0, 0, 0, 0 };
	const uint8_t eor6[] = { 0, 0, 0, 6, 0x80, 15, 3, 0, 2, 1 };
	struct bgp_neighbor_info ni;
	uint8_t nh[4];
	uint8_t plen;
	const struct bgp_attr *at;
	int fd = dial(sp);

	established(sp, fd);
	announce(fd, n1, sizeof(n1));
	ck_assert_uint_eq(wait_origin(sp, "198.51.100.7", 65020), 65020);
	ck_assert(!bgp_speaker_synced(sp)); /* no End-of-RIB yet */
	send_update(fd, eor, sizeof(eor));
	/* both families were negotiated: both End-of-RIBs are awaited */
	for (int i = 0; i < 20; i++) {
		bgp_speaker_process(sp);
		poll(NULL, 0, 5);
	}
	ck_assert(!bgp_speaker_synced(sp));
	send_update(fd, eor6, sizeof(eor6));
	inet_pton(AF_INET, "198.51.100.7", nh);
	for (int i = 0; i < 300 && !bgp_speaker_synced(sp); i++) {
		bgp_speaker_process(sp);
		poll(NULL, 0, 10);
	}
	ck_assert(bgp_speaker_synced(sp));
	at = bgp_speaker_lookup(sp, BGP_AF_IPV4, nh, &plen);
	ck_assert_ptr_nonnull(at);
	ck_assert_uint_eq(plen, 24);
	ck_assert_uint_eq(bgp_attr_peer_as(at), 65010);
	ck_assert_mem_eq(at->nexthop, "\x0a\x00\x00\x01", 4);
	bgp_speaker_neighbor(sp, 0, &ni);
	ck_assert_uint_eq(ni.state, BGP_ESTABLISHED);
	ck_assert_uint_eq(ni.prefixes4, 2);

	/* lost: the routes stay, then the stale time (1 s) ends */
	close(fd);
	for (int i = 0; i < 300; i++) {
		bgp_speaker_process(sp);
		bgp_speaker_neighbor(sp, 0, &ni);
		if (ni.state == BGP_IDLE)
			break;
		poll(NULL, 0, 10);
	}
	ck_assert_uint_eq(ni.state, BGP_IDLE);
	ck_assert_uint_eq(origin(sp, "203.0.113.1"), 65020);

	/* back within the stale time: End-of-RIB sweeps 203.0.113/24 */
	fd = dial(sp);
	established(sp, fd);
	announce(fd, n2, sizeof(n2));
	send_update(fd, eor, sizeof(eor));
	ck_assert_uint_eq(wait_origin(sp, "203.0.113.1", 0), 0);
	ck_assert_uint_eq(origin(sp, "198.51.100.1"), 65020);
	close(fd);
	/* not back: everything goes after the stale time */
	ck_assert_uint_eq(wait_origin(sp, "198.51.100.1", 0), 0);
	bgp_speaker_free(sp);
}
END_TEST

START_TEST(test_refused)
{
	struct bgp_speaker *sp = start(1);
	uint8_t b[BGP_MAX_MSG];
	size_t n;
	int fd = dial(sp);

	ck_assert_int_eq(expect(sp, fd, NULL, NULL), BGP_OPEN);
	send_open(fd, 65011); /* not the configured remote-as */
	ck_assert_int_eq(expect(sp, fd, b, &n), BGP_NOTIFICATION);
	ck_assert_uint_eq(b[0], BGP_ERR_OPEN);
	ck_assert_uint_eq(b[1], BGP_SUB_OPEN_PEER_AS);
	close(fd);

	/* a malformed header: NOTIFICATION 1/1 */
	fd = dial(sp);
	ck_assert_int_eq(expect(sp, fd, NULL, NULL), BGP_OPEN);
	memset(b, 0, 19);
	send_all(fd, b, 19);
	ck_assert_int_eq(expect(sp, fd, b, &n), BGP_NOTIFICATION);
	ck_assert_uint_eq(b[0], BGP_ERR_HEADER);
	close(fd);
	bgp_speaker_free(sp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bgp_speaker");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_session);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
