/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * monitor_int.h - between monitor.c and monitor_flow.c: what a monitor's
 * workers, exporters and views are given to call back.
 */
#ifndef XFLOWD_MONITOR_INT_H
#define XFLOWD_MONITOR_INT_H

#include "../common/clock.h"
#include "../control/control.h"
#include "monitor.h"

/* Where the workers' expired flows go (ctx: the monitor). */
extern const struct worker_sink monitor_sink;

/* The exporter's timers, about once a second (ctx: the monitor). */
void monitor_export_tick(void *ctx, uint64_t now);

/* Exporter callbacks (ctx: the monitor): the interface attributes of
 * the records of ifindex, the i-th interface of the interface options
 * records, the metering process's counters, a flow's routes. */
void monitor_ifattr(void *ctx, uint32_t ifindex, struct export_if *out);
uint32_t monitor_ifphys(void *ctx, uint32_t ifindex);
bool monitor_ifenum(void *ctx, size_t i, uint32_t *ifindex,
		    struct export_if *out);
void monitor_meterstats(void *ctx, struct export_meter_stats *out);
void monitor_routes(void *ctx, const struct flow_key *k,
		    struct export_route *out);

/* BPF back ends: detach the programs, meter what the rings and sockets
 * still hold (before the cache is flushed), collect the kernel's
 * counters (monitor_capture.c). */
void monitor_captures_stop(struct monitor *m);

#endif
