/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_bgp.h - the `bgp` block of xflowd.conf(5) (issue 17): one block
 * without a name, read apart from the named blocks' settings tables.
 */
#ifndef XFLOWD_CONFIG_BGP_H
#define XFLOWD_CONFIG_BGP_H

#include <stdio.h>

#include "config_int.h"

/* A 'bgp' line in the first column. */
void cfg_bgp_begin(struct cfg_parser *p, unsigned int no, char **tok, int ntok);
/* An indented line under it. */
void cfg_bgp_setting(struct cfg_parser *p, unsigned int no, char **tok,
		     int ntok);
/* What the block must have, checked once the file is read. */
void cfg_bgp_check(struct cfg_parser *p);
/* The block as config_dump writes it (nothing without one). */
void cfg_bgp_dump(const struct config *cfg, FILE *f);

#endif
