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

/*
 * The sampler, announced with every template refresh, so collectors know
 * it before the first data record they must scale up. Two options
 * records, each with a template of its own:
 * - the sampler table. v9: Cisco's FLOW_SAMPLER_ID 48, FLOW_SAMPLER_MODE
 *   49, FLOW_SAMPLER_RANDOM_INTERVAL 50 with SAMPLING_ALGORITHM 35, scope
 *   System. IPFIX: RFC 5477's selector report interpretation, scope
 *   selectorId (302): selectorAlgorithm (304) and samplingPacketInterval
 *   and samplingPacketSpace (305/306) for systematic count-based
 *   selection, or samplingSize and samplingPopulation (309/310) for random
 *   n-out-of-N; then samplingAlgorithm 35 (and samplerRandomInterval 50)
 *   for collectors that know only those.
 * - the interval alone: SAMPLING_INTERVAL / samplingInterval (34), scope
 *   the exporter (v9 System, IPFIX observationDomainId). nfdump 1.7.1
 *   scales counters only from an options template holding 34 without 35,
 *   or 306 without a sampler id and algorithm: with anything more it
 *   ignores the sampler (seen on its Debian 12 build).
 * Data records carry the sampler id: FLOW_SAMPLER_ID (v9), selectorId.
 */
static const uint8_t opt_smp_v9[] = { IE_samplerId, IE_samplerMode,
				      IE_samplerRandomInterval,
				      IE_samplingAlgorithm };
static const uint8_t opt_smp_det[] = { IE_selectorId, IE_selectorAlgorithm,
				       IE_samplingPacketInterval,
				       IE_samplingPacketSpace,
				       IE_samplingAlgorithm };
static const uint8_t opt_smp_rnd[] = {
	IE_selectorId,	       IE_selectorAlgorithm, IE_samplingSize,
	IE_samplingPopulation, IE_samplingAlgorithm, IE_samplerRandomInterval
};
static const uint8_t opt_smp_int_v9[] = { IE_samplingInterval };
static const uint8_t opt_smp_int[] = { IE_observationDomainId,
				       IE_samplingInterval };
static const struct template_def tmpl_smp[] = {
	{ .name = "sampler-table-v9", .nelem = 4, .elem = opt_smp_v9 },
	{ .name = "selector-deterministic", .nelem = 5, .elem = opt_smp_det },
	{ .name = "selector-random", .nelem = 6, .elem = opt_smp_rnd },
	{ .name = "sampling-interval-v9", .nelem = 1, .elem = opt_smp_int_v9 },
	{ .name = "sampling-interval", .nelem = 2, .elem = opt_smp_int },
};
#define SMP_TABLES 2 /* options records per sampler */
/* NetFlow v9 FLOW_SAMPLER_MODE / SAMPLING_ALGORITHM values */
#define V9_SMP_DETERMINISTIC 1
#define V9_SMP_RANDOM 2
/* RFC 5475 §6.1 selectorAlgorithm values */
#define PSAMP_SYSTEMATIC_COUNT 1
#define PSAMP_RANDOM_N_OF_N 3

/*
 * Statistics, RFC 7011 §4.1-4.3: three options templates, each in a set of
 * its own, and their records, in a message of their own (so that they
 * never crowd the templates out of the MTU): after each template refresh
 * but the first message to a collector (there is nothing to report yet),
 * and at exit after the last data (exporter_drain). The templates come in
 * the same message whenever the data templates were sent since (every
 * UDP refresh, every TCP connection). The element first in each is the
 * scope (v9, RFC 3954 §6.1: the System
 * instead; its TOTAL_BYTES_EXP, TOTAL_PKTS_EXP, TOTAL_FLOWS_EXP are 40-42).
 * - metering process statistics (§4.1), scope the observation domain:
 *   messages, flow records and octets sent to this collector before the
 *   message that carries them, and the flows observed;
 * - metering process reliability (§4.2): packets observed but not
 *   accounted in a flow (malformed, no template fits them, lost by the
 *   capture), their octets where known, and the times of the first and the
 *   last as flowStart/EndMilliseconds (§4.2 names those elements);
 * - exporting process reliability (§4.3), scope exportingProcessId (one
 *   exporting process per observation domain: the domain id): flow
 *   records dropped before the kernel or refused by the collector's host,
 *   the packets and octets they accounted, the times of the first and the
 *   last. The packet clock in files, like every other time.
 * Until a packet was ignored (a record dropped) there is no first and last
 * time: the reliability records then go out in a template without them
 * (§4.2 and §4.3 say the templates SHOULD hold the times; a time of 0
 * would be read as 1970). Each kind has both templates, ids of their own.
 */
