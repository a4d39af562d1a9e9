// SPDX-License-Identifier: BSD-2-Clause
/*
 * optset.c - the template sets and the options records of NetFlow v9
 * (RFC 3954) and IPFIX (RFC 7011): the data templates as sent, one table
 * of the options templates (their ids are their rows), and the records,
 * each written by walking its template, as record.c does for flows.
 * Which of them goes when is sched.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "setmsg.h"

#define V9_SCOPE_SYSTEM 1 /* RFC 3954 §6.1 scope field types */
/* NetFlow v9 FLOW_SAMPLER_MODE / SAMPLING_ALGORITHM values */
#define V9_SMP_DETERMINISTIC 1
#define V9_SMP_RANDOM 2
/* RFC 5475 §6.1 selectorAlgorithm values */
#define PSAMP_SYSTEMATIC_COUNT 1
#define PSAMP_RANDOM_N_OF_N 3

/* clang-format off */
#define T(n, a) { .name = n, .nelem = sizeof(a), .elem = a }
/* clang-format on */

/*
 * Every options template has its scope first: in IPFIX that element
 * (RFC 7011 §3.4.2.2: scope field count 1), in v9 the System scope in
 * its place (RFC 3954 §6.1), four octets either way: the domain id.
 *
 * The sysUpTime origin, so collectors can turn flowStart/EndSysUpTime
 * into absolute times (RFC 7011 §4 / RFC 5102 systemInitTimeMilli-
 * seconds). Scope: the observation domain.
 */
static const uint8_t e_sysinit[] = { IE_observationDomainId,
				     IE_systemInitTimeMilliseconds };

/*
 * The interface table, as Cisco's "options interface-table" sends it:
 * ingressInterface, interfaceName (82) and interfaceDescription (83: the
 * alias, or the name when there is none), so that collectors can name the
 * ingressInterface of every flow. nfdump reads the pair (10, 83).
 */
static const uint8_t e_iftable[] = { IE_observationDomainId,
				     IE_ingressInterface, IE_interfaceName,
				     IE_interfaceDescription };

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
static const uint8_t e_smp_v9[] = { IE_observationDomainId, IE_samplerId,
				    IE_samplerMode, IE_samplerRandomInterval,
				    IE_samplingAlgorithm };
static const uint8_t e_smp_det[] = { IE_selectorId, IE_selectorAlgorithm,
				     IE_samplingPacketInterval,
				     IE_samplingPacketSpace,
				     IE_samplingAlgorithm };
static const uint8_t e_smp_rnd[] = {
	IE_selectorId,	       IE_selectorAlgorithm, IE_samplingSize,
	IE_samplingPopulation, IE_samplingAlgorithm, IE_samplerRandomInterval
};
static const uint8_t e_interval[] = { IE_observationDomainId,
				      IE_samplingInterval };

/*
 * Statistics, RFC 7011 §4.1-4.3: three options templates and their
 * records, in a message of their own (so that they never crowd the
 * templates out of the MTU); when, sched.c says. (v9: the System scope;
 * TOTAL_BYTES_EXP, TOTAL_PKTS_EXP, TOTAL_FLOWS_EXP are 40-42.)
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
 * would be read as 1970). Each kind has both templates, rows of their own.
 */
static const uint8_t e_st_meter[] = { IE_observationDomainId,
				      IE_exportedMessageTotalCount,
				      IE_exportedFlowRecordTotalCount,
				      IE_exportedOctetTotalCount,
				      IE_observedFlowTotalCount };
static const uint8_t e_st_ignored[] = { IE_observationDomainId,
					IE_ignoredPacketTotalCount,
					IE_ignoredOctetTotalCount,
					IE_flowStartMilliseconds,
					IE_flowEndMilliseconds };
static const uint8_t e_st_notsent[] = {
	IE_exportingProcessId,	    IE_notSentFlowTotalCount,
	IE_notSentPacketTotalCount, IE_notSentOctetTotalCount,
	IE_flowStartMilliseconds,   IE_flowEndMilliseconds
};

static const struct template_def t_sysinit = T("system-init-time", e_sysinit);
static const struct template_def t_iftable = T("interface-table", e_iftable);
static const struct template_def t_smp_v9 = T("sampler-table-v9", e_smp_v9);
static const struct template_def t_smp_det =
	T("selector-deterministic", e_smp_det);
static const struct template_def t_smp_rnd = T("selector-random", e_smp_rnd);
static const struct template_def t_interval =
	T("sampling-interval", e_interval);
static const struct template_def t_st_meter =
	T("metering-statistics", e_st_meter);
static const struct template_def t_st_ignored =
	T("metering-reliability", e_st_ignored);
static const struct template_def t_st_notsent =
	T("exporting-reliability", e_st_notsent);
