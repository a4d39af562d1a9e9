/* SPDX-License-Identifier: BSD-2-Clause */
/* ie.h - the one table of information elements (see ie.def). */
#ifndef XFLOWD_IE_H
#define XFLOWD_IE_H

#include <stddef.h>
#include <stdint.h>

enum ie_type { U8, U16, U32, U64, IPV4, IPV6, MAC, STR, MSEC };
enum ie_use { KEY, VAL, OPT };

/* IE_<name>: index of an element in ie_table. */
enum ie_index {
#define IE(name, pen, id, type, len, use) IE_##name,
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

/* Flexible NetFlow's words for an element ("ipv4 source address"). */
struct ie_fnf {
	const char *words;
	unsigned int ie; /* enum ie_index */
};

/* Every spelling IOS takes, the one it prints first for each element. */
extern const struct ie_fnf ie_fnf_table[];
extern const int ie_fnf_count;

/* The words IOS prints for element ie, or NULL where FNF has none. */
const char *ie_fnf_name(unsigned int ie);

/* The element FNF calls words (exactly, lower case), or -1. */
int ie_fnf_find(const char *words);

#endif
