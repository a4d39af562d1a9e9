/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clock.h - the units of time and the two clocks every layer reads.
 *
 * Times are 64-bit nanoseconds: of the UNIX epoch (CLOCK_REALTIME) for
 * what is exported and shown, of an arbitrary origin (CLOCK_MONOTONIC) for
 * timers that must not jump with the wall clock.
 */
#ifndef XFLOWD_COMMON_CLOCK_H
#define XFLOWD_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NS 1000000000ull /* nanoseconds per second */
#define MS 1000000ull	 /* nanoseconds per millisecond */

static inline uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

#endif
