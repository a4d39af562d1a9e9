// SPDX-License-Identifier: BSD-2-Clause
/*
 * ifinfo.c - the interface table, kept current from rtnetlink.
 *
 * Storage: a dense array of entries (iteration, swap-remove on delete)
 * and an open-addressing index of positions keyed by ifindex (linear
 * probing, backward-shift deletion, so no tombstones), at most half full.
 * Both grow by doubling up to IFINFO_MAX entries and never shrink.
 *
 * Resynchronisation (nlsock.h): every entry remembers the epoch in which
 * an RTM_NEWLINK last described it; at the NLMSG_DONE of a dump the
 * entries learnt from rtnetlink in older epochs are gone from the kernel
 * (their RTM_DELLINK was lost) and are removed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "ifinfo.h"
#include "nlsock.h"

#define RCVBUF (1 << 20) /* fewer lost notifications when many change */

struct slot {
	struct ifinfo_entry e;
	uint32_t epoch; /* of the last RTM_NEWLINK that described it */
};

struct ifinfo {
	struct slot *ent; /* ent[0 .. n) */
	uint32_t n, cap;
	uint32_t *idx;	   /* position + 1, 0: empty */
	uint32_t mask;	   /* index size - 1; index size >= 2 * cap */
	unsigned int bits; /* log2 of the index size */
	uint64_t gen;
	struct nlsock nl; /* the socket, its dump and epoch */
	struct ifinfo_stats st;
};

/*
 * Kinds with a lower device or tunnel endpoints. link_parent: IFLA_LINK is
 * the lower device (for veth it is the peer, so veth is not here).
 * Otherwise the IFLA_INFO_DATA attributes with the lower ifindex and the
 * endpoints; 0: none. gre/ip6gre and ipip/ip6tnl share attribute numbers
 * and differ in address size, hence one column per family.
 */
struct kind_desc {
	const char *kind;
	bool link_parent;
	uint16_t link, local4, remote4, local6, remote6;
};

static const struct kind_desc kinds[] = {
	{ "vlan", true },
	{ "macvlan", true },
	{ "macvtap", true },
	{ "ipvlan", true },
	{ "ipvtap", true },
	{ "macsec", true },
	{ "vxlan", false, IFLA_VXLAN_LINK, IFLA_VXLAN_LOCAL, IFLA_VXLAN_GROUP,
	  IFLA_VXLAN_LOCAL6, IFLA_VXLAN_GROUP6 },
	{ "geneve", false, 0, 0, IFLA_GENEVE_REMOTE, 0, IFLA_GENEVE_REMOTE6 },
	{ "gre", false, IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_REMOTE },
	{ "gretap", false, IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_REMOTE },
	{ "erspan", false, IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_REMOTE },
	{ "ip6gre", false, IFLA_GRE_LINK, 0, 0, IFLA_GRE_LOCAL,
	  IFLA_GRE_REMOTE },
	{ "ip6gretap", false, IFLA_GRE_LINK, 0, 0, IFLA_GRE_LOCAL,
	  IFLA_GRE_REMOTE },
	{ "ip6erspan", false, IFLA_GRE_LINK, 0, 0, IFLA_GRE_LOCAL,
	  IFLA_GRE_REMOTE },
	{ "ipip", false, IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_REMOTE },
	{ "sit", false, IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_REMOTE },
	{ "ip6tnl", false, IFLA_IPTUN_LINK, 0, 0, IFLA_IPTUN_LOCAL,
	  IFLA_IPTUN_REMOTE },
	{ "vti", false, IFLA_VTI_LINK, IFLA_VTI_LOCAL, IFLA_VTI_REMOTE },
	{ "vti6", false, IFLA_VTI_LINK, 0, 0, IFLA_VTI_LOCAL, IFLA_VTI_REMOTE },
};

_Static_assert(IFINFO_MAX >= 16 && (IFINFO_MAX & (IFINFO_MAX - 1)) == 0,
	       "grow() doubles from 16 up to IFINFO_MAX");

