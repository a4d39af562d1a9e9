// SPDX-License-Identifier: BSD-2-Clause
#include <stddef.h>
#include <string.h>

#include "ie.h"

const struct ie ie_table[IE_COUNT] = {
#define IE(name_, pen_, id_, type_, len_) \
	[IE_##name_] = { .name = #name_,  \
			 .pen = pen_,     \
			 .id = id_,       \
			 .len = len_,     \
			 .type = type_ },
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
