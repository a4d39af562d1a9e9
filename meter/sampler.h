/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sampler.h - packet selection before metering (RFC 5475 §5.1).
 *
 * Random: uniform probabilistic sampling, each packet taken with
 * probability 1/N (Cisco "mode random 1 out-of N"). Deterministic: every
 * Nth packet (systematic count-based). Both keep a count of packets to skip
 * before the next one taken, so the common path costs one decrement; the
 * random gap is drawn from the geometric distribution once per packet taken.
 */
#ifndef XFLOWD_SAMPLER_H
#define XFLOWD_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>

enum sampler_mode {
	SAMPLER_NONE,	       /* every packet */
	SAMPLER_RANDOM,	       /* each packet with probability 1/N */
	SAMPLER_DETERMINISTIC, /* every Nth packet */
};

struct sampler {
	enum sampler_mode mode;
	uint32_t interval; /* N */
	uint64_t skip;	   /* packets to pass over before the next */
	uint64_t rng[4];   /* xoshiro256** state */
	uint64_t seen;
	uint64_t taken;
};

/* Set up s for mode and interval N >= 1; seed makes the draws repeatable. */
void sampler_init(struct sampler *s, enum sampler_mode mode, uint32_t interval,
		  uint64_t seed);

/* The gap to the next packet taken, drawn after one is taken. */
uint64_t sampler_next_gap(struct sampler *s);

/* Take this packet? */
static inline bool sampler_take(struct sampler *s)
{
	s->seen++;
	if (s->skip) {
		s->skip--;
		return false;
	}
	s->taken++;
	s->skip = sampler_next_gap(s);
	return true;
}

#endif