static const uint8_t opt_st_meter[] = { IE_observationDomainId,
					IE_exportedMessageTotalCount,
					IE_exportedFlowRecordTotalCount,
					IE_exportedOctetTotalCount,
					IE_observedFlowTotalCount };
static const uint8_t opt_st_ignored[] = { IE_observationDomainId,
					  IE_ignoredPacketTotalCount,
					  IE_ignoredOctetTotalCount,
					  IE_flowStartMilliseconds,
					  IE_flowEndMilliseconds };
static const uint8_t opt_st_notsent[] = {
	IE_exportingProcessId,	    IE_notSentFlowTotalCount,
	IE_notSentPacketTotalCount, IE_notSentOctetTotalCount,
	IE_flowStartMilliseconds,   IE_flowEndMilliseconds
};
static const struct template_def tmpl_stats[] = {
	{ .name = "metering-statistics", .nelem = 5, .elem = opt_st_meter },
	{ .name = "metering-reliability", .nelem = 5, .elem = opt_st_ignored },
	{ .name = "exporting-reliability", .nelem = 6, .elem = opt_st_notsent },
	/* the same without the times (the first elements of each) */
	{ .name = "metering-reliability-untimed",
	  .nelem = 3,
	  .elem = opt_st_ignored },
	{ .name = "exporting-reliability-untimed",
	  .nelem = 4,
	  .elem = opt_st_notsent },
};
#define ST_TABLES 5  /* templates */
#define ST_RECORDS 3 /* records: statistics and two reliability */
#define ST_UNTIMED 2 /* template k + ST_UNTIMED: record k without times */

static bool sampling(const struct export_cfg *cfg)
{
	return cfg->sampling.mode != SAMPLER_NONE &&
	       !export_fixed(cfg->version);
}

/* The sampler's options template k (0: table, 1: interval) for cfg. */
static const struct template_def *smp_tmpl_of(const struct export_cfg *cfg,
					      int k)
{
	if (k == 1)
		return &tmpl_smp[cfg->version == 9 ? 3 : 4];
	if (cfg->version == 9)
		return &tmpl_smp[0];
	return cfg->sampling.mode == SAMPLER_DETERMINISTIC ? &tmpl_smp[1]
							   : &tmpl_smp[2];
}

/*
 * The data template i as sent: while sampling, the configured one with
 * the sampler id appended, built once into the exporter. Both the
 * template set and record_encode() walk it.
 */
static const struct template_def *data_tmpl(struct exporter *ex, size_t i)
{
	const struct template_def *t = ex->cfg.tmpl[i];
	struct template_def *v = &ex->smp_tmpl[i];

	if (!sampling(&ex->cfg))
		return t;
	if (!v->elem) {
		*v = *t;
		memcpy(ex->smp_elem[i], t->elem, t->nelem);
		ex->smp_elem[i][t->nelem] =
			ex->cfg.version == 9 ? IE_samplerId : IE_selectorId;
		v->elem = ex->smp_elem[i];
		v->nelem = (uint8_t)(t->nelem + 1);
	}
	return v;
}

const char *export_option_name(int k)
{
	static const char *const name[EXPORT_OPT_N] = {
		[EXPORT_OPT_IFTABLE] = "interface-table",
		[EXPORT_OPT_STATS] = "exporter-stats",
		[EXPORT_OPT_SAMPLER] = "sampler-table",
	};

	return k >= 0 && k < EXPORT_OPT_N ? name[k] : "?";
}

