// SPDX-License-Identifier: BSD-2-Clause
/*
 * ifinfo.c - the interface table, kept current from rtnetlink.
 *
 * Storage: a dense array of entries (iteration, swap-remove on delete)
 * and an open-addressing index of positions keyed by ifindex (linear
 * probing, backward-shift deletion, so no tombstones), at most half full.
 * Both grow by doubling up to IFINFO_MAX entries and never shrink.
 *
 * Resynchronisation: every entry remembers the epoch in which an
 * RTM_NEWLINK last described it; a dump starts a new epoch, and at its
 * NLMSG_DONE the entries of older epochs are gone from the kernel (their
 * RTM_DELLINK was lost) and are removed. A dump that failed or was
 * interrupted (NLM_F_DUMP_INTR) removes nothing and is redone.
 *
 * The socket is one queue in the kernel's order (rtnetlink notifies and
 * dumps under the RTNL lock). Notifications read before the dump's first
 * message were queued before the dump began: they may describe interfaces
 * deleted since, so they do not count as seen in the new epoch. Those read
 * after it describe changes made during the dump and do.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "ifinfo.h"

#define OPEN_TIMEOUT_MS 5000
#define RCVBUF (1 << 20) /* fewer lost notifications when many change */
#define RXBUF 32768	 /* the kernel's largest dump datagram */
/* a persistently failing dump is retried on the next ifinfo_process */
#define DUMPS_PER_PROCESS 2

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
	uint32_t epoch;
	bool dump_active, dump_intr, resync;
	bool dump_seen; /* a message of the running dump has been read */
	uint32_t dump_seq, seq, portid;
	struct mnl_socket *nl;
	char *rx;
	ifinfo_tap_fn tap;
	void *tap_ctx;
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
		s->epoch = t->epoch - 1;
	}
	if (!entry_equal(&s->e, e)) {
		s->e = *e;
		t->gen++;
	}
	if (seen)
		s->epoch = t->epoch;
	return 0;
}

static void sweep(struct ifinfo *t)
{
	uint32_t i = t->n;

	/* downwards: swap-remove only moves already visited entries */
	while (i-- > 0)
		if (!t->ent[i].e.manual && t->ent[i].epoch != t->epoch)
			remove_slot(t, find_slot(t, t->ent[i].e.ifindex));
}

/* ---- attributes ---- */

struct attr_tb {
	const struct nlattr **tb;
	unsigned int n;
};

static int collect_cb(const struct nlattr *attr, void *data)
{
	struct attr_tb *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type < a->n)
		a->tb[type] = attr; /* the last one wins, as in the kernel */
	return MNL_CB_OK;
}

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
	struct attr_tb a = { dt, DATA_TB };
	uint8_t l4[4] = { 0 }, r4[4] = { 0 }, l6[16] = { 0 }, r6[16] = { 0 };
	bool set4 = false, set6 = false;

	if (mnl_attr_validate(data, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(data, collect_cb, &a) < 0)
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
	struct attr_tb a = { li, INFO_TB };
	const struct kind_desc *kd;
	const char *s;
	size_t len;

	if (mnl_attr_validate(linkinfo, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(linkinfo, collect_cb, &a) < 0)
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
	struct attr_tb a = { tb, LINK_TB };
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
	if (mnl_attr_parse(nlh, sizeof(*ifm), collect_cb, &a) < 0)
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

static bool from_dump(const struct ifinfo *t, const struct nlmsghdr *nlh)
{
	return t->dump_active && nlh->nlmsg_seq == t->dump_seq &&
	       (!t->portid || nlh->nlmsg_pid == t->portid);
}

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
		if (from_dump(t, nlh))
			t->dump_seen = true;
		put(t, &e, !t->dump_active || t->dump_seen);
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

static void dump_end(struct ifinfo *t, int error)
{
	t->dump_active = false;
	if (error || t->dump_intr) {
		t->st.dump_errors++;
		t->resync = true;
	} else {
		sweep(t);
	}
}

/* NLMSG_DONE and NLMSG_ERROR: both start with an int (0 or -errno). */
static void msg_status(struct ifinfo *t, const struct nlmsghdr *nlh)
{
	int error = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(error))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	else if (nlh->nlmsg_type == NLMSG_ERROR)
		error = -EINVAL; /* an error without its number */
	if (!from_dump(t, nlh)) {
		t->st.ignored++;
		return;
	}
	if (nlh->nlmsg_type == NLMSG_DONE)
		dump_end(t, error < 0 ? error : 0);
	else if (error)
		dump_end(t, error); /* else an ACK: the dump goes on */
}

/*
 * A whole message in the rem octets at nlh. Not mnl_nlmsg_ok(): it compares
 * (int)nlmsg_len, so a length of 2^32 - 1 passes, and mnl_nlmsg_next()
 * then aligns it to 0 and never moves on. libmnl walks attributes up to
 * the aligned end of a message, so that must be in the datagram too.
 */
static bool msg_ok(const struct nlmsghdr *nlh, size_t rem)
{
	return rem >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= rem &&
	       MNL_ALIGN((size_t)nlh->nlmsg_len) <= rem;
}

int ifinfo_handle(struct ifinfo *t, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;
	int n = 0;

	if ((uintptr_t)buf & (MNL_ALIGNTO - 1))
		return -EINVAL;
	while (msg_ok(nlh, rem) && n < INT_MAX) {
		size_t step = MNL_ALIGN((size_t)nlh->nlmsg_len);

		n++;
		t->st.messages++;
		if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) && from_dump(t, nlh))
			t->dump_intr = true;
		switch (nlh->nlmsg_type) {
		case RTM_NEWLINK:
			link_new(t, nlh);
			break;
		case RTM_DELLINK:
			link_del(t, nlh);
			break;
		case NLMSG_DONE:
		case NLMSG_ERROR:
			msg_status(t, nlh);
			break;
		default:
			t->st.ignored++;
			break;
		}
		rem -= step;
		nlh = (const void *)((const char *)nlh + step);
	}
	if (rem > 0)
		t->st.malformed++; /* octets that are not a whole message */
	return n;
}

