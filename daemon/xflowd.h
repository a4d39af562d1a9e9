/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xflowd.h - the process: its monitors (monitor.h), what they share,
 * and the steps main() takes: set up before the privilege drop
 * (setup.c), the main loop (main.c), a reload (reload.c).
 */
#ifndef XFLOWD_XFLOWD_H
#define XFLOWD_XFLOWD_H

#include <stdio.h>

#include "../config/config.h"
#include "monitor.h"
#include "../config/options.h"

#define MAX_MON CFG_MAX_MONITORS

struct xflowd {
	struct options opt; /* the command line; -f: the first monitor's */
	struct monitor *mon[MAX_MON];
	int nmon;
	/* removed by reloads (a reload adds none: at most MAX_MON) */
	struct monitor *gone[MAX_MON];
	int ngone;
	/* what the monitors share: tables, BGP, the control, threads */
	struct monitor_env env;
	uint64_t ift_gen; /* the interface table's, last applied */
	FILE *stats;	  /* --stats-file: opened before the privilege drop */
	uint64_t bgp_next_ns; /* the BGP speaker's next turn without input */
};

/*
 * Everything opened while xflowd has its privileges: --stats-file, the
 * monitors with their exporters, captures and workers, the routing and
 * interface tables, the BGP speaker, the control. 0, or -1 after saying
 * why (*exit_code set).
 */
int xflowd_setup(struct xflowd *d, int *exit_code);

/* The routing table, when some monitor's records carry routing fields
 * and it is not open yet (--no-routes: never). */
void xflowd_setup_routes(struct xflowd *d);

/* The interface table changed: every monitor's observation points. */
void xflowd_apply_ifinfo(struct xflowd *d);

/* Every monitor's workers wait between their rounds (pools in order);
 * and go on (in reverse). */
void xflowd_lock_all(struct xflowd *d);
void xflowd_unlock_all(struct xflowd *d);

/* SIGHUP or `xflowctl reload`: the configuration file read again and
 * applied monitor by monitor (reload.c). Takes the locks itself. */
void xflowd_reload(struct xflowd *d);

/* Free everything (d too). */
void xflowd_free(struct xflowd *d);

#endif
