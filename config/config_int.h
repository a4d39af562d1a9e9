/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_int.h - what the parts of the configuration parser share:
 * config.c reads lines and fills blocks, config_check.c resolves the
 * references and validates, config_dump.c writes and compares.
 */
#ifndef XFLOWD_CONFIG_INT_H
#define XFLOWD_CONFIG_INT_H

#include "config.h"

#define CFG_MAX_TOKENS 16 /* words in a line */
#define CFG_MAX_KW 24	  /* settings of one kind of block */

/* What the validation needs of a block beyond struct cfg_*: the line of
 * each setting and, for some kinds, the names it refers to. */
struct cfg_mon_aux {
	char ref[CFG_MAX_MON_FORMATS][CFG_NAME_MAX]; /* template, record */
	int nexp;
	unsigned int exp_line[CFG_MAX_MON_EXPORTERS];
	char exp[CFG_MAX_MON_EXPORTERS][CFG_NAME_MAX]; /* exporter names */
	char sampler[CFG_NAME_MAX];
};

struct cfg_rec_aux {
	int nelem; /* elements as written, keys and not mixed */
	uint8_t elem[CFG_MAX_RECORD_ELEMS];
	bool key[CFG_MAX_RECORD_ELEMS];
	unsigned int elem_line[CFG_MAX_RECORD_ELEMS];
};

struct cfg_if_aux {
	char mon[CFG_NDIR][CFG_NAME_MAX]; /* monitor names */
};

struct cfg_aux {
	unsigned int header_line;
	bool damaged; /* had an error: its omissions are not reported */
	uint8_t full; /* FULL_*: a list over its limit, reported once */
	unsigned int kwline[CFG_MAX_KW]; /* 0: not given */
	struct cfg_mon_aux *m;		 /* monitors */
	struct cfg_rec_aux *r;		 /* records */
	struct cfg_if_aux *i;		 /* interfaces */
};

#define FULL_LIST 1	 /* a record's elements, a monitor's formats */
#define FULL_EXPORTERS 2 /* a monitor's exporters */

/* Setting indices into cfg_aux.kwline, per kind of block. */
enum {
	KW_DESCRIPTION = 0, /* every kind */
	KWE_DESTINATION = 1,
	KWE_TRANSPORT,
	KWE_SOURCE_PORT,
	KWE_PROTOCOL,
	KWE_DOMAIN,
	KWE_REFRESH_S,
	KWE_REFRESH_P,
	KWE_MTU,
	KWE_RESOLVE,
	KWE_OPT_IFTABLE, /* option X, in enum export_option's order */
	KWE_OPT_STATS,
	KWE_OPT_SAMPLER,
	KWE_NO_IFTABLE, /* no option X, the same */
	KWE_NO_STATS,
	KWE_NO_SAMPLER,
	KWE_SOURCE,
	KWE_AS,
	KWE_RATE_LIMIT,
	KWE_DSCP,
	KWE_TTL,
	KWE_END, /* the number of exporter settings */
	KWS_MODE = 1,
	KWR_MATCH = 1,
	KWR_COLLECT,
	KWM_TEMPLATE = 1,
	KWM_RECORD,
	KWM_ENTRIES,
	KWM_ACTIVE,
	KWM_INACTIVE,
	KWM_EXPORTER,
	KWM_SAMPLER,
	KWI_MONITOR = 1,
	KWI_CAPTURE,
	KWI_PROMISC,
};
_Static_assert(KWE_END <= CFG_MAX_KW, "CFG_MAX_KW holds every exporter "
				      "setting");

enum cfg_kind {
	BLK_NONE, /* before the first block */
	BLK_EXPORTER,
	BLK_SAMPLER,
	BLK_RECORD,
	BLK_MONITOR,
	BLK_INTERFACE,
	BLK_SKIP, /* after an unknown keyword: its settings are ignored */
	BLK_BGP,  /* the bgp block (config_bgp.c) */
};

struct cfg_parser {
	struct config *cfg;
	struct config_errors *err;
	bool stop; /* CFG_MAX_ERRORS reached */

	/* the block being read: kept in cfg at idx, or checked and dropped
	 * (idx -1: a bad name, a duplicate, one too many) */
	enum cfg_kind kind;
	int idx;
	void *blk;
	struct cfg_aux *aux;
	unsigned int blk_line;
	union {
		struct cfg_exporter e;
		struct cfg_sampler s;
		struct cfg_record r;
		struct cfg_monitor m;
		struct cfg_interface i;
	} scratch;
	struct cfg_aux scratch_aux;
	/* the kind-specific parts; the last of each is the scratch block's */
	struct cfg_mon_aux mon_x[CFG_MAX_MONITORS + 1];
	struct cfg_rec_aux rec_x[CFG_MAX_RECORDS + 1];
	struct cfg_if_aux if_x[CFG_MAX_INTERFACES + 1];
	struct cfg_aux exp[CFG_MAX_EXPORTERS];
	struct cfg_aux smp[CFG_MAX_SAMPLERS];
	struct cfg_aux rec[CFG_MAX_RECORDS];
	struct cfg_aux mon[CFG_MAX_MONITORS];
	struct cfg_aux ifc[CFG_MAX_INTERFACES];
};

/* Report an error at line (1-based) of the file being parsed. */
void cfg_error(struct cfg_parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * s made fit for a message: at most 40 octets (cut at a character) and
 * '...' after a cut. Returns buf.
 */
const char *cfg_quote(const char *s, char *buf, size_t size);

/* Optimal string alignment distance, ignoring case; names up to 63. */
size_t cfg_distance(const char *a, const char *b);

/* Is d small enough for "did you mean" of candidate c? */
bool cfg_close(size_t d, const char *c);

/* The up to n of cand[0..ncand) close to s, best first, into out;
 * returns how many. */
int cfg_closest(const char *s, const char *const *cand, int ncand,
		const char **out, int n);

/* w[0..n) as a message says them: "a", "a or b", "a, b or c"; buf. */
const char *cfg_or_list(const char *const *w, int n, char *buf, size_t len);

/* Resolve references, fill defaults, check what involves several lines. */
void cfg_check(struct cfg_parser *p);

#endif
