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
	bool metered;	 /* this build fills every element truly */
	uint8_t nelem;
	const uint8_t *elem; /* enum ie_index values */
};

extern const struct template_def template_defs[];
extern const size_t template_ndefs;

/* The predefined template called name, or NULL. */
const struct template_def *template_find(const char *name);

/* The predefined name closest to name (edit distance), for messages. */
const char *template_closest(const char *name);

/* Octets of one data record of t. */
size_t template_record_len(const struct template_def *t);

#endif
