// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_xfdecode.c - libFuzzer harness for tools/xfdecode's xfd_decode(),
 * linked with its decode.c, json.c and names.c.
 *
 * Input: a sequence of messages, each a 2-octet big-endian length and that
 * many octets (the last takes what is left), decoded in order into one
 * state so that templates from one message meet data sets of the next.
 *
 * Build: tests/fuzz/run.sh
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfdecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct xfd_state state;
	struct xfd_state *st = &state;
	size_t off = 0;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	if (xfd_state_init(st) != 0)
		return 0;
	while (off < size) {
		size_t len = size - off, hdr = 0;
		uint8_t *copy;

		if (len >= 2) {
			size_t want = (size_t)data[off] << 8 | data[off + 1];

			hdr = 2;
			len -= 2;
			if (want < len)
				len = want;
		}
		/* an exact-size heap copy, so any overread is caught */
		copy = malloc(len ? len : 1);
		if (!copy)
			break;
		memcpy(copy, data + off + hdr, len);
		xfd_decode(st, copy, len, "192.0.2.1", devnull);
		free(copy);
		off += hdr + len;
	}
	xfd_state_free(st);
	return 0;
}
