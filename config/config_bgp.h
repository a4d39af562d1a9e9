/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_bgp.h - the `bgp` block of xflowd.conf(5) (issue 17): one block
 * without a name, read apart from the named blocks' settings tables.
 */
#ifndef XFLOWD_CONFIG_BGP_H
#define XFLOWD_CONFIG_BGP_H

#include <stdio.h>

#include "config_int.h"

/*
 * The bgp settings, one function each for both front ends (the bgp block
 * and the --bgp-* options), with settings.h's limits: b changed and 0, or
 * b untouched and -1 with what is wrong in err ("local-as '0': expected
 * ..."), which the caller prefixes with where it was given.
 */
int bgp_set_local_as(struct bgp_cfg *b, const char *s, char *err, size_t len);
int bgp_set_router_id(struct bgp_cfg *b, const char *s, char *err, size_t len);
/* port NULL: keep b's */
int bgp_set_listen(struct bgp_cfg *b, const char *addr, const char *port,
		   char *err, size_t len);
int bgp_add_neighbor(struct bgp_cfg *b, const char *addr, const char *as,
		     char *err, size_t len);
int bgp_set_hold(struct bgp_cfg *b, const char *s, char *err, size_t len);
int bgp_set_stale(struct bgp_cfg *b, const char *s, char *err, size_t len);
int bgp_set_wait(struct bgp_cfg *b, const char *s, char *err, size_t len);

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