/* attribute tables: the highest type looked at, plus one */
#define LINK_TB (IFLA_LINK_NETNSID + 1)
#define INFO_TB (IFLA_INFO_DATA + 1)
#define DATA_TB 32
_Static_assert(IFLA_VXLAN_LOCAL6 < DATA_TB && IFLA_GENEVE_REMOTE6 < DATA_TB &&
		       IFLA_GRE_REMOTE < DATA_TB &&
		       IFLA_IPTUN_REMOTE < DATA_TB && IFLA_VTI_REMOTE < DATA_TB,
	       "DATA_TB too small");

/* ---- the table ---- */

/* Fibonacci hashing: the top bits of ifindex * 2^32 / phi */
static uint32_t hash_index(const struct ifinfo *t, uint32_t ifindex)
{
	return (ifindex * 0x9e3779b1u) >> (32 - t->bits);
}

/* The index slot holding ifindex, or the empty slot where it would go. */
static uint32_t find_slot(const struct ifinfo *t, uint32_t ifindex)
{
	uint32_t h = hash_index(t, ifindex);

	while (t->idx[h] && t->ent[t->idx[h] - 1].e.ifindex != ifindex)
		h = (h + 1) & t->mask;
	return h;
}

static int reindex(struct ifinfo *t, unsigned int bits)
{
	uint32_t size = 1u << bits, *idx = calloc(size, sizeof(*idx)), i;

	if (!idx)
		return -ENOMEM;
	free(t->idx);
	t->idx = idx;
	t->mask = size - 1;
	t->bits = bits;
	for (i = 0; i < t->n; i++)
		t->idx[find_slot(t, t->ent[i].e.ifindex)] = i + 1;
	return 0;
}

static int grow(struct ifinfo *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 16;
	unsigned int bits = t->cap ? t->bits + 1 : 5;
	struct slot *ent;

	/* IFINFO_MAX is a power of two: caps are 16, 32, ... IFINFO_MAX */
	if (t->cap >= IFINFO_MAX)
		return -ENOSPC;
	ent = realloc(t->ent, (size_t)cap * sizeof(*ent));
	if (!ent)
		return -ENOMEM;
	t->ent = ent;
	t->cap = cap;
	return reindex(t, bits);
}

static void remove_slot(struct ifinfo *t, uint32_t h)
{
	uint32_t pos = t->idx[h] - 1, last = t->n - 1, i = h, j = h, k;

	/* backward shift: pull later members of the probe run into the hole */
	t->idx[i] = 0;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->idx[j])
			break;
		k = hash_index(t, t->ent[t->idx[j] - 1].e.ifindex);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue; /* its home lies after the hole: stays */
		t->idx[i] = t->idx[j];
		t->idx[j] = 0;
		i = j;
	}
	if (pos != last) {
		t->ent[pos] = t->ent[last];
		t->idx[find_slot(t, t->ent[pos].e.ifindex)] = pos + 1;
	}
	t->n--;
	t->gen++;
}

static bool entry_equal(const struct ifinfo_entry *a,
			const struct ifinfo_entry *b)
{
	return a->ifindex == b->ifindex && a->parent == b->parent &&
	       a->mtu == b->mtu && a->flags == b->flags && a->type == b->type &&
	       a->operstate == b->operstate && a->manual == b->manual &&
	       !strcmp(a->name, b->name) && !strcmp(a->kind, b->kind) &&
	       !strcmp(a->alias, b->alias) && a->tun.ver == b->tun.ver &&
	       !memcmp(a->tun.local, b->tun.local, sizeof(a->tun.local)) &&
	       !memcmp(a->tun.remote, b->tun.remote, sizeof(a->tun.remote));
}

/*
 * Add or replace e; the generation moves only if something changed. seen:
 * e is current, from the running dump or newer (see the top of the file).
 */
static int put(struct ifinfo *t, const struct ifinfo_entry *e, bool seen)
{
	uint32_t h = find_slot(t, e->ifindex);
	struct slot *s;
	int rc;

	if (t->idx[h]) {
		s = &t->ent[t->idx[h] - 1];
	} else {
		if (t->n == t->cap) {
			rc = grow(t);
			if (rc < 0) {
				t->st.full++;
				return rc;
			}
			h = find_slot(t, e->ifindex);
		}
		s = &t->ent[t->n++];
		t->idx[h] = t->n;
		memset(s, 0, sizeof(*s));
		s->epoch = t->nl.epoch - 1;
	}
	if (!entry_equal(&s->e, e)) {
		s->e = *e;
		t->gen++;
	}
	if (seen)
		s->epoch = t->nl.epoch;
	return 0;
}