bool export_option_on(const struct collector *c, enum export_option k)
{
	const struct exporter *ex = c->ex;

	switch (k) {
	case EXPORT_OPT_IFTABLE:
		if (!ex->ifenum)
			return false;
		break;
	case EXPORT_OPT_SAMPLER:
		if (!sampling(&ex->cfg))
			return false;
		break;
	default:
		break;
	}
	return !ex->cfg.opt[k].off;
}

static uint16_t opt_id(const struct collector *c)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl);
}

static uint16_t ifopt_id(const struct collector *c)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl + 1);
}

static uint16_t smpopt_id(const struct collector *c, int k)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl + 2 + k);
}

static uint16_t stopt_id(const struct collector *c, int k)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl + 2 + SMP_TABLES + k);
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

/* The sampler's options templates, each in a set of its own (below). */
static void put_smp_templates(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	size_t i;
	int k;

	for (k = 0; k < SMP_TABLES; k++) {
		const struct template_def *t = smp_tmpl_of(&c->ex->cfg, k);

		set_open(c, fm->opt_set_id);
		put_be16(&c->w, smpopt_id(c, k));
		if (fm->version == 9) {
			/* RFC 3954 §6.1: lengths in octets; scope System */
			put_be16(&c->w, 4);
			put_be16(&c->w, (uint16_t)(4 * t->nelem));
			put_be16(&c->w, V9_SCOPE_SYSTEM);
			put_be16(&c->w, 4);
		} else {
			/* the first element is the scope */
			put_be16(&c->w, t->nelem);
			put_be16(&c->w, 1);
		}
		for (i = 0; i < t->nelem; i++)
			put_field(&c->w, &ie_table[t->elem[i]], fm->version);
		c->nrec++;
		c->stats.templates++;
		set_close(c);
	}
}

/* An options template whose first element is the scope, in a set of its
 * own (v9: the System scope in its place). */
static void put_opt_template(struct collector *c, const struct template_def *t,
			     uint16_t id)
{
	const struct setfmt *fm = fmt_of(c);
	size_t i;

	set_close(c);
	set_open(c, fm->opt_set_id);
	put_be16(&c->w, id);
	if (fm->version == 9) {
		/* RFC 3954 §6.1: scope and option lengths in octets */
		put_be16(&c->w, 4);
		put_be16(&c->w, (uint16_t)(4 * (t->nelem - 1)));
		put_be16(&c->w, V9_SCOPE_SYSTEM);
		put_be16(&c->w, 4);
	} else {
		put_be16(&c->w, t->nelem);
		put_be16(&c->w, 1);
		put_field(&c->w, &ie_table[t->elem[0]], fm->version);
	}
	for (i = 1; i < t->nelem; i++)
		put_field(&c->w, &ie_table[t->elem[i]], fm->version);
	c->nrec++;
	c->stats.templates++;
	set_close(c);
}

static void put_stats_templates(struct collector *c)
{
	int k;

	for (k = 0; k < ST_TABLES; k++)
		put_opt_template(c, &tmpl_stats[k], stopt_id(c, k));
}

