// SPDX-License-Identifier: BSD-2-Clause
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ie.h"

const struct ie ie_table[IE_COUNT] = {
#define IE(name_, pen_, id_, type_, len_, use_, facts_, fnf_) \
	[IE_##name_] = { .name = #name_,                      \
			 .pen = pen_,                         \
			 .id = id_,                           \
			 .len = len_,                         \
			 .type = type_,                       \
			 .use = use_,                         \
			 .facts = facts_,                     \
			 .fnf = fnf_ },
#include "ie.def"
#undef IE
};

const struct ie *ie_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < IE_COUNT; i++)
		if (strcmp(ie_table[i].name, name) == 0)
			return &ie_table[i];
	return NULL;
}

int ie_find(const char *name)
{
	size_t i;

	for (i = 0; i < IE_COUNT; i++)
		if (strcmp(ie_table[i].name, name) == 0)
			return (int)i;
	return -1;
}

size_t ie_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], i, j;

	if (la >= 63 || lb >= 63)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j],
			       best = diag +
				      (tolower((unsigned char)a[i - 1]) !=
				       tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

int ie_closest(const char *name, const char **out, int n)
{
	size_t d[IE_COUNT], i;
	bool used[IE_COUNT] = { false };
	int k;

	for (i = 0; i < IE_COUNT; i++)
		d[i] = ie_edit_distance(name, ie_table[i].name);
	for (k = 0; k < n; k++) {
		size_t best = (size_t)-1, bi = 0;

		for (i = 0; i < IE_COUNT; i++)
			if (!used[i] && d[i] < best) {
				best = d[i];
				bi = i;
			}
		if (best == (size_t)-1)
			break;
		used[bi] = true;
		out[k] = ie_table[bi].name;
	}
	return k;
}
