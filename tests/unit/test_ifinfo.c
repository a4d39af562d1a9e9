// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_ifinfo.c - the interface table: RTM_NEWLINK/RTM_DELLINK messages
 * built with libmnl the way the kernel lays them out (physical, vlan,
 * macvlan, vxlan v4/v6, geneve, gre, ip6gre, ipip, ip6tnl, veth, ppp,
 * bridge ports), renames, deletes, datagrams of several messages, dumps
 * that remove what they no longer list, malformed input of every kind,
 * the hash index against a reference model, the IFINFO_MAX cap, and one
 * real dump from this machine's kernel.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <net/if.h> /* before linux/if.h, which then steps aside */
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/ifinfo.h"

static uint32_t buf32[4096]; /* 4-octet aligned, as received */
#define BUF ((char *)buf32)

/* A link message at p: ifinfomsg, then IFLA_IFNAME if name. */
static struct nlmsghdr *link_msg(char *p, uint16_t type, uint8_t family,
				 int ifindex, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = family;
	ifm->ifi_index = ifindex;
	ifm->ifi_type = ARPHRD_ETHER;
	ifm->ifi_flags = IFF_UP;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static struct nlmsghdr *newlink(char *p, int ifindex, const char *name)
{
	return link_msg(p, RTM_NEWLINK, AF_UNSPEC, ifindex, name);
}

/* IFLA_LINKINFO with kind; returns the open IFLA_INFO_DATA nest. */
static struct nlattr *info_begin(struct nlmsghdr *nlh, const char *kind,
				 struct nlattr **li)
{
	*li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	return mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
}

static void info_end(struct nlmsghdr *nlh, struct nlattr *li,
		     struct nlattr *data)
{
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
}

static void put_kind(struct nlmsghdr *nlh, const char *kind)
{
	struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, li);
}

static void put_in4(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	struct in_addr in;

	ck_assert_int_eq(inet_pton(AF_INET, a, &in), 1);
	mnl_attr_put(nlh, type, 4, &in);
}

static void put_in6(struct nlmsghdr *nlh, uint16_t type, const char *a)
{
	struct in6_addr in6;

	ck_assert_int_eq(inet_pton(AF_INET6, a, &in6), 1);
	mnl_attr_put(nlh, type, 16, &in6);
}

static int handle(struct ifinfo *t, const struct nlmsghdr *nlh)
{
	return ifinfo_handle(t, nlh, nlh->nlmsg_len);
}

static void assert_addr(int ver, const uint8_t *got, const char *want)
{
	uint8_t a[16] = { 0 };

	ck_assert_int_eq(inet_pton(ver == 4 ? AF_INET : AF_INET6, want, a), 1);
	ck_assert_msg(!memcmp(got, a, 16), "address is not %s", want);
}

static void add_phys(struct ifinfo *t, int ifindex, const char *name)
{
	ck_assert_int_eq(handle(t, newlink(BUF, ifindex, name)), 1);
	ck_assert_ptr_nonnull(ifinfo_get(t, ifindex));
}

START_TEST(physical)
{
	struct ifinfo *t = ifinfo_new();
	const struct ifinfo_entry *e;
	struct nlmsghdr *nlh = newlink(BUF, 2, "ge0");

	mnl_attr_put_u32(nlh, IFLA_MTU, 9000);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, IF_OPER_UP);
	ck_assert_uint_eq(ifinfo_generation(t), 0);
	ck_assert_int_eq(handle(t, nlh), 1);
	e = ifinfo_get(t, 2);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->name, "ge0");
	ck_assert_str_eq(e->kind, "");
	ck_assert_str_eq(e->alias, "");
	ck_assert_uint_eq(e->parent, 0);
	ck_assert_uint_eq(e->mtu, 9000);
	ck_assert_uint_eq(e->operstate, IF_OPER_UP);
	ck_assert_uint_eq(e->type, ARPHRD_ETHER);
	ck_assert_uint_eq(e->flags, IFF_UP);
	ck_assert_uint_eq(e->tun.ver, 0);
	ck_assert_uint_eq(e->manual, 0);
	ck_assert_str_eq(ifinfo_phys_name(t, 2), "ge0");
	ck_assert_ptr_null(ifinfo_get(t, 3));
	ck_assert_ptr_null(ifinfo_phys_name(t, 3));
	ck_assert_uint_eq(ifinfo_count(t), 1);
	ck_assert_uint_ne(ifinfo_generation(t), 0);
	ck_assert_uint_eq(ifinfo_stats(t)->newlink, 1);
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 0);
	ck_assert_int_eq(ifinfo_fd(t), -1);
	ck_assert_int_eq(ifinfo_process(t), -ENOTCONN);
	ifinfo_close(t);
}
END_TEST

