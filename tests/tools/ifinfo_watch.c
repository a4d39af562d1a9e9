// SPDX-License-Identifier: BSD-2-Clause
/*
 * ifinfo_watch.c - test driver for netlink/ifinfo.c: opens the interface
 * table of the current network namespace and prints it whenever it
 * changes, until SIGTERM/SIGINT or --exit-after seconds.
 *
 *   ifinfo_watch [--save DIR] [--rcvbuf OCTETS] [--exit-after SECS]
 *   ifinfo_watch --replay FILE...
 *
 * Each table is a header line, one line per interface in ifindex order,
 * and an end line:
 *
 *   table gen=G n=N overruns=O dumps=D malformed=M full=F
 *   ifindex name kind parent_name phys_name alias tun_ver local remote
 *   end
 *
 * Empty fields print as "-", octets <= 0x20, 0x7f and '\' as \xHH (an
 * alias "to core" is "to\x20core"); a parent not in the table as #ifindex.
 * --save writes every datagram read (after a fresh dump) to DIR/NNNNNN.bin:
 * seeds for tests/fuzz/fuzz_netlink.c. --replay applies such files to an
 * empty table with ifinfo_handle() and prints the result once.
 * --rcvbuf shrinks the socket's receive buffer so that a test can make
 * notifications overflow it (ENOBUFS) and see the table recover.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netlink/ifinfo.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void put_field(const char *s)
{
	if (!*s) {
		fputs(" -", stdout);
		return;
	}
	putchar(' ');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static int by_ifindex(const void *a, const void *b)
{
	const struct ifinfo_entry *x = *(const struct ifinfo_entry *const *)a;
	const struct ifinfo_entry *y = *(const struct ifinfo_entry *const *)b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

static void print_table(const struct ifinfo *t)
{
	const struct ifinfo_stats *st = ifinfo_stats(t);
	size_t n = ifinfo_count(t), i;
	const struct ifinfo_entry **v = calloc(n ? n : 1, sizeof(*v));

	if (!v) {
		perror("calloc");
		exit(1);
	}
	for (i = 0; i < n; i++)
		v[i] = ifinfo_at(t, i);
	qsort(v, n, sizeof(*v), by_ifindex);
	printf("table gen=%llu n=%zu overruns=%llu dumps=%llu malformed=%llu "
	       "full=%llu\n",
	       (unsigned long long)ifinfo_generation(t), n,
	       (unsigned long long)st->overruns, (unsigned long long)st->dumps,
	       (unsigned long long)st->malformed, (unsigned long long)st->full);
	for (i = 0; i < n; i++) {
		const struct ifinfo_entry *e = v[i], *p = NULL;
		char parent[16] = "", local[INET6_ADDRSTRLEN] = "",
		     remote[INET6_ADDRSTRLEN] = "";
		int af = e->tun.ver == 6 ? AF_INET6 : AF_INET;

		if (e->parent) {
			p = ifinfo_get(t, e->parent);
			if (p)
				snprintf(parent, sizeof(parent), "%s", p->name);
			else
				snprintf(parent, sizeof(parent), "#%u",
					 e->parent);
		}
		if (e->tun.ver) {
			inet_ntop(af, e->tun.local, local, sizeof(local));
			inet_ntop(af, e->tun.remote, remote, sizeof(remote));
		}
		printf("%u", e->ifindex);
		put_field(e->name);
		put_field(e->kind);
		put_field(parent);
		put_field(ifinfo_phys_name(t, e->ifindex));
		put_field(e->alias);
		printf(" %u", e->tun.ver);
		put_field(local);
		put_field(remote);
		putchar('\n');
	}
	puts("end");
	fflush(stdout);
	free(v);
}

struct saver {
	const char *dir;
	unsigned int n;
};

static void save(void *ctx, const void *buf, size_t len)
{
	struct saver *s = ctx;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%06u.bin", s->dir, s->n++);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static int replay(int argc, char **argv)
{
	static uint32_t buf[65536 / 4]; /* aligned, as ifinfo_handle wants */
	struct ifinfo *t = ifinfo_new();
	int i;

	if (!t)
		return 1;
	for (i = 0; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t len;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		ifinfo_handle(t, buf, len);
	}
	print_table(t);
	ifinfo_close(t);
	return 0;
}

static void usage(void)
{
	fputs("usage: ifinfo_watch [--save DIR] [--rcvbuf OCTETS] "
	      "[--exit-after SECS]\n"
	      "       ifinfo_watch --replay FILE...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct saver saver = { NULL, 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	int rcvbuf = 0, i, rc;
	long exit_after = 0;
	uint64_t gen;
	struct ifinfo *t;
	char err[256];
	time_t t0 = time(NULL);

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--replay"))
			return replay(argc - i - 1, argv + i + 1);
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--save"))
			saver.dir = argv[++i];
		else if (!strcmp(argv[i], "--rcvbuf"))
			rcvbuf = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--exit-after"))
			exit_after = atol(argv[++i]);
		else
			usage();
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	t = ifinfo_open(err, sizeof(err));
	if (!t) {
		fprintf(stderr, "ifinfo_watch: %s\n", err);
		return 1;
	}
	if (rcvbuf && setsockopt(ifinfo_fd(t), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf)) < 0) {
		perror("SO_RCVBUF");
		return 1;
	}
	if (saver.dir) {
		ifinfo_set_tap(t, save, &saver);
		rc = ifinfo_resync(t);
		if (rc < 0) {
			fprintf(stderr, "ifinfo_watch: resync: %s\n",
				strerror(-rc));
			return 1;
		}
	}
	print_table(t);
	gen = ifinfo_generation(t);
	while (!stop && (!exit_after || time(NULL) - t0 < exit_after)) {
		struct pollfd p = { ifinfo_fd(t), POLLIN, 0 };

		if (poll(&p, 1, 200) < 0 && errno != EINTR) {
			perror("poll");
			break;
		}
		rc = ifinfo_process(t);
		if (rc < 0) {
			fprintf(stderr, "ifinfo_watch: %s\n", strerror(-rc));
			break;
		}
		if (ifinfo_generation(t) != gen) {
			gen = ifinfo_generation(t);
			print_table(t);
		}
	}
	ifinfo_close(t);
	return 0;
}
