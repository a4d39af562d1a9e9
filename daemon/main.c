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

#include "../common/clock.h"
#include "../bgp/speaker.h"
#include "../export/export.h"
#include "../meter/capture.h"
#include "../netlink/ifinfo.h"
#include "../netlink/route.h"
#include "../meter/meter.h"
#include "../control/control.h"
#include "../common/log.h"
#include "privdrop.h"
#include "xflowd.h"

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

/*
 * Every monitor's counters, running and removed by reloads, as `xflowctl
 * show statistics --json` renders them (views_stats.c), written and the
 * file closed. 0, or -1 after saying why (a full disk, EIO: the counters
 * the operator asked for are lost, which the exit status says).
 */
static int write_stats(struct xflowd *d, const char *path)
{
	const struct view_snapshot *set[2 * MAX_MON];
	struct view_snapshot *snap;
	struct control_src src;
	struct vbuf b = { 0 };
	FILE *f = d->stats;
	int k, n = d->nmon + d->ngone;

	if (!f) {
		pr_err("--stats-file %s: %s\n", path, strerror(errno));
		return -1;
	}
	d->stats = NULL;
	snap = calloc((size_t)n + 1, sizeof(*snap));
	for (k = 0; snap && k < n; k++) {
		const struct monitor *mo = mon_at(d, k);
		struct control_removed r = {
			.name = monitor_name(mo),
			.st = &mo->gone_st,
			.fs = &mo->gone_fs,
			.xs = &mo->gone_xs,
			.capture_drops = mo->cap_drops,
			.kst = mo->opt.capture != CAPTURE_PCAP ? &mo->kst
							       : NULL,
			.fst = mo->opt.read ? &mo->fst : NULL,
		};

		if (mo->gone) {
			control_snapshot_removed(&r, &snap[k]);
		} else {
			/* the captures stopped (finish_monitor) */
			monitor_control_src(d->mon[k], &src);
			src.stopped = true;
			control_snapshot(&src, &snap[k]);
		}
		set[k] = &snap[k];
	}
	if (snap)
		view_stats_json(&b, set, (size_t)n, true);
	free(snap);
	if (!snap || b.oom || fwrite(b.p, 1, b.len, f) != b.len) {
		pr_err("--stats-file %s: %s\n", path,
		       !snap || b.oom ? "out of memory"
				      : strerror(errno ? errno : EIO));
		vb_free(&b);
		fclose(f);
		return -1;
	}
	vb_free(&b);
	/* a write error may show at the flush or only at the close */
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