/* vlan and macvlan: IFLA_LINK is the lower device */
START_TEST(vlan_parent)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh;
	struct nlattr *li, *data;

	add_phys(t, 2, "ge0");
	nlh = newlink(BUF, 5, "ge0.100");
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	data = info_begin(nlh, "vlan", &li);
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, 100);
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_str_eq(ifinfo_get(t, 5)->kind, "vlan");
	ck_assert_uint_eq(ifinfo_get(t, 5)->parent, 2);
	ck_assert_str_eq(ifinfo_phys_name(t, 5), "ge0");
	ck_assert_str_eq(ifinfo_phys_name(t, 2), "ge0");

	/* a parent we do not know: the interface itself */
	nlh = newlink(BUF, 6, "ge9.7");
	mnl_attr_put_u32(nlh, IFLA_LINK, 99);
	put_kind(nlh, "vlan");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(ifinfo_get(t, 6)->parent, 99);
	ck_assert_str_eq(ifinfo_phys_name(t, 6), "ge9.7");

	nlh = newlink(BUF, 7, "mv0");
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	put_kind(nlh, "macvlan");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_str_eq(ifinfo_phys_name(t, 7), "ge0");

	/* the lower device is in another namespace: no parent here */
	nlh = newlink(BUF, 8, "mv1");
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 0);
	put_kind(nlh, "macvlan");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(ifinfo_get(t, 8)->parent, 0);
	ck_assert_str_eq(ifinfo_phys_name(t, 8), "mv1");
	ifinfo_close(t);
}
END_TEST

/* veth: IFLA_LINK is the peer, never a parent */
START_TEST(veth_peer_not_parent)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh;

	add_phys(t, 10, "va");
	nlh = newlink(BUF, 11, "vb");
	mnl_attr_put_u32(nlh, IFLA_LINK, 10);
	put_kind(nlh, "veth");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_str_eq(ifinfo_get(t, 11)->kind, "veth");
	ck_assert_uint_eq(ifinfo_get(t, 11)->parent, 0);
	ck_assert_str_eq(ifinfo_phys_name(t, 11), "vb");

	/* peer in another namespace, index 10 there */
	nlh = newlink(BUF, 12, "vc");
	mnl_attr_put_u32(nlh, IFLA_LINK, 10);
	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 3);
	put_kind(nlh, "veth");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(ifinfo_get(t, 12)->parent, 0);
	ck_assert_str_eq(ifinfo_phys_name(t, 12), "vc");
	ifinfo_close(t);
}
END_TEST

START_TEST(vxlan_v4)
{
	struct ifinfo *t = ifinfo_new();
	const struct ifinfo_entry *e;
	struct nlmsghdr *nlh;
	struct nlattr *li, *data;

	add_phys(t, 2, "ge0");
	nlh = newlink(BUF, 20, "vx0");
	data = info_begin(nlh, "vxlan", &li);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, 42);
	put_in4(nlh, IFLA_VXLAN_GROUP, "10.9.0.2");
	mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, 2);
	put_in4(nlh, IFLA_VXLAN_LOCAL, "10.9.0.1");
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(4789));
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	e = ifinfo_get(t, 20);
	ck_assert_str_eq(e->kind, "vxlan");
	ck_assert_uint_eq(e->parent, 2);
	ck_assert_uint_eq(e->tun.ver, 4);
	assert_addr(4, e->tun.local, "10.9.0.1");
	assert_addr(4, e->tun.remote, "10.9.0.2");
	ck_assert_str_eq(ifinfo_phys_name(t, 20), "ge0");

	/* created in another namespace and moved here: its underlay device
	 * (index 2 there) is not our ge0 */
	nlh = newlink(BUF, 23, "vx1");
	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 1);
	data = info_begin(nlh, "vxlan", &li);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, 2);
	put_in4(nlh, IFLA_VXLAN_GROUP, "239.1.1.1");
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	e = ifinfo_get(t, 23);
	ck_assert_uint_eq(e->parent, 0);
	ck_assert_uint_eq(e->tun.ver, 4);
	assert_addr(4, e->tun.local, "0.0.0.0");
	assert_addr(4, e->tun.remote, "239.1.1.1");
	ck_assert_str_eq(ifinfo_phys_name(t, 23), "vx1");
	ifinfo_close(t);
}
END_TEST

START_TEST(vxlan_v6)
{
	struct ifinfo *t = ifinfo_new();
	const struct ifinfo_entry *e;
	struct nlmsghdr *nlh;
	struct nlattr *li, *data;

	nlh = newlink(BUF, 21, "vx6");
	data = info_begin(nlh, "vxlan", &li);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, 43);
	put_in6(nlh, IFLA_VXLAN_GROUP6, "fd00::2");
	put_in6(nlh, IFLA_VXLAN_LOCAL6, "fd00::1");
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	e = ifinfo_get(t, 21);
	ck_assert_uint_eq(e->tun.ver, 6);
	assert_addr(6, e->tun.local, "fd00::1");
	assert_addr(6, e->tun.remote, "fd00::2");
	ck_assert_uint_eq(e->parent, 0);
	ck_assert_str_eq(ifinfo_phys_name(t, 21), "vx6");

	/* collect_md ("external"): no endpoints at all */
	nlh = newlink(BUF, 22, "vxext");
	data = info_begin(nlh, "vxlan", &li);
	mnl_attr_put_u8(nlh, IFLA_VXLAN_COLLECT_METADATA, 1);
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(ifinfo_get(t, 22)->tun.ver, 0);
	ifinfo_close(t);
}
END_TEST

/* Per kind: attributes as the kernel fills them, and what must come out. */
struct tun_case {
	const char *kind;
	uint16_t link_attr, local_attr, remote_attr;
	int ver;
	const char *local, *remote;
	uint32_t parent;
};

