// SPDX-License-Identifier: BSD-2-Clause
/*
 * sched.c - the export schedule of a v9 or IPFIX collector: which set goes
 * next. One state (struct export_sched: what the collector is owed, what
 * the open message is for) and one function, sched_next(), decide; the
 * loop in sched_run() writes the set it names (optset.c, setmsg.c) and asks
 * again, until the request is done. The rules, in sched_next()'s order:
 *
 * - A message begins with the templates when they are owed (never sent; a
 *   new UDP destination; each TCP connection) or due again (RFC 7011 §8.4,
 *   UDP only: every refresh_s seconds, every refresh_msgs messages, counted
 *   from the one that carries them). Their options records (the sysUpTime
 *   origin, the sampler) follow them; nothing goes before the templates.
 * - The time base moved (exporter.c): a message holding records of the old
 *   one goes first; the new one is announced before any record of it.
 * - The interface table follows the templates (or a change of the
 *   interfaces) before the next data record: in the message being built,
 *   then in messages of their own until it ends; that message is sent.
 * - The sampler's records (their timeout) and the statistics (after each
 *   refresh but the first message, at exit, their timeout) go in messages
 *   of their own after a data message is sent or at a flush, never ahead
 *   of a data message that is still being filled.
 * - A data record goes in the open message when it fits, else the message
 *   is sent first.
 * Every request ends: each message begun takes a record or options records
 * and clears what it was begun for, the interface table goes once a
 * request, and a record takes the message begun for it.
 */
#include "../common/clock.h"
#include "setmsg.h"

/* The next thing to write or do. */
enum next {
	NEXT_NONE,	      /* the request is done */
	NEXT_MESSAGE,	      /* begin a message (for *why) */
	NEXT_TEMPLATES,	      /* the template refresh */
	NEXT_BASE,	      /* the moved time base */
	NEXT_IFTABLE_JOINS,   /* the interface table joins a data message */
	NEXT_IFTABLE,	      /* one interface-table record (or its end) */
	NEXT_SAMPLER,	      /* the sampler's templates and records */
	NEXT_STATS_TEMPLATES, /* the statistics' templates */
	NEXT_STATS,	      /* the statistics records */
	NEXT_DATA,	      /* the data record */
	NEXT_SEND,	      /* send the message */
	NEXT_SEND_FULL,	      /* ... the next record does not fit it */
};

/* One request being carried out (sched_run()'s, gone when it returns). */
struct run {
	enum sched_req req;
	/* SCHED_RECORD: the record and its template as sent */
	const struct export_rec *r;
	const struct template_def *t;
	size_t len; /* template_record_len(t) */
	bool done;  /* the record went */
	/* the interface table went: once a request, though a refresh in
	 * it owes the table again */
	bool iftable_done;
	/* a flush, or a data message went: the options owed may go now */
	bool tail;
	/* a message went for want of room: the next one takes a record
	 * whatever its length (the one record it can hold) */
	bool force;
};

/* The owed bit of each option's records. */
static const unsigned int owed_of[EXPORT_OPT_N] = {
	[EXPORT_OPT_IFTABLE] = OWED_IFTABLE,
	[EXPORT_OPT_STATS] = OWED_STATS,
	[EXPORT_OPT_SAMPLER] = OWED_SAMPLER,
};

/* RFC 7011 §8.4: the templates at the start of this message? */
static bool templates_due(const struct collector *c)
{
	const struct export_cfg *cfg = &c->ex->cfg;
	const struct export_sched *s = &c->sched;

	if (export_owes(c, OWED_TEMPLATES))
		return true;
	/* refresh is UDP's; over TCP each connection sends them once */
	if (c->tx.proto == TX_TCP)
		return false;
	if (cfg->refresh_msgs && s->msgs_since_tmpl >= cfg->refresh_msgs)
		return true;
	return cfg->refresh_s &&
	       c->ex->now_ns >= s->tmpl_sent_ns + (uint64_t)cfg->refresh_s * NS;
}

static bool iftable_owed(const struct collector *c, const struct run *run)
{
	return !run->iftable_done && export_owes(c, OWED_IFTABLE) &&
	       export_option_on(c, EXPORT_OPT_IFTABLE);
}

/* What goes next when no message is open. */
static enum next next_unopened(const struct collector *c, const struct run *run,
			       enum export_msg_for *why)
{
	bool options = run->tail;