/* The statistics options records (above), as of now. */
static void put_stats_records(struct collector *c)
{
	const struct exporter *ex = c->ex;
	const struct collector_stats *st = &c->stats;
	struct export_meter_stats ms = { 0 };
	struct wbuf *w = &c->w;
	int k;

	if (ex->meterstats)
		ex->meterstats(ex->meterstats_ctx, &ms);
	for (k = 0; k < ST_RECORDS; k++) {
		/* the times only once there are some */
		bool untimed = (k == 1 && !ms.ignored_first_ns) ||
			       (k == 2 && !st->notsent_first_ns);

		set_close(c);
		set_open(c, stopt_id(c, untimed ? k + ST_UNTIMED : k));
		put_be32(w, ex->cfg.domain_id); /* the scope, any of them */
		switch (k) {
		case 0:
			put_be64(w, st->messages - st->dropped_messages);
			put_be64(w, st->data_records - st->dropped_records);
			put_be64(w, st->octets - st->dropped_message_octets);
			put_be64(w, ms.observed_flows);
			break;
		case 1:
			put_be64(w, ms.ignored_packets);
			put_be64(w, ms.ignored_octets);
			if (untimed)
				break;
			put_be64(w, ms.ignored_first_ns / 1000000);
			put_be64(w, ms.ignored_last_ns / 1000000);
			break;
		default:
			put_be64(w, st->dropped_records + st->refused_records +
					    st->paced_records);
			put_be64(w, st->dropped_packets + st->refused_packets +
					    st->paced_packets);
			put_be64(w, st->dropped_octets + st->refused_octets +
					    st->paced_octets);
			if (untimed)
				break;
			put_be64(w, st->notsent_first_ns / 1000000);
			put_be64(w, st->notsent_last_ns / 1000000);
			break;
		}
		c->nrec++;
		c->ndata++;
		c->stats.options_records++;
		set_close(c);
	}
	c->opt_sent_ns[EXPORT_OPT_STATS] = ex->now_ns;
}

/* The value of a sampler options element for cfg. */
static void put_smp_value(struct wbuf *w, unsigned ie,
			  const struct export_cfg *cfg)
{
	const struct export_sampling *s = &cfg->sampling;
	bool det = s->mode == SAMPLER_DETERMINISTIC;

	switch (ie) {
	case IE_observationDomainId:
		put_be32(w, cfg->domain_id);
		break;
	case IE_samplerId:
		put_u8(w, export_sampler_id(s));
		break;
	case IE_selectorId:
		put_be64(w, export_sampler_id(s));
		break;
	case IE_samplerMode:
	case IE_samplingAlgorithm:
		put_u8(w, det ? V9_SMP_DETERMINISTIC : V9_SMP_RANDOM);
		break;
	case IE_selectorAlgorithm:
		put_u8(w, det ? PSAMP_SYSTEMATIC_COUNT : PSAMP_RANDOM_N_OF_N);
		break;
	case IE_samplerRandomInterval:
	case IE_samplingInterval:
	case IE_samplingPopulation:
		put_be32(w, s->interval);
		break;
	case IE_samplingPacketInterval:
	case IE_samplingSize:
		put_be32(w, 1); /* 1 packet selected ... */
		break;
	case IE_samplingPacketSpace:
		put_be32(w, s->interval - 1); /* ... then N - 1 passed over */
		break;
	default:
		put_zero(w, ie_table[ie].len);
		break;
	}
}

/* The sampler's options records, after their templates. */
static void put_smp_records(struct collector *c)
{
	const struct export_cfg *cfg = &c->ex->cfg;
	size_t i;
	int k;

	for (k = 0; k < SMP_TABLES; k++) {
		const struct template_def *t = smp_tmpl_of(cfg, k);

		set_open(c, smpopt_id(c, k));
		if (cfg->version == 9)
			put_be32(&c->w, cfg->domain_id); /* scope System */
		for (i = 0; i < t->nelem; i++)
			put_smp_value(&c->w, t->elem[i], cfg);
		c->nrec++;
		c->ndata++;
		c->stats.options_records++;
		set_close(c);
	}
	c->opt_sent_ns[EXPORT_OPT_SAMPLER] = c->ex->now_ns;
	c->smp_due = false;
}

/* The sysUpTime origin's options record (its template already sent). */
static void put_sysinit(struct collector *c)
{
	set_open(c, opt_id(c));
	put_be32(&c->w, c->ex->cfg.domain_id);
	put_be64(&c->w, c->ex->base_ns / 1000000);
	c->nrec++;
	c->ndata++;
	c->stats.options_records++;
	set_close(c);
	c->base_due = false;
}

