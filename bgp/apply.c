// SPDX-License-Identifier: BSD-2-Clause
/*
 * apply.c - an UPDATE applied to a RIB (see apply.h).
 */
#include "apply.h"

#include <errno.h>

/* Every prefix of c announced with a, or withdrawn when a is NULL. */
static int walk(struct rib *r, struct bgp_cur c, enum bgp_af af,
		struct bgp_attr *a, struct rib_apply_stats *st)
{
	struct bgp_prefix p;
	int rc = 0;

	while (bgp_prefix_next(&c, af, &p) > 0) {
		if (a && rib_update(r, &p, a) == 0) {
			st->announced++;
			continue;
		}
		if (a) {
			st->nomem++;
			rc = -ENOMEM;
		}
		rib_withdraw(r, &p);
		st->withdrawn++;
	}
	return rc;
}

/* The interned attributes of u for routes of family af (or NULL). */
static struct bgp_attr *intern(struct rib *r, const struct bgp_attrs *at,
			       enum bgp_af af)
{
	if (af == BGP_AF_IPV6)
		return bgp_attr_intern(
			r->attrs, at->has_nexthop6 ? BGP_AF_IPV6 : BGP_AF_NONE,
			at->nexthop6, at->path, at->path_len);
	return bgp_attr_intern(r->attrs,
			       at->has_nexthop4 ? BGP_AF_IPV4 : BGP_AF_NONE,
			       at->nexthop4, at->path, at->path_len);
}

int rib_apply(struct rib *r, const struct bgp_update *u,
	      enum bgp_update_action act, struct rib_apply_stats *st)
{
	bool withdraw = act != BGP_UPD_OK;
	struct bgp_attr *a = NULL;
	int rc = 0;

	st->updates++;
	st->attrs_discarded += u->discarded;
	if (withdraw)
		st->treat_as_withdraw++;
	walk(r, u->withdrawn, BGP_AF_IPV4, NULL, st);
	if (u->mp_unreach_af != BGP_AF_NONE)
		walk(r, u->mp_unreach, u->mp_unreach_af, NULL, st);
	if (bgp_cur_left(&u->nlri) > 0) {
		if (!withdraw && !(a = intern(r, &u->attrs, BGP_AF_IPV4))) {
			st->nomem++;
			rc = -ENOMEM;
		}
		if (walk(r, u->nlri, BGP_AF_IPV4, a, st))
			rc = -ENOMEM;
		bgp_attr_put(r->attrs, a);
		a = NULL;
	}
	if (u->mp_reach_af != BGP_AF_NONE && bgp_cur_left(&u->mp_reach) > 0) {
		if (!withdraw && !(a = intern(r, &u->attrs, u->mp_reach_af))) {
			st->nomem++;
			rc = -ENOMEM;
		}
		if (walk(r, u->mp_reach, u->mp_reach_af, a, st))
			rc = -ENOMEM;
		bgp_attr_put(r->attrs, a);
	}
	return rc;
}
