/* SPDX-License-Identifier: BSD-2-Clause */
/* link.h - link-layer headers in front of IP, one entry per pcap DLT. */
#ifndef XFLOWD_LINK_H
#define XFLOWD_LINK_H

#include "parse.h"

/* Strip one link header at c->pos and parse what follows into pi. */
typedef int (*link_parse_fn)(struct parse_cursor *c, struct pkt_info *pi);

struct linktype {
	int dlt; /* pcap DLT_* value */
	const char *name;
	link_parse_fn parse;
};

/* The entry for a DLT, or NULL when xflowd cannot meter that link type. */
const struct linktype *link_lookup(int dlt);

#endif
