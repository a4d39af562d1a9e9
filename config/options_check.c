// SPDX-License-Identifier: BSD-2-Clause
/*
 * options_check.c - the checks of a whole command line (or of one monitor
 * of -f FILE made into one): the combinations of options that exclude or
 * need each other, the templates (--template, the defaults) and what the
 * export versions can carry, refused with what to do (exit 2).
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "options.h"
#include "options_int.h"
#include "settings.h"

int add_template(struct options *o, const char *name)
{
	const struct template_def *t = template_find(name);
	int r, rec = 0;

	for (r = 0; r < o->nrecords && !t && !rec; r++)
		if (strcmp(o->records[r].name, name) == 0)
			rec = r + 1;
	if (!t && !rec) {
		fprintf(stderr,
			"xflowd: --template: unknown template '%s' (did you "
			"mean %s?); see ../shared/spec/templates.md or the "
			"README for the list\n",
			name, template_closest(name));
		return -1;
	}
	for (size_t i = 0; i < o->export.ntmpl; i++) {
		if (o->export.tmpl[i] == t && o->tmpl_rec[i] == rec) {
			fprintf(stderr, "xflowd: --template %s: given twice\n",
				name);
			return -1;
		}
	}
	if (o->export.ntmpl == EXPORT_MAX_TEMPLATES) {
		fprintf(stderr, "xflowd: --template: at most %d templates\n",
			EXPORT_MAX_TEMPLATES);
		return -1;
	}
	o->tmpl_rec[o->export.ntmpl] = (uint8_t)rec;
	o->export.tmpl[o->export.ntmpl++] = t;
	return 0;
}

int check_combination(struct options *o, long refresh_s, long refresh_msgs)
{
	char err[256];
	size_t i;
	int g;

	if (!o->read && o->nif == 0) {
		fprintf(stderr, "xflowd: nothing to observe: give --read FILE "
				"or --interface IF (see --help)\n");
		return -1;
	}
	if (o->read && o->nif && o->cfg) {
		const struct cfg_interface *ifc = &o->cfg->interface[0];

		/* the interface blocks are what conflicts: name one */
		for (i = 0; i < (size_t)o->cfg->ninterface; i++)
			if (strcmp(o->cfg->interface[i].name, o->ifname[0]) ==
			    0)
				ifc = &o->cfg->interface[i];
		fprintf(stderr,
			"xflowd: --read %s: %s:%u: interface %s: a file "
			"replaces the interfaces, and this configuration "
			"observes some: drop --read, or give a configuration "
			"without interface blocks\n",
			o->read, o->cfg->file, ifc->line, ifc->name);
		return -1;
	}
	if (o->read && o->nif) {
		fprintf(stderr, "xflowd: --read and --interface exclude each "
				"other\n");
		return -1;
	}
	if (o->read && o->capture != CAPTURE_PCAP) {
		fprintf(stderr, "xflowd: --read reads files with libpcap; "
				"--capture afxdp and ebpf need --interface\n");
		return -1;
	}
	if (o->ncoll == 0) {
		fprintf(stderr, "xflowd: no collector: give --collector "
				"HOST:PORT (e.g. 127.0.0.1:4739)\n");
		return -1;
	}
	if (o->export.ntmpl == 0) {
		add_template(o, "ipv4-five-tuple");
		add_template(o, "ipv6-five-tuple");
	}
	for (g = 0; g < options_ngroups(o); g++) {
		struct template_def defs[EXPORT_MAX_TEMPLATES];
		struct export_cfg gc;

		options_group_export(o, g, &gc, defs);
		for (i = 0; i < gc.ntmpl; i++) {
			if (!gc.tmpl[i]->enterprise || gc.version == 10)
				continue;
			fprintf(stderr,
				"xflowd: --template %s has enterprise (PEN "
				"770) elements, which only IPFIX can carry: "
				"use --export ipfix\n",
				gc.tmpl[i]->name);
			return -1;
		}
		if (export_sampling_check(&gc, err, sizeof(err))) {
			fprintf(stderr, "xflowd: --sample %u: %s\n",
				o->export.sampling.interval, err);
			return -1;
		}
	}
	o->export.refresh_s =
		refresh_s >= 0 ? (uint32_t)refresh_s
			       : set_default_refresh_s(o->export.version);
	o->export.refresh_msgs =
		refresh_msgs >= 0
			? (uint32_t)refresh_msgs
			: set_default_refresh_packets(o->export.version);
	/* a file has no clock to keep up with: wait for TCP collectors */
	o->export.lossless = o->read != NULL;
	return 0;
}
