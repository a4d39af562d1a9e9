// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - the process: arguments, signals, the main loop (a file read
 * by each monitor in turn, or live captures polled), reloads and the
 * final accounting. The monitors are monitor.c's, their wiring setup.c's.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../bgp/speaker.h"
#include "../export/export.h"
#include "../meter/capture.h"
#include "../meter/ifinfo.h"
#include "../meter/route.h"
#include "../meter/meter.h"
#include "control.h"
#include "log.h"
#include "privdrop.h"
#include "xflowd.h"

#define NS 1000000000ull
#define BATCH 256 /* packets per dispatch between checks */

/* The one flag a signal handler may touch. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reload_signal;

static void on_hup(int sig)
{
	(void)sig;
	reload_signal = 1;
}

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

/* Every exporter's collectors (of every monitor), in turn. */
static size_t ncoll_all(const struct xflowd *d)
{
	return monitors_ncoll(d->mon, d->nmon);
}

static const struct collector *coll_at(const struct xflowd *d, size_t n)
{
	return monitors_coll(d->mon, d->nmon, n);
}

static void write_kstats(FILE *f, const struct capture_kstats *k)
{
	int i;

	fprintf(f,
		"  \"bpf\": {\"sampled_out\": %llu, \"own_export\": %llu, "
		"\"ring_full\": %llu, \"no_socket\": %llu, \"gso\": %llu, "
		"\"bad_records\": %llu, \"ring_full_per_cpu\": [",
		(unsigned long long)k->sampled_out,
		(unsigned long long)k->own_export,
		(unsigned long long)k->ring_full,
		(unsigned long long)k->no_socket, (unsigned long long)k->gso,
		(unsigned long long)k->bad_records);
	for (i = 0; i < k->ncpu; i++)
		fprintf(f, "%s%llu", i ? ", " : "",
			(unsigned long long)k->ring_full_cpu[i]);
	fprintf(f, "]},\n");
}

/* Everything is open: go on as --user with no capabilities (privdrop.h). */
static int drop_privileges(const struct xflowd *d, int *exit_code)
{
	const struct privdrop *p = &d->opt.priv;
	char err[512];

	if (privdrop_apply(p, err, sizeof(err))) {
		pr_err("%s\n", err);
		*exit_code = 1;
		return -1;
	}
	if (!p->keep)
		pr_debug("running as uid %u gid %u with no capabilities\n",
			 (unsigned)getuid(), (unsigned)getgid());
	return 0;
}

/* The main thread's turn at the control socket and a reload: the
 * workers wait between their rounds while it serves, and while a reload
 * applies a configuration (not while it reads the file). */
static void serve(struct xflowd *d)
{
	bool want_reload;

	xflowd_lock_all(d);
	control_serve(d->env.ctl);
	want_reload = reload_signal ||
		      (d->env.ctl && control_reload_requested(d->env.ctl));
	xflowd_unlock_all(d);
	if (want_reload) {
		reload_signal = 0;
		xflowd_reload(d);
	}
}

/*
 * The speaker's turn: on input, else every 100 ms for its timers; the
 * exporters' lookups wait meanwhile.
 */
static void bgp_turn(struct xflowd *d, bool input)
{
	uint64_t now = realtime_ns();

	if (!d->env.bgp || (!input && now < d->bgp_next_ns))
		return;
	xflowd_lock_all(d);
	bgp_speaker_process(d->env.bgp);
	xflowd_unlock_all(d);
	d->bgp_next_ns = now + NS / 10;
}

/*
 * --read with BGP: the table first. Waits until every neighbor has sent
 * End-of-RIB, at most wait-end-of-rib seconds, so that the file's flows
 * are exported with the routes a live run would have had.
 */
