// SPDX-License-Identifier: BSD-2-Clause
/*
 * setup.c - wiring, while xflowd still has its privileges: the monitors
 * (observation points -> metering -> exporting processes), the tables
 * and the BGP session they share, and the control socket's views.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../bgp/speaker.h"
#include "../netlink/ifinfo.h"
#include "../netlink/route.h"
#include "../control/control.h"
#include "../common/log.h"
#include "../common/safefile.h"
#include "../control/views_bgp.h"
#include "xflowd.h"

/*
 * The routing table, when the output has routing fields (v5, or a template
 * with one): of the namespace xflowd runs in, also for --read. Without it
 * (no netlink) those fields are 0.
 */
void xflowd_setup_routes(struct xflowd *d)
{
	bool need = false;
	char err[256];
	int k;

	for (k = 0; k < d->nmon; k++)
		need |= monitor_needs_routes(d->mon[k]);
	if (d->opt.no_routes || !need)
		return;
	d->env.rt = route_open(err, sizeof(err));
	if (!d->env.rt) {
		pr_warn("%s; next hop, masks and output interface are "
			"exported as 0 (--no-routes: do not read it)\n",
			err);
		return;
	}
	pr_debug("routing table: %zu routes of table main\n",
		 route_count(d->env.rt));
	for (k = 0; k < d->nmon; k++)
		monitor_routes_changed(d->mon[k]);
}

/*
 * The BGP speaker of the configuration's bgp block (issue 17): bound
 * before privileges are dropped (port 179 needs them); every exporter
 * then asks it for the ASes and next hop of a flow when exporting it.
 */
static int setup_bgp(struct xflowd *d, int *exit_code)
{
	const struct bgp_cfg *b = options_bgp_cfg(&d->opt);
	char err[512];
	int k;

	if (!b)
		return 0;
	d->env.bgp = bgp_speaker_new(b, err, sizeof(err));
	if (!d->env.bgp) {
		/* line 0: the command line's --bgp-* options */
		if (d->opt.cfg && d->opt.cfg->bgp_line)
			pr_err("%s:%u: %s\n", d->opt.cfg->file,
			       d->opt.cfg->bgp_line, err);
		else
			pr_err("--bgp-listen: %s\n", err);
		*exit_code = 1;
		return -1;
	}
	for (k = 0; k < d->nmon; k++)
		monitor_routes_changed(d->mon[k]);
	control_set_bgp(d->env.ctl, view_bgp, d->env.bgp);
	return 0;
}

void xflowd_apply_ifinfo(struct xflowd *d)
{
	int k;

	for (k = 0; k < d->nmon; k++)
		monitor_apply_ifinfo(d->mon[k]);
	d->ift_gen = ifinfo_generation(d->env.ift);
}

/*
 * The monitors: -f's that run (attached to an interface, or all of them
 * for --read), each with a private copy of the configuration (a reload
 * replaces them one by one). A command line is the one-monitor
 * configuration it means (options_config()), run the same way; marked
 * cmdline, its messages and views still speak of the command line.
 */
static int setup_monitors(struct xflowd *d, int *exit_code)
{
	struct monitor *m;
	int k;

	/* the command line: a one-monitor configuration, run as -f's */
	if (!d->opt.cfg) {
		d->opt.cfg = options_config(&d->opt);
		if (!d->opt.cfg) {
			*exit_code = 2;
			return -1;
		}
		d->opt.cfg->cmdline = true;
	}
	for (k = 0; k < d->opt.cfg->nmonitor; k++) {
		const struct config *cfg = d->opt.cfg;

		if (monitor_new(&d->env, &d->opt, cfg, k, &m, exit_code))
			return -1;
		if (m)
			d->mon[d->nmon++] = m;
	}
	/* live, several monitors meter in threads; a file is read by each
	 * in turn in the main thread */
	d->env.threaded = d->nmon > 1 && !d->opt.read;
	return 0;
}

/* --read with several monitors: each reads the file from its start, which
 * a pipe ("-", /dev/stdin) cannot give. */
static int check_rereadable(const struct xflowd *d, int *exit_code)
{
	const char *path = d->opt.read;
	struct stat st;
	int rc;

	if (!path || d->nmon < 2)
		return 0;
	rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st)
				    : stat(path, &st);
	if (rc == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		pr_err("--read %s: %d monitors each read the file from its "
		       "start, and this is not a file that can be read again "
		       "(a pipe?): give a file, or a configuration of one "
		       "monitor\n",
		       path, d->nmon);
		*exit_code = 2;
		return -1;
	}
	return 0;
}

/* --stats-file now: once privileges are dropped its directory may be out
 * of reach. */
static int open_stats(struct xflowd *d, int *exit_code)
{
	char err[512];
	bool refused;
	int fd;

	if (!d->opt.stats_file)
		return 0;
	fd = safefile_create(d->opt.stats_file, 0640, &refused, err,
			     sizeof(err));
	d->stats = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!d->stats) {
		if (fd >= 0) {
			snprintf(err, sizeof(err), "%s: %s", d->opt.stats_file,
				 strerror(errno));
			close(fd);
		}
		pr_err("--stats-file %s\n", err);
		*exit_code = refused ? 2 : 1;
		return -1;
	}
	return 0;
}

int xflowd_setup(struct xflowd *d, int *exit_code)
{
	char err[512];
	bool pcap = false;
	int k;

	if (open_stats(d, exit_code))
		return -1;
	if (setup_monitors(d, exit_code) || check_rereadable(d, exit_code))
		return -1;
	d->env.ctl = control_new(&d->opt);
	if (!d->env.ctl) {
		pr_err("out of memory\n");
		*exit_code = 1;
		return -1;
	}
	/* every exporter first: each capture filters out all collectors */
	for (k = 0; k < d->nmon; k++)
		if (monitor_exporters_open(d->mon[k], exit_code))
			return -1;
	xflowd_setup_routes(d);
	if (setup_bgp(d, exit_code))
		return -1;
	for (k = 0; k < d->nmon; k++)
		if (monitor_captures_open(d->mon[k], d->mon, d->nmon,
					  exit_code) ||
		    monitor_workers_open(d->mon[k], exit_code))
			return -1;
	if (d->opt.read)
		return 0;
	/* names, aliases and tunnel endpoints from the kernel, kept current
	 * (libpcap: the BPF back ends name their own) */
	for (k = 0; k < d->nmon; k++)
		pcap |= d->mon[k]->opt.capture == CAPTURE_PCAP;
	if (pcap) {
		d->env.ift = ifinfo_open(err, sizeof(err));
		if (d->env.ift)
			xflowd_apply_ifinfo(d);
		else
			pr_warn("interface table: %s; interface names are "
				"those given and tunnel interfaces have no "
				"endpoints\n",
				err);
	}
	/* live: the sysUpTime origin is the start of xflowd */
	for (k = 0; k < d->nmon; k++)
		monitor_set_base(d->mon[k], realtime_ns());
	return 0;
}

void xflowd_free(struct xflowd *d)
{
	int k;

	for (k = 0; k < d->nmon; k++)
		monitor_free(d->mon[k]);
	for (k = 0; k < d->ngone; k++)
		monitor_free(d->gone[k]);
	control_free(d->env.ctl);
	bgp_speaker_free(d->env.bgp);
	ifinfo_close(d->env.ift);
	route_close(d->env.rt);
	config_free(d->opt.cfg);
	if (d->stats)
		fclose(d->stats);
	free(d);
}
