// SPDX-License-Identifier: BSD-2-Clause
/* main.c - xfdecode's command line: listen on UDP or read files. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xfdecode.h"

/* ---------------------------------------------------------------------- */
/* Command line                                                           */

struct xfd_opts {
	const char *addr;
	const char *port;
	unsigned long count;
	double timeout; /* seconds; 0 = none */
	const char **files;
	size_t nfiles;
};

static void usage(FILE *f)
{
	fputs("usage: xfdecode [-l ADDR] -p PORT [--count N] [--timeout SEC]"
	      " [--headers]\n"
	      "       xfdecode [--headers] --file FILE [--file FILE...]\n"
	      "  -l ADDR      listen address (default 0.0.0.0; :: for "
	      "dual-stack)\n"
	      "  -p PORT      UDP port\n"
	      "  --count N    exit after N export messages\n"
	      "  --timeout S  exit after S seconds without a datagram\n"
	      "  --headers    also print one line per message header\n"
	      "  --file FILE  decode one raw message per file (repeatable)\n",
	      f);
}

static int decode_file(struct xfd_state *st, const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int extra;

	if (!f) {
		fprintf(stderr, "xfdecode: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, XFD_DGRAM_MAX, f);
	extra = fgetc(f);
	if (ferror(f)) {
		fprintf(stderr, "xfdecode: %s: read error\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (extra != EOF) {
		fprintf(stderr, "xfdecode: %s: larger than %d bytes\n", path,
			XFD_DGRAM_MAX);
		return -1;
	}
	/* Files have no sender; one fixed name lets templates carry over
	 * from one file to the next. */
	xfd_decode(st, buf, n, "file", stdout);
	fflush(stdout);
	return 0;
}

static int open_socket(const char *addr, const char *port)
{
	struct addrinfo hints, *res;
	int fd, rc, off = 0, rcvbuf = 4 << 20;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc) {
		fprintf(stderr, "xfdecode: %s: %s\n", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("xfdecode: socket");
		freeaddrinfo(res);
		return -1;
	}
	/* Dual-stack: an IPv6 socket also accepts IPv4 (as ::ffff:a.b.c.d). */
	if (res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	/* Best effort: exporters send bursts; losing them confuses users. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		fprintf(stderr, "xfdecode: bind %s port %s: %s\n", addr, port,
			strerror(errno));
		close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Sender address as text; IPv4-mapped IPv6 is shown as plain IPv4. */
static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)len);
	} else if (ss->ss_family == AF_INET6 &&
		   IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf,
			  (socklen_t)len);
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)len);
	} else {
		snprintf(buf, len, "unknown");
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_socket(struct xfd_state *st, const struct xfd_opts *o,
		      uint8_t *buf)
{
	int64_t tmo_ms = (int64_t)(o->timeout * 1000.0);
	int64_t deadline = now_ms() + tmo_ms;
	unsigned long received = 0;
	sigset_t mask;
	int fd, sfd;

	/*
	 * SIGINT/SIGTERM are read from a signalfd rather than a handler, so
	 * no global flag is needed and poll() sees them as just another fd.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		perror("xfdecode: sigprocmask");
		return 1;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("xfdecode: signalfd");
		return 1;
	}
	fd = open_socket(o->addr, o->port);
	if (fd < 0) {
		close(sfd);
		return 1;
	}
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char exporter[INET6_ADDRSTRLEN];
		int wait = -1;
		ssize_t r;

		if (o->timeout > 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > 3600000 ? 3600000 : (int)left;
		}
		if (poll(p, 2, wait) < 0) {
			if (errno == EINTR)
				continue;
			perror("xfdecode: poll");
			break;
		}
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		r = recvfrom(fd, buf, XFD_DGRAM_MAX, MSG_DONTWAIT,
			     (struct sockaddr *)&ss, &sl);
		if (r < 0)
			continue; /* EAGAIN, EINTR, ICMP errors */
		addr_str(&ss, exporter, sizeof(exporter));
		xfd_decode(st, buf, (size_t)r, exporter, stdout);
		fflush(stdout);
		deadline = now_ms() + tmo_ms;
		if (o->count && ++received >= o->count)
			break;
	}
	close(fd);
	close(sfd);
	return 0;
}

/* Returns -1 to go on, or the exit status to leave with. */
static int parse_args(int argc, char **argv, struct xfd_opts *o, bool *headers)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "headers", no_argument, NULL, 'H' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long port;
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "l:p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			o->addr = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || port < 1 ||
			    port > 65535) {
				fprintf(stderr, "xfdecode: bad port '%s'\n",
					optarg);
				return 2;
			}
			o->port = optarg;
			break;
		case 'c':
			errno = 0;
			o->count = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || o->count < 1 ||
			    optarg[0] == '-') {
				fprintf(stderr, "xfdecode: bad count '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			errno = 0;
			o->timeout = strtod(optarg, &end);
			if (errno || *end || end == optarg ||
			    !isfinite(o->timeout) || o->timeout <= 0 ||
			    o->timeout > 1e9) {
				fprintf(stderr, "xfdecode: bad timeout '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'H':
			*headers = true;
			break;
		case 'f':
			o->files[o->nfiles++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || (!o->port && !o->nfiles)) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct xfd_opts o = { .addr = "0.0.0.0" };
	struct xfd_state st;
	bool headers = false;
	uint8_t *buf = NULL;
	size_t i;
	int rc;

	/* --file may be given once per argument at most. */
	o.files = calloc((size_t)argc, sizeof(*o.files));
	if (!o.files)
		return 1;
	rc = parse_args(argc, argv, &o, &headers);
	if (rc >= 0)
		goto out;
	rc = 0;
	buf = malloc(XFD_DGRAM_MAX);
	if (!buf || xfd_state_init(&st) < 0) {
		fprintf(stderr, "xfdecode: out of memory\n");
		rc = 1;
		goto out;
	}
	st.headers = headers;
	if (o.nfiles) {
		for (i = 0; i < o.nfiles; i++)
			if (decode_file(&st, o.files[i], buf) < 0)
				rc = 1;
	} else {
		rc = run_socket(&st, &o, buf);
	}
	xfd_state_free(&st);
out:
	free(buf);
	free(o.files);
	return rc;
}