static const struct tun_case tun_cases[] = {
	{ "gre", IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_REMOTE, 4, "192.0.2.1",
	  "198.51.100.1", 2 },
	{ "gretap", IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_REMOTE, 4,
	  "192.0.2.2", "198.51.100.2", 0 },
	{ "ip6gre", IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_REMOTE, 6,
	  "2001:db8::1", "2001:db8::2", 2 },
	{ "ipip", IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_REMOTE, 4,
	  "192.0.2.3", "198.51.100.3", 2 },
	{ "sit", IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_REMOTE, 4,
	  "192.0.2.4", "198.51.100.4", 0 },
	{ "ip6tnl", IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_REMOTE, 6,
	  "2001:db8::3", "2001:db8::4", 2 },
	{ "geneve", 0, 0, IFLA_GENEVE_REMOTE, 4, "0.0.0.0", "203.0.113.9", 0 },
	{ "geneve", 0, 0, IFLA_GENEVE_REMOTE6, 6, "::", "2001:db8::9", 0 },
};

START_TEST(tunnels)
{
	const struct tun_case *c = &tun_cases[_i];
	struct ifinfo *t = ifinfo_new();
	const struct ifinfo_entry *e;
	struct nlmsghdr *nlh;
	struct nlattr *li, *data;
	void (*put_addr)(struct nlmsghdr *, uint16_t, const char *) =
		c->ver == 4 ? put_in4 : put_in6;

	add_phys(t, 2, "ge0");
	nlh = newlink(BUF, 30, "tun0");
	/* ip tunnels report the underlay as IFLA_LINK too */
	if (c->parent)
		mnl_attr_put_u32(nlh, IFLA_LINK, c->parent);
	data = info_begin(nlh, c->kind, &li);
	/* the kernel always puts these for gre and ip tunnels, 0 if unset */
	if (c->link_attr)
		mnl_attr_put_u32(nlh, c->link_attr, c->parent);
	if (c->local_attr)
		put_addr(nlh, c->local_attr, c->local);
	put_addr(nlh, c->remote_attr, c->remote);
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	e = ifinfo_get(t, 30);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->kind, c->kind);
	ck_assert_int_eq(e->tun.ver, c->ver);
	assert_addr(c->ver, e->tun.local, c->local);
	assert_addr(c->ver, e->tun.remote, c->remote);
	ck_assert_uint_eq(e->parent, c->parent);
	ck_assert_str_eq(ifinfo_phys_name(t, 30), c->parent ? "ge0" : "tun0");

	/* an address of the other family's size is malformed */
	nlh = newlink(BUF, 31, "tun1");
	data = info_begin(nlh, c->kind, &li);
	(c->ver == 4 ? put_in6 : put_in4)(nlh, c->remote_attr,
					  c->ver == 4 ? "::1" : "1.2.3.4");
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_ptr_null(ifinfo_get(t, 31));
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 1);
	ifinfo_close(t);
}
END_TEST

/* gre without endpoints (remote any, local any): no tunnel version */
START_TEST(gre_unconfigured)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh = newlink(BUF, 40, "gre0");
	struct nlattr *li, *data;

	data = info_begin(nlh, "gre", &li);
	mnl_attr_put_u32(nlh, IFLA_GRE_LINK, 0);
	put_in4(nlh, IFLA_GRE_LOCAL, "0.0.0.0");
	put_in4(nlh, IFLA_GRE_REMOTE, "0.0.0.0");
	info_end(nlh, li, data);
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(ifinfo_get(t, 40)->tun.ver, 0);
	ck_assert_uint_eq(ifinfo_get(t, 40)->parent, 0);
	ifinfo_close(t);
}
END_TEST

START_TEST(ppp_alias)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh = newlink(BUF, 50, "ppp0");
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const char *alias = "customer 42 \xc3\xa9t\xc3\xa9 Z\xc3\xbcrich";

	ifm->ifi_type = ARPHRD_PPP;
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	put_kind(nlh, "ppp");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_str_eq(ifinfo_get(t, 50)->alias, alias);
	ck_assert_str_eq(ifinfo_get(t, 50)->kind, "ppp");
	ck_assert_uint_eq(ifinfo_get(t, 50)->type, ARPHRD_PPP);
	ck_assert_str_eq(ifinfo_phys_name(t, 50), "ppp0");

	/* the alias removed: the next message has none */
	ck_assert_int_eq(handle(t, newlink(BUF, 50, "ppp0")), 1);
	ck_assert_str_eq(ifinfo_get(t, 50)->alias, "");
	ifinfo_close(t);
}
END_TEST

/* 63 ASCII octets then "é": 65 octets cut to 63, not in the middle of é */
START_TEST(alias_truncated_at_utf8)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh = newlink(BUF, 51, "ppp1");
	char alias[300], want[64];

	memset(alias, 'a', 63);
	strcpy(alias + 63, "\xc3\xa9 and more");
	memcpy(want, alias, 63);
	want[63] = '\0';
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_str_eq(ifinfo_get(t, 51)->alias, want);

	/* plain ASCII: exactly 64 octets kept */
	memset(alias, 'b', 200);
	alias[200] = '\0';
	nlh = newlink(BUF, 51, "ppp1");
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(strlen(ifinfo_get(t, 51)->alias), 64);
	ifinfo_close(t);
}
END_TEST