/* the same without the times (the first elements of each) */
static const struct template_def t_st_ignored_untimed = {
	.name = "metering-reliability-untimed",
	.nelem = 3,
	.elem = e_st_ignored,
};
static const struct template_def t_st_notsent_untimed = {
	.name = "exporting-reliability-untimed",
	.nelem = 4,
	.elem = e_st_notsent,
};

/* The sampler's variants of a row: v9, IPFIX deterministic, random. */
enum { VAR_V9, VAR_DET, VAR_RND, VARS };
/* clang-format off */
#define ALL(t) { &t, &t, &t }
/* clang-format on */

/* The options templates; their ids are 256 + ntmpl + row. */
static const struct opt_tmpl {
	const struct template_def *t[VARS];
	int opt;	 /* enum export_option switching it, or -1 */
	bool ipfix_only; /* v9 has the header's sysUpTime instead */
} opt_tmpls[OPT_ROWS] = {
	[OPT_ROW_SYSINIT] = { ALL(t_sysinit), -1, true },
	[OPT_ROW_IFTABLE] = { ALL(t_iftable), EXPORT_OPT_IFTABLE, false },
	[OPT_ROW_SAMPLER] = { { &t_smp_v9, &t_smp_det, &t_smp_rnd },
			      EXPORT_OPT_SAMPLER,
			      false },
	[OPT_ROW_INTERVAL] = { ALL(t_interval), EXPORT_OPT_SAMPLER, false },
	[OPT_ROW_ST_METER] = { ALL(t_st_meter), EXPORT_OPT_STATS, false },
	[OPT_ROW_ST_IGNORED] = { ALL(t_st_ignored), EXPORT_OPT_STATS, false },
	[OPT_ROW_ST_NOTSENT] = { ALL(t_st_notsent), EXPORT_OPT_STATS, false },
	[OPT_ROW_ST_IGNORED_UNTIMED] = { ALL(t_st_ignored_untimed),
					 EXPORT_OPT_STATS, false },
	[OPT_ROW_ST_NOTSENT_UNTIMED] = { ALL(t_st_notsent_untimed),
					 EXPORT_OPT_STATS, false },
};

bool optset_sampling(const struct export_cfg *cfg)
{
	return cfg->sampling.mode != SAMPLER_NONE &&
	       !export_fixed(cfg->version);
}

static const struct template_def *row_tmpl(const struct export_cfg *cfg,
					   enum opt_row row)
{
	int v = cfg->version == 9			      ? VAR_V9
		: cfg->sampling.mode == SAMPLER_DETERMINISTIC ? VAR_DET
							      : VAR_RND;

	return opt_tmpls[row].t[v];
}

static uint16_t row_id(const struct collector *c, enum opt_row row)
{
	return (uint16_t)(256 + c->ex->cfg.ntmpl + row);
}

/* Does c send the template of row (and its records)? */
static bool row_on(const struct collector *c, enum opt_row row)
{
	const struct opt_tmpl *o = &opt_tmpls[row];

	if (o->ipfix_only && !setfmt_of(c->ex->cfg.version)->options)
		return false;
	return o->opt < 0 || export_option_on(c, (enum export_option)o->opt);
}

const struct template_def *optset_data_tmpl(struct exporter *ex, size_t i)
{
	const struct template_def *t = ex->cfg.tmpl[i];
	struct template_def *v = &ex->smp_tmpl[i];

	if (!optset_sampling(&ex->cfg))
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
		if (!optset_sampling(&ex->cfg))
			return false;
		break;
	default:
		break;
	}
	return !ex->cfg.opt[k].off;
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

static void put_data_template(struct collector *c, const struct template_def *t,
			      uint16_t id)
{
	size_t i;

	put_be16(&c->w, id);
	put_be16(&c->w, t->nelem);
	for (i = 0; i < t->nelem; i++)
		put_field(&c->w, &ie_table[t->elem[i]], c->ex->cfg.version);
	c->nrec++;
	c->stats.templates++;
}

/* The options template of row, in a set of its own: with two options
 * templates in one set, nfacctd 1.7.7 lost the data records of the
 * message. RFC 7011 §3.4.2.2: id, field count, scope field count;
 * RFC 3954 §6.1: scope and option lengths in octets. */
