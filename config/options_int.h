/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options_int.h - what the parts of the command-line parser share:
 * options.c parses, options_usage.c prints --help, options_check.c checks
 * the combinations, options_monitor.c makes -f FILE's monitors.
 */
#ifndef XFLOWD_OPTIONS_INT_H
#define XFLOWD_OPTIONS_INT_H

#include <stdio.h>

#include "options.h"

/* options_usage.c */
void usage(FILE *f);

/* options_check.c */
int add_template(struct options *o, const char *name);
int check_combination(struct options *o, long refresh_s, long refresh_msgs);

/* options_monitor.c */
int check_config(struct options *o);

#endif
