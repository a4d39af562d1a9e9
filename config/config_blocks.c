// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_blocks.c - a line to its block: a header starts a block (with its
 * name checked against the others of its kind), an indented line is
 * matched against the settings table of the block (config_set.c), and
 * what does not match is told what would.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config_blocks.h"

/* Every block starts with its name: messages find it there. */
_Static_assert(offsetof(struct cfg_exporter, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_sampler, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_record, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_monitor, name) == 0, "name first");
_Static_assert(offsetof(struct cfg_interface, name) == 0, "name first");

static const char *name_of(const struct cfg_parser *p)
{
	return p->blk;
}

static const char *article(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

#define BLOCK_LIST "exporter, sampler, record, monitor or interface"

const char *blocks_word(enum cfg_kind kind)
{
	return kind >= FIRST_BLK && kind <= LAST_BLK ? cfg_blocks[kind].word
						     : "";
}

/* Number of words of kw->words that tok[0..ntok) starts with, or 0. */
static int kw_match(const struct kw *kw, char **tok, int ntok)
{
	const char *w = kw->words;
	int i;

	for (i = 0; *w; i++) {
		size_t n = strcspn(w, " ");

		if (i == ntok || strlen(tok[i]) != n ||
		    memcmp(tok[i], w, n) != 0)
			return 0;
		w += n;
		if (*w == ' ')
			w++;
	}
	return i;
}

/* Does kw's first word equal s? */
static bool kw_first(const struct kw *kw, const char *s)
{
	size_t n = strcspn(kw->words, " ");

	return strlen(s) == n && memcmp(kw->words, s, n) == 0;
}

static enum cfg_kind find_block(const char *s)
{
	int k;

	for (k = FIRST_BLK; k <= LAST_BLK; k++)
		if (strcmp(cfg_blocks[k].word, s) == 0)
			return (enum cfg_kind)k;
	return BLK_NONE;
}

/* The block kind that has a setting s, the current one first. */
static enum cfg_kind setting_owner(const struct cfg_parser *p, const char *s)
{
	int k, i;

	for (k = FIRST_BLK - 1; k <= LAST_BLK; k++) {
		int kind = k < FIRST_BLK ? (int)p->kind : k;

		if (kind < FIRST_BLK || kind > LAST_BLK)
			continue;
		for (i = 0; i < cfg_blocks[kind].nkw; i++)
			if (kw_first(&cfg_blocks[kind].kw[i], s))
				return (enum cfg_kind)kind;
	}
	return BLK_NONE;
}

static void unknown_keyword(struct cfg_parser *p, unsigned int no,
			    const char *s)
{
	const char *cand[LAST_BLK + 1], *best;
	enum cfg_kind owner = setting_owner(p, s);
	char q[48];
	int k, n = 0;

	if (owner != BLK_NONE && owner == p->kind) {
		cfg_error(p, no,
			  "'%s' is a setting of the %s above: indent it (a "
			  "line in the first column starts a block)",
			  s, cfg_blocks[owner].word);
		return;
	}
	if (owner != BLK_NONE) {
		cfg_error(p, no,
			  "'%s' is a setting of %s %s block: indent it under "
			  "a '%s NAME' line",
			  s, article(cfg_blocks[owner].word),
			  cfg_blocks[owner].word, cfg_blocks[owner].word);
		return;
	}
	for (k = FIRST_BLK; k <= LAST_BLK; k++)
		cand[n++] = cfg_blocks[k].word;
	if (cfg_closest(s, cand, n, &best, 1))
		cfg_error(p, no, "unknown keyword '%s' — did you mean %s?",
			  cfg_quote(s, q, sizeof(q)), best);
	else
		cfg_error(p, no,
			  "unknown keyword '%s': a block starts "
			  "with " BLOCK_LIST,
			  cfg_quote(s, q, sizeof(q)));
}

/* The array of blocks of a kind and the number of them. */
static void *blk_array(struct config *cfg, enum cfg_kind kind, int **n,
		       size_t *size, int *max, struct cfg_aux **aux,
		       struct cfg_parser *p)
{
	switch (kind) {
	case BLK_EXPORTER:
		*n = &cfg->nexporter;
		*size = sizeof(struct cfg_exporter);
		*max = CFG_MAX_EXPORTERS;
		*aux = p->exp;
		return cfg->exporter;
	case BLK_SAMPLER:
		*n = &cfg->nsampler;
		*size = sizeof(struct cfg_sampler);
		*max = CFG_MAX_SAMPLERS;
		*aux = p->smp;
		return cfg->sampler;
	case BLK_RECORD:
		*n = &cfg->nrecord;
		*size = sizeof(struct cfg_record);
		*max = CFG_MAX_RECORDS;
		*aux = p->rec;
		return cfg->record;
	case BLK_MONITOR:
		*n = &cfg->nmonitor;
		*size = sizeof(struct cfg_monitor);
		*max = CFG_MAX_MONITORS;
		*aux = p->mon;
		return cfg->monitor;
	default:
		*n = &cfg->ninterface;
		*size = sizeof(struct cfg_interface);
		*max = CFG_MAX_INTERFACES;
		*aux = p->ifc;
		return cfg->interface;
	}
}

/* What a block holds before its settings: the defaults that do not
 * depend on other settings, and "none" for references. */
static void blk_init(enum cfg_kind kind, void *b, const char *name,
		     unsigned int no)
{
	struct cfg_exporter *e = b;
	struct cfg_monitor *m = b;
	struct cfg_interface *f = b;

	switch (kind) {
	case BLK_EXPORTER:
		memset(e, 0, sizeof(*e));
		e->port = SET_DEFAULT_PORT;
		e->version = SET_DEFAULT_VERSION;
		e->domain_id = SET_DEFAULT_DOMAIN;
		e->mtu = SET_DEFAULT_MTU;
		e->line = no;
		break;
	case BLK_SAMPLER:
		memset(b, 0, sizeof(struct cfg_sampler));
		((struct cfg_sampler *)b)->line = no;
		break;
	case BLK_RECORD:
		memset(b, 0, sizeof(struct cfg_record));
		((struct cfg_record *)b)->line = no;
		break;
	case BLK_MONITOR:
		memset(m, 0, sizeof(*m));
		m->cache_entries = SET_DEFAULT_ENTRIES;
		m->active_s = SET_DEFAULT_ACTIVE;
		m->inactive_s = SET_DEFAULT_INACTIVE;
		m->sampler = -1;
		m->line = no;
		break;
	default:
		memset(f, 0, sizeof(*f));
		f->monitor[CFG_INPUT] = f->monitor[CFG_OUTPUT] = -1;
		f->capture = CAPTURE_PCAP;
		f->ebpf_hook = EBPF_HOOK_TC;
		f->promisc = -1;
		f->line = no;
		break;
	}
	/* every name fits: checked before, against the smaller limits */
	memcpy(b, name, strlen(name) + 1);
}

/* Clear a block's aux and give it the kind-specific parts of index i. */
static void aux_init(struct cfg_parser *p, struct cfg_aux *a, int im, int ir,
		     int ii, unsigned int no)
{
	memset(a, 0, sizeof(*a));
	a->header_line = no;
	if (p->kind == BLK_MONITOR) {
		a->m = &p->mon_x[im];
		memset(a->m, 0, sizeof(*a->m));
	} else if (p->kind == BLK_RECORD) {
		a->r = &p->rec_x[ir];
		memset(a->r, 0, sizeof(*a->r));
	} else if (p->kind == BLK_INTERFACE) {
		a->i = &p->if_x[ii];
		memset(a->i, 0, sizeof(*a->i));
	}
}

void blocks_begin(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	enum cfg_kind kind = find_block(tok[0]);
	struct cfg_aux *aux, *prev = p->aux;
	size_t size;
	int *n, max, i;
	char *arr, q[48], hint[CFG_NAME_MAX + 64] = "";
	bool ok = true;

	if (kind == BLK_NONE) {
		unknown_keyword(p, no, tok[0]);
		if (p->aux) /* most likely a setting of it, not indented */
			p->aux->damaged = true;
		p->kind = BLK_SKIP;
		p->aux = NULL;
		return;
	}
	if (ntok != 2 && p->kind >= FIRST_BLK && p->kind <= LAST_BLK &&
	    setting_owner(p, tok[0]) == p->kind) {
		/* 'monitor m1 input' under an interface, not indented */
		cfg_error(p, no,
			  "'%s' in the first column starts a block, with one "
			  "name; as a setting of %s %s, indent it",
			  tok[0], cfg_blocks[p->kind].word, name_of(p));
		p->aux->damaged = true;
		p->kind = BLK_SKIP;
		p->aux = NULL;
		return;
	}
	if (p->kind >= FIRST_BLK && p->kind <= LAST_BLK &&
	    setting_owner(p, tok[0]) == p->kind)
		snprintf(hint, sizeof(hint),
			 "; as a setting of %s %s, indent it",
			 cfg_blocks[p->kind].word, name_of(p));
	/* a block that is checked but not kept unless all is well below */
	p->kind = kind;
	p->idx = -1;
	p->blk = &p->scratch;
	p->aux = &p->scratch_aux;
	p->blk_line = no;
	aux_init(p, &p->scratch_aux, CFG_MAX_MONITORS, CFG_MAX_RECORDS,
		 CFG_MAX_INTERFACES, no);
	blk_init(kind, &p->scratch, "", no);

	if (ntok != 2) {
		cfg_error(p, no, "'%s' needs one name: %s %s", tok[0], tok[0],
			  kind == BLK_INTERFACE ? "IFNAME" : "NAME");
		return;
	}
	if (kind == BLK_INTERFACE && !cfg_good_ifname(tok[1])) {
		cfg_error(p, no,
			  "'%s' is not an interface name: 1 to 15 "
			  "characters, no '/', ':' or spaces",
			  cfg_quote(tok[1], q, sizeof(q)));
		ok = false;
	} else if (kind != BLK_INTERFACE && !cfg_good_name(tok[1])) {
		cfg_error(p, no,
			  "'%s' is not a name: use 1 to %d letters, digits, "
			  "'-', '_' or '.'",
			  cfg_quote(tok[1], q, sizeof(q)), CFG_NAME_MAX - 1);
		ok = false;
	}
	arr = blk_array(p->cfg, kind, &n, &size, &max, &aux, p);
	for (i = 0; ok && i < *n; i++) {
		const char *other = arr + (size_t)i * size;

		if (strcmp(other, tok[1]) == 0) {
			cfg_error(p, no, "duplicate %s %s (first at line %u)%s",
				  tok[0], tok[1], aux[i].header_line,
				  hint[0] ? hint : ": rename or merge them");
			if (hint[0]) /* what the block above lacks is this */
				prev->damaged = true;
			ok = false;
		}
	}
	if (ok && *n == max) {
		cfg_error(p, no, "more than %d %s blocks: merge some", max,
			  tok[0]);
		ok = false;
	}
	if (!ok) {
		/* the name as messages about its settings show it */
		if (kind == BLK_INTERFACE ? cfg_good_ifname(tok[1])
					  : cfg_good_name(tok[1]))
			blk_init(kind, &p->scratch, tok[1], no);
		else
			blk_init(kind, &p->scratch, "?", no);
		return;
	}
	p->idx = (*n)++;
	p->blk = arr + (size_t)p->idx * size;
	p->aux = &aux[p->idx];
	aux_init(p, p->aux, p->idx, p->idx, p->idx, no);
	blk_init(kind, p->blk, tok[1], no);
}

int blocks_open(struct cfg_parser *p, enum cfg_kind kind, const char *name,
		unsigned int no)
{
	struct cfg_aux *aux;
	size_t size;
	int *n, max, i;
	char *arr;

	p->kind = kind;
	arr = blk_array(p->cfg, kind, &n, &size, &max, &aux, p);
	for (i = 0; i < *n; i++) {
		if (strcmp(arr + (size_t)i * size, name) == 0) {
			p->idx = i;
			p->blk = arr + (size_t)i * size;
			p->aux = &aux[i];
			return 0;
		}
	}
	if (*n == max) {
		cfg_error(p, no, "more than %d %s blocks: merge some", max,
			  cfg_blocks[kind].word);
		p->kind = BLK_SKIP;
		p->aux = NULL;
		return -1;
	}
	p->idx = (*n)++;
	p->blk = arr + (size_t)p->idx * size;
	p->blk_line = no;
	p->aux = &aux[p->idx];
	aux_init(p, p->aux, p->idx, p->idx, p->idx, no);
	blk_init(kind, p->blk, name, no);
	return 0;
}

/* Tell what was meant by a line that names no setting of block d. */
static void unknown_setting(struct cfg_parser *p, const struct blk_def *d,
			    unsigned int no, char **tok)
{
	char first[CFG_MAX_KW][32], list[256], q[48];
	const char *cand[CFG_MAX_KW] = { NULL }, *best;
	enum cfg_kind owner = BLK_NONE;
	size_t len = 0;
	int i, j, n = 0, nk = 0;

	/* 'cache timout': the first word is right, the rest is not */
	for (i = 0; i < d->nkw; i++)
		nk += kw_first(&d->kw[i], tok[0]);
	for (i = 0, j = 0; nk && i < d->nkw; i++) {
		if (!kw_first(&d->kw[i], tok[0]))
			continue;
		len += (size_t)snprintf(list + len, sizeof(list) - len,
					"%s'%s'",
					j == 0	      ? ""
					: j == nk - 1 ? " or "
						      : ", ",
					d->kw[i].usage);
		j++;
	}
	if (nk) {
		cfg_error(p, no, "incomplete '%s' setting: write %s", tok[0],
			  list);
		return;
	}
	if (find_block(tok[0]) != BLK_NONE) {
		cfg_error(p, no,
			  "'%s' is not a setting of %s %s: a block starts in "
			  "the first column",
			  tok[0], d->word, name_of(p));
		return;
	}
	for (i = FIRST_BLK; i <= LAST_BLK && owner == BLK_NONE; i++)
		for (j = 0; j < cfg_blocks[i].nkw; j++)
			if (kw_first(&cfg_blocks[i].kw[j], tok[0]))
				owner = (enum cfg_kind)i;
	if (owner != BLK_NONE) {
		cfg_error(p, no,
			  "'%s' is not %s %s setting: it belongs in %s %s "
			  "block",
			  tok[0], article(d->word), d->word,
			  article(cfg_blocks[owner].word),
			  cfg_blocks[owner].word);
		return;
	}
	/* the first words, each once: "template" starts two settings */
	for (i = 0; i < d->nkw; i++) {
		size_t w = strcspn(d->kw[i].words, " ");

		if (w >= sizeof(first[0]))
			w = sizeof(first[0]) - 1;
		memcpy(first[n], d->kw[i].words, w);
		first[n][w] = '\0';
		for (j = 0; j < n; j++)
			if (strcmp(first[j], first[n]) == 0)
				break;
		if (j == n) {
			cand[n] = first[n];
			n++;
		}
	}
	if (cfg_closest(tok[0], cand, n, &best, 1)) {
		cfg_error(p, no, "unknown %s setting '%s' — did you mean %s?",
			  d->word, cfg_quote(tok[0], q, sizeof(q)), best);
		return;
	}
	cfg_error(p, no, "unknown %s setting '%s': expected %s", d->word,
		  cfg_quote(tok[0], q, sizeof(q)),
		  cfg_or_list(cand, n, list, sizeof(list)));
}

void blocks_setting(struct cfg_parser *p, unsigned int no, char **tok, int ntok)
{
	const struct blk_def *d;
	const struct kw *kw = NULL;
	char q[48];
	int i, k = 0;

	if (p->kind == BLK_SKIP)
		return; /* the unknown block's line was reported */
	if (p->kind == BLK_NONE) {
		if (find_block(tok[0]) != BLK_NONE)
			cfg_error(p, no,
				  "'%s' starts a block: write it in the "
				  "first column",
				  tok[0]);
		else
			cfg_error(p, no,
				  "'%s' before the first block: settings "
				  "follow an " BLOCK_LIST " line",
				  cfg_quote(tok[0], q, sizeof(q)));
		p->kind = BLK_SKIP;
		p->aux = NULL;
		return;
	}
	d = &cfg_blocks[p->kind];
	for (i = 0; i < d->nkw; i++) {
		int m = kw_match(&d->kw[i], tok, ntok);

		if (m > k) {
			k = m;
			kw = &d->kw[i];
		}
	}
	if (!kw) {
		unknown_setting(p, d, no, tok);
		return;
	}
	if (ntok - k < kw->min || ntok - k > kw->max) {
		cfg_error(p, no, "wrong number of values for '%s': write '%s'",
			  kw->words, kw->usage);
		return;
	}
	if (!kw->repeat && p->aux->kwline[kw->idx]) {
		cfg_error(p, no,
			  "'%s' given twice in %s %s (first at line %u): keep "
			  "one",
			  kw->words, d->word, name_of(p),
			  p->aux->kwline[kw->idx]);
		return;
	}
	if (!p->aux->kwline[kw->idx])
		p->aux->kwline[kw->idx] = no;
	kw->set(p, kw, no, tok + k, ntok - k);
}
