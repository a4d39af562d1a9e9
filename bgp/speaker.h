/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * speaker.h - xflowd's passive BGP speaker (RFC 4271): it listens,
 * accepts sessions from configured neighbors only, announces nothing and
 * keeps each neighbor's routes in a RIB for the exporters' lookups.
 *
 * Everything is non-blocking and driven by the daemon's main loop:
 * bgp_speaker_fds() gives the descriptors to poll, bgp_speaker_process()
 * accepts, reads and runs the timers. Whoever calls process() must keep
 * the exporters' lookups out meanwhile (the daemon holds its pools' locks).
 *
 * Per neighbor the session runs Idle -> OpenSent (connection accepted, our
 * OPEN sent) -> OpenConfirm (its OPEN accepted, KEEPALIVE sent) ->
 * Established (its KEEPALIVE received). Any error sends a NOTIFICATION
 * and goes back to Idle. A lost session keeps its routes (graceful restart,
 * RFC 4724): they are swept at the next session's End-of-RIB, or when the
 * stale time ends without one.
 */
#ifndef XFLOWD_BGP_SPEAKER_H
#define XFLOWD_BGP_SPEAKER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "apply.h"
#include "attr.h"
#include "msg.h"
#include "rib.h"

#define BGP_MAX_NEIGHBORS 16
#define BGP_NFDS (1 + BGP_MAX_NEIGHBORS)
#define BGP_PORT 179
#define BGP_HOLD 90	   /* RFC 4271 §10: suggested hold time */
#define BGP_STALE_TIME 360 /* seconds routes outlive their session */

struct bgp_neighbor_cfg {
	enum bgp_af af;
	uint8_t addr[16];
	uint32_t remote_as;
};

struct bgp_cfg {
	bool enabled;
	uint32_t local_as;
	uint32_t router_id; /* host order */
	enum bgp_af listen_af;
	uint8_t listen_addr[16];
	uint16_t port;
	uint16_t hold;
	uint32_t stale_time; /* seconds */
	uint32_t wait_eor_s; /* --read: End-of-RIB awaited at most this */
	int nneighbor;
	struct bgp_neighbor_cfg neighbor[BGP_MAX_NEIGHBORS];
};

#define BGP_WAIT_EOR 30

/* bgp_cfg_default() - no neighbors, 0.0.0.0 port 179, hold 90, stale 360,
 * End-of-RIB awaited 30 s. */
static inline void bgp_cfg_default(struct bgp_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->port = BGP_PORT;
	c->hold = BGP_HOLD;
	c->stale_time = BGP_STALE_TIME;
	c->wait_eor_s = BGP_WAIT_EOR;
	c->listen_af = BGP_AF_IPV4;
}

enum bgp_state {
	BGP_IDLE,
	BGP_OPENSENT,
	BGP_OPENCONFIRM,
	BGP_ESTABLISHED,
};

/* bgp_state_name() - "Idle", "OpenSent", ... */
const char *bgp_state_name(enum bgp_state s);

/* What `show bgp summary` shows of a neighbor. */
struct bgp_neighbor_info {
	char addr[48];
	uint32_t remote_as;
	enum bgp_state state;
	uint64_t since_ms; /* in this state (or, Idle, since the loss) */
	size_t prefixes4, prefixes6;
	bool eor4, eor6; /* End-of-RIB received in this session */
	uint64_t msgs_in, sessions, notifications_in, notifications_out;
	struct rib_apply_stats upd;
	uint64_t malformed; /* UPDATEs that reset the session */
};

struct bgp_speaker;

/*
 * bgp_speaker_new() - a speaker listening per c (copied). NULL with a
 * message for the user in err when the address cannot be bound.
 */
struct bgp_speaker *bgp_speaker_new(const struct bgp_cfg *c, char *err,
				    size_t errlen);
/* bgp_speaker_free() - sends Cease to every session and frees; NULL ok. */
void bgp_speaker_free(struct bgp_speaker *s);

/* bgp_speaker_port() - the port it listens on (the kernel's, for 0). */
uint16_t bgp_speaker_port(const struct bgp_speaker *s);

/* bgp_speaker_fds() - fills up to BGP_NFDS pollfds; how many. */
int bgp_speaker_fds(const struct bgp_speaker *s, struct pollfd *pfd);

/* bgp_speaker_process() - accepts, reads and runs the timers. */
void bgp_speaker_process(struct bgp_speaker *s);

/*
 * bgp_speaker_synced() - whether every neighbor's session is established
 * and has sent End-of-RIB for each family it negotiated.
 */
bool bgp_speaker_synced(const struct bgp_speaker *s);

/*
 * bgp_speaker_lookup() - the attributes of the longest prefix any
 * neighbor has for addr (4 or 16 octets), the first neighbor's on a tie;
 * NULL when none. *plen is the prefix length. Valid until the next
 * bgp_speaker_process().
 */
const struct bgp_attr *bgp_speaker_lookup(const struct bgp_speaker *s,
					  enum bgp_af af, const uint8_t *addr,
					  uint8_t *plen);

/* The configuration it runs with. */
const struct bgp_cfg *bgp_speaker_cfg(const struct bgp_speaker *s);

/* The neighbors' count and each one's state. */
int bgp_speaker_neighbors(const struct bgp_speaker *s);
void bgp_speaker_neighbor(const struct bgp_speaker *s, int i,
			  struct bgp_neighbor_info *out);

#endif
