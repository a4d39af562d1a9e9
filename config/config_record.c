// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_record.c - the elements of a record block: 'match' and
 * 'collect' lines (xflowd's dialect) and FNF's (config_ios_fnf.c) checked
 * against the element table, whose facts say what may be a key.
 */
#include <string.h>

#include "config_blocks.h"

/* Elements measured over the flow's packets: never part of its key. */
static bool measured(uint8_t ie)
{
	return ie_has(ie, FACT_MEASURED);
}

static void add_element(struct cfg_parser *p, unsigned int no, const char *v,
			bool key)
{
	const char *cand[IE_COUNT], *best[3];
	char q[48], alt[160];
	int i, n;

	for (i = 0; i < IE_COUNT; i++)
		if (strcmp(ie_table[i].name, v) == 0)
			break;
	if (i == IE_COUNT) {
		for (i = 0; i < IE_COUNT; i++)
			cand[i] = ie_table[i].name;
		n = cfg_closest(v, cand, IE_COUNT, best, 3);
		if (n == 0)
			cfg_error(p, no,
				  "unknown element '%s': the ELEMENTS section "
				  "of xflowd.conf(5) lists them",
				  cfg_quote(v, q, sizeof(q)));
		else
			cfg_error(p, no,
				  "unknown element '%s' — did you mean %s?",
				  cfg_quote(v, q, sizeof(q)),
				  cfg_or_list(best, n, alt, sizeof(alt)));
		return;
	}
	cfg_record_add(p, no, i, v, key);
}

void cfg_record_add(struct cfg_parser *p, unsigned int no, int i, const char *v,
		    bool key)
{
	struct cfg_aux *a = p->aux;
	int n;

	if (ie_table[i].use == OPT) {
		cfg_error(p, no,
			  "%s has no value per flow in this exporter (it goes "
			  "in options records only): leave it out",
			  v);
		return;
	}
	if (!key && ie_table[i].use == KEY && !ie_has(i, FACT_FIRST)) {
		cfg_error(p, no,
			  "%s has no value of its own per flow, only as a key: "
			  "write 'match %s'",
			  v, v);
		return;
	}
	if (key && !measured((uint8_t)i) && ie_table[i].use != KEY) {
		cfg_error(p, no,
			  "%s describes the flow, it cannot be a key: write "
			  "'collect %s'",
			  v, v);
		return;
	}
	if (key && measured((uint8_t)i)) {
		cfg_error(p, no,
			  "%s is measured over the flow's packets and cannot "
			  "be a key: write 'collect %s'",
			  v, v);
		return;
	}
	for (n = 0; n < a->r->nelem; n++) {
		if (a->r->elem[n] == i) {
			cfg_error(p, no,
				  "%s is already in record %s (line %u): "
				  "keep one",
				  v, (const char *)p->blk, a->r->elem_line[n]);
			return;
		}
	}
	if (a->r->nelem == CFG_MAX_RECORD_ELEMS) {
		if (!(a->full & FULL_LIST))
			cfg_error(p, no, "record %s has more than %d elements",
				  (const char *)p->blk, CFG_MAX_RECORD_ELEMS);
		a->full |= FULL_LIST;
		return;
	}
	a->r->elem[a->r->nelem] = (uint8_t)i;
	a->r->key[a->r->nelem] = key;
	a->r->elem_line[a->r->nelem++] = no;
}

void cfg_set_match(struct cfg_parser *p, const struct kw *kw, unsigned int no,
		   char **v, int nv)
{
	int i;

	(void)kw;
	for (i = 0; i < nv; i++)
		add_element(p, no, v[i], true);
}

void cfg_set_collect(struct cfg_parser *p, const struct kw *kw, unsigned int no,
		     char **v, int nv)
{
	int i;

	(void)kw;
	for (i = 0; i < nv; i++)
		add_element(p, no, v[i], false);
}
