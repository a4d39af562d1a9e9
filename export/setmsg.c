// SPDX-License-Identifier: BSD-2-Clause
/*
 * setmsg.c - NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) messages: a header
 * and sets of templates, options templates and data records. The two
 * formats differ in the header, the set ids, padding and what the sequence
 * number counts; struct setfmt holds the differences.
 */
#include <string.h>

#include "export.h"

#define NS 1000000000ull

struct setfmt {
	uint16_t version;
	uint16_t hdr_len;
	uint16_t tmpl_set_id; /* v9: 0, IPFIX: 2 */
	uint16_t opt_set_id;  /* v9: 1, IPFIX: 3 */
	bool pad;	      /* RFC 3954 §5.3: pad sets to 4 */
	bool options;	      /* send the systemInitTime options */
};

static const struct setfmt fmt_v9 = { 9, 20, 0, 1, true, false };
static const struct setfmt fmt_ipfix = { 10, 16, 2, 3, false, true };

static const struct setfmt *fmt_of(const struct collector *c)
{
	return c->ex->cfg.version == 9 ? &fmt_v9 : &fmt_ipfix;
}

/*
 * The options template announcing the sysUpTime origin, so collectors can
 * turn flowStart/EndSysUpTime into absolute times (RFC 7011 §4 / RFC 5102
 * systemInitTimeMilliseconds). Scope: the observation domain.
 */
static const uint8_t opt_sysinit[] = { IE_observationDomainId,
				       IE_systemInitTimeMilliseconds };
static const struct template_def tmpl_sysinit = {
	.name = "system-init-time",
	.nelem = 2,
	.elem = opt_sysinit,
};
#define SYSINIT_SCOPE 1

/*
 * The interface table, as Cisco's "options interface-table" sends it: the
 * exporter (observation domain; v9: the System scope) as the scope, then
 * ingressInterface, interfaceName (82) and interfaceDescription (83: the
 * alias, or the name when there is none), so that collectors can name the
 * ingressInterface of every flow. nfdump reads the pair (10, 83).
 */
static const uint8_t opt_iftable[] = { IE_observationDomainId,
				       IE_ingressInterface, IE_interfaceName,
				       IE_interfaceDescription };
static const struct template_def tmpl_iftable = {
	.name = "interface-table",
	.nelem = 4,
	.elem = opt_iftable,
};
#define V9_SCOPE_SYSTEM 1 /* RFC 3954 §6.1 scope field types */

static uint16_t opt_id(const struct collector *c)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl);
}

static uint16_t ifopt_id(const struct collector *c)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl + 1);
}

static void set_close(struct collector *c)
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

static void set_open(struct collector *c, uint16_t id)
{
	c->set_hdr = wbuf_reserve(&c->w, 4);
	if (c->set_hdr) {
		be16_store(c->set_hdr, id);
		c->set_id = id;
	}
}

static void put_field(struct wbuf *w, const struct ie *ie, int version)
{
	/* RFC 7011 §3.2: enterprise bit and number; v9 has neither (the
	 * configuration refuses enterprise templates with v9) */
	if (ie->pen && version == 10) {
		put_be16(w, ie->id | 0x8000);
		put_be16(w, ie->len);
		put_be32(w, ie->pen);
	} else {
		put_be16(w, ie->id);
		put_be16(w, ie->len);
	}
}

static void put_template(struct collector *c, const struct template_def *t,
			 uint16_t id)
{
	size_t i;

	put_be16(&c->w, id);
	put_be16(&c->w, t->nelem);
	for (i = 0; i < t->nelem; i++)
		put_field(&c->w, &ie_table[t->elem[i]], fmt_of(c)->version);
	c->nrec++;
	c->stats.templates++;
}