START_TEST(rename_and_generation)
{
	struct ifinfo *t = ifinfo_new();
	uint64_t g0, g1;

	add_phys(t, 3, "eth0");
	g0 = ifinfo_generation(t);
	add_phys(t, 3, "eth0"); /* nothing new */
	ck_assert_uint_eq(ifinfo_generation(t), g0);
	add_phys(t, 3, "wan0");
	g1 = ifinfo_generation(t);
	ck_assert_uint_ne(g1, g0);
	ck_assert_str_eq(ifinfo_get(t, 3)->name, "wan0");
	ck_assert_uint_eq(ifinfo_count(t), 1);
	ck_assert_uint_eq(ifinfo_stats(t)->newlink, 3);
	ifinfo_close(t);
}
END_TEST

START_TEST(dellink)
{
	struct ifinfo *t = ifinfo_new();
	uint64_t g;

	add_phys(t, 3, "eth0");
	add_phys(t, 4, "eth1");
	g = ifinfo_generation(t);

	/* AF_BRIDGE: eth0 left a bridge; it still exists */
	ck_assert_int_eq(
		handle(t, link_msg(BUF, RTM_DELLINK, AF_BRIDGE, 3, "eth0")), 1);
	ck_assert_ptr_nonnull(ifinfo_get(t, 3));
	/* and a bridge port notification does not replace the entry */
	ck_assert_int_eq(
		handle(t, link_msg(BUF, RTM_NEWLINK, AF_BRIDGE, 3, "brx")), 1);
	ck_assert_str_eq(ifinfo_get(t, 3)->name, "eth0");
	ck_assert_uint_eq(ifinfo_generation(t), g);
	ck_assert_uint_eq(ifinfo_stats(t)->ignored, 2);

	ck_assert_int_eq(
		handle(t, link_msg(BUF, RTM_DELLINK, AF_UNSPEC, 3, "eth0")), 1);
	ck_assert_ptr_null(ifinfo_get(t, 3));
	ck_assert_ptr_nonnull(ifinfo_get(t, 4));
	ck_assert_uint_ne(ifinfo_generation(t), g);
	ck_assert_uint_eq(ifinfo_count(t), 1);
	/* unknown index: nothing happens */
	g = ifinfo_generation(t);
	ck_assert_int_eq(
		handle(t, link_msg(BUF, RTM_DELLINK, AF_UNSPEC, 9, NULL)), 1);
	ck_assert_uint_eq(ifinfo_generation(t), g);
	ck_assert_uint_eq(ifinfo_stats(t)->dellink, 2);
	ifinfo_close(t);
}
END_TEST

/* Several messages in one datagram, as a dump delivers them. */
static size_t put_multi(char *p, uint32_t seq, uint32_t pid, int first,
			int count)
{
	size_t off = 0;
	int i;

	for (i = 0; i < count; i++) {
		char name[16];
		struct nlmsghdr *nlh;

		snprintf(name, sizeof(name), "if%d", first + i);
		nlh = newlink(p + off, first + i, name);
		nlh->nlmsg_flags = NLM_F_MULTI;
		nlh->nlmsg_seq = seq;
		nlh->nlmsg_pid = pid;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	return off;
}

static size_t put_done(char *p, uint16_t type, uint32_t seq, int error,
		       uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	int *e = mnl_nlmsg_put_extra_header(
		nlh,
		type == NLMSG_ERROR ? sizeof(struct nlmsgerr) : sizeof(int));

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	*e = error;
	return nlh->nlmsg_len;
}

START_TEST(several_messages)
{
	struct ifinfo *t = ifinfo_new();
	size_t off = put_multi(BUF, 0, 0, 1, 3);
	struct nlmsghdr *nlh;

	nlh = link_msg(BUF + off, RTM_DELLINK, AF_UNSPEC, 2, "if2");
	off += nlh->nlmsg_len;
	nlh = mnl_nlmsg_put_header(BUF + off);
	nlh->nlmsg_type = RTM_NEWADDR; /* not ours */
	off += nlh->nlmsg_len;
	off += put_done(BUF + off, NLMSG_DONE, 0, 0, NLM_F_MULTI);
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 6);
	ck_assert_uint_eq(ifinfo_count(t), 2);
	ck_assert_str_eq(ifinfo_get(t, 1)->name, "if1");
	ck_assert_ptr_null(ifinfo_get(t, 2));
	ck_assert_str_eq(ifinfo_get(t, 3)->name, "if3");
	ck_assert_uint_eq(ifinfo_stats(t)->messages, 6);
	ck_assert_uint_eq(ifinfo_stats(t)->ignored, 2); /* NEWADDR, DONE */
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 0);
	ifinfo_close(t);
}
END_TEST