/* At the end of a dump (nlsock_ops.sweep). */
static void sweep(void *ctx)
{
	struct ifinfo *t = ctx;
	uint32_t i = t->n;

	/* downwards: swap-remove only moves already visited entries */
	while (i-- > 0)
		if (!t->ent[i].e.manual && t->ent[i].epoch != t->nl.epoch)
			remove_slot(t, find_slot(t, t->ent[i].e.ifindex));
}

/* ---- attributes ---- */

/* Copy at most size - 1 octets of s[0 .. len), not splitting a UTF-8
 * sequence, and NUL-terminate. */
static void copy_utf8(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* An attribute's string up to its first NUL; NULL if len would be 0. */
static const char *attr_str(const struct nlattr *a, size_t *len)
{
	const char *s = mnl_attr_get_payload(a);

	*len = strnlen(s, mnl_attr_get_payload_len(a));
	return *len ? s : NULL;
}

/* A name the kernel would accept (dev_valid_name); others are hostile. */
static bool valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= IFINFO_NAMESZ ||
	    (s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.'))))
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ' ' ||
		    (s[i] >= '\t' && s[i] <= '\r'))
			return false;
	return true;
}

static const struct kind_desc *kind_find(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].kind, kind))
			return &kinds[i];
	return NULL;
}

/* The address attribute type of dt (alen octets), if present and valid. */
static int get_addr(const struct nlattr *const *dt, uint16_t type, size_t alen,
		    uint8_t *out, bool *set)
{
	size_t i;

	if (!type || !dt[type])
		return 0;
	if (mnl_attr_validate2(dt[type], MNL_TYPE_BINARY, alen) < 0)
		return -EINVAL;
	memcpy(out, mnl_attr_get_payload(dt[type]), alen);
	for (i = 0; i < alen; i++)
		if (out[i])
			*set = true;
	return 0;
}

/* The lower device and tunnel endpoints from IFLA_INFO_DATA. */
static int parse_info_data(const struct nlattr *data,
			   const struct kind_desc *kd, bool link_elsewhere,
			   struct ifinfo_entry *e)
{
	const struct nlattr *dt[DATA_TB] = { NULL };
	struct nlsock_attrs a = { dt, DATA_TB };
	uint8_t l4[4] = { 0 }, r4[4] = { 0 }, l6[16] = { 0 }, r6[16] = { 0 };
	bool set4 = false, set6 = false;

