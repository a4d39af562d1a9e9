// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_config.c - libFuzzer harness for the configuration parser
 * (config/config*.c): config_parse() on the input as a file's text.
 *
 * Beyond "no crash, no hang, no leak", it checks what the parser promises:
 * every message names the file and a line and is valid UTF-8; a file that
 * parses dumps to a file that parses to the same configuration (the
 * dump of the dump is the dump, monitors and interfaces compare equal).
 *
 * Build: tests/fuzz/run.sh
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		int n = *u < 0x80 ? 0 : *u >= 0xf0 ? 3 : *u >= 0xe0 ? 2 : 1;

		if (*u >= 0x80 && *u < 0xc2)
			return false;
		for (u++; n > 0; n--, u++)
			if ((*u & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static char *dump(const struct config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		abort();
	config_dump(cfg, f);
	fclose(f);
	return text;
}

static void fail(const char *what, const char *text,
		 const struct config_errors *err)
{
	fprintf(stderr, "fuzz_config: %s\n--- dump ---\n%s--- errors ---\n",
		what, text ? text : "");
	if (err)
		config_errors_print(err, stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config_errors err;
	struct config *cfg, *cfg2, *cfg3;
	char *d1, *d2, *d3;
	size_t l1, l2, l3;
	unsigned int i;
	int k;

	cfg = config_parse("fuzz.conf", (const char *)data, size, &err);
	if (!cfg) {
		if (err.count == 0 || err.count > CFG_MAX_ERRORS)
			fail("no configuration and no message", NULL, &err);
		for (i = 0; i < err.count; i++) {
			if (strncmp(err.msg[i], "fuzz.conf:", 10) != 0 ||
			    !utf8(err.msg[i]) ||
			    strlen(err.msg[i]) >= CFG_MSG_MAX)
				fail("malformed message", NULL, &err);
			if (i && err.line[i] < err.line[i - 1])
				fail("messages out of line order", NULL, &err);
		}
		return 0;
	}
	d1 = dump(cfg, &l1);
	cfg2 = config_parse("fuzz.conf", d1, l1, &err);
	if (!cfg2)
		fail("the dump does not parse", d1, &err);
	d2 = dump(cfg2, &l2);
	cfg3 = config_parse("fuzz.conf", d2, l2, &err);
	if (!cfg3)
		fail("the dump of the dump does not parse", d2, &err);
	d3 = dump(cfg3, &l3);
	/* d1 names the input's lines, d2 and d3 both the dump's */
	if (l2 != l3 || memcmp(d2, d3, l2) != 0)
		fail("the dump changes when parsed again", d2, NULL);
	if (cfg->nmonitor != cfg2->nmonitor ||
	    cfg->ninterface != cfg2->ninterface)
		fail("blocks lost in the dump", d1, NULL);
	for (k = 0; k < cfg->nmonitor; k++)
		if (!config_monitor_equal(cfg, k, cfg2, k))
			fail("a monitor changed in the dump", d1, NULL);
	for (k = 0; k < cfg->ninterface; k++)
		if (!config_interface_equal(cfg, k, cfg2, k))
			fail("an interface changed in the dump", d1, NULL);
	free(d1);
	free(d2);
	free(d3);
	config_free(cfg);
	config_free(cfg2);
	config_free(cfg3);
	return 0;
}