/* A dump replaces the table: what it does not list is gone. */
START_TEST(dump_sweeps)
{
	struct ifinfo *t = ifinfo_new();
	const uint32_t seq = 777, pid = 4242;
	size_t off;

	ck_assert_int_eq(ifinfo_handle(t, BUF, put_multi(BUF, 0, 0, 1, 5)), 5);
	ck_assert_int_eq(ifinfo_set(t, 100, "pcap0", NULL), 0);

	/* a dump listing 1, 3, 5 (notifications lost 2 and 4 going) */
	ifinfo_dump_begin(t, seq);
	off = put_multi(BUF, seq, pid, 1, 1);
	off += put_multi(BUF + off, seq, pid, 3, 1);
	off += put_multi(BUF + off, seq, pid, 5, 1);
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 3);
	ck_assert_uint_eq(ifinfo_count(t), 6); /* not yet: no DONE */
	/* a DONE of another request does not end it */
	ck_assert_int_eq(ifinfo_handle(t, BUF,
				       put_done(BUF, NLMSG_DONE, seq + 1, 0,
						NLM_F_MULTI)),
			 1);
	ck_assert_uint_eq(ifinfo_count(t), 6);
	ck_assert_int_eq(
		ifinfo_handle(t, BUF,
			      put_done(BUF, NLMSG_DONE, seq, 0, NLM_F_MULTI)),
		1);
	ck_assert_uint_eq(ifinfo_count(t), 4);
	ck_assert_ptr_nonnull(ifinfo_get(t, 1));
	ck_assert_ptr_null(ifinfo_get(t, 2));
	ck_assert_ptr_nonnull(ifinfo_get(t, 3));
	ck_assert_ptr_null(ifinfo_get(t, 4));
	ck_assert_ptr_nonnull(ifinfo_get(t, 5));
	/* entries set by hand are not rtnetlink's to remove */
	ck_assert_str_eq(ifinfo_get(t, 100)->name, "pcap0");
	ck_assert_uint_eq(ifinfo_stats(t)->dump_errors, 0);

	/* notifications read before the dump's first message are older than
	 * the dump: 9 was deleted before it began. Those after its first
	 * message are news: 10 was created during it. */
	ifinfo_dump_begin(t, seq + 5);
	off = put_multi(BUF, 0, 0, 9, 1);
	off += put_multi(BUF + off, seq + 5, pid, 1, 1);
	off += put_multi(BUF + off, 0, 0, 10, 1);
	off += put_multi(BUF + off, seq + 5, pid, 3, 1);
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 4);
	ck_assert_uint_eq(ifinfo_count(t), 6);
	ck_assert_int_eq(ifinfo_handle(t, BUF,
				       put_done(BUF, NLMSG_DONE, seq + 5, 0,
						NLM_F_MULTI)),
			 1);
	ck_assert_uint_eq(ifinfo_count(t), 4);
	ck_assert_ptr_null(ifinfo_get(t, 9));
	ck_assert_ptr_nonnull(ifinfo_get(t, 10));
	ck_assert_ptr_null(ifinfo_get(t, 5));
	ck_assert_ptr_nonnull(ifinfo_get(t, 100));

	/* a second DONE after the end: ignored */
	ck_assert_int_eq(
		ifinfo_handle(t, BUF,
			      put_done(BUF, NLMSG_DONE, seq, 0, NLM_F_MULTI)),
		1);
	ck_assert_uint_eq(ifinfo_count(t), 4);
	ifinfo_close(t);
}
END_TEST

/* An interrupted or failed dump removes nothing. */
START_TEST(dump_interrupted_or_failed)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh;
	size_t off;

	ifinfo_handle(t, BUF, put_multi(BUF, 0, 0, 1, 4));
	ifinfo_dump_begin(t, 10);
	off = put_multi(BUF, 10, 0, 1, 1);
	nlh = (struct nlmsghdr *)BUF;
	nlh->nlmsg_flags |= NLM_F_DUMP_INTR;
	off += put_done(BUF + off, NLMSG_DONE, 10, 0, NLM_F_MULTI);
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 2);
	ck_assert_uint_eq(ifinfo_count(t), 4);
	ck_assert_uint_eq(ifinfo_stats(t)->dump_errors, 1);

	/* the kernel refused the dump */
	ifinfo_dump_begin(t, 11);
	ifinfo_handle(t, BUF, put_done(BUF, NLMSG_ERROR, 11, -EBUSY, 0));
	ck_assert_uint_eq(ifinfo_count(t), 4);
	ck_assert_uint_eq(ifinfo_stats(t)->dump_errors, 2);

	/* DONE carrying an error */
	ifinfo_dump_begin(t, 12);
	ifinfo_handle(t, BUF,
		      put_done(BUF, NLMSG_DONE, 12, -ENOBUFS, NLM_F_MULTI));
	ck_assert_uint_eq(ifinfo_count(t), 4);
	ck_assert_uint_eq(ifinfo_stats(t)->dump_errors, 3);

	/* an ACK (error 0) does not end a dump; DONE then sweeps */
	ifinfo_dump_begin(t, 13);
	off = put_done(BUF, NLMSG_ERROR, 13, 0, 0);
	off += put_multi(BUF + off, 13, 0, 2, 1);
	off += put_done(BUF + off, NLMSG_DONE, 13, 0, NLM_F_MULTI);
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 3);
	ck_assert_uint_eq(ifinfo_count(t), 1);
	ck_assert_ptr_nonnull(ifinfo_get(t, 2));
	ck_assert_uint_eq(ifinfo_stats(t)->dump_errors, 3);
	ifinfo_close(t);
}
END_TEST

