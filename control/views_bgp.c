// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_bgp.c - the BGP views: the neighbors as IOS's `show bgp summary`
 * lists them, and the route xflowd would use for an address.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "../bgp/speaker.h"
#include "views_bgp.h"

static void uptime(char *out, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000;

	snprintf(out, len, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600,
		 s / 60 % 60, s % 60);
}

/* A JSON member "name":value for each counter, in order. */
static void json_u64(struct vbuf *b, const char *name, uint64_t v)
{
	vb_printf(b, ",\"%s\":%" PRIu64, name, v);
}

static void json_neighbor(struct vbuf *b, const struct bgp_neighbor_info *ni,
			  bool comma)
{
	vb_printf(b, "%s{\"address\":\"%s\",\"remote_as\":%u", comma ? "," : "",
		  ni->addr, ni->remote_as);
	vb_printf(b, ",\"state\":\"%s\"", bgp_state_name(ni->state));
	json_u64(b, "state_s", ni->since_ms / 1000);
	json_u64(b, "prefixes_ipv4", ni->prefixes4);
	json_u64(b, "prefixes_ipv6", ni->prefixes6);
	vb_printf(b, ",\"end_of_rib_ipv4\":%s,\"end_of_rib_ipv6\":%s",
		  ni->eor4 ? "true" : "false", ni->eor6 ? "true" : "false");
	json_u64(b, "messages", ni->msgs_in);
	json_u64(b, "sessions", ni->sessions);
	json_u64(b, "updates", ni->upd.updates);
	json_u64(b, "treat_as_withdraw", ni->upd.treat_as_withdraw);
	json_u64(b, "attributes_discarded", ni->upd.attrs_discarded);
	json_u64(b, "malformed", ni->malformed);
	json_u64(b, "notifications_in", ni->notifications_in);
	json_u64(b, "notifications_out", ni->notifications_out);
	vb_puts(b, "}");
}

static void summary(const struct bgp_speaker *sp, struct vbuf *b, bool json)
{
	const struct bgp_cfg *c = bgp_speaker_cfg(sp);
	char id[16], up[32];
	int i, n = bgp_speaker_neighbors(sp);

	snprintf(id, sizeof(id), "%u.%u.%u.%u", c->router_id >> 24,
		 c->router_id >> 16 & 0xff, c->router_id >> 8 & 0xff,
		 c->router_id & 0xff);
	if (json)
		vb_printf(b,
			  "{\"router_id\":\"%s\",\"local_as\":%u,"
			  "\"neighbors\":[",
			  id, c->local_as);
	else
		vb_printf(b,
			  "BGP router identifier %s, local AS number %u\n\n"
			  "Neighbor                V           AS MsgRcvd "
			  "Up/Down  State/PfxRcd (IPv4/IPv6)\n",
			  id, c->local_as);
	for (i = 0; i < n; i++) {
		struct bgp_neighbor_info ni;

		bgp_speaker_neighbor(sp, i, &ni);
		uptime(up, sizeof(up), ni.since_ms);
		if (json) {
			json_neighbor(b, &ni, i > 0);
			continue;
		}
		vb_printf(b, "%-23s 4 %12u %7" PRIu64 " %-8s ", ni.addr,
			  ni.remote_as, ni.msgs_in, up);
		if (ni.state == BGP_ESTABLISHED)
			vb_printf(b, "%zu/%zu\n", ni.prefixes4, ni.prefixes6);
		else
			vb_printf(b, "%s (%zu/%zu kept)\n",
				  bgp_state_name(ni.state), ni.prefixes4,
				  ni.prefixes6);
	}
	if (json)
		vb_puts(b, "]}\n");
}

static void route(const struct bgp_speaker *sp, const char *arg, struct vbuf *b,
		  bool json)
{
	uint8_t a[16] = { 0 }, plen, p[16] = { 0 };
	enum bgp_af af = BGP_AF_IPV4;
	const struct bgp_attr *at;
	char pfx[INET6_ADDRSTRLEN], nh[INET6_ADDRSTRLEN] = "";
	int fam = AF_INET;
	unsigned i;

	if (inet_pton(AF_INET6, arg, a) == 1) {
		af = BGP_AF_IPV6;
		fam = AF_INET6;
	} else if (inet_pton(AF_INET, arg, a) != 1) {
		if (json)
			vb_puts(b, "{\"error\":\"% Invalid address\"}\n");
		else
			vb_puts(b, "% Invalid address\n");
		return;
	}
	at = bgp_speaker_lookup(sp, af, a, &plen);
	if (!at) {
		if (json)
			vb_puts(b, "{\"error\":\"% Network not in table\"}\n");
		else
			vb_puts(b, "% Network not in table\n");
		return;
	}
	for (i = 0; i < plen / 8u; i++)
		p[i] = a[i];
	if (plen % 8)
		p[i] = (uint8_t)(a[i] & (0xff00 >> (plen % 8)));
	inet_ntop(fam, p, pfx, sizeof(pfx));
	if (at->nh_af != BGP_AF_NONE)
		inet_ntop(at->nh_af == BGP_AF_IPV6 ? AF_INET6 : AF_INET,
			  at->nexthop, nh, sizeof(nh));
	if (json) {
		vb_printf(b, "{\"prefix\":\"%s/%u\",\"as_path\":[", pfx, plen);
		for (i = 0; i < at->path_len; i++)
			vb_printf(b, "%s%u", i ? "," : "", at->path[i]);
		vb_printf(b,
			  "],\"origin_as\":%u,\"peer_as\":%u,"
			  "\"next_hop\":\"%s\"}\n",
			  bgp_attr_origin_as(at), bgp_attr_peer_as(at), nh);
		return;
	}
	vb_printf(b, "BGP routing table entry for %s/%u\n  AS path:", pfx,
		  plen);
	for (i = 0; i < at->path_len; i++)
		vb_printf(b, " %u", at->path[i]);
	if (!at->path_len)
		vb_puts(b, " Local");
	vb_printf(b, "\n  Origin AS %u, peer AS %u\n  Next hop %s\n",
		  bgp_attr_origin_as(at), bgp_attr_peer_as(at),
		  nh[0] ? nh : "none");
}

void view_bgp(void *ctx, const struct view_req *rq, struct vbuf *b)
{
	const struct bgp_speaker *sp = ctx;

	if (rq->action == VA_BGP_SUMMARY)
		summary(sp, b, rq->json);
	else
		route(sp, rq->arg, b, rq->json);
}
