/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_ios_int.h - what the parts of the IOS dialect share: the reader's
 * state (config_ios.c), the Flexible NetFlow sub-modes (config_ios_fnf.c),
 * the interfaces and traditional NetFlow (config_ios_trad.c).
 */
#ifndef XFLOWD_CONFIG_IOS_INT_H
#define XFLOWD_CONFIG_IOS_INT_H

#include "config_blocks.h"
#include "config_ios.h"

#define IOS_MAX_TOKENS 32
#define IOS_MAX_DEST 8	  /* ip flow-export destination lines */
#define IOS_MAX_ATTACH 64 /* ip flow monitor M sampler S lines */
#define TRAD_MONITOR "ip-flow"
#define TRAD6_MONITOR "ipv6-flow"

/* traditional NetFlow's two families, each its own cache as in IOS */
enum ios_family {
	IOS_IPV4,
	IOS_IPV6,
	IOS_NFAMILY,
};

enum ios_mode {
	M_EXEC,
	M_GLOBAL,
	M_OTHER, /* a sub-mode not about flows: its lines are skipped */
	M_IF,
	M_RECORD,
	M_EXPORTER,
	M_MONITOR,
	M_SAMPLER,
};

struct ios_dest {
	char host[CFG_HOST_MAX];
	char port[8];
	unsigned int line;
};

struct ios_attach {
	char monitor[CFG_NAME_MAX];
	char sampler[CFG_NAME_MAX];
	unsigned int line;
};

/* 'ip flow-export ...' and 'ip flow-cache ...' (or their ipv6 forms) */
struct ios_trad {
	int version;
	unsigned int version_line;
	/* ip flow-export version 5|9 origin-as|peer-as bgp-nexthop */
	uint8_t as; /* enum export_as */
	bool bgp_nexthop;
	char source[CFG_NAME_MAX]; /* ip flow-export source: a Linux name */
	unsigned int source_line;
	int ndest;
	struct ios_dest dest[IOS_MAX_DEST];
	unsigned int refresh_p, refresh_min, active_min, inactive_s, entries;
	unsigned int refresh_p_line, refresh_min_line, active_line,
		inactive_line, entries_line;
	bool used;
	unsigned int line; /* the first interface line using it */
};

struct ios_state {
	enum ios_mode mode;
	char banner; /* inside a banner up to this delimiter, or 0 */
	/* the interface of M_IF: bound when a flow command needs it */
	char ifname[CFG_NAME_MAX];
	unsigned int if_line;
	int ifidx; /* in cfg.interface, or -1 */
	int blk;   /* the FNF block of the sub-mode, or -1 after an error */
	/* traditional NetFlow: [IOS_IPV4] ip flow..., [IOS_IPV6] ipv6 flow... */
	struct ios_trad trad[IOS_NFAMILY];
	/* per interface (index in cfg.interface) and direction: the
	 * families metered (bit 1 << enum ios_family), and the line that
	 * made it both */
	uint8_t trad_on[CFG_MAX_INTERFACES][CFG_NDIR];
	unsigned int both_line[CFG_MAX_INTERFACES][CFG_NDIR];
	int nattach;
	struct ios_attach attach[IOS_MAX_ATTACH];
};

/* Is tok an abbreviation IOS takes of word: at least min letters of it? */
bool ios_ab(const char *tok, const char *word, size_t min);

/* A flow command xflowd does not do: name it and what to do instead. */
void ios_unsupported(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok, const char *why);

/* v as a whole number in [min, max] into *out; 0, or -1 after an error. */
int ios_number(struct cfg_parser *p, unsigned int no, const char *what,
	       const char *v, unsigned long min, unsigned long max,
	       unsigned int *out);

/* Call the setting idx of the current block with values v[0..nv). */
void ios_setting(struct cfg_parser *p, int idx, unsigned int no, char **v,
		 int nv);

/* IOS sends an option only where the exporter says 'option X'. */
void ios_options_off(struct cfg_parser *p);

/* Enter the block of kind called name (made if new) for its sub-mode. */
bool ios_open_block(struct cfg_parser *p, struct ios_state *st,
		    enum cfg_kind kind, const char *name, unsigned int no);

/* Make the block of the current FNF sub-mode current again. */
bool ios_reopen(struct cfg_parser *p, struct ios_state *st, enum cfg_kind kind);

/* A command of a flow record, exporter, monitor or sampler sub-mode. */
void ios_record_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		    int ntok);
void ios_exporter_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		      int ntok);
void ios_monitor_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok);
void ios_sampler_cmd(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok);

/* no|default SETTING in the current FNF block: IOS's default again. */
void ios_undo_cmd(struct cfg_parser *p, unsigned int no, char **tok, int ntok);

/*
 * The record made for IOS's predefined record called words ("netflow ipv4
 * original-input"), made now if need be (the current block then is that
 * record); its name, or NULL if IOS has no such record here.
 */
const char *ios_predefined_record(struct cfg_parser *p, const char *words,
				  unsigned int no);

/*
 * Traditional NetFlow v9's record with IOS's 'origin-as|peer-as' (the
 * source and destination AS) and 'bgp-nexthop' (the BGP next hop) added to
 * netflow ipv4 (ipv6: v6) original-input's fields; its name, or NULL after
 * an error.
 */
const char *ios_trad_v9_record(struct cfg_parser *p, bool v6, bool as,
			       bool nexthop, unsigned int no);

/* A command in interface mode: true if it was about flows. */
bool ios_if_cmd(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		char **tok, int ntok);

/* ip|ipv6 flow-export ..., ip|ipv6 flow-cache ... (tok[0] says which) */
void ios_flow_export(struct cfg_parser *p, struct ios_state *st,
		     unsigned int no, char **tok, int ntok);
void ios_flow_cache(struct cfg_parser *p, struct ios_state *st, unsigned int no,
		    char **tok, int ntok);

/* At the end: traditional NetFlow's monitor and exporters. */
void ios_traditional(struct cfg_parser *p, struct ios_state *st);

#endif
