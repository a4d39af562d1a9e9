/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg.h - BGP-4 messages (RFC 4271) as xflowd hears them: the header,
 * OPEN with its capabilities (RFC 5492, 6793, 4760, 2918, 4724),
 * UPDATE (with RFC 4760 multiprotocol reach and RFC 6793 AS4_PATH),
 * NOTIFICATION and ROUTE-REFRESH; and the few messages xflowd sends.
 *
 * Every parser reads through bgp/cursor.h and never trusts a length it
 * has not checked against the bytes there. Errors are handled as RFC 7606
 * says: a malformed attribute withdraws the UPDATE's routes
 * (treat-as-withdraw) or is discarded; only what makes the rest of the
 * message unreadable resets the session.
 */
#ifndef XFLOWD_BGP_MSG_H
#define XFLOWD_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define BGP_HDR_LEN 19
/* RFC 4271 §4: no extended messages (RFC 8654) are offered */
#define BGP_MAX_MSG 4096
#define BGP_MIN_OPEN 29
#define BGP_AS_TRANS 23456 /* RFC 6793 §9 */

/*
 * An AS path of one UPDATE, flattened: AS_SEQUENCE and AS_SET members in
 * order. A 4096-octet message holds fewer than 2048 2-octet ASes.
 */
#define BGP_MAX_PATH 2048

enum bgp_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5, /* RFC 2918 */
};

/* RFC 4271 §4.5 error codes and the subcodes xflowd sends */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
};

enum {
	BGP_SUB_HDR_SYNC = 1,
	BGP_SUB_HDR_LENGTH = 2,
	BGP_SUB_HDR_TYPE = 3,
	BGP_SUB_OPEN_VERSION = 1,
	BGP_SUB_OPEN_PEER_AS = 2,
	BGP_SUB_OPEN_BGP_ID = 3,
	BGP_SUB_OPEN_PARAM = 4,
	BGP_SUB_OPEN_HOLD = 6,
	BGP_SUB_UPD_ATTR_LIST = 1,
	BGP_SUB_UPD_ATTR_FLAGS = 4,
	BGP_SUB_UPD_ATTR_LENGTH = 5,
	BGP_SUB_UPD_NETWORK = 10,
	BGP_SUB_UPD_AS_PATH = 11,
	/* RFC 4486 */
	BGP_SUB_CEASE_PEER_DECONF = 3,
	BGP_SUB_CEASE_SHUTDOWN = 2,
	BGP_SUB_CEASE_REJECTED = 5,
};

/* The NOTIFICATION a parse error asks for; code 0 when none. */
struct bgp_error {
	uint8_t code, subcode;
};

/* Address families xflowd takes: IPv4 and IPv6 unicast. */
enum bgp_af {
	BGP_AF_NONE = 0,
	BGP_AF_IPV4 = 1,
	BGP_AF_IPV6 = 2,
};
#define BGP_AFI_IPV4 1
#define BGP_AFI_IPV6 2
#define BGP_SAFI_UNICAST 1

/* The af of an (AFI, SAFI) pair, BGP_AF_NONE when not unicast v4/v6. */
enum bgp_af bgp_af_of(uint16_t afi, uint8_t safi);

/*
 * bgp_msg_header() - checks the header at buf (len octets there). Returns
 * the message's whole length when a header is there and valid, 0 when
 * fewer than 19 octets are there, -1 with *err set when it is invalid.
 */
int bgp_msg_header(const uint8_t *buf, size_t len, uint8_t *type,
		   struct bgp_error *err);

struct bgp_open {
	uint8_t version;
	uint32_t as; /* the 4-octet capability's AS when there */
	uint16_t hold;
	uint32_t router_id;
	bool as4, mp_ipv4, mp_ipv6, route_refresh, graceful_restart;
	uint16_t gr_time;
};

/* bgp_open_parse() - the OPEN body (after the header); 0 or -1 and *err. */
int bgp_open_parse(const uint8_t *body, size_t len, struct bgp_open *o,
		   struct bgp_error *err);

struct bgp_notification {
	uint8_t code, subcode;
};

int bgp_notification_parse(const uint8_t *body, size_t len,
			   struct bgp_notification *n);

/* ROUTE-REFRESH: the af asked for (BGP_AF_NONE when not one of ours). */
int bgp_refresh_parse(const uint8_t *body, size_t len, enum bgp_af *af);

/* What to do with an UPDATE (RFC 7606 §2). */
enum bgp_update_action {
	BGP_UPD_OK = 0,
	BGP_UPD_WITHDRAW, /* treat-as-withdraw: its NLRI are withdrawn */
	BGP_UPD_RESET,	  /* session reset: send err, close */
};

/* The attributes of one UPDATE that xflowd keeps. */
struct bgp_attrs {
	uint16_t path_len;
	uint32_t path[BGP_MAX_PATH];
	bool has_origin, has_path, has_nexthop4, has_nexthop6;
	uint8_t nexthop4[4];  /* NEXT_HOP, or MP_REACH's for IPv4 */
	uint8_t nexthop6[16]; /* MP_REACH's global IPv6 next hop */
};

/*
 * An UPDATE taken apart. The NLRI fields are cursors into the message,
 * each already checked to hold only well-formed prefixes of its family;
 * walk them with bgp_prefix_next().
 */
struct bgp_update {
	struct bgp_cur withdrawn, nlri; /* IPv4 */
	struct bgp_cur mp_reach, mp_unreach;
	enum bgp_af mp_reach_af, mp_unreach_af;
	enum bgp_af eor;    /* End-of-RIB marker for that af (RFC 4724 §2) */
	unsigned discarded; /* attributes discarded (RFC 7606 §2) */
	struct bgp_attrs attrs;
};

/*
 * bgp_update_parse() - parses the UPDATE body (len octets after the
 * header) of a session that does (as4) or does not speak 4-octet ASes.
 * Returns the action; on BGP_UPD_RESET *err is the NOTIFICATION to send.
 * The cursors in *u point into body.
 */
enum bgp_update_action bgp_update_parse(const uint8_t *body, size_t len,
					bool as4, struct bgp_update *u,
					struct bgp_error *err);

struct bgp_prefix {
	enum bgp_af af;
	uint8_t len;
	uint8_t addr[16]; /* network order, bits past len zero */
};

/*
 * bgp_prefix_next() - the next prefix of an NLRI field of family af:
 * 1 and *p, or 0 at its end (or -1 on a malformed one, which
 * bgp_update_parse has already ruled out for its cursors).
 */
int bgp_prefix_next(struct bgp_cur *c, enum bgp_af af, struct bgp_prefix *p);

/* What xflowd sends; each returns the message length or 0 if buf is short. */
struct bgp_open_local {
	uint32_t as;
	uint32_t router_id;
	uint16_t hold;
	uint16_t gr_time; /* 0: no graceful restart capability */
};
size_t bgp_build_open(uint8_t *buf, size_t len, const struct bgp_open_local *o);
size_t bgp_build_keepalive(uint8_t *buf, size_t len);
size_t bgp_build_notification(uint8_t *buf, size_t len, uint8_t code,
			      uint8_t subcode);

#endif
