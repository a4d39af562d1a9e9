// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - wiring: observation points -> metering -> exporting process,
 * the main loop, signals and the final accounting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../export/export.h"
#include "../meter/capture.h"
#include "../meter/meter.h"
#include "log.h"
#include "options.h"

#define NS 1000000000ull
#define BATCH 256 /* packets per dispatch between checks */

struct xflowd {
	struct options opt;
	struct exporter *ex;
	struct meter meter;
	struct capture *cap[OPT_MAX_IF];
	int ncap;
	uint64_t next_tick_ns;
	uint64_t cap_drops;
};

/* The one flag a signal handler may touch. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

/* Run the cache timers and the export flush about once a second. */
static void tick(struct xflowd *d, uint64_t now)
{
	meter_flush(&d->meter);
	flowcache_expire(d->meter.fc, now);
	exporter_tick(d->ex, now);
	d->next_tick_ns = now - now % NS + NS;
}

static void on_packet(void *ctx, const struct obs_point *op,
		      const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		      uint64_t ts_ns)
{
	struct xflowd *d = ctx;

	/* file mode: the sysUpTime origin is 1 ms before the first packet
	 * (collectors such as nfdump read an uptime of 0 as "no time"), or
	 * the epoch for a capture that starts in its first millisecond */
	if (!d->ex->base_set)
		exporter_set_base(d->ex, ts_ns > 1000000 ? ts_ns - 1000000 : 0);
	meter_packet(&d->meter, op, data, caplen, wirelen, ts_ns);
	if (ts_ns >= d->next_tick_ns)
		tick(d, ts_ns);
}

static const char *ifname_of(void *ctx, uint32_t ifindex)
{
	struct xflowd *d = ctx;
	int i;

	for (i = 0; i < d->ncap; i++)
		if (d->cap[i]->op.ifindex == ifindex)
			return d->cap[i]->op.name;
	return NULL;
}

/* A pcap filter that keeps our own export datagrams out of the meter. */
static void own_traffic_filter(const struct xflowd *d, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < d->ex->ncoll && n < len; i++) {
		const struct collector *c = d->ex->coll[i];
		char host[64];
		int port;

		if (c->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)&c->addr;

			inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
			port = ntohs(s->sin_port);
		} else {
			const struct sockaddr_in6 *s = (const void *)&c->addr;

			inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
			port = ntohs(s->sin6_port);
		}
		n += (size_t)snprintf(buf + n, len - n,
				      "%s(udp and dst host %s and dst port %d)",
				      i ? " or " : "not (", host, port);
	}
	if (n && n < len)
		snprintf(buf + n, len - n, ")");
}

static int setup(struct xflowd *d, int *exit_code)
{
	char err[512], filter[2048];
	int i;

	d->ex = exporter_new(&d->opt.export);
	if (!d->ex)
		goto nomem;
	d->ex->ifname = ifname_of;
	d->ex->ifname_ctx = d;
	for (i = 0; i < d->opt.ncoll; i++) {
		if (exporter_add_collector(d->ex, d->opt.collector[i], err,
					   sizeof(err))) {
			pr_err("--collector %s\n", err);
			*exit_code = 2;
			return -1;
		}
	}
	d->meter.fc = flowcache_new(d->opt.cache_size,
				    (uint64_t)d->opt.active_s * NS,
				    (uint64_t)d->opt.inactive_s * NS,
				    exporter_flow, d->ex);
	if (!d->meter.fc) {
		pr_err("--cache-size %u: cannot allocate the flow cache: %s\n",
		       d->opt.cache_size, strerror(errno));
		*exit_code = 1;
		return -1;
	}
	if (d->opt.read) {
		d->cap[0] = capture_pcap_file(d->opt.read, on_packet, d, err,
					      sizeof(err));
		if (!d->cap[0]) {
			pr_err("%s\n", err);
			*exit_code = 1;
			return -1;
		}
		d->ncap = 1;
		return 0;
	}
	if (d->opt.capture != CAPTURE_PCAP) {
		/* the AF_XDP and eBPF back ends open here (issue 5) */
		pr_err("--capture %s: not in this build yet; use --capture "
		       "pcap\n",
		       d->opt.capture == CAPTURE_AFXDP ? "afxdp" : "ebpf");
		*exit_code = 2;
		return -1;
	}
	own_traffic_filter(d, filter, sizeof(filter));
	for (i = 0; i < d->opt.nif; i++) {
		d->cap[i] = capture_pcap_live(d->opt.ifname[i], filter,
					      on_packet, d, err, sizeof(err));
		if (!d->cap[i]) {
			pr_err("%s\n", err);
			*exit_code = 1;
			return -1;
		}
		d->ncap++;
	}
	/* live: the sysUpTime origin is the start of xflowd */
	exporter_set_base(d->ex, realtime_ns());
	return 0;
nomem:
	pr_err("out of memory\n");
	*exit_code = 1;
	return -1;
}

static int run_file(struct xflowd *d)
{
	struct capture *cap = d->cap[0];
	int n;

	while (!stop_signal) {
		n = cap->ops->dispatch(cap, BATCH);
		if (n == -ENODATA)
			break;
		if (n < 0) {
			pr_err("%s: read error; exporting what was metered\n",
			       d->opt.read);
			return 1;
		}
	}
	return 0;
}

