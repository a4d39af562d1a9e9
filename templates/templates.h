/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * templates.h - predefined templates (../shared/spec/templates.md).
 * A template is a const array of ie_index; the template-set encoder and the
 * data-record encoder both walk it, so the two cannot disagree.
 */
#ifndef XFLOWD_TEMPLATES_H
#define XFLOWD_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ie.h"

struct template_def {
	const char *name;
	uint8_t ipver;	/* IP version of the flow it describes */
	uint8_t tunnel; /* 0, or the outer IP version of a tunnel */
	bool pppac;
	bool enterprise; /* holds PEN 770 elements: IPFIX only */
	uint8_t nelem;
	const uint8_t *elem; /* enum ie_index values */
	/* bit i: element i is a key ("match"); 0: every element that can
	 * be a key is one (the predefined templates) */
	uint64_t keymask;
};

extern const struct template_def template_defs[];
extern const size_t template_ndefs;

/* The predefined template called name, or NULL. */
const struct template_def *template_find(const char *name);

/* The predefined name closest to name (edit distance), for messages. */
const char *template_closest(const char *name);

/*
 * A user-defined template (Cisco Flexible NetFlow's "record"): key
 * ("match") elements, then non-key ("collect") ones, by IE name; built
 * into a template_def like the predefined ones. Its IP version, tunnel
 * version and pppac flag follow from the address elements it holds.
 */
#define TEMPLATE_MAX_ELEM 64
struct template_user {
	struct template_def def;
	char name[32];
	uint8_t elem[TEMPLATE_MAX_ELEM];
};

/* Build u from element names; -1 with a message (the closest names to a
 * misspelt one) in err. */
int template_build(struct template_user *u, const char *name,
		   const char *const *match, size_t nmatch,
		   const char *const *collect, size_t ncollect, char *err,
		   size_t errlen);

/* The same from "NAME:KEY,KEY,.../VALUE,VALUE,..." (the --record option). */
int template_parse(struct template_user *u, const char *spec, char *err,
		   size_t errlen);

/* Octets of one data record of t. */
size_t template_record_len(const struct template_def *t);

#endif
