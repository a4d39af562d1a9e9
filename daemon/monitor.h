/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * monitor.h - a monitor, the central Flexible NetFlow concept: a metering
 * process (its workers, caches, sampler and captures) and the exporting
 * processes its expired flows go to, observing its own interfaces. The
 * command line describes one; -f one per configured monitor attached to
 * an interface, or every monitor for --read, each metering the whole file.
 *
 * Life: monitor_new() -> monitor_exporters_open() -> (routes, BGP) ->
 * monitor_captures_open() -> monitor_workers_open() -> monitor_start() ->
 * the main loop (monitor_read() or monitor_poll(), monitor_reload() on
 * SIGHUP) -> monitor_stop() -> monitor_finish() -> monitor_free(); or,
 * when a reload removes it, monitor_retire() keeps only its counters.
 *
 * Expired flows leave a worker's queue for the monitor's consumers (the
 * `show ip cache flow` activity summary and every exporting process);
 * nothing outside the monitor holds its exporters, which a reload
 * replaces.
 */
#ifndef XFLOWD_MONITOR_H
#define XFLOWD_MONITOR_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../export/export.h"
#include "../meter/capture.h"
#include "../meter/meter.h"
#include "../config/options.h"
#include "../control/views.h"
#include "worker.h"

/* captures: the BPF back ends open one per receive queue or ring */
#define MONITOR_MAX_CAPS 256
/* PPP session aliases kept parsed, by ifindex (direct-mapped) */
#define MONITOR_PPPAC_SLOTS 64

struct bgp_speaker;
struct control;
struct ifinfo;
struct route_table;

/* What every monitor of the process shares (the caller's; read when
 * used, so it may be filled in after monitor_new()). */
struct monitor_env {
	struct route_table *rt;	 /* the kernel's main table, when needed */
	struct bgp_speaker *bgp; /* the bgp block's speaker (issue 17) */
	struct ifinfo *ift;	 /* live: the kernel's interfaces */
	struct control *ctl;	 /* xflowctl's socket and views */
	bool threaded;		 /* workers in threads (several monitors) */
	/* a signal asks to stop: the paced records of a file stop waiting */
	const volatile sig_atomic_t *stop;
};

/* A PPP session's alias, parsed once per interface table change. */
struct monitor_pppac {
	const struct obs_point *op; /* whose (NULL: empty slot) */
	uint64_t gen;		    /* at monitor->if_gen */
	bool ok;		    /* the alias parses */
	struct pppac_info info;
};

struct monitor {
	const struct monitor_env *env;
	int idx;	    /* the control's source index */
	struct options opt; /* options_monitor(): this monitor's */
	struct config *cfg; /* -f: its own copy; opt points into it */
	/* the exporting processes: one per group of alike exporters; a
	 * reload replaces them (under every lock): use the functions below */
	struct exporter *ex[EXPORT_MAX_COLLECTORS];
	int nex;
	struct worker_pool pool;    /* the meters, their caches and captures */
	struct meter_cfg mcfg;	    /* what the templates ask of the meter */
	struct view_protos summary; /* `show ip cache flow`: flows that left */
	/* the interface attributes' PPP sessions (ifattr) */
	uint64_t if_gen; /* bumped when the interfaces change */
	uint64_t pppac_parses;
	struct monitor_pppac pppac[MONITOR_PPPAC_SLOTS];
	struct capture *cap[MONITOR_MAX_CAPS];
	int ncap;
	uint64_t next_tick_ns;
	uint64_t cap_drops;
	struct capture_kstats kst; /* BPF programs' counters */
	struct capture_fstats fst; /* --read: the file's, at its end */
	bool eof;		   /* --read: its file is read */
	/* removed by a reload: its counters, kept for --stats-file */
	bool gone;
	struct meter_stats gone_st;
	struct flowcache_stats gone_fs;
	struct exporter_stats gone_xs;
};

/*
 * Monitor k of cfg (cfg NULL: the command line's, whose options *cmdline
 * gives up to it) into *out. 0 (*out NULL when the monitor is on no
 * interface and does not run), or -1 after saying why (*exit_code 1).
 * The caller frees it with monitor_free().
 */
int monitor_new(const struct monitor_env *env, struct options *cmdline,
		const struct config *cfg, int k, struct monitor **out,
		int *exit_code);