void ifinfo_dump_begin(struct ifinfo *t, uint32_t seq)
{
	t->epoch++;
	t->dump_seq = seq;
	t->dump_active = true;
	t->dump_intr = false;
	t->dump_seen = false;
	t->resync = false;
}

/* ---- the socket ---- */

static int send_dump(struct ifinfo *t)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)) +
		 MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(uint32_t))];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!t->nl)
		return -ENOTCONN;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++t->seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	/* statistics are most of a link message and of no use here */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	t->st.dumps++;
	if (mnl_socket_sendto(t->nl, nlh, nlh->nlmsg_len) < 0) {
		t->st.dump_errors++;
		t->resync = true;
		return -errno;
	}
	ifinfo_dump_begin(t, nlh->nlmsg_seq);
	return 0;
}

/* One datagram into t->rx: its length, 0 if none is pending, -errno. */
static ssize_t receive(struct ifinfo *t)
{
	struct sockaddr_nl addr;
	struct iovec iov = { t->rx, RXBUF };
	struct msghdr msg = { .msg_name = &addr,
			      .msg_namelen = sizeof(addr),
			      .msg_iov = &iov,
			      .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		n = recvmsg(mnl_socket_get_fd(t->nl), &msg, MSG_DONTWAIT);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -ENOBUFS; /* part of a datagram lost: as good as all */
	if (msg.msg_namelen != sizeof(addr) || addr.nl_pid != 0)
		return -EAGAIN; /* not from the kernel: skip it */
	return n;
}

int ifinfo_process(struct ifinfo *t)
{
	int count = 0, dumps = 0;
	ssize_t n;

	if (!t->nl)
		return -ENOTCONN;
	for (;;) {
		n = receive(t);
		if (n == 0)
			break;
		if (n == -ENOBUFS) {
			t->st.overruns++;
			/* a running dump may have missed changes too */
			if (t->dump_active)
				t->dump_intr = true;
			else
				t->resync = true;
		} else if (n == -EAGAIN) {
			continue;
		} else if (n < 0) {
			return (int)n;
		} else {
			count++;
			if (t->tap)
				t->tap(t->tap_ctx, t->rx, (size_t)n);
			ifinfo_handle(t, t->rx, (size_t)n);
		}
		if (t->resync && !t->dump_active && dumps < DUMPS_PER_PROCESS) {
			dumps++;
			send_dump(t);
		}
	}
	if (t->resync && !t->dump_active)
		send_dump(t); /* its replies are read by the next call */
	return count;
}

int ifinfo_resync(struct ifinfo *t)
{
	if (!t->nl)
		return -ENOTCONN;
	if (t->dump_active) {
		t->dump_intr = true; /* redone when this one ends */
		return 0;
	}
	return send_dump(t);
}

struct ifinfo *ifinfo_new(void)
{
	struct ifinfo *t = calloc(1, sizeof(*t));

	if (t && grow(t) < 0) {
		free(t);
		t = NULL;
	}
	return t;
}

struct ifinfo *ifinfo_open(char *err, size_t errlen)
{
	struct ifinfo *t = ifinfo_new();
	int rcvbuf = RCVBUF, rc, left = OPEN_TIMEOUT_MS;
	const char *what = "out of memory";
	struct timespec t0, now;

	if (!t || !(t->rx = malloc(RXBUF))) {
		rc = -ENOMEM;
		goto out;
	}
	what = "netlink socket";
	t->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!t->nl)
		goto out_errno;
	/* best effort: capped at net.core.rmem_max */
	setsockopt(mnl_socket_get_fd(t->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	what = "bind to RTNLGRP_LINK";
	if (mnl_socket_bind(t->nl, 1u << (RTNLGRP_LINK - 1),
			    MNL_SOCKET_AUTOPID) < 0)
		goto out_errno;
	t->portid = mnl_socket_get_portid(t->nl);
	t->seq = (uint32_t)time(NULL);
	what = "RTM_GETLINK dump";
	rc = send_dump(t);
	if (rc < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (t->dump_active || t->resync) {
		struct pollfd p = { mnl_socket_get_fd(t->nl), POLLIN, 0 };

		if (!t->dump_active) {
			rc = send_dump(t); /* the last one failed: again */
			if (rc < 0)
				goto out;
		}
		if (left <= 0 || poll(&p, 1, left) == 0) {
			rc = -ETIMEDOUT;
			goto out;
		}
		rc = ifinfo_process(t);
		if (rc < 0)
			goto out;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = OPEN_TIMEOUT_MS -
		       (int)((now.tv_sec - t0.tv_sec) * 1000 +
			     (now.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return t;
out_errno:
	rc = -errno;
out:
	snprintf(err, errlen, "interface table: %s: %s", what, strerror(-rc));
	ifinfo_close(t);
	return NULL;
}

void ifinfo_close(struct ifinfo *t)
{
	if (!t)
		return;
	if (t->nl)
		mnl_socket_close(t->nl);
	free(t->rx);
	free(t->idx);
	free(t->ent);
	free(t);
}

int ifinfo_fd(const struct ifinfo *t)
{
	return t->nl ? mnl_socket_get_fd(t->nl) : -1;
}

void ifinfo_set_tap(struct ifinfo *t, ifinfo_tap_fn fn, void *ctx)
{
	t->tap = fn;
	t->tap_ctx = ctx;
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