	if (mnl_attr_validate(data, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(data, nlsock_attr_cb, &a) < 0)
		return -EINVAL;
	if (kd->link && dt[kd->link]) {
		if (mnl_attr_validate(dt[kd->link], MNL_TYPE_U32) < 0)
			return -EINVAL;
		/* with IFLA_LINK_NETNSID it is an ifindex elsewhere */
		if (!link_elsewhere)
			e->parent = mnl_attr_get_u32(dt[kd->link]);
	}
	if (get_addr(dt, kd->local4, 4, l4, &set4) < 0 ||
	    get_addr(dt, kd->remote4, 4, r4, &set4) < 0 ||
	    get_addr(dt, kd->local6, 16, l6, &set6) < 0 ||
	    get_addr(dt, kd->remote6, 16, r6, &set6) < 0)
		return -EINVAL;
	if (set4) {
		e->tun.ver = 4;
		memcpy(e->tun.local, l4, 4);
		memcpy(e->tun.remote, r4, 4);
	} else if (set6) {
		e->tun.ver = 6;
		memcpy(e->tun.local, l6, 16);
		memcpy(e->tun.remote, r6, 16);
	}
	return 0;
}

static int parse_linkinfo(const struct nlattr *linkinfo, uint32_t link,
			  bool link_elsewhere, struct ifinfo_entry *e)
{
	const struct nlattr *li[INFO_TB] = { NULL };
	struct nlsock_attrs a = { li, INFO_TB };
	const struct kind_desc *kd;
	const char *s;
	size_t len;

	if (mnl_attr_validate(linkinfo, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(linkinfo, nlsock_attr_cb, &a) < 0)
		return -EINVAL;
	if (!li[IFLA_INFO_KIND])
		return 0;
	if (mnl_attr_validate(li[IFLA_INFO_KIND], MNL_TYPE_STRING) < 0)
		return -EINVAL;
	s = attr_str(li[IFLA_INFO_KIND], &len);
	if (!s)
		return -EINVAL;
	copy_utf8(e->kind, sizeof(e->kind), s, len);
	kd = kind_find(e->kind);
	if (!kd)
		return 0;
	if (kd->link_parent && !link_elsewhere)
		e->parent = link;
	if (li[IFLA_INFO_DATA])
		return parse_info_data(li[IFLA_INFO_DATA], kd, link_elsewhere,
				       e);
	return 0;
}

/*
 * An RTM_NEWLINK into e: 0, 1 for a family other than AF_UNSPEC, or
 * -EINVAL for a malformed message.
 */
static int link_parse(const struct nlmsghdr *nlh, struct ifinfo_entry *e)
{
	const struct nlattr *tb[LINK_TB] = { NULL };
	struct nlsock_attrs a = { tb, LINK_TB };
	const struct ifinfomsg *ifm;
	uint32_t link = 0;
	const char *s;
	size_t len;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EINVAL;
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_family != AF_UNSPEC)
		return 1;
	if (ifm->ifi_index <= 0)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->ifindex = (uint32_t)ifm->ifi_index;
	e->flags = ifm->ifi_flags;
	e->type = ifm->ifi_type;
	if (mnl_attr_parse(nlh, sizeof(*ifm), nlsock_attr_cb, &a) < 0)
		return -EINVAL;

	if (!tb[IFLA_IFNAME] ||
	    mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_STRING) < 0)
		return -EINVAL;
	s = attr_str(tb[IFLA_IFNAME], &len);
	if (!s || !valid_name(s, len))
		return -EINVAL;
	memcpy(e->name, s, len);
	e->name[len] = '\0';

	if (tb[IFLA_MTU]) {
		if (mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) < 0)
			return -EINVAL;
		e->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	}
	if (tb[IFLA_OPERSTATE]) {
		if (mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) < 0)
			return -EINVAL;
		e->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	}
	if (tb[IFLA_IFALIAS]) {
		/* an empty alias is no alias */
		s = attr_str(tb[IFLA_IFALIAS], &len);
		if (s)
			copy_utf8(e->alias, sizeof(e->alias), s, len);
	}
	if (tb[IFLA_LINK_NETNSID] &&
	    mnl_attr_validate(tb[IFLA_LINK_NETNSID], MNL_TYPE_U32) < 0)
		return -EINVAL;
	if (tb[IFLA_LINK]) {
		if (mnl_attr_validate(tb[IFLA_LINK], MNL_TYPE_U32) < 0)
			return -EINVAL;
		link = mnl_attr_get_u32(tb[IFLA_LINK]);
	}
	if (tb[IFLA_LINKINFO] &&
	    parse_linkinfo(tb[IFLA_LINKINFO], link,
			   tb[IFLA_LINK_NETNSID] != NULL, e) < 0)
		return -EINVAL;
	if (e->parent == e->ifindex)
		e->parent = 0;
	return 0;
}

/* ---- messages ---- */

static void link_new(struct ifinfo *t, const struct nlmsghdr *nlh)
{
	struct ifinfo_entry e;
	int rc = link_parse(nlh, &e);

	if (rc > 0) {
		t->st.ignored++;
	} else if (rc < 0) {
		t->st.malformed++;
	} else {
		t->st.newlink++;
		put(t, &e, nlsock_seen(&t->nl, nlh));
	}
}

static void link_del(struct ifinfo *t, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm;
	uint32_t h;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm)) {
		t->st.malformed++;
		return;
	}
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_family != AF_UNSPEC) {
		t->st.ignored++; /* AF_BRIDGE: left a bridge, still exists */
		return;
	}
	if (ifm->ifi_index <= 0) {
		t->st.malformed++;
		return;
	}
	t->st.dellink++;
	h = find_slot(t, (uint32_t)ifm->ifi_index);
	if (t->idx[h])
		remove_slot(t, h);
}