static void put_options(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);

	/* RFC 7011 §3.4.2.2: id, field count, scope field count; each in a
	 * set of its own: with both options templates in one set, nfacctd
	 * 1.7.7 lost the data records of the message */
	if (fm->options)
		put_opt_template(c, &tmpl_sysinit, opt_id(c));
	if (export_option_on(c, EXPORT_OPT_IFTABLE)) {
		put_opt_template(c, &tmpl_iftable, ifopt_id(c));
		c->ifopt_due = true;
	}
	set_close(c);
	if (export_option_on(c, EXPORT_OPT_SAMPLER))
		put_smp_templates(c);

	if (fm->options)
		put_sysinit(c);
	if (export_option_on(c, EXPORT_OPT_SAMPLER))
		put_smp_records(c);
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
			put_template(c, data_tmpl(c->ex, i),
				     (uint16_t)(256 + i));
		set_close(c);
		put_options(c);
		/* nothing to report in the first message: its timeout
		 * counts from there */
		c->st_due = c->stats.messages > 0 &&
			    export_option_on(c, EXPORT_OPT_STATS);
		if (!c->opt_sent_ns[EXPORT_OPT_STATS])
			c->opt_sent_ns[EXPORT_OPT_STATS] = c->ex->now_ns;
		c->st_tmpl = true;
		c->tmpl_sent = true;
		c->tmpl_sent_ns = c->ex->now_ns;
		c->msgs_since_tmpl = 0;
	}
	/* the time base moved (exporter.c): announced before any record
	 * in it; v9 has no options record for it, its header says it */
	if (c->base_due && fm->options)
		put_sysinit(c);
	c->base_due = false;
}

static void send_iftable(struct collector *c);
static void send_stats(struct collector *c);
static void send_smp(struct collector *c);

static void setmsg_flush(struct collector *c)
{
	const struct setfmt *fm = fmt_of(c);
	const struct exporter *ex = c->ex;
	uint8_t *h = c->buf;
	uint64_t now = ex->now_ns;

	if (!c->w.start || wbuf_len(&c->w) <= fm->hdr_len) {
		/* nothing buffered: still due, options records */
		if (!c->tmpl_sent || c->in_ifopt || c->in_stats)
			return;
		if (c->ifopt_due && export_option_on(c, EXPORT_OPT_IFTABLE))
			send_iftable(c);
		if (c->smp_due)
			send_smp(c);
		if (c->st_due)
			send_stats(c);
		return;
	}
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
	c->msgs_since_tmpl++;
	c->nrec = 0;
	c->ndata = 0;
	wbuf_init(&c->w, c->buf, 0);
	c->w.start = NULL;
	if (c->in_ifopt || c->in_stats)
		return;
	if (c->ifopt_due && export_option_on(c, EXPORT_OPT_IFTABLE))
		send_iftable(c);
	if (c->smp_due)
		send_smp(c);
	if (c->st_due)
		send_stats(c);
}

/* The statistics options records (and their templates, when due) in a
 * message of their own; no message may be open. */
static void send_stats(struct collector *c)
{
	c->in_stats = true;
	c->st_due = false;
	msg_begin(c);
	if (c->st_tmpl)
		put_stats_templates(c);
	c->st_tmpl = false;
	put_stats_records(c);
	setmsg_flush(c);
	c->in_stats = false;
}

/* The sampler's options records (their timeout), with their templates, in
 * a message of their own; no message may be open. */
static void send_smp(struct collector *c)
{
	c->in_stats = true;
	msg_begin(c);
	if (c->smp_due) { /* else msg_begin's template refresh sent them */
		set_close(c);
		put_smp_templates(c);
		put_smp_records(c);
	}
	setmsg_flush(c);
	c->in_stats = false;
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
	c->opt_sent_ns[EXPORT_OPT_IFTABLE] = ex->now_ns;
}