static void bgp_wait_table(struct xflowd *d)
{
	struct bgp_speaker *bgp = d->env.bgp;
	uint32_t limit = options_bgp_cfg(&d->opt)->wait_eor_s;
	uint64_t end = realtime_ns() + (uint64_t)limit * NS;
	struct pollfd pfd[BGP_NFDS];

	while (!stop_signal && !bgp_speaker_synced(bgp) &&
	       realtime_ns() < end) {
		int n = bgp_speaker_fds(bgp, pfd);

		if (poll(pfd, (nfds_t)n, 100) < 0 && errno != EINTR)
			break;
		bgp_speaker_process(bgp);
	}
	if (bgp_speaker_synced(bgp))
		pr_info("bgp: every neighbor's table is in: metering\n");
	else if (limit)
		pr_warn("bgp: not every neighbor sent End-of-RIB within %u s "
			"(wait-end-of-rib): metering with the routes there "
			"are\n",
			limit);
}

/* --read: each monitor meters the file (its own reader) a batch in turn. */
static int run_file(struct xflowd *d)
{
	int k, n, left = d->nmon;

	if (d->env.bgp)
		bgp_wait_table(d);
	while (!stop_signal && left) {
		for (k = 0; k < d->nmon; k++) {
			if (d->mon[k]->eof)
				continue;
			n = monitor_read(d->mon[k], BATCH);
			if (n < 0 && n != -ENODATA) {
				pr_err("%s: read error; exporting what was "
				       "metered\n",
				       d->opt.read);
				return 1;
			}
		}
		serve(d);
		bgp_turn(d, false);
		/* paced records leave at their rate while the file is read */
		for (k = 0; k < d->nmon; k++)
			monitor_pace(d->mon[k], export_mono_ns());
		/* a reload may have removed monitors */
		left = 0;
		for (k = 0; k < d->nmon; k++)
			left += !d->mon[k]->eof;
	}
	return 0;
}

/* How long the main loop may sleep (at most max ms): until the next
 * paced record may leave. */
static int pace_wait_ms(struct xflowd *d, int max)
{
	uint64_t now = export_mono_ns(), due = UINT64_MAX, t;
	int k;

	for (k = 0; k < d->nmon; k++) {
		t = monitor_pace_due(d->mon[k], now);
		if (t < due)
			due = t;
	}
	if (due <= now)
		return 0;
	if (due - now >= (uint64_t)max * 1000000)
		return max;
	return (int)((due - now + 999999) / 1000000);
}

/* The routing or the interface table changed (the exporters' callbacks
 * read both: the workers wait). */
static void tables_changed(struct xflowd *d, bool rt, bool ift)
{
	xflowd_lock_all(d);
	if (rt)
		route_process(d->env.rt);
	if (ift) {
		ifinfo_process(d->env.ift);
		if (ifinfo_generation(d->env.ift) != d->ift_gen)
			xflowd_apply_ifinfo(d);
	}
	xflowd_unlock_all(d);
}

/*
 * Live: the main thread polls the routing and interface tables and the
 * control socket; with one worker it meters too, else the workers' threads
 * do, and it runs the exporters' timers.
 */
