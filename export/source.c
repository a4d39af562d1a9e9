// SPDX-License-Identifier: BSD-2-Clause
/*
 * source.c - the address an exporter sends from: IOS's "ip flow-export
 * source INTERFACE", Flexible NetFlow's exporter "source INTERFACE".
 * Collectors tell exporters apart by the source address of what they
 * receive (nfdump's exporter table, fluentd's host), so a router sends
 * from one stable address, a loopback's say, whatever interface the
 * route to the collector leaves by.
 *
 * The source is an address, or an interface: then its address of the
 * collector's family, the first IPv4 address (the primary one) or the
 * first IPv6 address that is not link-local, and not a loopback address
 * (127/8, ::1) unless the collector's is one: "source lo" is the address
 * a router keeps on lo, as IOS's "source Loopback0". The interface's address is
 * looked up whenever a socket is opened; a UDP collector looks again every
 * SOURCE_RECHECK_NS and moves to a new socket when the address changed
 * (transport.c), TCP at its next connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

#include "transport_int.h"

static socklen_t sa_len(int family)
{
	return family == AF_INET6 ? sizeof(struct sockaddr_in6)
				  : sizeof(struct sockaddr_in);
}

/* Is a an address of the host's loopback (127/8, ::1)? */
static bool loopback(const struct sockaddr *a)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)a;

	if (a->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
}

/*
 * An address of the interface usable as a source to dst, or NULL. Not a
 * loopback address for a collector elsewhere: "source lo" means the
 * router's own address on lo (IOS's Loopback0), not 127.0.0.1.
 */
static const struct sockaddr *
if_addr(const struct ifaddrs *ifa, const char *name, const struct sockaddr *dst)
{
	const struct sockaddr_in6 *s6;
	int family = dst->sa_family;

	for (; ifa; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family ||
		    strcmp(ifa->ifa_name, name) != 0)
			continue;
		s6 = (const struct sockaddr_in6 *)ifa->ifa_addr;
		/* a link-local source needs a scope the route may not have */
		if (family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			continue;
		if (loopback(ifa->ifa_addr) && !loopback(dst))
			continue;
		return ifa->ifa_addr;
	}
	return NULL;
}

int tx_source_addr(const struct collector *c, struct sockaddr_storage *sa)
{
	int family = c->addr.ss_family;
	const struct sockaddr *a;
	struct ifaddrs *ifa;
	void *raw;

	memset(sa, 0, sizeof(*sa));
	sa->ss_family = (sa_family_t)family;
	if (!c->source[0])
		return 0;
	raw = family == AF_INET6
		      ? (void *)&((struct sockaddr_in6 *)sa)->sin6_addr
		      : (void *)&((struct sockaddr_in *)sa)->sin_addr;
	if (!c->source_if) {
		if (inet_pton(family, c->source, raw) == 1)
			return 0;
		return -EAFNOSUPPORT;
	}
	if (getifaddrs(&ifa) < 0)
		return -errno;
	a = if_addr(ifa, c->source, (const struct sockaddr *)&c->addr);
	if (a)
		memcpy(sa, a, sa_len(family));
	freeifaddrs(ifa);
	if (a)
		return 0;
	return if_nametoindex(c->source) ? -EADDRNOTAVAIL : -ENODEV;
}

int tx_source_set(struct collector *c, const char *source)
{
	struct sockaddr_storage sa;
	uint8_t any[16];
	int rc;

	if (!source || !source[0])
		return 0;
	if (strlen(source) >= sizeof(c->source))
		return -ENAMETOOLONG;
	memcpy(c->source, source, strlen(source) + 1);
	c->source_if = inet_pton(AF_INET, source, any) != 1 &&
		       inet_pton(AF_INET6, source, any) != 1;
	/* a collector whose name does not resolve yet has no family to
	 * check the source against: tx_bind_source() does once it has */
	if (c->addr.ss_family == AF_UNSPEC)
		return 0;
	rc = tx_source_addr(c, &sa);
	/* an interface without an address yet is followed until it has */
	return rc == -EADDRNOTAVAIL ? 0 : rc;
}

int tx_bind_source(struct collector *c, int fd)
{
	struct sockaddr_storage sa;
	int one = 1, rc;

	if (!c->sport && !c->source[0])
		return 0;
	rc = tx_source_addr(c, &sa);
	if (rc == -EADDRNOTAVAIL || rc == -ENODEV)
		/* the interface has no address (now): the kernel picks one
		 * until it has, and tx_source_moved() sees it */
		memset(&sa, 0, sizeof(sa));
	else if (rc < 0)
		return rc;
	sa.ss_family = c->addr.ss_family;
	c->src = sa;
	if (sa.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&sa)->sin6_port = htons(c->sport);
	else
		((struct sockaddr_in *)&sa)->sin_port = htons(c->sport);
	/* SO_REUSEADDR: collectors may share the port, and a reload opens
	 * the new socket before it closes the old */
	if (c->sport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sa_len(sa.ss_family)) < 0)
		return -errno;
	return 0;
}

bool tx_source_moved(struct collector *c, uint64_t now_ns)
{
	struct sockaddr_storage sa;

	if (!c->source_if || now_ns < c->src_next_ns)
		return false;
	c->src_next_ns = now_ns + SOURCE_RECHECK_NS;
	if (tx_source_addr(c, &sa) < 0)
		memset(&sa, 0, sizeof(sa));
	sa.ss_family = c->addr.ss_family;
	return memcmp(&sa, &c->src, sa_len(sa.ss_family)) != 0;
}