	if (run->req == SCHED_TEMPLATES && export_owes(c, OWED_TEMPLATES)) {
		*why = MSG_TEMPLATES;
		return NEXT_MESSAGE;
	}
	if (run->done)
		return NEXT_NONE;
	/* nothing before the templates; a record begins with them */
	if (export_owes(c, OWED_TEMPLATES) && run->req != SCHED_RECORD)
		return NEXT_NONE;
	if (iftable_owed(c, run)) {
		if (!optset_iftable_more(c, c->sched.if_next))
			return NEXT_IFTABLE; /* it ended: nothing to send */
		*why = MSG_IFTABLE;
		return NEXT_MESSAGE;
	}
	if (options && export_owes(c, OWED_SAMPLER)) {
		*why = MSG_SAMPLER;
		return NEXT_MESSAGE;
	}
	if (options && export_owes(c, OWED_STATS)) {
		*why = MSG_STATS;
		return NEXT_MESSAGE;
	}
	if (run->req != SCHED_RECORD)
		return NEXT_NONE;
	*why = MSG_DATA;
	return NEXT_MESSAGE;
}

/* What goes next in the open message. */
static enum next next_opened(const struct collector *c, const struct run *run)
{
	bool fresh = msg_empty(c);

	if (fresh && templates_due(c))
		return NEXT_TEMPLATES;
	if (export_owes(c, OWED_BASE))
		return fresh ? NEXT_BASE : NEXT_SEND;
	switch (c->sched.msg) {
	case MSG_TEMPLATES:
		return NEXT_SEND;
	case MSG_SAMPLER:
		return export_owes(c, OWED_SAMPLER) ? NEXT_SAMPLER : NEXT_SEND;
	case MSG_STATS:
		if (export_owes(c, OWED_STATS_TMPL))
			return NEXT_STATS_TEMPLATES;
		return export_owes(c, OWED_STATS) ? NEXT_STATS : NEXT_SEND;
	case MSG_IFTABLE:
		if (!export_owes(c, OWED_IFTABLE))
			return NEXT_SEND;
		if (fresh || run->force ||
		    optset_iftable_need(c) <= wbuf_room(&c->w))
			return NEXT_IFTABLE;
		return NEXT_SEND_FULL;
	default: /* MSG_DATA */
		break;
	}
	if (run->done)
		return NEXT_NONE; /* the message stays open for more */
	if (run->req != SCHED_RECORD)
		return NEXT_SEND;
	if (iftable_owed(c, run))
		return NEXT_IFTABLE_JOINS;
	if (fresh || run->force ||
	    set_need(c, run->r->tmpl_id, run->len) <= wbuf_room(&c->w))
		return NEXT_DATA;
	return NEXT_SEND_FULL;
}

/* The one place that decides what c writes next for run. */
static enum next sched_next(const struct collector *c, const struct run *run,
			    enum export_msg_for *why)
{
	if (c->sched.msg == MSG_NONE)
		return next_unopened(c, run, why);
	return next_opened(c, run);
}

/* The templates went: what they make owed, and their times. */
static void templates_sent(struct collector *c)
{
	struct export_sched *s = &c->sched;
	uint64_t now = c->ex->now_ns;

	if (export_option_on(c, EXPORT_OPT_IFTABLE))
		export_owe(c, OWED_IFTABLE);
	if (export_option_on(c, EXPORT_OPT_SAMPLER)) {
		s->owed &= ~OWED_SAMPLER;
		s->opt_sent_ns[EXPORT_OPT_SAMPLER] = now;
	}
	/* nothing to report in the first message: its timeout counts from
	 * there */
	if (c->stats.messages > 0 && export_option_on(c, EXPORT_OPT_STATS))
		s->owed |= OWED_STATS;
	if (!s->opt_sent_ns[EXPORT_OPT_STATS])
		s->opt_sent_ns[EXPORT_OPT_STATS] = now;
	s->owed |= OWED_STATS_TMPL;
	/* the sysUpTime origin went with them (v9: in the header) */
	s->owed &= ~(OWED_TEMPLATES | OWED_BASE);
	s->tmpl_sent_ns = now;
	s->msgs_since_tmpl = 0;
}

static void put_data(struct collector *c, const struct run *run)
{
	const struct export_rec *r = run->r;

	if (!c->set_hdr || c->set_id != r->tmpl_id)
		set_open(c, r->tmpl_id);
	record_encode(&c->w, run->t, r, c->ex);
	c->nrec++;
	c->ndata++;
	c->npkts += r->f->packets;
	c->noct += r->f->octets;
	c->stats.data_records++;
}