static int run_live(struct xflowd *d)
{
	struct pollfd pfd[MONITOR_MAX_CAPS + 2 + BGP_NFDS + CONTROL_NFDS];
	struct monitor *m0 = d->mon[0];
	bool inline_w = d->nmon == 1 && !m0->pool.threaded;
	int i, k, n, nfd = 0, nfix, nctl, nbgp = 0, rtfd = -1, iffd = -1;
	int rc = 0;
	bool warned = false;

	if (d->env.rt) {
		rtfd = nfd;
		pfd[nfd].fd = route_fd(d->env.rt);
		pfd[nfd++].events = POLLIN;
	}
	if (d->env.ift) {
		iffd = nfd;
		pfd[nfd].fd = ifinfo_fd(d->env.ift);
		pfd[nfd++].events = POLLIN;
	}
	/* one worker in this thread: its captures' descriptors too */
	nfix = nfd;
	for (i = 0; inline_w && i < m0->ncap; i++) {
		pfd[nfd].fd = m0->cap[i]->ops->fd(m0->cap[i]);
		pfd[nfd++].events = POLLIN;
	}
	for (k = 0; k < d->nmon; k++)
		if (monitor_start(d->mon[k]))
			return 1;
	while (!stop_signal) {
		uint64_t now;

		/* BGP's and the control's go last, after the fixed ones */
		if (d->env.bgp)
			nbgp = bgp_speaker_fds(d->env.bgp, pfd + nfd);
		nctl = control_fds(d->env.ctl, pfd + nfd + nbgp);
		n = poll(pfd, (nfds_t)(nfd + nbgp + nctl),
			 control_busy(d->env.ctl) ? 0 : pace_wait_ms(d, 100));
		if (n < 0 && errno != EINTR) {
			pr_err("poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		if (n > 0 && ((rtfd >= 0 && (pfd[rtfd].revents & POLLIN)) ||
			      (iffd >= 0 && (pfd[iffd].revents & POLLIN))))
			tables_changed(
				d, rtfd >= 0 && (pfd[rtfd].revents & POLLIN),
				iffd >= 0 && (pfd[iffd].revents & POLLIN));
		if (inline_w &&
		    !worker_round(m0->pool.w[0], BATCH, realtime_ns(), &i) &&
		    !warned) {
			pr_warn("capture: %s; running on\n", strerror(-i));
			warned = true;
		}
		serve(d);
		for (i = 0; n > 0 && i < nbgp; i++)
			if (pfd[nfd + i].revents)
				break;
		bgp_turn(d, n > 0 && i < nbgp);
		/* a reload may have removed the inline worker's monitor */
		if (inline_w && m0->gone) {
			inline_w = false;
			nfd = nfix;
		}
		now = realtime_ns();
		for (k = 0; k < d->nmon; k++)
			monitor_poll(d->mon[k], now);
	}
	for (k = 0; k < d->nmon; k++)
		monitor_stop(d->mon[k]);
	return rc;
}

/* Packets no configured template describes are counted, and said. */
static void report_nofit(const struct meter_stats *m)
{
	static const char *const what[NOFIT_N] = {
		[NOFIT_IPV4] = "IPv4 (add an ipv4-* template)",
		[NOFIT_IPV6] = "IPv6 (add an ipv6-* template)",
		[NOFIT_TUNNEL] = "tunnelled (add a tun4-/tun6- template "
				 "for it)",
		[NOFIT_PPPAC] = "PPP session (add a pppac template)",
	};
	int r;

	for (r = 0; r < NOFIT_N; r++)
		if (m->nofit[r])
			pr_warn("%llu %s packets (%llu octets) fit no "
				"configured template and were not exported\n",
				(unsigned long long)m->nofit[r], what[r],
				(unsigned long long)m->nofit_octets[r]);
}

/* dst[i] += src[i]: counter structs of uint64_t only */
static void add_u64(void *dst, const void *src, size_t len)
{
	uint64_t *a = dst;
	const uint64_t *b = src;
	size_t k;

	for (k = 0; k < len / 8; k++)
		a[k] += b[k];
}

/* The workers' meter and cache counters (a removed monitor's, as kept),
 * added to *m and *fs (threads stopped). */
static void sum_stats(const struct monitor *d, struct meter_stats *m,
		      struct flowcache_stats *fs)
{
	int i;

	if (d->gone) {
		add_u64(m, &d->gone_st, sizeof(*m));
		add_u64(fs, &d->gone_fs, sizeof(*fs));
		return;
	}
	for (i = 0; i < d->pool.nw; i++) {
		add_u64(m, &d->pool.w[i]->meter.st, sizeof(*m));
		add_u64(fs, &d->pool.w[i]->meter.fc->stats, sizeof(*fs));
	}
}

/* The k-th monitor of the run: running ones, then removed ones. */
static const struct monitor *mon_at(const struct xflowd *d, int k)
{
	return k < d->nmon ? d->mon[k] : d->gone[k - d->nmon];
}

/* Its first exporting process's counters (all of them get every flow). */
static struct exporter_stats mon_xs(const struct monitor *m)
{
	struct exporter_stats none = { 0 };

	if (m->gone)
		return m->gone_xs;
	return m->nex ? m->ex[0]->stats : none;
}

/* Of every monitor: the sums, and each's share ("monitors"), written and
 * the file closed. 0, or -1 after saying why (a full disk, EIO: the
 * counters the operator asked for are lost, which the exit status says). */