static void put_opt_template(struct collector *c, enum opt_row row)
{
	const struct setfmt *fm = setfmt_of(c->ex->cfg.version);
	const struct template_def *t = row_tmpl(&c->ex->cfg, row);
	struct wbuf *w = &c->w;
	size_t i;

	set_open(c, fm->opt_set_id);
	put_be16(w, row_id(c, row));
	if (fm->version == 9) {
		put_be16(w, 4);
		put_be16(w, (uint16_t)(4 * (t->nelem - 1)));
		put_be16(w, V9_SCOPE_SYSTEM);
		put_be16(w, 4);
	} else {
		put_be16(w, t->nelem);
		put_be16(w, 1);
		put_field(w, &ie_table[t->elem[0]], fm->version);
	}
	for (i = 1; i < t->nelem; i++)
		put_field(w, &ie_table[t->elem[i]], fm->version);
	c->nrec++;
	c->stats.templates++;
	set_close(c);
}

/* What an options record says besides the configuration and counters. */
struct opt_vals {
	const struct export_meter_stats *ms;
	uint64_t first_ns, last_ns; /* the row's first and last time */
	uint32_t ifindex;	    /* the interface table's */
	const struct export_if *ifc;
};

/* The value of options element ie for c. */
static void put_opt_value(struct collector *c, unsigned int ie,
			  const struct opt_vals *v)
{
	const struct export_cfg *cfg = &c->ex->cfg;
	const struct export_sampling *s = &cfg->sampling;
	const struct collector_stats *st = &c->stats;
	bool det = s->mode == SAMPLER_DETERMINISTIC;
	struct wbuf *w = &c->w;

	switch (ie) {
	case IE_observationDomainId:
	case IE_exportingProcessId: /* one per domain: the domain id */
		put_be32(w, cfg->domain_id);
		break;
	case IE_systemInitTimeMilliseconds:
		put_be64(w, c->ex->base_ns / 1000000);
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
	case IE_ingressInterface:
		put_be32(w, v->ifindex);
		break;
	case IE_interfaceName:
		put_strn(w, v->ifc->name, ie_table[ie].len);
		break;
	case IE_interfaceDescription:
		put_strn(w,
			 v->ifc->descr && v->ifc->descr[0] ? v->ifc->descr
							   : v->ifc->name,
			 ie_table[ie].len);
		break;
	case IE_exportedMessageTotalCount:
		put_be64(w, st->messages - st->dropped_messages);
		break;
	case IE_exportedFlowRecordTotalCount:
		put_be64(w, st->data_records - st->dropped_records);
		break;
	case IE_exportedOctetTotalCount:
		put_be64(w, st->octets - st->dropped_message_octets);
		break;
	case IE_observedFlowTotalCount:
		put_be64(w, v->ms->observed_flows);
		break;
	case IE_ignoredPacketTotalCount:
		put_be64(w, v->ms->ignored_packets);
		break;
	case IE_ignoredOctetTotalCount:
		put_be64(w, v->ms->ignored_octets);
		break;
	case IE_notSentFlowTotalCount:
		put_be64(w, st->dropped_records + st->refused_records +
				    st->paced_records);
		break;
	case IE_notSentPacketTotalCount:
		put_be64(w, st->dropped_packets + st->refused_packets +
				    st->paced_packets);
		break;
	case IE_notSentOctetTotalCount:
		put_be64(w, st->dropped_octets + st->refused_octets +
				    st->paced_octets);
		break;
	case IE_flowStartMilliseconds:
		put_be64(w, v->first_ns / 1000000);
		break;
	case IE_flowEndMilliseconds:
		put_be64(w, v->last_ns / 1000000);
		break;
	default:
		put_zero(w, ie_table[ie].len);
		break;
	}
}

/* One options record of row: its template walked, the scope first. */
static void put_opt_record(struct collector *c, enum opt_row row,
			   const struct opt_vals *v)
{
	const struct template_def *t = row_tmpl(&c->ex->cfg, row);
	size_t i;

	for (i = 0; i < t->nelem; i++)
		put_opt_value(c, t->elem[i], v);
	c->nrec++;
	c->ndata++;
	c->stats.options_records++;
}

/* The options record of row in a set of its own. */
static void put_opt_set(struct collector *c, enum opt_row row,
			const struct opt_vals *v)
{
	set_open(c, row_id(c, row));
	put_opt_record(c, row, v);
	set_close(c);
}

static void put_sampler_records(struct collector *c)
{
	const struct opt_vals v = { 0 };

	put_opt_set(c, OPT_ROW_SAMPLER, &v);
	put_opt_set(c, OPT_ROW_INTERVAL, &v);
}

void optset_templates(struct collector *c)
{
	const struct setfmt *fm = setfmt_of(c->ex->cfg.version);
	size_t i;
	int row;

	set_open(c, fm->tmpl_set_id);
	for (i = 0; i < c->ex->cfg.ntmpl; i++)
		put_data_template(c, optset_data_tmpl(c->ex, i),
				  (uint16_t)(256 + i));
	set_close(c);
	/* the options templates sent with the data templates, then their
	 * records; the statistics' go with the statistics */
	for (row = 0; row < OPT_ROW_ST_METER; row++)
		if (row_on(c, (enum opt_row)row))
			put_opt_template(c, (enum opt_row)row);
	optset_sysinit(c);
	if (row_on(c, OPT_ROW_SAMPLER))
		put_sampler_records(c);
}

