// SPDX-License-Identifier: BSD-2-Clause
/*
 * pace.c - export pacing: a collector takes so many flows a second, and a
 * burst (a cache flush, a scan) overruns it. With a rate set, expired
 * records wait in a bounded queue in arrival order and leave through a
 * token bucket of the exporting process: rate records a second, at most
 * burst at once after a quiet time. A record that finds the queue full is
 * counted at every collector as not sent (RFC 7011 §4.3
 * notSentFlowTotalCount and its packets and octets), never lost silently.
 *
 * The bucket holds credit in records * 1e9 (a record costs NS), so a
 * rate needs no division per refill: elapsed ns * rate is the credit
 * gained. Time is monotonic: a collector's capacity is in wall time, also
 * while a file is replayed on its packet clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "../common/clock.h"
#include "transport_int.h"

uint32_t export_pace_burst(const struct export_pace_cfg *p)
{
	if (p->burst)
		return p->burst;
	/* 50 ms of records: smooth, and one wake-up of the main loop */
	return p->rate / 20 ? p->rate / 20 : 1;
}

uint32_t export_pace_queue(const struct export_pace_cfg *p)
{
	return p->queue ? p->queue : EXPORT_PACE_QUEUE;
}

uint64_t export_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

int pace_init(struct exporter *ex)
{
	struct export_pace *p = &ex->pace;

	if (!ex->cfg.pace.rate)
		return 0;
	p->cap = export_pace_queue(&ex->cfg.pace);
	p->burst = export_pace_burst(&ex->cfg.pace);
	/* allocated up front, backed by memory as records come */
	p->q = calloc(p->cap, sizeof(*p->q));
	if (!p->q)
		return -ENOMEM;
	p->credit = (uint64_t)p->burst * NS; /* the bucket starts full */
	return 0;
}

/* One record never reaches any collector: count it as not sent. */
static void count_notsent(struct exporter *ex, const struct flow *f)
{
	size_t i;

	ex->stats.pace_dropped++;
	for (i = 0; i < ex->ncoll; i++) {
		struct collector_stats *st = &ex->coll[i]->stats;

		st->paced_records++;
		st->paced_packets += f->packets;
		st->paced_octets += f->octets;
		if (st->notsent_first_ns == 0)
			st->notsent_first_ns = ex->now_ns;
		st->notsent_last_ns = ex->now_ns;
	}
}

/* Send the head of the queue; the exporter owns the copy until then. */
static void pace_send_head(struct exporter *ex)
{
	struct export_pace *p = &ex->pace;
	const struct pace_rec *r = &p->q[p->head];

	p->head = p->head + 1 == p->cap ? 0 : p->head + 1;
	p->n--;
	ex->stats.pace_waiting = p->n;
	ex->stats.pace_sent++;
	exporter_send_rec(ex, &r->f, (enum flow_end_reason)r->reason, r->tmpl,
			  r->tmpl_id);
}

/* Send what the credit allows. */
static void pace_release(struct exporter *ex)
{
	struct export_pace *p = &ex->pace;

	while (p->n && p->credit >= NS) {
		p->credit -= NS;
		pace_send_head(ex);
	}
}

void pace_enqueue(struct exporter *ex, const struct flow *f,
		  enum flow_end_reason reason, const struct template_def *tmpl,
		  uint16_t tmpl_id)
{
	struct export_pace *p = &ex->pace;
	struct pace_rec *r;
	uint32_t tail;

	if (p->n == p->cap) {
		/* tail drop: what waits keeps its order */
		count_notsent(ex, f);
		return;
	}
	tail = p->head + p->n;
	if (tail >= p->cap)
		tail -= p->cap;
	r = &p->q[tail];
	r->f = *f;
	r->tmpl = tmpl;
	r->tmpl_id = tmpl_id;
	r->reason = (uint8_t)reason;
	p->n++;
	ex->stats.pace_waiting = p->n;
	if (p->n > ex->stats.pace_peak)
		ex->stats.pace_peak = p->n;
	/* the credit already earned (a burst) goes at once */
	pace_release(ex);
}

void exporter_pace(struct exporter *ex, uint64_t mono_ns)
{
	struct export_pace *p = &ex->pace;
	uint64_t full, dt;

	if (!ex->cfg.pace.rate)
		return;
	if (p->last_ns && mono_ns > p->last_ns) {
		full = (uint64_t)p->burst * NS;
		dt = mono_ns - p->last_ns;
		/* past the time that fills the bucket, time adds nothing
		 * (and dt * rate cannot overflow) */
		if (dt > full / ex->cfg.pace.rate + 1)
			dt = full / ex->cfg.pace.rate + 1;
		p->credit += dt * ex->cfg.pace.rate;
		if (p->credit > full)
			p->credit = full;
	}
	if (mono_ns > p->last_ns)
		p->last_ns = mono_ns;
	pace_release(ex);
	exporter_push(ex);
}

uint64_t exporter_pace_due(const struct exporter *ex, uint64_t mono_ns)
{
	const struct export_pace *p = &ex->pace;
	uint64_t need;

	if (!ex->cfg.pace.rate || !p->n)
		return UINT64_MAX;
	if (p->credit >= NS || !p->last_ns)
		return mono_ns;
	need = NS - p->credit;
	return p->last_ns + (need + ex->cfg.pace.rate - 1) / ex->cfg.pace.rate;
}

bool exporter_pace_step(struct exporter *ex, uint64_t deadline)
{
	uint64_t now = export_mono_ns(), due;
	struct timespec ts;

	exporter_pace(ex, now);
	due = exporter_pace_due(ex, now);
	if (due == UINT64_MAX || now >= deadline)
		return due != UINT64_MAX;
	if (due > deadline)
		due = deadline;
	if (due > now) {
		ts.tv_sec = (time_t)((due - now) / NS);
		ts.tv_nsec = (long)((due - now) % NS);
		nanosleep(&ts, NULL); /* a signal ends it early */
	}
	/* released records fill messages: TCP collectors take them */
	exporter_poll(ex);
	return ex->pace.n > 0;
}

void exporter_pace_drain(struct exporter *ex, uint64_t deadline)
{
	if (!ex->cfg.pace.rate)
		return;
	while (exporter_pace_step(ex, deadline) && export_mono_ns() < deadline)
		;
	pace_free_rest(ex);
}

void pace_free_rest(struct exporter *ex)
{
	struct export_pace *p = &ex->pace;

	while (p->n) {
		count_notsent(ex, &p->q[p->head].f);
		p->head = p->head + 1 == p->cap ? 0 : p->head + 1;
		p->n--;
	}
	ex->stats.pace_waiting = 0;
}

void pace_free(struct exporter *ex)
{
	pace_free_rest(ex);
	free(ex->pace.q);
	ex->pace.q = NULL;
}
