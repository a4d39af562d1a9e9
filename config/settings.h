/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * settings.h - the limits and defaults of the settings, defined once: the
 * command line (options*.c) and the configuration file (config*.c, both
 * dialects) check and fill their values from here, so that a command line
 * and the file it means (options_config.c) run alike.
 */
#ifndef XFLOWD_SETTINGS_H
#define XFLOWD_SETTINGS_H

#include <stdint.h>

/* Exporter: --collector and its options, the exporter block */
#define SET_DEFAULT_PORT 4739 /* IANA ipfix; IIJ's routers pin it too */
#define SET_DEFAULT_VERSION 10
#define SET_DEFAULT_DOMAIN 1
#define SET_DEFAULT_MTU 1500
#define SET_MTU_MIN 576 /* the datagram every IPv4 host accepts (RFC 791) */
#define SET_MTU_MAX 65535
#define SET_PORT_MAX 65535
#define SET_REFRESH_S_MAX 86400
#define SET_REFRESH_PACKETS_MAX 1000000
#define SET_RESOLVE_MAX 86400
#define SET_RATE_MAX 100000000 /* records a second */
#define SET_BURST_MAX 16777216 /* records at once, and waiting */
#define SET_QUEUE_MAX SET_BURST_MAX

/* Template refresh over UDP: IOS for v9 (30 minutes and 20 packets);
 * RFC 7011 §8.4 for IPFIX (the 600 s of its examples). */
static inline uint32_t set_default_refresh_s(int version)
{
	return version == 9 ? 1800 : 600;
}

static inline uint32_t set_default_refresh_packets(int version)
{
	return version == 9 ? 20 : 100;
}

/* Monitor: its cache and sampler */
#define SET_DEFAULT_ENTRIES 262144
#define SET_ENTRIES_MAX (1ull << 30) /* flowcache_new()'s limit */
#define SET_DEFAULT_ACTIVE 1800	     /* Cisco's 30 minutes */
#define SET_DEFAULT_INACTIVE 15
/* 31 years: long enough to mean "never", small enough that ns times plus
 * a timeout cannot overflow 64 bits */
#define SET_TIMEOUT_MAX 1000000000ull
#define SET_INTERVAL_MAX (1ull << 30) /* 1 out-of N */

/* The process: command line only */
#define SET_TCP_BUFFER_MIN 4096
#define SET_TCP_BUFFER_MAX (1ull << 30)
#define SET_DEFAULT_TCP_LINGER 10
#define SET_TCP_LINGER_MAX 3600
#define SET_WORKERS_MAX 64

/* BGP: the bgp block and the --bgp-* options; the defaults (port 179, hold
 * 90, stale 360, End-of-RIB awaited 30 s) are bgp_cfg_default()'s */
#define SET_BGP_AS_MIN 1	  /* 0 is reserved (RFC 7607) */
#define SET_BGP_AS_MAX UINT32_MAX /* 4 octets (RFC 6793) */
#define SET_BGP_HOLD_MAX 65535	  /* a 2-octet field (RFC 4271 §4.2) */
#define SET_BGP_STALE_MAX 86400
#define SET_BGP_WAIT_EOR_MAX 3600

#endif