/* NLMSG_ERROR outside a dump (someone else's request): nothing changes. */
START_TEST(nlmsg_error)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh;

	add_phys(t, 1, "lo");
	ck_assert_int_eq(
		ifinfo_handle(t, BUF, put_done(BUF, NLMSG_ERROR, 5, -EPERM, 0)),
		1);
	ck_assert_uint_eq(ifinfo_count(t), 1);
	ck_assert_uint_eq(ifinfo_stats(t)->ignored, 1);
	/* too short to hold the error number */
	nlh = mnl_nlmsg_put_header(BUF);
	nlh->nlmsg_type = NLMSG_ERROR;
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_uint_eq(ifinfo_count(t), 1);
	ifinfo_close(t);
}
END_TEST

/* Each must be counted malformed and change nothing. */
START_TEST(malformed_messages)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh;
	struct nlattr *li, *data;
	uint64_t bad = 0, g;
	char name[32];

#define EXPECT_BAD(msg)                                               \
	do {                                                          \
		ck_assert_int_eq(handle(t, msg), 1);                  \
		ck_assert_uint_eq(ifinfo_stats(t)->malformed, ++bad); \
		ck_assert_uint_eq(ifinfo_count(t), 1);                \
		ck_assert_uint_eq(ifinfo_generation(t), g);           \
	} while (0)

	add_phys(t, 1, "lo");
	g = ifinfo_generation(t);
	/* no name, empty name, too long, not a name */
	EXPECT_BAD(newlink(BUF, 2, NULL));
	EXPECT_BAD(newlink(BUF, 2, ""));
	EXPECT_BAD(newlink(BUF, 2, "0123456789abcdef"));
	EXPECT_BAD(newlink(BUF, 2, "a/b"));
	EXPECT_BAD(newlink(BUF, 2, "a b"));
	EXPECT_BAD(newlink(BUF, 2, ".."));
	/* ifindex 0 and negative */
	EXPECT_BAD(newlink(BUF, 0, "x"));
	EXPECT_BAD(newlink(BUF, -5, "x"));
	/* an MTU of 5 octets, an operstate of 4 */
	nlh = newlink(BUF, 2, "x");
	mnl_attr_put(nlh, IFLA_MTU, 5, "\1\2\3\4\5");
	EXPECT_BAD(nlh);
	nlh = newlink(BUF, 2, "x");
	mnl_attr_put_u32(nlh, IFLA_OPERSTATE, 6);
	EXPECT_BAD(nlh);
	nlh = newlink(BUF, 2, "x");
	mnl_attr_put_u16(nlh, IFLA_LINK, 1);
	EXPECT_BAD(nlh);
	/* IFLA_LINKINFO too short to be a nest; an empty kind */
	nlh = newlink(BUF, 2, "x");
	mnl_attr_put_u16(nlh, IFLA_LINKINFO, 1);
	EXPECT_BAD(nlh);
	nlh = newlink(BUF, 2, "x");
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put(nlh, IFLA_INFO_KIND, 0, "");
	mnl_attr_nest_end(nlh, li);
	EXPECT_BAD(nlh);
	/* vxlan link of 2 octets */
	nlh = newlink(BUF, 2, "x");
	data = info_begin(nlh, "vxlan", &li);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_LINK, 1);
	info_end(nlh, li, data);
	EXPECT_BAD(nlh);
	/* payload shorter than struct ifinfomsg */
	nlh = mnl_nlmsg_put_header(BUF);
	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, 8);
	EXPECT_BAD(nlh);
	nlh->nlmsg_type = RTM_DELLINK;
	EXPECT_BAD(nlh);
	/* DELLINK of index 0 */
	EXPECT_BAD(link_msg(BUF, RTM_DELLINK, AF_UNSPEC, 0, NULL));

	/* an attribute running past the message: the walk stops there, so
	 * the name after it is never seen */
	nlh = link_msg(BUF, RTM_NEWLINK, AF_UNSPEC, 2, NULL);
	li = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "x");
	li->nla_len = 200;
	EXPECT_BAD(nlh);

	/* unknown kinds and attributes are fine, names with '.' and '-' too */
	snprintf(name, sizeof(name), "a.b-c_%d", 9);
	nlh = newlink(BUF, 2, name);
	mnl_attr_put_u32(nlh, 999, 1);
	put_kind(nlh, "some-future-kind-with-a-long-name");
	ck_assert_int_eq(handle(t, nlh), 1);
	ck_assert_str_eq(ifinfo_get(t, 2)->name, "a.b-c_9");
	ck_assert_str_eq(ifinfo_get(t, 2)->kind, "some-future-kin");
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, bad);
#undef EXPECT_BAD
	ifinfo_close(t);
}
END_TEST

