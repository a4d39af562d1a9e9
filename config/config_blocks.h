/* SPDX-License-Identifier: BSD-2-Clause */
/* config_blocks.h - the blocks of xflowd.conf(5) and their settings. */
#ifndef XFLOWD_CONFIG_BLOCKS_H
#define XFLOWD_CONFIG_BLOCKS_H

#include "config_int.h"

#define FIRST_BLK BLK_EXPORTER
#define LAST_BLK BLK_INTERFACE

struct kw;
typedef void (*kw_set)(struct cfg_parser *p, const struct kw *kw,
		       unsigned int no, char **v, int nv);

/* One setting of a kind of block. */
struct kw {
	const char *words; /* "cache timeout active" */
	const char *usage; /* as messages show it */
	uint8_t idx;	   /* in cfg_aux.kwline */
	uint8_t min, max;  /* values after the words */
	bool repeat;
	kw_set set;
	/* a number (set_number): its range, offset and width in the block */
	unsigned long long lo, hi;
	size_t off;
	uint8_t width;
};

struct blk_def {
	const char *word; /* "exporter" */
	const struct kw *kw;
	int nkw;
};

/* The settings of each kind, indexed by enum cfg_kind (config_set.c). */
extern const struct blk_def cfg_blocks[LAST_BLK + 1];

/* 1 to 63 letters, digits, '-', '_' or '.' */
bool cfg_good_name(const char *s);

/* What Linux takes as an interface name, in printable ASCII. */
bool cfg_good_ifname(const char *s);

/* A line in the first column: the header of a new block. */
void blocks_begin(struct cfg_parser *p, unsigned int no, char **tok, int ntok);

/* An indented line: a setting of the current block. */
void blocks_setting(struct cfg_parser *p, unsigned int no, char **tok,
		    int ntok);

/*
 * Make the block of kind called name (a good name) the current one, a new
 * one with its defaults if there is none yet: IOS enters the same block
 * again. Returns 0, or -1 after an error (too many blocks).
 */
int blocks_open(struct cfg_parser *p, enum cfg_kind kind, const char *name,
		unsigned int no);

/*
 * Add element ie to the current record as a key (match) or not (collect);
 * shown is its name in messages. Errors name line no.
 */
void cfg_record_add(struct cfg_parser *p, unsigned int no, int ie,
		    const char *shown, bool key);

/* A record's 'match ELEMENT...' and 'collect ELEMENT...' lines
 * (config_record.c). */
void cfg_set_match(struct cfg_parser *p, const struct kw *kw, unsigned int no,
		   char **v, int nv);
void cfg_set_collect(struct cfg_parser *p, const struct kw *kw, unsigned int no,
		     char **v, int nv);

/* The keyword of a block kind, for messages: "exporter". */
const char *blocks_word(enum cfg_kind kind);

#endif