static int write_stats(struct xflowd *d, const char *path)
{
	struct meter_stats mst;
	struct flowcache_stats fst;
	const struct meter_stats *m = &mst;
	const struct flowcache_stats *fs = &fst;
	struct capture_kstats kst;
	struct exporter_stats xs = { 0 };
	struct capture_fstats fi = { 0 };
	uint64_t cap_drops = 0;
	FILE *f = d->stats;
	bool bpf = false;
	size_t i;
	int r, k;

	_Static_assert(sizeof(fst) % 8 == 0, "flowcache_stats: uint64_t");
	memset(&mst, 0, sizeof(mst));
	memset(&fst, 0, sizeof(fst));
	memset(&kst, 0, sizeof(kst));
	for (k = 0; k < d->nmon + d->ngone; k++) {
		const struct monitor *mo = mon_at(d, k);
		struct exporter_stats x = mon_xs(mo);

		sum_stats(mo, &mst, &fst);
		cap_drops += mo->cap_drops;
		/* every monitor reads the same file: its counts once */
		if (k == 0)
			fi = mo->fst;
		bpf |= mo->opt.capture != CAPTURE_PCAP;
		/* the counters, up to ncpu */
		add_u64(&kst, &mo->kst, offsetof(struct capture_kstats, ncpu));
		if (mo->kst.ncpu > kst.ncpu)
			kst.ncpu = mo->kst.ncpu;
		xs.flows += x.flows;
		xs.v5_skipped_ipv6 += x.v5_skipped_ipv6;
		xs.v1_skipped_ipv6 += x.v1_skipped_ipv6;
		xs.v7_skipped_ipv6 += x.v7_skipped_ipv6;
		xs.no_template += x.no_template;
	}
	if (!f) {
		pr_err("--stats-file %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f,
		"{\n  \"packets\": %llu,\n  \"metered\": %llu,\n"
		"  \"octets\": %llu,\n  \"non_ip\": %llu,\n"
		"  \"capture_drops\": %llu,\n",
		(unsigned long long)m->packets, (unsigned long long)m->metered,
		(unsigned long long)m->octets, (unsigned long long)m->non_ip,
		(unsigned long long)cap_drops);
	/* packets = sampled_out + metered + non_ip + malformed + no template */
	fprintf(f, "  \"sampled_out\": %llu,\n",
		(unsigned long long)m->sampled_out);
	if (bpf)
		write_kstats(f, &kst);
	/* packets of the file not metered as it said, by reason */
	if (d->opt.read)
		fprintf(f,
			"  \"file\": {\"caplen_over_wire\": %llu, "
			"\"unknown_interface\": %llu, "
			"\"unsupported_link\": %llu},\n",
			(unsigned long long)fi.caplen_over_wire,
			(unsigned long long)fi.unknown_interface,
			(unsigned long long)fi.unsupported_link);
	fprintf(f,
		"  \"tunnelled\": %llu,\n  \"no_template_packets\": "
		"{\"ipv4\": %llu, \"ipv6\": %llu, \"tunnel\": %llu, "
		"\"pppac\": %llu},\n",
		(unsigned long long)m->tunnelled,
		(unsigned long long)m->nofit[NOFIT_IPV4],
		(unsigned long long)m->nofit[NOFIT_IPV6],
		(unsigned long long)m->nofit[NOFIT_TUNNEL],
		(unsigned long long)m->nofit[NOFIT_PPPAC]);
	fprintf(f, "  \"malformed\": {");
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
		"  \"v5_skipped_ipv6\": %llu,\n  \"v1_skipped_ipv6\": %llu,\n"
		"  \"v7_skipped_ipv6\": %llu,\n  \"no_template\": %llu,\n",
		(unsigned long long)fs->added, (unsigned long long)xs.flows,
		(unsigned long long)fs->expired[FLOW_END_IDLE],
		(unsigned long long)fs->expired[FLOW_END_ACTIVE],
		(unsigned long long)fs->expired[FLOW_END_OF_FLOW],
		(unsigned long long)fs->expired[FLOW_END_FORCED],
		(unsigned long long)fs->expired[FLOW_END_RESOURCES],
		(unsigned long long)xs.v5_skipped_ipv6,
		(unsigned long long)xs.v1_skipped_ipv6,
		(unsigned long long)xs.v7_skipped_ipv6,
		(unsigned long long)xs.no_template);
	/* each monitor's own counts (one, for the command line) */
	fprintf(f, "  \"monitors\": [");
	for (k = 0; k < d->nmon + d->ngone; k++) {
		const struct monitor *mo = mon_at(d, k);
		struct meter_stats a = { 0 };
		struct flowcache_stats b = { 0 };

		sum_stats(mo, &a, &b);
		fprintf(f,
			"%s\n    {\"monitor\": \"%s\", \"packets\": %llu, "
			"\"metered\": %llu, \"octets\": %llu, "
			"\"sampled_out\": %llu, \"flows_created\": %llu, "
			"\"flows_exported\": %llu, \"removed\": %s}",
			k ? "," : "", monitor_name(mo),
			(unsigned long long)a.packets,
			(unsigned long long)a.metered,
			(unsigned long long)a.octets,
			(unsigned long long)a.sampled_out,
			(unsigned long long)b.added,
			(unsigned long long)mon_xs(mo).flows,
			mo->gone ? "true" : "false");
	}
	fprintf(f, "\n  ],\n  \"collectors\": [");
	for (i = 0; i < ncoll_all(d); i++) {
		const struct collector *c = coll_at(d, i);

		fprintf(f,
			"%s\n    {\"collector\": \"%s\", \"messages\": %llu, "
			"\"data_records\": %llu, \"options_records\": %llu, "
			"\"templates\": %llu, \"octets\": %llu, "
			"\"send_errors\": %llu, \"refused\": %llu",
			i ? "," : "", c->name,
			(unsigned long long)c->stats.messages,
			(unsigned long long)c->stats.data_records,
			(unsigned long long)c->stats.options_records,
			(unsigned long long)c->stats.templates,
			(unsigned long long)c->stats.octets,
			(unsigned long long)c->stats.send_errors,
			(unsigned long long)c->stats.refused);
		transport_stats_json(f, c);
		fputc('}', f);
	}
	fprintf(f, "\n  ]\n}\n");
	/* a write error may show at the flush or only at the close */
	d->stats = NULL;
	if (fflush(f) != 0 || ferror(f)) {
		pr_err("--stats-file %s: %s\n", path,
		       strerror(errno ? errno : EIO));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		pr_err("--stats-file %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct xflowd *d = calloc(1, sizeof(*d));
	struct sigaction sa = { .sa_handler = on_signal };
	int rc, exit_code = 0, k;

	if (!d)
		return 1;
	rc = options_parse(&d->opt, argc, argv);
	if (rc) {
		free(d);
		return rc == 1 ? 0 : 2;
	}
	if (d->opt.verbose)
		log_level = LOG_LVL_DEBUG;
	d->env.stop = &stop_signal;

	/* no SA_RESTART: poll() returns at once on SIGTERM */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (xflowd_setup(d, &exit_code) == 0 &&
	    control_listen(d->env.ctl, &exit_code) == 0 &&
	    drop_privileges(d, &exit_code) == 0) {
		struct meter_stats mst = { 0 };
		struct flowcache_stats fst = { 0 };

		exit_code = d->opt.read ? run_file(d) : run_live(d);
		for (k = 0; k < d->nmon; k++)
			monitor_finish(d->mon[k]);
		for (k = 0; k < d->nmon + d->ngone; k++)
			sum_stats(mon_at(d, k), &mst, &fst);
		report_nofit(&mst);
		if (d->opt.stats_file &&
		    write_stats(d, d->opt.stats_file) < 0 && exit_code == 0)
			exit_code = 1;
		if (stop_signal)
			pr_info("signal %d: flushed the cache, exiting\n",
				(int)stop_signal);
	}
	xflowd_free(d);
	return exit_code;
}
