// SPDX-License-Identifier: BSD-2-Clause
/*
 * views_cfg.c - the views of what was configured, as IOS prints them:
 * `show sampler` (Flexible NetFlow's sampler: its id, type, rate and how
 * many packets it was asked about and took) and `show ip flow interface`
 * (each observed interface's NetFlow lines: `ip flow ingress|egress` of
 * traditional NetFlow, `ip flow monitor M [sampler S] input|output` of
 * Flexible NetFlow), with the interfaces' IOS names where their aliases
 * give one; `show running-config`, the configuration file as it runs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config/config.h"
#include "../config/config_ios.h"
#include "views.h"

static const char *monitor_name(const struct view_snapshot *s)
{
	return s->monitor ? s->monitor : "default";
}

static const char *if_name(const struct view_interface *f)
{
	return f->ios[0] ? f->ios : f->name;
}

static const char *mode_name(enum sampler_mode m)
{
	return m == SAMPLER_RANDOM ? "random" : "deterministic";
}

/* the IP versions the monitor's records are of */
static void versions(const struct view_snapshot *s, bool *v4, bool *v6)
{
	size_t i;

	*v4 = *v6 = s->ntmpl == 0;
	for (i = 0; i < s->ntmpl; i++) {
		*v4 |= s->tmpl[i]->ipver != 6;
		*v6 |= s->tmpl[i]->ipver != 4;
	}
}

/* packets the sampler was asked about, and those it took */
static void sampler_counts(const struct view_snapshot *s, uint64_t *req,
			   uint64_t *taken)
{
	*req = s->meter.packets;
	*taken = s->meter.packets > s->meter.sampled_out
			 ? s->meter.packets - s->meter.sampled_out
			 : 0;
}

/* The monitor's users of the sampler: its interfaces and directions. */
static size_t sampler_users(const struct view_snapshot *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nif; i++)
		n += s->ifs[i].input + s->ifs[i].output;
	return n;
}

/* Is cfg's sampler i one this view lists as no running monitor's? */
static bool unused_sampler(const struct view_snapshot *s, int i)
{
	return s->samplers_unused && s->cfg && !(s->samplers_used >> i & 1);
}

/* The samplers no running monitor uses: asked about nothing, no users
 * (IOS lists every sampler defined; export ID 0: it exports none) */
static void unused_text(struct vbuf *b, const struct view_snapshot *s)
{
	int i;

	for (i = 0; s->cfg && i < s->cfg->nsampler; i++) {
		const struct cfg_sampler *sp = &s->cfg->sampler[i];

		if (!unused_sampler(s, i))
			continue;
		vb_printf(b,
			  "Sampler %s:\n"
			  "  ID:           %d\n"
			  "  export ID:    0\n"
			  "  Description:  %s\n"
			  "  Type:         %s\n"
			  "  Rate:         1 out of %u\n"
			  "  Samples:      0\n"
			  "  Requests:     0\n"
			  "  Users (0):\n",
			  sp->name, i + 1,
			  sp->description[0] ? sp->description : "User defined",
			  mode_name(sp->mode), sp->interval);
	}
}

static void unused_json(struct vbuf *b, const struct view_snapshot *s,
			bool comma)
{
	int i;

	for (i = 0; s->cfg && i < s->cfg->nsampler; i++) {
		const struct cfg_sampler *sp = &s->cfg->sampler[i];

		if (!unused_sampler(s, i))
			continue;
		vb_puts(b, comma ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, sp->name);
		vb_printf(b, ",\"id\":%d,\"description\":", i + 1);
		vb_json_str(b, sp->description);
		vb_printf(b,
			  ",\"type\":\"%s\",\"rate\":%u,\"samples\":0,"
			  "\"requests\":0,\"users\":[]}",
			  mode_name(sp->mode), sp->interval);
		comma = true;
	}
}

static void sampler_text(struct vbuf *b, const struct view_snapshot *s)
{
	const char *ver;
	uint64_t req, taken;
	size_t i, n = sampler_users(s);
	bool v4, v6;
	int d;

	if (s->sample_mode == SAMPLER_NONE) {
		unused_text(b, s);
		return;
	}
	sampler_counts(s, &req, &taken);
	versions(s, &v4, &v6);
	ver = v4 ? "ip" : "ipv6";
	vb_printf(b, "Sampler %s:\n", s->sampler ? s->sampler : "default");
	vb_printf(b, "  ID:           %u\n", s->sampler_id);
	vb_printf(b, "  export ID:    %u\n", s->sampler_id);
	vb_printf(b, "  Description:  %s\n",
		  s->sampler_descr && s->sampler_descr[0] ? s->sampler_descr
							  : "User defined");
	vb_printf(b, "  Type:         %s\n", mode_name(s->sample_mode));
	vb_printf(b, "  Rate:         1 out of %u\n", s->sample_n);
	vb_printf(b, "  Samples:      %" PRIu64 "\n", taken);
	vb_printf(b, "  Requests:     %" PRIu64 "\n", req);
	vb_printf(b, "  Users (%zu):\n", n);
	for (i = 0; i < s->nif; i++) {
		for (d = 0; d < 2; d++) {
			if (!(d ? s->ifs[i].output : s->ifs[i].input))
				continue;
			vb_printf(b, "    flow monitor %s (%s,%s,%s)",
				  monitor_name(s), ver, if_name(&s->ifs[i]),
				  d ? "Output" : "Input");
			/* the counts are the monitor's: a user's own only
			 * when it is the one */
			if (n == 1)
				vb_printf(b, " %" PRIu64 " out of %" PRIu64,
					  taken, req);
			vb_puts(b, "\n");
		}
	}
	unused_text(b, s);
}