static void setmsg_add(struct collector *c, const struct export_rec *r)
{
	const struct setfmt *fm = fmt_of(c);
	/* chosen by exporter_flow; as sent, with the sampler id */
	const struct template_def *t =
		sampling(&c->ex->cfg) ? data_tmpl(c->ex, r->tmpl_id - 256u)
				      : r->tmpl;
	uint16_t id = r->tmpl_id;
	size_t need;

	need = template_record_len(t) + (fm->pad ? 3 : 0);
	/* a message begun (empty) before the time base moved: begin anew,
	 * with the new base announced */
	if (c->base_due && c->w.start) {
		setmsg_flush(c);
		c->w.start = NULL;
	}
	if (!c->w.start)
		msg_begin(c);
	/* the interface names go before the first record that uses them */
	if (c->ifopt_due && !c->in_ifopt &&
	    export_option_on(c, EXPORT_OPT_IFTABLE)) {
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
	c->npkts += r->f->packets;
	c->noct += r->f->octets;
	c->stats.data_records++;
}

/* At exit: the statistics options records in a message of their own,
 * after everything else (with the templates, if they are due). */
static void setmsg_stats(struct collector *c)
{
	setmsg_flush(c);
	if (!export_option_on(c, EXPORT_OPT_STATS))
		return;
	if (!c->tmpl_sent) {
		/* nothing sent yet: the templates first, alone */
		msg_begin(c);
		setmsg_flush(c);
	}
	send_stats(c);
}

/* A message of the templates and options alone (a new TCP connection). */
static void setmsg_templates(struct collector *c)
{
	c->tmpl_sent = false;
	msg_begin(c);
	setmsg_flush(c);
}

bool export_options_due(struct collector *c)
{
	const struct exporter *ex = c->ex;
	bool due = false;
	int k;

	if (!c->tmpl_sent)
		return false; /* the first message sends them all */
	for (k = 0; k < EXPORT_OPT_N; k++) {
		uint32_t t = ex->cfg.opt[k].timeout_s;

		if (!t || !export_option_on(c, (enum export_option)k) ||
		    ex->now_ns < c->opt_sent_ns[k] + (uint64_t)t * NS)
			continue;
		if (k == EXPORT_OPT_IFTABLE)
			c->ifopt_due = true;
		else if (k == EXPORT_OPT_SAMPLER)
			c->smp_due = true;
		else
			c->st_due = true;
		/* not again before the records went */
		c->opt_sent_ns[k] = ex->now_ns;
		due = true;
	}
	return due;
}

size_t export_templates_len(const struct export_cfg *cfg)
{
	const struct setfmt *fm = cfg->version == 9 ? &fmt_v9 : &fmt_ipfix;
	const struct template_def *o = &tmpl_sysinit;
	size_t n, st, i, j;
	int k;

	if (export_fixed(cfg->version))
		return 0;
	n = fm->hdr_len + 4 + 3; /* header, template set, pad */
	for (i = 0; i < cfg->ntmpl; i++) {
		n += 4;
		for (j = 0; j < cfg->tmpl[i]->nelem; j++)
			n += ie_table[cfg->tmpl[i]->elem[j]].pen ? 8 : 4;
		if (sampling(cfg)) /* the sampler id */
			n += 4;
	}
	if (fm->options) /* options template + record */
		n += 4 + 6 + 4 * o->nelem + 4 + template_record_len(o);
	n += 4 + 6 + 4 * tmpl_iftable.nelem + 4; /* interface table */
	for (k = 0; sampling(cfg) && k < SMP_TABLES; k++) {
		/* options template (v9: and its scope), record, pads */
		const struct template_def *s = smp_tmpl_of(cfg, k);

		n += 4 + 6 + 4 * s->nelem + 4 + 3;
		n += 4 + template_record_len(s) + 4 + 3;
	}
	/* the statistics go in a message of their own: it must fit too */
	st = fm->hdr_len;
	for (k = 0; k < ST_TABLES; k++)
		st += 4 + 6 + 4 * tmpl_stats[k].nelem + 3 + 4 +
		      template_record_len(&tmpl_stats[k]) + 3;
	return n > st ? n : st;
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