/* Lengths that lie about the datagram. */
START_TEST(malformed_datagrams)
{
	struct ifinfo *t = ifinfo_new();
	struct nlmsghdr *nlh;
	size_t off;

	/* the second message says it is longer than what is left */
	off = put_multi(BUF, 0, 0, 1, 2);
	nlh = (struct nlmsghdr *)(BUF + off / 2);
	nlh->nlmsg_len += 100;
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 1);
	ck_assert_ptr_nonnull(ifinfo_get(t, 1));
	ck_assert_ptr_null(ifinfo_get(t, 2));
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 1);

	/* nlmsg_len 0 and 15: no endless loop, nothing applied */
	nlh = newlink(BUF, 3, "if3");
	off = nlh->nlmsg_len;
	nlh->nlmsg_len = 0;
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 0);
	nlh->nlmsg_len = 15;
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 0);
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 3);

	/* a datagram cut short, and trailing octets after a good message */
	nlh = newlink(BUF, 3, "if3");
	ck_assert_int_eq(ifinfo_handle(t, BUF, nlh->nlmsg_len - 1), 0);
	ck_assert_ptr_null(ifinfo_get(t, 3));
	ck_assert_int_eq(ifinfo_handle(t, BUF, nlh->nlmsg_len + 3), 1);
	ck_assert_ptr_nonnull(ifinfo_get(t, 3));
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 5);

	/* the last message's length not a multiple of 4 and the datagram
	 * ending there: rejected, libmnl would look past the end */
	nlh = newlink(BUF, 4, "if4");
	nlh->nlmsg_len -= 1;
	ck_assert_int_eq(ifinfo_handle(t, BUF, nlh->nlmsg_len), 0);
	ck_assert_ptr_null(ifinfo_get(t, 4));

	/* lengths that are negative as an int: libmnl's mnl_nlmsg_ok() takes
	 * them, and 2^32 - 1 aligns to 0 (found by fuzz_netlink: a hang) */
	off = put_multi(BUF, 0, 0, 5, 2);
	nlh = (struct nlmsghdr *)(BUF + off / 2);
	nlh->nlmsg_len = 0xffffffff;
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 1);
	nlh->nlmsg_len = 0x80000000;
	ck_assert_int_eq(ifinfo_handle(t, BUF, off), 1);
	ck_assert_ptr_nonnull(ifinfo_get(t, 5));
	ck_assert_ptr_null(ifinfo_get(t, 6));

	ck_assert_int_eq(ifinfo_handle(t, BUF + 1, 20), -EINVAL);
	ck_assert_int_eq(ifinfo_handle(t, BUF, 0), 0);
	ifinfo_close(t);
}
END_TEST

START_TEST(set_by_hand)
{
	struct ifinfo *t = ifinfo_new();
	const struct ifinfo_entry *e;
	/* 14 ASCII octets then a 2-octet character: cut before it */
	const char *longname = "abcdefghijklmn\xc3\xa9xyz";

	ck_assert_int_eq(ifinfo_set(t, 0, "x", NULL), -EINVAL);
	ck_assert_int_eq(ifinfo_set(t, 1, NULL, NULL), -EINVAL);
	ck_assert_int_eq(ifinfo_set(t, 7, longname, "uplink"), 0);
	e = ifinfo_get(t, 7);
	ck_assert_str_eq(e->name, "abcdefghijklmn");
	ck_assert_str_eq(e->alias, "uplink");
	ck_assert_uint_eq(e->manual, 1);
	ck_assert_str_eq(ifinfo_phys_name(t, 7), "abcdefghijklmn");
	ck_assert_int_eq(ifinfo_set(t, 7, "eth0", NULL), 0);
	ck_assert_str_eq(ifinfo_get(t, 7)->name, "eth0");
	ck_assert_str_eq(ifinfo_get(t, 7)->alias, "");
	ck_assert_uint_eq(ifinfo_count(t), 1);
	/* rtnetlink news replace it */
	add_phys(t, 7, "eth7");
	ck_assert_uint_eq(ifinfo_get(t, 7)->manual, 0);
	ifinfo_close(t);
}
END_TEST

/*
 * Random adds and deletes against a plain array of names. Two shapes:
 * thousands of consecutive ifindexes through every growth step, and 16 in
 * the smallest table (32 slots) that all hash to its last or first slots,
 * so that probe runs wrap around the end when one is deleted. That choice
 * knows ifinfo.c's hash (the top bits of ifindex * 0x9e3779b1); with
 * another hash the case still passes, only without its edge.
 */
static uint32_t home32(uint32_t ifindex)
{
	return (ifindex * 0x9e3779b1u) >> 27;
}

static const struct {
	unsigned int pool, ops, every;
} model_cases[] = { { 16, 20000, 1 }, { 3000, 100000, 4999 } };