void optset_sysinit(struct collector *c)
{
	const struct opt_vals v = { 0 };

	if (row_on(c, OPT_ROW_SYSINIT))
		put_opt_set(c, OPT_ROW_SYSINIT, &v);
}

void optset_sampler(struct collector *c)
{
	put_opt_template(c, OPT_ROW_SAMPLER);
	put_opt_template(c, OPT_ROW_INTERVAL);
	put_sampler_records(c);
}

void optset_stats_templates(struct collector *c)
{
	int row;

	for (row = OPT_ROW_ST_METER; row < OPT_ROWS; row++)
		put_opt_template(c, (enum opt_row)row);
}

void optset_stats(struct collector *c)
{
	const struct exporter *ex = c->ex;
	struct export_meter_stats ms = { 0 };
	struct opt_vals v = { .ms = &ms };

	if (ex->meterstats)
		ex->meterstats(ex->meterstats_ctx, &ms);
	put_opt_set(c, OPT_ROW_ST_METER, &v);
	/* the times only once there are some */
	v.first_ns = ms.ignored_first_ns;
	v.last_ns = ms.ignored_last_ns;
	put_opt_set(
		c, v.first_ns ? OPT_ROW_ST_IGNORED : OPT_ROW_ST_IGNORED_UNTIMED,
		&v);
	v.first_ns = c->stats.notsent_first_ns;
	v.last_ns = c->stats.notsent_last_ns;
	put_opt_set(
		c, v.first_ns ? OPT_ROW_ST_NOTSENT : OPT_ROW_ST_NOTSENT_UNTIMED,
		&v);
}

size_t optset_iftable_need(const struct collector *c)
{
	return set_need(c, row_id(c, OPT_ROW_IFTABLE),
			template_record_len(&t_iftable));
}

bool optset_iftable_more(const struct collector *c, size_t i)
{
	const struct exporter *ex = c->ex;
	struct export_if ifc;
	uint32_t ifindex;

	memset(&ifc, 0, sizeof(ifc));
	return ex->ifenum && ex->ifenum(ex->ifname_ctx, i, &ifindex, &ifc);
}

bool optset_iftable_put(struct collector *c, size_t i)
{
	const struct exporter *ex = c->ex;
	uint16_t id = row_id(c, OPT_ROW_IFTABLE);
	struct export_if ifc;
	struct opt_vals v = { .ifc = &ifc };

	memset(&ifc, 0, sizeof(ifc));
	if (!ex->ifenum || !ex->ifenum(ex->ifname_ctx, i, &v.ifindex, &ifc))
		return false;
	if (!c->set_hdr || c->set_id != id)
		set_open(c, id);
	put_opt_record(c, OPT_ROW_IFTABLE, &v);
	return true;
}

/* With the interface table's option on, whatever is set: ex's interfaces
 * are not known when a configuration is checked. */
static bool no_interfaces(void *ctx, size_t i, uint32_t *ifindex,
			  struct export_if *out)
{
	(void)ctx, (void)i, (void)ifindex, (void)out;
	return false;
}

/* With times in both reliability records: the longer templates. */
static void some_ignored(void *ctx, struct export_meter_stats *out)
{
	(void)ctx;
	out->ignored_first_ns = out->ignored_last_ns = 1;
}

/*
 * The longest message of templates: the template refresh, or the
 * statistics (a message of their own), measured by writing them into a
 * scratch collector with the encoders that send them.
 */
size_t export_templates_len(const struct export_cfg *cfg)
{
	struct scratch {
		struct exporter ex;
		struct collector c;
	} * s;
	size_t n, st = 0;

	if (export_fixed(cfg->version))
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return EXPORT_MAX_MSG; /* then nothing fits: refused */
	s->ex.cfg = *cfg;
	s->ex.ifenum = no_interfaces;
	s->ex.meterstats = some_ignored;
	s->c.ex = &s->ex;
	s->c.maxlen = EXPORT_MAX_MSG;
	s->c.stats.notsent_first_ns = 1;
	msg_begin(&s->c);
	optset_templates(&s->c);
	set_close(&s->c);
	n = wbuf_len(&s->c.w);
	if (export_option_on(&s->c, EXPORT_OPT_STATS)) {
		msg_begin(&s->c);
		optset_stats_templates(&s->c);
		optset_stats(&s->c);
		st = wbuf_len(&s->c.w);
	}
	free(s);
	return n > st ? n : st;
}
