/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng.h - a bounded reader of pcapng files (draft-ietf-opsawg-pcapng)
 * that says which interface each packet was captured on. libpcap reads
 * pcapng too, but hides the Interface Description Block (IDB) of a packet
 * and refuses files whose interfaces differ in link type.
 *
 * Every interface becomes an observation point: its link type from the
 * IDB, ifindex = the IDB's position within its section + 1 (pcapng numbers
 * interfaces from 0 per section; 0 means "unknown" to IPFIX, so we add 1),
 * name = if_name (truncated to 15 octets), descr = if_description.
 *
 * Input is hostile: every block length is checked (>= 12, a multiple of 4,
 * the trailing copy equal, inside the file, at most PCAPNG_MAX_BLOCK) and
 * every option and packet is bounded by its block. A corrupt block ends
 * the file: the packets before it are delivered, then pcapng_next() fails.
 */
#ifndef XFLOWD_PCAPNG_H
#define XFLOWD_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "meter.h"

/* Block type of the Section Header Block: the first 4 octets of a file. */
#define PCAPNG_SHB 0x0A0D0D0Au
/* libpcap's limit on a block, so that a bogus length costs little memory */
#define PCAPNG_MAX_BLOCK (16u << 20)
/* snaplen 0 (no limit) and larger values mean this, as in libpcap */
#define PCAPNG_MAX_SNAPLEN 262144u
/* interfaces of all sections of a file together */
#define PCAPNG_MAX_IF 4096u

struct pcapng_if {
	struct obs_point op; /* op.link NULL: a link type xflowd can't meter */
	uint32_t section;    /* 0 for the first section of the file */
	uint16_t linktype;   /* LINKTYPE_* of the IDB */
	uint32_t snaplen;    /* 0 in the IDB became PCAPNG_MAX_SNAPLEN */
	uint8_t ts_exp;	     /* if_tsresol: 10^-ts_exp or 2^-ts_exp s */
	uint8_t ts_bin;	     /* 1: a power of 2 */
	int64_t tsoffset;    /* if_tsoffset, seconds */
};

struct pcapng_stats {
	uint64_t packets;     /* delivered by pcapng_next() */
	uint64_t unsupported; /* on interfaces with an unsupported link type */
	uint64_t bad_iface;   /* naming an interface no IDB described */
	uint64_t ts_clamped;  /* time outside 0 .. 2^64-1 ns since the epoch */
	uint64_t blocks;      /* every block read */
	uint64_t skipped;     /* NRB, ISB, DSB, custom and unknown blocks */
	uint64_t sections;
	uint64_t errors; /* corrupt or truncated blocks: 0 or 1, it ends */
};

/* One packet: data stays valid until the next pcapng_next() call. */
struct pcapng_pkt {
	const struct obs_point *op;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t wirelen;
	uint64_t ts_ns; /* since the epoch */
};

struct pcapng;

/*
 * Open a pcapng file from f (positioned at its first octet; the reader
 * does not close it) or from len octets at buf (which must outlive the
 * reader). The interfaces described before the first packet block are
 * read at once; see pcapng_usable(). NULL on error with a message in err.
 */
struct pcapng *pcapng_open_file(FILE *f, char *err, size_t errlen);
struct pcapng *pcapng_open_mem(const uint8_t *buf, size_t len, char *err,
			       size_t errlen);

/*
 * The next packet of a meterable interface: 1, 0 at the end of the file,
 * or -errno (EBADMSG corrupt or truncated input, EIO a read error, ENOMEM,
 * EPROTONOSUPPORT a section of another major version) with a message in
 * pcapng_error(); an error is sticky.
 */
int pcapng_next(struct pcapng *r, struct pcapng_pkt *pkt);

/* The message of the error pcapng_next() returned, or "". */
const char *pcapng_error(const struct pcapng *r);

/* Interfaces described so far with a link type xflowd meters. */
unsigned int pcapng_usable(const struct pcapng *r);

/* Interfaces described so far (all sections), and the i-th of them. */
unsigned int pcapng_nif(const struct pcapng *r);
const struct pcapng_if *pcapng_if_at(const struct pcapng *r, unsigned int i);

/*
 * The observation point of ifindex: the current section's interface, or
 * the latest earlier one with that ifindex; NULL if none. Valid until
 * pcapng_close().
 */
const struct obs_point *pcapng_point(const struct pcapng *r, uint32_t ifindex);

const struct pcapng_stats *pcapng_stats(const struct pcapng *r);

/* Free the reader (not the FILE); accepts NULL. */
void pcapng_close(struct pcapng *r);

/*
 * Timestamp units of interface ifc to nanoseconds since the epoch,
 * rounded down like libpcap; *clamped set when outside uint64_t.
 */
uint64_t pcapng_ts_ns(const struct pcapng_if *ifc, uint64_t units,
		      int *clamped);

#endif
