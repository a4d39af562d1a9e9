/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apply.h - an UPDATE applied to a neighbor's RIB: withdrawals first,
 * then the announcements with their interned attributes, or, when RFC
 * 7606 says treat-as-withdraw, the announcements withdrawn too.
 */
#ifndef XFLOWD_BGP_APPLY_H
#define XFLOWD_BGP_APPLY_H

#include <stdint.h>

#include "msg.h"
#include "rib.h"

/* What UPDATEs did to a RIB; counters shown by `show bgp summary`. */
struct rib_apply_stats {
	uint64_t updates, announced, withdrawn;
	uint64_t treat_as_withdraw, attrs_discarded, nomem;
};

/*
 * rib_apply() - applies a parsed UPDATE (act from bgp_update_parse, not
 * BGP_UPD_RESET) to r. Returns 0, or -ENOMEM when a route could not be
 * stored (that prefix is withdrawn rather than left with old attributes).
 */
int rib_apply(struct rib *r, const struct bgp_update *u,
	      enum bgp_update_action act, struct rib_apply_stats *st);

#endif