static int run_live(struct xflowd *d)
{
	struct pollfd pfd[OPT_MAX_IF];
	int i, n;

	for (i = 0; i < d->ncap; i++) {
		pfd[i].fd = d->cap[i]->ops->fd(d->cap[i]);
		pfd[i].events = POLLIN;
	}
	while (!stop_signal) {
		n = poll(pfd, (nfds_t)d->ncap, 100);
		if (n < 0 && errno != EINTR) {
			pr_err("poll: %s\n", strerror(errno));
			return 1;
		}
		for (i = 0; i < d->ncap; i++) {
			/* drain in batches, ticking between them */
			while (d->cap[i]->ops->dispatch(d->cap[i], BATCH) ==
				       BATCH &&
			       !stop_signal)
				;
		}
		/* live packets wait in the batch no longer than a poll */
		meter_flush(&d->meter);
		if (realtime_ns() >= d->next_tick_ns)
			tick(d, realtime_ns());
	}
	return 0;
}

static void write_stats(const struct xflowd *d, const char *path)
{
	const struct meter_stats *m = &d->meter.st;
	const struct flowcache_stats *fs = &d->meter.fc->stats;
	FILE *f = fopen(path, "w");
	size_t i;
	int r;

	if (!f) {
		pr_err("--stats-file %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f,
		"{\n  \"packets\": %llu,\n  \"metered\": %llu,\n"
		"  \"octets\": %llu,\n  \"non_ip\": %llu,\n"
		"  \"capture_drops\": %llu,\n  \"malformed\": {",
		(unsigned long long)m->packets, (unsigned long long)m->metered,
		(unsigned long long)m->octets, (unsigned long long)m->non_ip,
		(unsigned long long)d->cap_drops);
	for (r = 1; r <= PARSE_NERR; r++)
		fprintf(f, "%s\"%s\": %llu", r > 1 ? ", " : "",
			meter_malformed_name(r),
			(unsigned long long)m->malformed[r]);
	fprintf(f,
		"},\n  \"flows_created\": %llu,\n"
		"  \"flows_exported\": %llu,\n"
		"  \"expired\": {\"idle\": %llu, \"active\": %llu, "
		"\"end_of_flow\": %llu, \"forced\": %llu, "
		"\"lack_of_resources\": %llu},\n"
		"  \"v5_skipped_ipv6\": %llu,\n  \"no_template\": %llu,\n"
		"  \"collectors\": [",
		(unsigned long long)fs->added,
		(unsigned long long)d->ex->stats.flows,
		(unsigned long long)fs->expired[FLOW_END_IDLE],
		(unsigned long long)fs->expired[FLOW_END_ACTIVE],
		(unsigned long long)fs->expired[FLOW_END_OF_FLOW],
		(unsigned long long)fs->expired[FLOW_END_FORCED],
		(unsigned long long)fs->expired[FLOW_END_RESOURCES],
		(unsigned long long)d->ex->stats.v5_skipped_ipv6,
		(unsigned long long)d->ex->stats.no_template);
	for (i = 0; i < d->ex->ncoll; i++) {
		const struct collector *c = d->ex->coll[i];

		fprintf(f,
			"%s\n    {\"collector\": \"%s\", \"messages\": %llu, "
			"\"data_records\": %llu, \"options_records\": %llu, "
			"\"templates\": %llu, \"octets\": %llu, "
			"\"send_errors\": %llu, \"refused\": %llu}",
			i ? "," : "", c->name,
			(unsigned long long)c->stats.messages,
			(unsigned long long)c->stats.data_records,
			(unsigned long long)c->stats.options_records,
			(unsigned long long)c->stats.templates,
			(unsigned long long)c->stats.octets,
			(unsigned long long)c->stats.send_errors,
			(unsigned long long)c->stats.refused);
	}
	fprintf(f, "\n  ]\n}\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	struct xflowd *d = calloc(1, sizeof(*d));
	struct sigaction sa = { .sa_handler = on_signal };
	int rc, exit_code = 0, i;

	if (!d)
		return 1;
	rc = options_parse(&d->opt, argc, argv);
	if (rc) {
		free(d);
		return rc == 1 ? 0 : 2;
	}
	if (d->opt.verbose)
		log_level = LOG_LVL_DEBUG;

	/* no SA_RESTART: poll() returns at once on SIGTERM */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (setup(d, &exit_code) == 0) {
		exit_code = d->opt.read ? run_file(d) : run_live(d);
		/* end of input or a signal: nothing metered is lost */
		meter_flush(&d->meter);
		flowcache_flush(d->meter.fc, FLOW_END_FORCED);
		exporter_flush(d->ex);
		for (i = 0; i < d->ncap; i++)
			d->cap_drops += d->cap[i]->ops->drops(d->cap[i]);
		if (d->opt.stats_file)
			write_stats(d, d->opt.stats_file);
		if (stop_signal)
			pr_info("signal %d: flushed the cache, exiting\n",
				(int)stop_signal);
	}

	for (i = 0; i < d->ncap; i++)
		capture_close(d->cap[i]);
	flowcache_free(d->meter.fc);
	exporter_free(d->ex);
	free(d);
	return exit_code;
}
