/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * setmsg.h - what the NetFlow v9 and IPFIX message code shares: the
 * framing of messages and sets (setmsg.c), the templates and options
 * records (optset.c) and the schedule deciding which set goes next
 * (sched.c).
 */
#ifndef XFLOWD_SETMSG_H
#define XFLOWD_SETMSG_H

#include "export.h"

/* How v9 and IPFIX messages differ. */
struct setfmt {
	uint16_t version;
	uint16_t hdr_len;
	uint16_t tmpl_set_id; /* v9: 0, IPFIX: 2 */
	uint16_t opt_set_id;  /* v9: 1, IPFIX: 3 */
	bool pad;	      /* RFC 3954 §5.3: pad sets to 4 */
	bool options;	      /* send the systemInitTime options */
};

const struct setfmt *setfmt_of(int version);

/* ---- setmsg.c: messages and sets ---- */

/* Begin a message in c->w: its header, patched when it is sent. */
void msg_begin(struct collector *c);
/* Has the message nothing but its header? */
bool msg_empty(const struct collector *c);
/* Send the message (count, sequence, header), or forget an empty one. */
void msg_send(struct collector *c);
/* Open a set of id (closing the one open); close the open set (padded). */
void set_open(struct collector *c, uint16_t id);
void set_close(struct collector *c);
/* Octets a record of len needs in set id, with the set header and
 * padding when the open set is another. */
size_t set_need(const struct collector *c, uint16_t id, size_t len);

/* ---- optset.c: the templates and the options records ---- */

/*
 * The options templates, one row of optset.c's table each: a template's
 * id is 256 + the number of data templates + its row.
 */
enum opt_row {
	OPT_ROW_SYSINIT,  /* systemInitTimeMilliseconds (IPFIX) */
	OPT_ROW_IFTABLE,  /* the interface table */
	OPT_ROW_SAMPLER,  /* the sampler table (v9 Cisco, RFC 5477) */
	OPT_ROW_INTERVAL, /* the sampling interval alone */
	OPT_ROW_ST_METER, /* RFC 7011 §4.1-4.3 statistics */
	OPT_ROW_ST_IGNORED,
	OPT_ROW_ST_NOTSENT,
	OPT_ROW_ST_IGNORED_UNTIMED, /* the same without the times */
	OPT_ROW_ST_NOTSENT_UNTIMED,
	OPT_ROWS
};

/* Is cfg sampling, announced by v9 or IPFIX? */
bool optset_sampling(const struct export_cfg *cfg);
/* The data template i as sent (while sampling: with the sampler id). */
const struct template_def *optset_data_tmpl(struct exporter *ex, size_t i);

/* A template refresh: the data templates, every options template sent
 * with them, then their records (systemInitTime, the sampler). */
void optset_templates(struct collector *c);
/* The systemInitTimeMilliseconds record (IPFIX; v9: nothing). */
void optset_sysinit(struct collector *c);
/* The sampler's options templates and records. */
void optset_sampler(struct collector *c);
/* The statistics' options templates; their records, as of now. */
void optset_stats_templates(struct collector *c);
void optset_stats(struct collector *c);
/* The octets of one interface-table record (with its set id). */
size_t optset_iftable_need(const struct collector *c);
/* Is there an interface-table record at i? */
bool optset_iftable_more(const struct collector *c, size_t i);
/* Write interface-table record i (false: none, the table ended). */
bool optset_iftable_put(struct collector *c, size_t i);

/* ---- sched.c: what goes next ---- */

/* What a collector is asked to do. */
enum sched_req {
	SCHED_RECORD,	 /* a data record: what must go first, then it */
	SCHED_FLUSH,	 /* send what is buffered, then the options owed */
	SCHED_TEMPLATES, /* a message of the templates alone, then the same */
};

/* Write and send c's sets until req is done; r: the record of
 * SCHED_RECORD (with its template t as sent), else NULL. */
void sched_run(struct collector *c, enum sched_req req,
	       const struct export_rec *r, const struct template_def *t);

#endif
