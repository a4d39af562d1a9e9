/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_ios.h - the IOS dialect of the configuration: the NetFlow part
 * of a running-config or of a pasted terminal session, read into the same
 * blocks as xflowd.conf(5) (config_ios.c), IOS interface names bound to
 * Linux interfaces (config_ios_if.c).
 */
#ifndef XFLOWD_CONFIG_IOS_H
#define XFLOWD_CONFIG_IOS_H

#include "config_int.h"

struct ios_state;

/* Does text read as IOS: a prompt, or a first-column command xflowd.conf
 * has not (flow, ip, hostname, ...)? */
bool ios_detect(const char *text, size_t len);

/* A reader's state, for free(); NULL on ENOMEM. */
struct ios_state *ios_new(void);

/* Line no, s[0..n) (text, no line end): one command. */
void ios_line(struct cfg_parser *p, struct ios_state *st, unsigned int no,
	      const char *s, size_t n);

/* After the last line: traditional NetFlow's exporters and monitor, and
 * what the interfaces ask of the monitors (samplers). */
void ios_finish(struct cfg_parser *p, struct ios_state *st);

/*
 * The Linux interface an IOS interface name names, into out (IFNAMSIZ):
 * a Linux name as is, or an IOS name (abbreviated as IOS takes it) that is
 * the alias of one. Returns 0, or -1 after an error at line no naming the
 * candidates. The interfaces are those of /sys/class/net, or of the
 * directory XFLOWD_SYSFS_NET names (tests).
 */
int ios_ifbind(struct cfg_parser *p, unsigned int no, const char *name,
	       char *out, size_t size);

/* name with its IOS type spelt out ("s1/0" to "Serial1/0") into out;
 * false if its type is none IOS has, or abbreviated ambiguously. */
bool ios_ifexpand(const char *name, char *out, size_t size);

/* The IOS name of a Linux interface into out: the one its alias spells
 * (true), else its Linux name (false). */
bool ios_ifname_of(const char *linux_name, char *out, size_t size);

/* cfg as IOS's running-config writes the NetFlow part of it (traditional
 * NetFlow's monitor as ip flow-export and ip flow-cache lines). */
void ios_write(const struct config *cfg, FILE *f);

#endif
