/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * views_bgp.h - `show bgp summary` and `show ip bgp ADDRESS` (issue 17),
 * rendered from the speaker itself: the control socket is served by the
 * thread that runs the speaker, so nothing changes while they render.
 */
#ifndef XFLOWD_VIEWS_BGP_H
#define XFLOWD_VIEWS_BGP_H

#include "views.h"

/* A control_bgp_fn: ctx is the struct bgp_speaker. */
void view_bgp(void *ctx, const struct view_req *rq, struct vbuf *b);

#endif
