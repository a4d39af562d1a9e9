// SPDX-License-Identifier: BSD-2-Clause
#include <math.h>

#include "sampler.h"

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna): fast, and good enough for sampling */
static uint64_t rng_next(uint64_t *r)
{
	uint64_t out = rotl(r[1] * 5, 7) * 9, t = r[1] << 17;

	r[2] ^= r[0];
	r[3] ^= r[1];
	r[1] ^= r[2];
	r[0] ^= r[3];
	r[2] ^= t;
	r[3] = rotl(r[3], 45);
	return out;
}

void sampler_init(struct sampler *s, enum sampler_mode mode, uint32_t interval,
		  uint64_t seed)
{
	int i;

	s->mode = interval > 1 ? mode : SAMPLER_NONE;
	s->interval = interval ? interval : 1;
	s->seen = 0;
	s->taken = 0;
	/* splitmix64 spreads any seed, 0 included, over the state */
	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		s->rng[i] = z ^ (z >> 31);
	}
	/* deterministic: the Nth packet is the first taken; random: the
	 * first gap is drawn like every other */
	s->skip = s->mode == SAMPLER_DETERMINISTIC ? s->interval - 1
		  : s->mode == SAMPLER_RANDOM	   ? sampler_next_gap(s)
						   : 0;
}

uint64_t sampler_next_gap(struct sampler *s)
{
	double u, g;

	switch (s->mode) {
	case SAMPLER_DETERMINISTIC:
		return s->interval - 1;
	case SAMPLER_RANDOM:
		/*
		 * Packets passed over before the next taken, when each is
		 * taken with p = 1/N: geometric, P(G = k) = (1-p)^k p, drawn
		 * by inversion as floor(ln U / ln(1-p)) with U in (0, 1].
		 */
		u = (double)((rng_next(s->rng) >> 11) + 1) * 0x1.0p-53;
		g = floor(log(u) / log1p(-1.0 / s->interval));
		return g < 1e18 ? (uint64_t)g : (uint64_t)1e18;
	default:
		return 0;
	}
}