static void put_options(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	const struct template_def *t = &tmpl_sysinit, *it = &tmpl_iftable;
	size_t i;

	if (fm->options) {
		/* RFC 7011 §3.4.2.2: id, field count, scope field count */
		set_open(c, fm->opt_set_id);
		put_be16(&c->w, opt_id(c));
		put_be16(&c->w, t->nelem);
		put_be16(&c->w, SYSINIT_SCOPE);
		for (i = 0; i < t->nelem; i++)
			put_field(&c->w, &ie_table[t->elem[i]], fm->version);
		c->nrec++;
		c->stats.templates++;
		set_close(c);
	}
	if (c->ex->ifenum) {
		/* a set of its own: with both options templates in one set,
		 * nfacctd 1.7.7 lost the data records of the message */
		set_open(c, fm->opt_set_id);
		put_be16(&c->w, ifopt_id(c));
		if (fm->version == 9) {
			/* RFC 3954 §6.1: scope and option lengths in
			 * octets; the scope is the exporter (System) */
			put_be16(&c->w, 4);
			put_be16(&c->w, 4 * (it->nelem - 1));
			put_be16(&c->w, V9_SCOPE_SYSTEM);
			put_be16(&c->w, 4);
		} else {
			put_be16(&c->w, it->nelem);
			put_be16(&c->w, 1);
			put_field(&c->w, &ie_table[it->elem[0]], fm->version);
		}
		for (i = 1; i < it->nelem; i++)
			put_field(&c->w, &ie_table[it->elem[i]], fm->version);
		c->nrec++;
		c->stats.templates++;
		c->ifopt_due = true;
	}
	set_close(c);

	if (fm->options) {
		set_open(c, opt_id(c));
		put_be32(&c->w, c->ex->cfg.domain_id);
		put_be64(&c->w, c->ex->base_ns / 1000000);
		c->nrec++;
		c->ndata++;
		c->stats.options_records++;
		set_close(c);
	}
}

/* Templates first in the message whenever they are due (RFC 7011 §8.4). */
static bool templates_due(const struct collector *c)
{
	const struct export_cfg *cfg = &c->ex->cfg;

	if (!c->tmpl_sent)
		return true;
	/* refresh is UDP's (RFC 7011 §8.4); over TCP transport.c sends
	 * them once, at the start of every connection */
	if (c->tx.proto == TX_TCP)
		return false;
	if (cfg->refresh_msgs && c->msgs_since_tmpl >= cfg->refresh_msgs)
		return true;
	return cfg->refresh_s &&
	       c->ex->now_ns >= c->tmpl_sent_ns + (uint64_t)cfg->refresh_s * NS;
}

static void msg_begin(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	const struct export_cfg *cfg = &c->ex->cfg;
	size_t i;

	wbuf_init(&c->w, c->buf, c->maxlen);
	put_zero(&c->w, fm->hdr_len); /* patched at flush */
	c->nrec = 0;
	c->ndata = 0;
	c->set_hdr = NULL;
	c->msg_first_ns = c->ex->now_ns;

	if (templates_due(c)) {
		set_open(c, fm->tmpl_set_id);
		for (i = 0; i < cfg->ntmpl; i++)
			put_template(c, cfg->tmpl[i], (uint16_t)(256 + i));
		set_close(c);
		if (fm->options || c->ex->ifenum)
			put_options(c);
		c->tmpl_sent = true;
		c->tmpl_sent_ns = c->ex->now_ns;
		c->msgs_since_tmpl = 0;
	}
}

static void send_iftable(struct collector *c);