static void sched_do(struct collector *c, enum next n, enum export_msg_for why,
		     struct run *run)
{
	struct export_sched *s = &c->sched;
	uint64_t now = c->ex->now_ns;

	switch (n) {
	case NEXT_NONE:
		break;
	case NEXT_MESSAGE:
		msg_begin(c);
		s->msg = why;
		break;
	case NEXT_TEMPLATES:
		optset_templates(c);
		templates_sent(c);
		break;
	case NEXT_BASE:
		optset_sysinit(c);
		s->owed &= ~OWED_BASE;
		break;
	case NEXT_IFTABLE_JOINS:
		/* sent once the table ends, the record waiting */
		s->msg = MSG_IFTABLE;
		break;
	case NEXT_IFTABLE:
		if (optset_iftable_put(c, s->if_next)) {
			s->if_next++;
			run->force = false;
			break;
		}
		s->owed &= ~OWED_IFTABLE;
		s->opt_sent_ns[EXPORT_OPT_IFTABLE] = now;
		run->iftable_done = true;
		break;
	case NEXT_SAMPLER:
		optset_sampler(c);
		s->owed &= ~OWED_SAMPLER;
		s->opt_sent_ns[EXPORT_OPT_SAMPLER] = now;
		break;
	case NEXT_STATS_TEMPLATES:
		optset_stats_templates(c);
		s->owed &= ~OWED_STATS_TMPL;
		break;
	case NEXT_STATS:
		optset_stats(c);
		s->owed &= ~OWED_STATS;
		s->opt_sent_ns[EXPORT_OPT_STATS] = now;
		break;
	case NEXT_DATA:
		put_data(c, run);
		run->done = true;
		run->force = false;
		break;
	case NEXT_SEND:
	case NEXT_SEND_FULL:
		run->force = n == NEXT_SEND_FULL;
		if (s->msg == MSG_DATA)
			run->tail = true;
		msg_send(c);
		s->msg = MSG_NONE;
		break;
	}
}

/* template_record_len(t) of the data template id, once per template */
static size_t rec_len(struct exporter *ex, uint16_t id,
		      const struct template_def *t)
{
	size_t i = id - 256u;

	if (i >= EXPORT_MAX_TEMPLATES)
		return template_record_len(t);
	if (ex->len_of[i] != t) {
		ex->len_of[i] = t;
		ex->rec_len[i] = template_record_len(t);
	}
	return ex->rec_len[i];
}

void sched_run(struct collector *c, enum sched_req req,
	       const struct export_rec *r, const struct template_def *t)
{
	struct run run = {
		.req = req,
		.r = r,
		.t = t,
		.len = req == SCHED_RECORD ? rec_len(c->ex, r->tmpl_id, t) : 0,
		.tail = req != SCHED_RECORD,
	};
	enum export_msg_for why = MSG_NONE;
	enum next n;

	if (req == SCHED_TEMPLATES) {
		/* a new connection: what c->w held is the transport's now */
		c->sched.owed |= OWED_TEMPLATES;
		c->sched.msg = MSG_NONE;
	}
	do {
		n = sched_next(c, &run, &why);
		sched_do(c, n, why, &run);
	} while (n != NEXT_NONE);
}

void export_owe(struct collector *c, unsigned int what)
{
	if ((what & OWED_IFTABLE) && !export_owes(c, OWED_IFTABLE))
		c->sched.if_next = 0; /* the whole table, from its start */
	c->sched.owed |= what;
}

void export_sched_init(struct collector *c)
{
	if (c->tx.proto == TX_TCP)
		c->sched.owed &= ~OWED_TEMPLATES;
	else
		c->sched.owed |= OWED_TEMPLATES;
}

bool export_options_due(struct collector *c)
{
	const struct exporter *ex = c->ex;
	bool due = false;
	int k;

	if (export_owes(c, OWED_TEMPLATES))
		return false; /* the first message sends them all */
	for (k = 0; k < EXPORT_OPT_N; k++) {
		uint32_t t = ex->cfg.opt[k].timeout_s;

		if (!t || !export_option_on(c, (enum export_option)k) ||
		    ex->now_ns < c->sched.opt_sent_ns[k] + (uint64_t)t * NS)
			continue;
		export_owe(c, owed_of[k]);
		/* not again before the records went */
		c->sched.opt_sent_ns[k] = ex->now_ns;
		due = true;
	}
	return due;
}