static void link_msg(void *ctx, const struct nlmsghdr *nlh)
{
	struct ifinfo *t = ctx;

	if (nlh->nlmsg_type == RTM_NEWLINK)
		link_new(t, nlh);
	else if (nlh->nlmsg_type == RTM_DELLINK)
		link_del(t, nlh);
	else
		t->st.ignored++;
}

static void link_request(struct nlmsghdr *nlh)
{
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	/* statistics are most of a link message and of no use here */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
}

static const struct nlsock_ops link_ops = {
	.table = "interface table",
	.groups = "RTNLGRP_LINK",
	.dump = "RTM_GETLINK",
	.request = link_request,
	.msg = link_msg,
	.sweep = sweep,
};

int ifinfo_handle(struct ifinfo *t, const void *buf, size_t len)
{
	return nlsock_handle(&t->nl, buf, len);
}

void ifinfo_dump_begin(struct ifinfo *t, uint32_t seq)
{
	nlsock_dump_begin(&t->nl, seq);
}

/* ---- the socket ---- */

int ifinfo_process(struct ifinfo *t)
{
	return nlsock_process(&t->nl);
}

int ifinfo_resync(struct ifinfo *t)
{
	return nlsock_resync(&t->nl);
}

struct ifinfo *ifinfo_new(void)
{
	struct ifinfo *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	nlsock_init(&t->nl, &link_ops, t, NLSOCK_COUNTERS(&t->st));
	if (grow(t) < 0) {
		free(t);
		t = NULL;
	}
	return t;
}

struct ifinfo *ifinfo_open(char *err, size_t errlen)
{
	struct ifinfo *t = ifinfo_new();
	unsigned int groups = 1u << (RTNLGRP_LINK - 1);

	if (!t) {
		snprintf(err, errlen, "%s: out of memory: %s", link_ops.table,
			 strerror(ENOMEM));
		return NULL;
	}
	if (nlsock_open(&t->nl, groups, RCVBUF, err, errlen) < 0) {
		ifinfo_close(t);
		return NULL;
	}
	return t;
}

void ifinfo_close(struct ifinfo *t)
{
	if (!t)
		return;
	nlsock_close(&t->nl);
	free(t->idx);
	free(t->ent);
	free(t);
}

int ifinfo_fd(const struct ifinfo *t)
{
	return nlsock_fd(&t->nl);
}

void ifinfo_set_tap(struct ifinfo *t, ifinfo_tap_fn fn, void *ctx)
{
	t->nl.tap = fn;
	t->nl.tap_ctx = ctx;
}

/* ---- lookups and manual entries ---- */

int ifinfo_set(struct ifinfo *t, uint32_t ifindex, const char *name,
	       const char *alias)
{
	struct ifinfo_entry e;

	if (!ifindex || !name)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.ifindex = ifindex;
	e.manual = 1;
	copy_utf8(e.name, sizeof(e.name), name, strlen(name));
	if (alias)
		copy_utf8(e.alias, sizeof(e.alias), alias, strlen(alias));
	return put(t, &e, true);
}

const struct ifinfo_entry *ifinfo_get(const struct ifinfo *t, uint32_t ifindex)
{
	uint32_t h = find_slot(t, ifindex);

	return t->idx[h] ? &t->ent[t->idx[h] - 1].e : NULL;
}

const char *ifinfo_phys_name(const struct ifinfo *t, uint32_t ifindex)
{
	const struct ifinfo_entry *e = ifinfo_get(t, ifindex), *p;

	if (!e)
		return NULL;
	p = e->parent ? ifinfo_get(t, e->parent) : NULL;
	return p ? p->name : e->name;
}

size_t ifinfo_count(const struct ifinfo *t)
{
	return t->n;
}

const struct ifinfo_entry *ifinfo_at(const struct ifinfo *t, size_t i)
{
	return i < t->n ? &t->ent[i].e : NULL;
}

uint64_t ifinfo_generation(const struct ifinfo *t)
{
	return t->gen;
}

const struct ifinfo_stats *ifinfo_stats(const struct ifinfo *t)
{
	return &t->st;
}