static void sampler_json(struct vbuf *b, const struct view_snapshot *s)
{
	uint64_t req, taken;
	size_t i;
	int d, n = 0;

	vb_puts(b, "{\"view\":\"show sampler\",\"samplers\":[");
	if (s->sample_mode != SAMPLER_NONE) {
		sampler_counts(s, &req, &taken);
		vb_puts(b, "{\"name\":");
		vb_json_str(b, s->sampler ? s->sampler : "default");
		vb_printf(b, ",\"id\":%u,\"description\":", s->sampler_id);
		vb_json_str(b, s->sampler_descr);
		vb_printf(b,
			  ",\"type\":\"%s\",\"rate\":%u,\"samples\":%" PRIu64
			  ",\"requests\":%" PRIu64 ",\"users\":[",
			  mode_name(s->sample_mode), s->sample_n, taken, req);
		for (i = 0; i < s->nif; i++) {
			for (d = 0; d < 2; d++) {
				if (!(d ? s->ifs[i].output : s->ifs[i].input))
					continue;
				vb_puts(b, n++ ? ",{\"monitor\":"
					       : "{\"monitor\":");
				vb_json_str(b, monitor_name(s));
				vb_puts(b, ",\"interface\":");
				vb_json_str(b, if_name(&s->ifs[i]));
				vb_printf(b, ",\"direction\":\"%s\"}",
					  d ? "output" : "input");
			}
		}
		vb_puts(b, "]}");
	}
	unused_json(b, s, s->sample_mode != SAMPLER_NONE);
	vb_puts(b, "]}\n");
}

/* One direction's line of an interface, as the running-config has it. */
static void if_line(struct vbuf *b, const struct view_snapshot *s,
		    const char *ver, bool out)
{
	if (s->traditional) {
		vb_printf(b, "  %s flow %s\n", ver, out ? "egress" : "ingress");
		return;
	}
	vb_printf(b, "  %s flow monitor %s", ver, monitor_name(s));
	if (s->sample_mode != SAMPLER_NONE && s->sampler)
		vb_printf(b, " sampler %s", s->sampler);
	vb_printf(b, " %s\n", out ? "output" : "input");
}

static void ip_flow_if_text(struct vbuf *b, const struct view_snapshot *s)
{
	bool v4, v6;
	size_t i;
	int d;

	versions(s, &v4, &v6);
	for (i = 0; i < s->nif; i++) {
		const struct view_interface *f = &s->ifs[i];

		if (!f->input && !f->output)
			continue;
		vb_printf(b, "%s\n", if_name(f));
		for (d = 0; d < 2; d++) {
			if (!(d ? f->output : f->input))
				continue;
			if (v4)
				if_line(b, s, "ip", d);
			if (v6)
				if_line(b, s, "ipv6", d);
		}
	}
}

static void ip_flow_if_json(struct vbuf *b, const struct view_snapshot *s)
{
	size_t i, n = 0;

	vb_puts(b, "{\"view\":\"show ip flow interface\",\"monitor\":");
	vb_json_str(b, monitor_name(s));
	vb_printf(b, ",\"traditional\":%s,\"sampler\":",
		  s->traditional ? "true" : "false");
	if (s->sample_mode != SAMPLER_NONE)
		vb_json_str(b, s->sampler ? s->sampler : "default");
	else
		vb_puts(b, "null");
	vb_puts(b, ",\"interfaces\":[");
	for (i = 0; i < s->nif; i++) {
		const struct view_interface *f = &s->ifs[i];

		if (!f->input && !f->output)
			continue;
		vb_puts(b, n++ ? ",{\"name\":" : "{\"name\":");
		vb_json_str(b, f->name);
		vb_puts(b, ",\"ios_name\":");
		vb_json_str(b, f->ios);
		vb_printf(b, ",\"ifindex\":%u,\"input\":%s,\"output\":%s}",
			  f->ifindex, f->input ? "true" : "false",
			  f->output ? "true" : "false");
	}
	vb_puts(b, "]}\n");
}

/*
 * show running-config: the configuration file's NetFlow part in the
 * dialect it was written in (an IOS file as IOS writes it, xflowd.conf
 * with every default spelled out).
 */
static void running(struct vbuf *b, const struct view_snapshot *s, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!s->cfg) {
		if (json)
			vb_puts(b, "{\"view\":\"show running-config\","
				   "\"dialect\":null,\"text\":null}\n");
		else
			vb_puts(b, "% No configuration file (-f): xflowd runs "
				   "from its command line\n");
		return;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		b->oom = true;
		return;
	}
	if (s->cfg->dialect == CFG_IOS)
		ios_write(s->cfg, f);
	else
		config_dump(s->cfg, f);
	if (fclose(f) != 0 || !text) {
		b->oom = true;
		free(text);
		return;
	}
	if (json) {
		vb_printf(b,
			  "{\"view\":\"show running-config\",\"dialect\":"
			  "\"%s\",\"text\":",
			  s->cfg->dialect == CFG_IOS ? "ios" : "xflowd");
		vb_json_str(b, text);
		vb_puts(b, "}\n");
	} else {
		vb_puts(b, text);
	}
	free(text);
}

void view_cfg(struct vbuf *b, const struct view_snapshot *s, enum view_id v,
	      bool json)
{
	switch (v) {
	case VIEW_SAMPLER:
		json ? sampler_json(b, s) : sampler_text(b, s);
		break;
	case VIEW_IP_FLOW_IF:
		json ? ip_flow_if_json(b, s) : ip_flow_if_text(b, s);
		break;
	case VIEW_RUNNING:
		running(b, s, json);
		break;
	default:
		break;
	}
}
