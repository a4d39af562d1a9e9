// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_transport.c - the transport of export messages: IPFIX over TCP
 * (RFC 7011 §10.4) to a listener of the test's own on the loopback, IPv4
 * and IPv6; templates first on every connection, sequence numbers per
 * connection, buffering while the collector is absent, overflow counted
 * with the gap visible in the sequence, messages never cut; UDP port
 * unreachable counted with the records the refused datagrams held.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "export/export.h"
#include "templates/templates.h"

#define NS 1000000000ull
#define MS 1000000ull
#define BASE (1700000000ull * NS)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* ---------------------------------------------------------------------- */
/* A collector of the test's own                                          */

static int listener(int family, uint16_t *port, int rcvbuf)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s = (void *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_addr = in6addr_loopback;
		s->sin6_port = htons(*port);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in *s = (void *)&ss;

		s->sin_family = AF_INET;
		s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s->sin_port = htons(*port);
		sl = sizeof(*s);
	}
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, sl), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	sl = sizeof(ss);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	*port = ntohs(family == AF_INET6
			      ? ((struct sockaddr_in6 *)&ss)->sin6_port
			      : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* A socket of type bound to a free port of the loopback (in *port). */
static int bound_socket(int type, uint16_t *port)
{
	struct sockaddr_in s = { .sin_family = AF_INET };
	socklen_t sl = sizeof(s);
	int fd = socket(AF_INET, type, 0);

	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&s, sl), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&s, &sl), 0);
	*port = ntohs(s.sin_port);
	return fd;
}

/* A port nobody listens on (right now). */
static uint16_t closed_port(int type)
{
	uint16_t port;

	close(bound_socket(type, &port));
	return port;
}

/* What a stream held, message by message (RFC 7011 §3). */
struct stream {
	uint8_t *b;
	size_t n, cap;
	unsigned msgs;
	unsigned data, options; /* records */
	unsigned gaps;		/* records missing by the sequence */
	bool first_has_templates, first_has_options;
	uint32_t first_seq;
	size_t reclen[1024]; /* template id -> record length */
	bool is_opt[1024];
};

static void stream_read(struct stream *s, int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, ms) == 1) {
		ssize_t got;

		if (s->n + 65536 > s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1 << 20;
			s->b = realloc(s->b, s->cap);
			ck_assert_ptr_nonnull(s->b);
		}
		got = recv(fd, s->b + s->n, s->cap - s->n, 0);
		if (got <= 0)
			break;
		s->n += (size_t)got;
	}
}

/* Cut the stream into messages and count; asserts it is whole. */
static void stream_parse(struct stream *s)
{
	size_t off = 0;
	uint32_t expect = 0;

	while (off < s->n) {
		const uint8_t *m = s->b + off;
		size_t len, p;
		unsigned nrec = 0;
		bool tmpl = false, opt = false;

		ck_assert_uint_ge(s->n - off, 16);
		ck_assert_uint_eq(rd16(m), 10);
		len = rd16(m + 2);
		ck_assert_uint_ge(len, 16);
		ck_assert_uint_le(len, s->n - off); /* never cut */
		if (s->msgs == 0)
			s->first_seq = rd32(m + 8);
		else if (rd32(m + 8) != expect)
			s->gaps += rd32(m + 8) - expect;
		for (p = 16; p + 4 <= len;) {
			uint16_t sid = rd16(m + p), slen = rd16(m + p + 2);
			size_t q, end = p + slen;

			ck_assert_uint_ge(slen, 4);
			ck_assert_uint_le(end, len);
			if (sid == 2 || sid == 3) {
				for (q = p + 4; q + 4 <= end;) {
					uint16_t tid = rd16(m + q);
					uint16_t fc = rd16(m + q + 2), i;
					size_t rl = 0;

					q += sid == 3 ? 6 : 4;
					for (i = 0; i < fc; i++, q += 4)
						rl += rd16(m + q + 2);
					ck_assert_uint_lt(tid, 1024);
					s->reclen[tid] = rl;
					s->is_opt[tid] = sid == 3;
				}
				tmpl = true;
			} else if (sid >= 256) {
				size_t rl = sid < 1024 ? s->reclen[sid] : 0;

				ck_assert_msg(rl,
					      "data set %u before its template",
					      sid);
				for (q = p + 4; q + rl <= end; q += rl) {
					nrec++;
					if (s->is_opt[sid]) {
						s->options++;
						opt = true;
					} else {
						s->data++;
					}
				}
			}
			p = end;
		}
		if (s->msgs == 0) {
			s->first_has_templates = tmpl;
			s->first_has_options = opt;
		}
		expect = rd32(m + 8) + nrec;
		s->msgs++;
		off += len;
	}
}

