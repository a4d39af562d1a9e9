// SPDX-License-Identifier: BSD-2-Clause
/*
 * xflowctl - ask a running xflowd through its control socket:
 *     xflowctl [-s SOCK] [--json] show ip cache flow
 * sends the command as one line ("... | json" with --json), copies the
 * reply to standard output and exits 0; a refused command ("% ..." or a
 * JSON "error") goes to standard error with exit 1.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef XFLOWD_VERSION
#define XFLOWD_VERSION "0.1.0"
#endif

#define DEFAULT_SOCK "/run/xflowd/xflowd.sock"
#define REQ_MAX 256 /* the daemon reads one line of at most this */

static const struct option longopts[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: xflowctl [-s SOCK] [--json] COMMAND\n"
	      "  -s, --socket PATH   xflowd's control socket (default "
	      "$XFLOWCTL_SOCKET or\n"
	      "                      " DEFAULT_SOCK ")\n"
	      "  -j, --json          the reply as JSON (several monitors: an "
	      "array)\n"
	      "  -t, --timeout SEC   give up after SEC without a reply "
	      "(default 30)\n"
	      "  -h, --help          this text\n"
	      "  -V, --version       print the version\n"
	      "commands (each word may be shortened, as in IOS):\n"
	      "  show ip cache flow      show ipv6 cache flow\n"
	      "  show ip cache verbose flow\n"
	      "  show ip flow export     show ip flow interface\n"
	      "  show sampler            show running-config\n"
	      "  show flow exporter [statistics|templates]\n"
	      "  show flow monitor [statistics]\n"
	      "  show flow monitor [name] NAME [statistics|cache]\n"
	      "  show flow interface     show flow record\n"
	      "  show templates          show statistics\n"
	      "  show bgp summary        show ip bgp ADDRESS\n"
	      "  flush                   expire and export every cached flow "
	      "now\n"
	      "  reload                  reload the configuration (as "
	      "SIGHUP)\n",
	      f);
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xflowctl: %s: path too long\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "xflowctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		fprintf(stderr, "xflowctl: %s: %s%s\n", path, strerror(e),
			e == ENOENT || e == ECONNREFUSED ? " (is xflowd "
							   "running? its "
							   "socket is "
							   "--control PATH; "
							   "give it with -s "
							   "PATH)"
			: e == EACCES ? " (the socket is mode 0660: run as "
					"its owner or --control-group)"
				      : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* Build "w1 w2 ...[ | json]\n" in req; -1 if too long. */
static int build_request(char *req, size_t len, char **words, int n, bool json)
{
	size_t off = 0;
	int i, k;

	for (i = 0; i < n; i++) {
		k = snprintf(req + off, len - off, "%s%s", i ? " " : "",
			     words[i]);
		if (k < 0 || (size_t)k >= len - off)
			return -1;
		off += (size_t)k;
	}
	k = snprintf(req + off, len - off, "%s\n", json ? " | json" : "");
	if (k < 0 || (size_t)k >= len - off)
		return -1;
	return 0;
}

/* Copy the reply to stdout (or stderr if refused); the exit status. */
static int relay(int fd, int timeout_ms)
{
	char buf[65536];
	bool first = true, refused = false;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "xflowctl: no reply within %d s\n",
				timeout_ms / 1000);
			return 1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "xflowctl: read: %s\n",
				strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		if (first) {
			refused = buf[0] == '%' ||
				  ((size_t)n >= 9 &&
				   memcmp(buf, "{\"error\":", 9) == 0);
			first = false;
		}
		if (write_all(refused ? 2 : 1, buf, (size_t)n) < 0) {
			fprintf(stderr, "xflowctl: write: %s\n",
				strerror(errno));
			return 1;
		}
	}
	if (first) {
		fprintf(stderr, "xflowctl: xflowd closed the connection "
				"without a reply\n");
		return 1;
	}
	return refused ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *sock = getenv("XFLOWCTL_SOCKET");
	char req[REQ_MAX];
	bool json = false;
	long timeout_s = 30;
	char *end;
	int c, fd, rc;

	if (!sock || !*sock)
		sock = DEFAULT_SOCK;
	/* '+': options only before the command (its words are its own) */
	while ((c = getopt_long(argc, argv, "+s:jt:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || timeout_s < 1 || timeout_s > 86400) {
				fprintf(stderr,
					"xflowctl: --timeout '%s': expected "
					"seconds from 1 to 86400\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("xflowctl %s\n", XFLOWD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (build_request(req, sizeof(req), argv + optind, argc - optind,
			  json) < 0) {
		fprintf(stderr, "xflowctl: command too long\n");
		return 2;
	}
	fd = connect_to(sock);
	if (fd < 0)
		return 1;
	if (write_all(fd, req, strlen(req)) < 0) {
		fprintf(stderr, "xflowctl: %s: %s\n", sock, strerror(errno));
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	rc = relay(fd, (int)timeout_s * 1000);
	close(fd);
	return rc;
}
