// SPDX-License-Identifier: BSD-2-Clause
/*
 * setmsg.c - NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) messages: a header
 * and sets of templates, options templates and data records. The two
 * formats differ in the header, the set ids, padding and what the sequence
 * number counts; struct setfmt holds the differences. Which set goes next
 * is sched.c's; the templates and options records are optset.c's.
 */
#include <string.h>

#include "../common/clock.h"
#include "setmsg.h"

static const struct setfmt fmt_v9 = { 9, 20, 0, 1, true, false };
static const struct setfmt fmt_ipfix = { 10, 16, 2, 3, false, true };

const struct setfmt *setfmt_of(int version)
{
	return version == 9 ? &fmt_v9 : &fmt_ipfix;
}

static const struct setfmt *fmt_of(const struct collector *c)
{
	return setfmt_of(c->ex->cfg.version);
}

void set_close(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	struct wbuf *w = &c->w;

	if (!c->set_hdr)
		return;
	if (fm->pad)
		put_zero(w, (4 - wbuf_len(w) % 4) % 4);
	be16_store(c->set_hdr + 2, (uint16_t)(w->p - c->set_hdr));
	c->set_hdr = NULL;
}

void set_open(struct collector *c, uint16_t id)
{
	set_close(c);
	c->set_hdr = wbuf_reserve(&c->w, 4);
	if (c->set_hdr) {
		be16_store(c->set_hdr, id);
		c->set_id = id;
	}
}

size_t set_need(const struct collector *c, uint16_t id, size_t len)
{
	size_t pad = fmt_of(c)->pad ? 3 : 0;

	if (!c->set_hdr || c->set_id != id)
		len += 4 + pad;
	return len + pad;
}

void msg_begin(struct collector *c)
{
	wbuf_init(&c->w, c->buf, c->maxlen);
	put_zero(&c->w, fmt_of(c)->hdr_len); /* patched at send */
	c->nrec = 0;
	c->ndata = 0;
	c->set_hdr = NULL;
	c->msg_first_ns = c->ex->now_ns;
}

bool msg_empty(const struct collector *c)
{
	return !c->w.start || wbuf_len(&c->w) <= fmt_of(c)->hdr_len;
}

void msg_send(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	const struct exporter *ex = c->ex;
	uint8_t *h = c->buf;
	uint64_t now = ex->now_ns;

	if (msg_empty(c))
		goto out;
	set_close(c);
	be16_store(h, fm->version);
	if (fm->version == 9) {
		/* RFC 3954 §5.1: count = all records, templates included;
		 * sequence = export packets sent before this one. The header
		 * has whole UNIX seconds only: sysUpTime is taken at that same
		 * second, the next whole one (never before a record's end),
		 * so unix_secs - sysUpTime + FIRST_SWITCHED is exact */
		uint64_t sec = export_header_sec(now);

		be16_store(h + 2, (uint16_t)c->nrec);
		be32_store(h + 4, export_uptime_ms(ex, sec * NS));
		be32_store(h + 8, (uint32_t)sec);
		be32_store(h + 12, c->seq);
		be32_store(h + 16, ex->cfg.domain_id);
		c->seq++;
	} else {
		/* RFC 7011 §3.1: sequence = data records sent before this
		 * message in the domain, options data records included */
		be16_store(h + 2, (uint16_t)wbuf_len(&c->w));
		be32_store(h + 4, (uint32_t)(now / NS));
		be32_store(h + 8, c->seq);
		be32_store(h + 12, ex->cfg.domain_id);
		c->seq += c->ndata;
	}
	collector_send(c);
	c->sched.msgs_since_tmpl++;
out:
	c->nrec = 0;
	c->ndata = 0;
	c->set_hdr = NULL;
	wbuf_init(&c->w, c->buf, 0);
	c->w.start = NULL;
}

static void setmsg_add(struct collector *c, const struct export_rec *r)
{
	/* chosen by exporter_flow; as sent, with the sampler id */
	const struct template_def *t =
		optset_sampling(&c->ex->cfg)
			? optset_data_tmpl(c->ex, r->tmpl_id - 256u)
			: r->tmpl;

	sched_run(c, SCHED_RECORD, r, t);
}

static void setmsg_flush(struct collector *c)
{
	sched_run(c, SCHED_FLUSH, NULL, NULL);
}

/* At exit: the statistics options records in a message of their own,
 * after everything else (with the templates, if they are due). */
static void setmsg_stats(struct collector *c)
{
	sched_run(c, SCHED_FLUSH, NULL, NULL);
	if (!export_option_on(c, EXPORT_OPT_STATS))
		return;
	/* nothing sent yet: the templates first, alone */
	if (export_owes(c, OWED_TEMPLATES))
		sched_run(c, SCHED_TEMPLATES, NULL, NULL);
	export_owe(c, OWED_STATS);
	sched_run(c, SCHED_FLUSH, NULL, NULL);
}

/* A message of the templates and options alone (a new TCP connection). */
static void setmsg_templates(struct collector *c)
{
	sched_run(c, SCHED_TEMPLATES, NULL, NULL);
}

const struct export_ops export_v9_ops = {
	.name = "v9",
	.protocol = "netflow-v9",
	.version = 9,
	.seq_off = 12,
	.add = setmsg_add,
	.flush = setmsg_flush,
	.stats = setmsg_stats,
};

const struct export_ops export_ipfix_ops = {
	.name = "ipfix",
	.protocol = "ipfix",
	.version = 10,
	.seq_off = 8,
	.add = setmsg_add,
	.flush = setmsg_flush,
	.templates = setmsg_templates,
	.stats = setmsg_stats,
};