START_TEST(index_model)
{
	enum { MAXPOOL = 3000 };
	static uint32_t pool[MAXPOOL];
	static char model[MAXPOOL][16];
	unsigned int npool = model_cases[_i].pool, ops = model_cases[_i].ops;
	struct ifinfo *t = ifinfo_new();
	unsigned int seed = 12345 + _i, i, j, n = 0;
	size_t k;

	for (j = 0, i = 1; j < npool; i++) {
		if (npool > 16 || home32(i) >= 29 || home32(i) == 0) {
			model[j][0] = '\0';
			pool[j++] = i;
		}
	}
	for (i = 0; i < ops; i++) {
		j = (unsigned int)rand_r(&seed) % npool;
		if (rand_r(&seed) % 3 == 0) {
			ifinfo_handle(t, BUF,
				      link_msg(BUF, RTM_DELLINK, AF_UNSPEC,
					       (int)pool[j], NULL)
					      ->nlmsg_len);
			n -= model[j][0] != 0;
			model[j][0] = '\0';
		} else {
			snprintf(model[j], 16, "n%d", rand_r(&seed) % 1000);
			n += ifinfo_get(t, pool[j]) == NULL;
			ifinfo_handle(
				t, BUF,
				newlink(BUF, (int)pool[j], model[j])->nlmsg_len);
		}
		if (i % model_cases[_i].every && i != ops - 1)
			continue;
		ck_assert_uint_eq(ifinfo_count(t), n);
		for (j = 0; j < npool; j++) {
			const struct ifinfo_entry *e = ifinfo_get(t, pool[j]);

			if (model[j][0]) {
				ck_assert_msg(e != NULL, "op %u: %u lost", i,
					      pool[j]);
				ck_assert_str_eq(e->name, model[j]);
			} else {
				ck_assert_msg(e == NULL, "op %u: %u kept", i,
					      pool[j]);
			}
		}
	}
	/* iteration visits every entry once */
	for (k = 0; ifinfo_at(t, k); k++) {
		const struct ifinfo_entry *e = ifinfo_at(t, k);

		ck_assert_ptr_eq(ifinfo_get(t, e->ifindex), e);
		for (j = 0; j < npool && pool[j] != e->ifindex; j++)
			;
		ck_assert_uint_lt(j, npool);
		ck_assert(model[j][0]);
		model[j][0] = '\0'; /* seen: a second visit fails above */
	}
	ck_assert_uint_eq(k, n);
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 0);
	ifinfo_close(t);
}
END_TEST

/* IFINFO_MAX entries at most; the rest counted. */
START_TEST(capped)
{
	struct ifinfo *t = ifinfo_new();
	uint32_t i;

	for (i = 1; i <= IFINFO_MAX + 10; i++) {
		char name[16];

		snprintf(name, sizeof(name), "p%u", i);
		ifinfo_handle(t, BUF, newlink(BUF, (int)i, name)->nlmsg_len);
	}
	ck_assert_uint_eq(ifinfo_count(t), IFINFO_MAX);
	ck_assert_uint_eq(ifinfo_stats(t)->full, 10);
	ck_assert_ptr_null(ifinfo_get(t, IFINFO_MAX + 1));
	ck_assert_int_eq(ifinfo_set(t, IFINFO_MAX + 1, "x", NULL), -ENOSPC);
	/* a known one can still change, and a freed place be taken */
	add_phys(t, 5, "renamed");
	ck_assert_str_eq(ifinfo_get(t, 5)->name, "renamed");
	ifinfo_handle(
		t, BUF,
		link_msg(BUF, RTM_DELLINK, AF_UNSPEC, 6, NULL)->nlmsg_len);
	ck_assert_int_eq(ifinfo_set(t, IFINFO_MAX + 1, "x", NULL), 0);
	ck_assert_uint_eq(ifinfo_count(t), IFINFO_MAX);
	ifinfo_close(t);
}
END_TEST

/* This machine's kernel: a real dump has lo at ifindex 1. */
START_TEST(live_dump)
{
	char err[128];
	struct ifinfo *t = ifinfo_open(err, sizeof(err));
	unsigned int lo = if_nametoindex("lo");

	ck_assert_msg(t != NULL, "%s", err);
	ck_assert_int_ge(ifinfo_fd(t), 0);
	ck_assert_uint_gt(lo, 0);
	ck_assert_ptr_nonnull(ifinfo_get(t, lo));
	ck_assert_str_eq(ifinfo_get(t, lo)->name, "lo");
	ck_assert_uint_ge(ifinfo_count(t), 1);
	ck_assert_uint_eq(ifinfo_stats(t)->malformed, 0);
	ck_assert_uint_eq(ifinfo_stats(t)->dumps, 1);
	ck_assert_int_ge(ifinfo_process(t), 0);
	ck_assert_int_eq(ifinfo_resync(t), 0);
	ifinfo_close(t);
	ifinfo_close(NULL);
}
END_TEST

static Suite *ifinfo_suite(void)
{
	Suite *s = suite_create("ifinfo");
	TCase *tc = tcase_create("kinds");

	tcase_add_test(tc, physical);
	tcase_add_test(tc, vlan_parent);
	tcase_add_test(tc, veth_peer_not_parent);
	tcase_add_test(tc, vxlan_v4);
	tcase_add_test(tc, vxlan_v6);
	tcase_add_loop_test(tc, tunnels, 0,
			    sizeof(tun_cases) / sizeof(tun_cases[0]));
	tcase_add_test(tc, gre_unconfigured);
	tcase_add_test(tc, ppp_alias);
	tcase_add_test(tc, alias_truncated_at_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("changes");
	tcase_add_test(tc, rename_and_generation);
	tcase_add_test(tc, dellink);
	tcase_add_test(tc, several_messages);
	tcase_add_test(tc, dump_sweeps);
	tcase_add_test(tc, dump_interrupted_or_failed);
	tcase_add_test(tc, nlmsg_error);
	tcase_add_test(tc, set_by_hand);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, malformed_messages);
	tcase_add_test(tc, malformed_datagrams);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, index_model, 0,
			    sizeof(model_cases) / sizeof(model_cases[0]));
	tcase_add_test(tc, capped);
	tcase_add_test(tc, live_dump);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ifinfo_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
