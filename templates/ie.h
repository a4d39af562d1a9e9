/* SPDX-License-Identifier: BSD-2-Clause */
/* ie.h - the one table of information elements (see ie.def). */
#ifndef XFLOWD_IE_H
#define XFLOWD_IE_H

#include <stddef.h>
#include <stdint.h>

enum ie_type { U8, U16, U32, U64, IPV4, IPV6, MAC, STR, MSEC };
enum ie_use { KEY, VAL, OPT };
/* What else xflowd knows of an element (ie.def says which). */
enum ie_fact {
	FACT_ROUTE = 1,	   /* from the routing table when exported */
	FACT_MEASURED = 2, /* measured over the packets: never a key */
	FACT_FIRST = 4,	   /* a key that may be collected (first packet's) */
	FACT_ADDR4 = 8,	   /* an IPv4 flow address */
	FACT_ADDR6 = 16,   /* an IPv6 flow address */
	FACT_TUN4 = 32,	   /* an IPv4 tunnel endpoint */
	FACT_TUN6 = 64,	   /* an IPv6 tunnel endpoint */
	FACT_PPPAC = 128,  /* a PPP session's (pppac) */
};

/* IE_<name>: index of an element in ie_table. */
enum ie_index {
#define IE(name, pen, id, type, len, use, facts, fnf) IE_##name,
#include "ie.def"
#undef IE
	IE_COUNT
};

struct ie {
	const char *name;
	uint32_t pen; /* 0 for IANA elements */
	uint16_t id;
	uint16_t len; /* fixed length on the wire */
	enum ie_type type;
	enum ie_use use;
	unsigned int facts; /* enum ie_fact bits */
	const char *fnf;    /* Flexible NetFlow's name, or NULL */
};

extern const struct ie ie_table[IE_COUNT];

/* The element called name, or NULL. */
const struct ie *ie_by_name(const char *name);

/* Levenshtein distance of two names, case-insensitive, for "did you
 * mean" messages; names of 63 characters or more are 64 apart. */
size_t ie_edit_distance(const char *a, const char *b);

/* Its index in ie_table, or -1. */
int ie_find(const char *name);

/*
 * The up to n element names closest to name (edit distance, then order),
 * for "did you mean" messages; returns how many were written to out.
 */
int ie_closest(const char *name, const char **out, int n);

/* Does element ie (enum ie_index) have fact f (enum ie_fact)? */
static inline int ie_has(unsigned int ie, enum ie_fact f)
{
	return ie < IE_COUNT && (ie_table[ie].facts & f) != 0;
}

/* The words IOS prints for element ie, or NULL where FNF has none. */
const char *ie_fnf_name(unsigned int ie);

/* The element FNF calls words (exactly, lower case), or -1. */
int ie_fnf_find(const char *words);

/* Up to n of the spellings IOS takes (every element's name, then the
 * other spellings), for "did you mean" messages; how many were written. */
int ie_fnf_spellings(const char **out, int n);

#endif