static void setmsg_flush(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	const struct exporter *ex = c->ex;
	uint8_t *h = c->buf;
	uint64_t now = ex->now_ns;

	if (!c->w.start || wbuf_len(&c->w) <= fm->hdr_len) {
		/* nothing buffered: still due, the interface table */
		if (c->ifopt_due && c->tmpl_sent && !c->in_ifopt &&
		    c->ex->ifenum)
			send_iftable(c);
		return;
	}
	set_close(c);
	be16_store(h, fm->version);
	if (fm->version == 9) {
		/* RFC 3954 §5.1: count = all records, templates included;
		 * sequence = export packets sent before this one. The header
		 * has whole UNIX seconds only: sysUpTime is taken at that same
		 * second, so unix_secs - sysUpTime + FIRST_SWITCHED is exact */
		uint64_t sec = now - now % NS;

		/* in the first second of the time base, the next second
		 * (sysUptime cannot go below 0) */
		if (sec < ex->base_ns)
			sec += NS;
		be16_store(h + 2, (uint16_t)c->nrec);
		be32_store(h + 4, export_uptime_ms(ex, sec));
		be32_store(h + 8, (uint32_t)(sec / NS));
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
	c->msgs_since_tmpl++;
	c->nrec = 0;
	c->ndata = 0;
	wbuf_init(&c->w, c->buf, 0);
	c->w.start = NULL;
	if (c->ifopt_due && !c->in_ifopt)
		send_iftable(c);
}

/* The interface table's options records, in messages of their own right
 * after the message that carried their template. */
static void send_iftable(struct collector *c)
{
	const struct exporter *ex = c->ex;
	const struct setfmt *fm = fmt_of(c);
	size_t rec = template_record_len(&tmpl_iftable), i;
	struct export_if ifc;
	uint32_t ifindex;

	c->in_ifopt = true;
	c->ifopt_due = false;
	for (i = 0;; i++) {
		memset(&ifc, 0, sizeof(ifc));
		if (!ex->ifenum(ex->ifname_ctx, i, &ifindex, &ifc))
			break;
		if (!c->w.start)
			msg_begin(c);
		if (!c->set_hdr || c->set_id != ifopt_id(c)) {
			if (rec + 4 + (fm->pad ? 3 : 0) > wbuf_room(&c->w)) {
				setmsg_flush(c);
				msg_begin(c);
			}
			set_close(c);
			set_open(c, ifopt_id(c));
		} else if (rec + (fm->pad ? 3 : 0) > wbuf_room(&c->w)) {
			setmsg_flush(c);
			msg_begin(c);
			set_open(c, ifopt_id(c));
		}
		put_be32(&c->w, ex->cfg.domain_id);
		put_be32(&c->w, ifindex);
		put_strn(&c->w, ifc.name, ie_table[IE_interfaceName].len);
		put_strn(&c->w,
			 ifc.descr && ifc.descr[0] ? ifc.descr : ifc.name,
			 ie_table[IE_interfaceDescription].len);
		c->nrec++;
		c->ndata++;
		c->stats.options_records++;
	}
	setmsg_flush(c);
	c->in_ifopt = false;
}

static void setmsg_add(struct collector *c, const struct export_rec *r)
{
	const struct setfmt *fm = fmt_of(c);
	const struct template_def *t = r->tmpl; /* IPv4/IPv6: exporter_flow */
	uint16_t id = r->tmpl_id;
	size_t need;

	need = template_record_len(t) + (fm->pad ? 3 : 0);
	if (!c->w.start)
		msg_begin(c);
	/* the interface names go before the first record that uses them */
	if (c->ifopt_due && !c->in_ifopt && c->ex->ifenum) {
		send_iftable(c);
		msg_begin(c);
	}
	if (!c->set_hdr || c->set_id != id)
		need += 4 + (fm->pad ? 3 : 0);
	if (need > wbuf_room(&c->w)) {
		setmsg_flush(c);
		msg_begin(c);
	}
	if (!c->set_hdr || c->set_id != id) {
		set_close(c);
		set_open(c, id);
	}
	record_encode(&c->w, t, r, c->ex);
	c->nrec++;
	c->ndata++;
	c->stats.data_records++;
}

/* A message of the templates and options alone (a new TCP connection). */
static void setmsg_templates(struct collector *c)
{
	c->tmpl_sent = false;
	msg_begin(c);
	setmsg_flush(c);
}

size_t export_templates_len(const struct export_cfg *cfg)
{
	const struct setfmt *fm = cfg->version == 9 ? &fmt_v9 : &fmt_ipfix;
	const struct template_def *o = &tmpl_sysinit;
	size_t n, i, j;

	if (cfg->version == 5)
		return 0;
	n = fm->hdr_len + 4 + 3; /* header, template set, pad */
	for (i = 0; i < cfg->ntmpl; i++) {
		n += 4;
		for (j = 0; j < cfg->tmpl[i]->nelem; j++)
			n += ie_table[cfg->tmpl[i]->elem[j]].pen ? 8 : 4;
	}
	if (fm->options) /* options template + record */
		n += 4 + 6 + 4 * o->nelem + 4 + template_record_len(o);
	n += 4 + 6 + 4 * tmpl_iftable.nelem + 4; /* interface table */
	return n;
}

const struct export_ops export_v9_ops = {
	.name = "v9",
	.add = setmsg_add,
	.flush = setmsg_flush,
};

const struct export_ops export_ipfix_ops = {
	.name = "ipfix",
	.add = setmsg_add,
	.flush = setmsg_flush,
	.templates = setmsg_templates,
};