static void stream_free(struct stream *s)
{
	free(s->b);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------------- */
/* The exporter                                                           */

static struct exporter *mkexporter(size_t tcp_buffer)
{
	struct export_cfg cfg;
	struct exporter *ex;

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 10;
	cfg.domain_id = 7;
	cfg.mtu = 1500;
	cfg.refresh_s = 600;
	cfg.refresh_msgs = 100;
	cfg.tcp_buffer = tcp_buffer;
	cfg.tcp_linger_s = 5;
	cfg.tmpl[cfg.ntmpl++] = template_find("ipv4-five-tuple");
	ex = exporter_new(&cfg);
	ck_assert_ptr_nonnull(ex);
	exporter_set_base(ex, BASE);
	return ex;
}

static void add(struct exporter *ex, const char *fmt, unsigned port)
{
	char spec[64], err[256];

	snprintf(spec, sizeof(spec), fmt, port);
	ck_assert_msg(exporter_add_collector(ex, spec, err, sizeof(err)) == 0,
		      "%s: %s", spec, err);
}

static void flows(struct exporter *ex, unsigned n, unsigned from)
{
	struct flow f;
	unsigned i;

	for (i = 0; i < n; i++) {
		memset(&f, 0, sizeof(f));
		f.key.ipver = 4;
		f.key.src[0] = 10;
		f.key.src[2] = (uint8_t)((from + i) >> 8);
		f.key.src[3] = (uint8_t)(from + i);
		f.key.dst[0] = 192;
		f.key.dst[3] = 1;
		f.key.proto = 17;
		f.key.sport = 5000;
		f.key.dport = 53;
		f.packets = 1;
		f.octets = 100;
		f.first_ns = BASE + MS;
		f.last_ns = BASE + 2 * MS;
		exporter_flow(ex, &f, FLOW_END_IDLE);
	}
}

/* Poll the exporter until the collector is up (the listener accepts). */
static int wait_up(struct exporter *ex, struct collector *c, int lfd)
{
	uint64_t end = now_ms() + 8000;
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	while (c->tx.state != TX_UP && now_ms() < end) {
		exporter_poll(ex);
		poll(NULL, 0, 10);
	}
	ck_assert_int_eq(c->tx.state, TX_UP);
	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	return accept(lfd, NULL, NULL);
}

/* Let the exporter write while the test reads. */
static void pump(struct exporter *ex, struct stream *s, int fd, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	do {
		exporter_poll(ex);
		stream_read(s, fd, 20);
	} while (now_ms() < end);
}

/* ---------------------------------------------------------------------- */

static const int families[] = { AF_INET, AF_INET6 };

/* Templates and options first, then every record, sequence from 0. */
START_TEST(tcp_basic)
{
	int family = families[_i];
	uint16_t port = 0;
	int lfd = listener(family, &port, 0), fd;
	struct exporter *ex = mkexporter(0);
	struct stream s = { 0 };
	struct collector *c;

	add(ex, family == AF_INET6 ? "[::1]:%u/tcp" : "127.0.0.1:%u/tcp", port);
	c = ex->coll[0];
	ck_assert_int_eq(c->tx.proto, TX_TCP);
	fd = wait_up(ex, c, lfd);
	flows(ex, 100, 0);
	exporter_flush(ex);
	pump(ex, &s, fd, 200);
	stream_parse(&s);
	ck_assert(s.first_has_templates);
	ck_assert(s.first_has_options);
	ck_assert_uint_eq(s.first_seq, 0);
	ck_assert_uint_eq(s.data, 100);
	ck_assert_uint_eq(s.options, 1);
	ck_assert_uint_eq(s.gaps, 0);
	ck_assert_uint_eq(c->stats.connects, 1);
	ck_assert_uint_eq(c->stats.dropped_records, 0);
	ck_assert_uint_eq(c->tx.queued, 0);
	exporter_free(ex);
	stream_free(&s);
	close(fd);
	close(lfd);
}
END_TEST

/*
 * The messages of one round wait for its end and go out together: none is
 * on the wire before exporter_push, all are after it, in order, with their
 * sequence numbers.
 */
START_TEST(tcp_round_batched)
{
	uint16_t port = 0;
	int lfd = listener(AF_INET, &port, 0), fd;
	struct exporter *ex = mkexporter(0);
	struct stream s = { 0 };
	struct collector *c;
	size_t before, msgs;

	add(ex, "127.0.0.1:%u/tcp", port);
	c = ex->coll[0];
	fd = wait_up(ex, c, lfd);
	pump(ex, &s, fd, 100); /* the connection's templates */
	before = s.n;
	ck_assert_uint_gt(before, 0);
	flows(ex, 300, 0);
	msgs = c->tx.nqueued;
	ck_assert_uint_ge(msgs, 5);
	stream_read(&s, fd, 50);
	ck_assert_uint_eq(s.n, before);
	exporter_push(ex);
	ck_assert_uint_eq(c->tx.nqueued, 0);
	stream_read(&s, fd, 200);
	exporter_flush(ex);
	pump(ex, &s, fd, 200);
	stream_parse(&s);
	ck_assert_uint_eq(s.first_seq, 0);
	ck_assert_uint_eq(s.data, 300);
	ck_assert_uint_eq(s.gaps, 0);
	ck_assert_uint_eq(c->stats.dropped_records, 0);
	exporter_free(ex);
	stream_free(&s);
	close(fd);
	close(lfd);
}
END_TEST

/* Absent at start: buffered, connected by the backoff, all delivered. */
START_TEST(tcp_absent_then_listening)
{
	uint16_t port = closed_port(SOCK_STREAM);
	struct exporter *ex = mkexporter(0);
	struct stream s = { 0 };
	struct collector *c;
	uint64_t end;
	int lfd, fd;

	add(ex, "127.0.0.1:%u/tcp", port);
	c = ex->coll[0];
	flows(ex, 50, 0);
	exporter_flush(ex);
	end = now_ms() + 3000;
	while (c->stats.connect_failures == 0 && now_ms() < end) {
		exporter_poll(ex);
		poll(NULL, 0, 10);
	}
	ck_assert_uint_ge(c->stats.connect_failures, 1);
	ck_assert_int_ne(c->tx.state, TX_UP);
	ck_assert_uint_gt(c->tx.queued, 0);
	lfd = listener(AF_INET, &port, 0);
	fd = wait_up(ex, c, lfd);
	ck_assert_uint_ge(c->stats.connect_attempts, 2);
	pump(ex, &s, fd, 200);
	stream_parse(&s);
	ck_assert(s.first_has_templates);
	ck_assert_uint_eq(s.data, 50);
	ck_assert_uint_eq(s.gaps, 0);
	ck_assert_uint_eq(c->tx.queued, 0);
	ck_assert_uint_eq(c->stats.connects, 1);
	exporter_free(ex);
	stream_free(&s);
	close(fd);
	close(lfd);
}
END_TEST

/*
 * A collector that does not read: the queue fills to its bound, messages
 * that do not fit are dropped and counted, and the collector, once it
 * reads, finds the records it got plus the sequence gaps equal to what
 * was exported, every message whole.
 */
START_TEST(tcp_overflow_counted)
{
	uint16_t port = 0;
	int lfd = listener(AF_INET, &port, 4096), fd;
	struct exporter *ex = mkexporter(16384);
	struct stream s = { 0 };
	struct collector *c;
	int small = 4096;
	unsigned i;

	add(ex, "127.0.0.1:%u/tcp", port);
	c = ex->coll[0];
	fd = wait_up(ex, c, lfd);
	/* small kernel buffers: the queue fills with little traffic */
	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	for (i = 0; i < 200; i++) {
		flows(ex, 20, i * 20);
		exporter_flush(ex);
		ck_assert_uint_le(c->tx.queued, 16384 + EXPORT_MAX_MSG);
	}
	ck_assert_uint_gt(c->stats.dropped_messages, 0);
	ck_assert_uint_gt(c->stats.err[TX_ERR_BACKPRESSURE], 0);
	pump(ex, &s, fd, 300);
	/* a last message, after every drop, shows the last gap */
	flows(ex, 20, 4000);
	exporter_flush(ex);
	pump(ex, &s, fd, 300);
	stream_parse(&s);
	ck_assert_uint_eq(c->tx.queued, 0);
	ck_assert_uint_eq(s.data + c->stats.dropped_records, 4020);
	ck_assert_uint_eq(s.gaps, c->stats.dropped_records);
	ck_assert_uint_le(c->stats.buffered_peak, 16384 + EXPORT_MAX_MSG);
	exporter_free(ex);
	stream_free(&s);
	close(fd);
	close(lfd);
}
END_TEST

/* The collector closes: reconnect, templates again, sequence from 0. */
START_TEST(tcp_reconnect)
{
	uint16_t port = 0;
	int lfd = listener(AF_INET, &port, 0), fd;
	struct exporter *ex = mkexporter(0);
	struct stream s1 = { 0 }, s2 = { 0 };
	struct collector *c;
	uint64_t end;

	add(ex, "127.0.0.1:%u/tcp", port);
	c = ex->coll[0];
	fd = wait_up(ex, c, lfd);
	flows(ex, 10, 0);
	exporter_flush(ex);
	pump(ex, &s1, fd, 100);
	close(fd);
	end = now_ms() + 2000;
	while (c->tx.state == TX_UP && now_ms() < end) {
		exporter_poll(ex);
		poll(NULL, 0, 10);
	}
	ck_assert_uint_eq(c->stats.disconnects, 1);
	flows(ex, 10, 100);
	exporter_flush(ex);
	fd = wait_up(ex, c, lfd);
	pump(ex, &s2, fd, 200);
	stream_parse(&s1);
	stream_parse(&s2);
	ck_assert_uint_eq(s1.data, 10);
	ck_assert_uint_eq(s2.data, 10);
	ck_assert(s2.first_has_templates);
	ck_assert(s2.first_has_options);
	ck_assert_uint_eq(s2.first_seq, 0);
	ck_assert_uint_eq(s2.gaps, 0);
	ck_assert_uint_eq(c->stats.connects, 2);
	exporter_free(ex);
	stream_free(&s1);
	stream_free(&s2);
	close(fd);
	close(lfd);
}
END_TEST

/*
 * Lossless (files): with the queue full and the collector absent, the
 * exporter waits for it rather than drop; a child process starts
 * listening after a second and counts what it receives.
 */
START_TEST(tcp_lossless_waits)
{
	uint16_t port = closed_port(SOCK_STREAM);
	struct exporter *ex = mkexporter(16384);
	int pfd[2], st;
	unsigned got = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct stream s = { 0 };
		int lfd, fd;

		close(pfd[0]);
		poll(NULL, 0, 1000);
		lfd = listener(AF_INET, &port, 0);
		fd = accept(lfd, NULL, NULL);
		stream_read(&s, fd, 3000);
		stream_parse(&s);
		if (write(pfd[1], &s.data, sizeof(s.data)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	ex->cfg.lossless = true;
	add(ex, "127.0.0.1:%u/tcp", port);
	flows(ex, 3000, 0);
	exporter_drain(ex, 5 * NS);
	ck_assert_uint_eq(ex->coll[0]->stats.dropped_records, 0);
	ck_assert_uint_eq(ex->coll[0]->stats.connects, 1);
	exporter_free(ex);
	ck_assert_int_eq(read(pfd[0], &got, sizeof(got)), (int)sizeof(got));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_uint_eq(got, 3000);
	close(pfd[0]);
}
END_TEST

/* UDP to a closed port: each refused datagram counted with its records. */
START_TEST(udp_refused_counted)
{
	uint16_t port = closed_port(SOCK_DGRAM);
	struct exporter *ex = mkexporter(0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct collector *c;
	char buf[2048];
	unsigned i, n = 0;
	int fd;

	add(ex, "127.0.0.1:%u", port);
	c = ex->coll[0];
	ck_assert_int_eq(c->tx.proto, TX_UDP);
	for (i = 0; i < 5; i++) {
		flows(ex, 7, i * 7);
		exporter_flush(ex);
	}
	exporter_tick(ex, BASE + 10 * NS);
	ck_assert_uint_eq(c->stats.messages, 5);
	ck_assert_uint_eq(c->stats.refused, 5);
	ck_assert_uint_eq(c->stats.refused_records, 35);
	ck_assert_uint_eq(c->stats.dropped_messages, 0);
	/* the collector starts: export goes on */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	flows(ex, 7, 100);
	exporter_flush(ex);
	exporter_tick(ex, BASE + 11 * NS);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(c->stats.refused, 5);
	exporter_free(ex);
	close(fd);
}
END_TEST

/*
 * exporter source-port: two UDP collectors share the pinned source port,
 * a TCP collector connects from it; a port in use by a socket that did
 * not ask to share it is refused with the port named.
 */
START_TEST(source_port)
{
	uint16_t p1, p2, lport = 0, sport = closed_port(SOCK_DGRAM);
	int u1 = bound_socket(SOCK_DGRAM, &p1),
	    u2 = bound_socket(SOCK_DGRAM, &p2);
	int fds[2] = { u1, u2 }, lfd, fd, i, blocker;
	struct exporter *ex = mkexporter(0);
	struct sockaddr_in from;
	socklen_t fl;
	char spec[64], err[256], buf[2048];

	snprintf(spec, sizeof(spec), "127.0.0.1:%u", p1);
	ck_assert_msg(exporter_add_collector_from(ex, spec, sport, err,
						  sizeof(err)) == 0,
		      "%s", err);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", p2);
	ck_assert_msg(exporter_add_collector_from(ex, spec, sport, err,
						  sizeof(err)) == 0,
		      "%s", err);
	flows(ex, 3, 0);
	exporter_flush(ex);
	for (i = 0; i < 2; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };

		ck_assert_int_eq(poll(&p, 1, 2000), 1);
		fl = sizeof(from);
		ck_assert_int_gt(recvfrom(fds[i], buf, sizeof(buf), 0,
					  (struct sockaddr *)&from, &fl),
				 0);
		ck_assert_uint_eq(ntohs(from.sin_port), sport);
	}
	exporter_free(ex);

	/* TCP: the connection comes from the port */
	lfd = listener(AF_INET, &lport, 0);
	ex = mkexporter(0);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u/tcp", lport);
	ck_assert_msg(exporter_add_collector_from(ex, spec, sport, err,
						  sizeof(err)) == 0,
		      "%s", err);
	fd = wait_up(ex, ex->coll[0], lfd);
	fl = sizeof(from);
	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&from, &fl), 0);
	ck_assert_uint_eq(ntohs(from.sin_port), sport);
	exporter_free(ex);
	close(fd);
	close(lfd);

	/* held by a socket that does not share it */
	blocker = bound_socket(SOCK_DGRAM, &sport);
	ex = mkexporter(0);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", p1);
	ck_assert_int_eq(exporter_add_collector_from(ex, spec, sport, err,
						     sizeof(err)),
			 -EADDRINUSE);
	snprintf(buf, sizeof(buf), "source port %u: Address already in use",
		 sport);
	ck_assert_msg(strstr(err, buf) != NULL, "%s", err);
	exporter_free(ex);
	close(blocker);
	close(u1);
	close(u2);
}
END_TEST

START_TEST(spec_refused)
{
	struct exporter *ex = mkexporter(0);
	char err[256];

	ck_assert_int_eq(exporter_add_collector(ex, "127.0.0.1:9/sctp", err,
						sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "/tcp"));
	ck_assert_int_eq(exporter_add_collector(ex, "::1:9/tcp", err,
						sizeof(err)),
			 -EINVAL);
	ex->cfg.version = 9;
	ck_assert_int_eq(exporter_add_collector(ex, "127.0.0.1:9/tcp", err,
						sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "IPFIX only"));
	ck_assert_uint_eq(ex->ncoll, 0);
	exporter_free(ex);
}
END_TEST

static Suite *transport_suite(void)
{
	Suite *s = suite_create("transport");
	TCase *tc = tcase_create("tcp");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, tcp_basic, 0, 2);
	tcase_add_test(tc, tcp_round_batched);
	tcase_add_test(tc, tcp_absent_then_listening);
	tcase_add_test(tc, tcp_overflow_counted);
	tcase_add_test(tc, tcp_reconnect);
	tcase_add_test(tc, tcp_lossless_waits);
	suite_add_tcase(s, tc);
	tc = tcase_create("udp");
	tcase_add_test(tc, udp_refused_counted);
	tcase_add_test(tc, spec_refused);
	tcase_add_test(tc, source_port);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(transport_suite());
	int failed;

	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