/* Its name in the configuration, or the command line's "default". */
const char *monitor_name(const struct monitor *m);

struct control_src;
/* What the control's views of m are made of (its statistics, flows). */
void monitor_control_src(struct monitor *m, struct control_src *src);

/* Its exporting processes (with their collectors, looked up in the
 * background when live) and the meter's configuration. 0, or -1 after
 * saying why (*exit_code: 2 for a bad collector, 1 otherwise). */
int monitor_exporters_open(struct monitor *m, int *exit_code);

/* Its exporting processes: their number, and the i-th (i < that number).
 * Valid until the next reload. */
int monitor_nexporters(const struct monitor *m);
struct exporter *monitor_exporter(const struct monitor *m, int i);

/* Do its records carry routing fields (the kernel's table is needed)? */
bool monitor_needs_routes(const struct monitor *m);

/* env->rt or env->bgp came up: its exporters look routes up. */
void monitor_routes_changed(struct monitor *m);

/*
 * Its captures: the file, the BPF back ends or libpcap, which leave out
 * the export traffic to the collectors of every monitor of all[nall] (its
 * own included). 0, or -1 after saying why (*exit_code 1).
 */
int monitor_captures_open(struct monitor *m, struct monitor *const *all,
			  int nall, int *exit_code);

/*
 * Its workers (one per capture, at most --workers or one per CPU), their
 * caches and samplers, and its views in env->ctl. 0, or -1 after saying
 * why (*exit_code 1).
 */
int monitor_workers_open(struct monitor *m, int *exit_code);

/* The sysUpTime origin of its exporters (live: the start of xflowd). */
void monitor_set_base(struct monitor *m, uint64_t ns);

/* The kernel's interface table (env->ift) changed, or is read first:
 * the names, aliases and tunnel endpoints of the observation points
 * (libpcap; the BPF back ends name their own), PPP aliases parsed again,
 * the interface options records sent again. */
void monitor_apply_ifinfo(struct monitor *m);

/* Threads: start its workers; stop and join them. */
int monitor_start(struct monitor *m);
void monitor_stop(struct monitor *m);

/* Its workers wait between their rounds (worker_pool_lock); go on. */
void monitor_lock(struct monitor *m);
void monitor_unlock(struct monitor *m);

/* --read: meter a batch of the file (m->eof at its end); what the
 * capture's dispatch returned. */
int monitor_read(struct monitor *m, int batch);

/* --read: paced records leave at their rate. */
void monitor_pace(struct monitor *m, uint64_t mono_ns);

/* Live: when the next paced record of m may leave (UINT64_MAX: none). */
uint64_t monitor_pace_due(struct monitor *m, uint64_t mono_ns);

/* Live, main thread: the exporters' sockets, and their timers when the
 * workers run in threads (now: realtime). */
void monitor_poll(struct monitor *m, uint64_t now);

/*
 * A changed definition n (options_monitor(), observing the same
 * interfaces the same way): the flows cached so far are exported with the
 * settings they were metered under, then exporters, templates, cache and
 * sampler are n's (n is moved into m). The counters go on; a UDP
 * collector in the same version and domain keeps its socket and sequence
 * numbers. 0, or -1 with the old definition still running. The caller
 * holds the pool's locks.
 */
int monitor_reload(struct monitor *m, struct options *n);

/* End of input or a signal (the workers stopped): meter what the captures
 * hold, expire and export every flow, let TCP collectors take it. */
void monitor_finish(struct monitor *m);

/*
 * Removed by a reload (the caller holds its pool's locks, released
 * here): it stops, its flows are exported, its workers, exporters and
 * captures freed; its counters stay for --stats-file (m->gone).
 */
void monitor_retire(struct monitor *m);

/* Its workers' meter and cache counters, added to *st and *fs (workers
 * stopped, or between their rounds). */
void monitor_counters(const struct monitor *m, struct meter_stats *st,
		      struct flowcache_stats *fs);

/* Free m (NULL: nothing); the exporters' last messages go out first. */
void monitor_free(struct monitor *m);

/* The collectors of every exporting process of all[nall], in turn: their
 * number, and the i-th. */
size_t monitors_ncoll(struct monitor *const *all, int nall);
const struct collector *monitors_coll(struct monitor *const *all, int nall,
				      size_t i);

#endif
