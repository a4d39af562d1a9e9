// SPDX-License-Identifier: BSD-2-Clause
/*
 * config_ios_if.c - IOS interface names bound to Linux interfaces: a lab
 * router's Serial1/0 is the Linux interface whose alias says so
 * (`ip link set dev eth1 alias Serial1/0`), and IOS takes the name
 * abbreviated (`s1/0`, `Se1/0`) as long as the type stays unique.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_ios.h"

#define MAX_IFS 256 /* interfaces of a host looked at */

/* The interface types of IOS routers, as show commands spell them. */
static const char *const if_types[] = {
	"Async",	"BVI",
	"Dialer",	"Ethernet",
	"FastEthernet", "GigabitEthernet",
	"Loopback",	"Multilink",
	"Null",		"Port-channel",
	"Serial",	"TenGigabitEthernet",
	"Tunnel",	"Virtual-Template",
	"Vlan",
};

bool ios_ifexpand(const char *name, char *out, size_t size)
{
	size_t n = strcspn(name, "0123456789"), i;
	const char *hit = NULL;
	int nhit = 0;

	if (n == 0 || !name[n])
		return false;
	for (i = 0; i < sizeof(if_types) / sizeof(if_types[0]); i++) {
		if (strlen(if_types[i]) < n ||
		    strncasecmp(if_types[i], name, n) != 0)
			continue;
		if (strlen(if_types[i]) == n) { /* whole: never ambiguous */
			hit = if_types[i];
			nhit = 1;
			break;
		}
		hit = if_types[i];
		nhit++;
	}
	if (nhit != 1)
		return false;
	snprintf(out, size, "%s%s", hit, name + n);
	return true;
}

struct linux_if {
	char name[CFG_IFNAME_MAX];
	char alias[64];	   /* as set, spaces at the end removed */
	char expanded[64]; /* its IOS name spelt out, or "" */
};

/* The interfaces of dir (/sys/class/net), sorted by name; their number. */
static int read_ifs(const char *dir, struct linux_if *ifs, int max)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0, i, j;

	if (!dp)
		return 0;
	while ((d = readdir(dp)) && n < max) {
		struct linux_if *f = &ifs[n];
		char path[512];
		FILE *a;
		size_t len;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof(f->name))
			continue;
		memset(f, 0, sizeof(*f));
		memcpy(f->name, d->d_name, strlen(d->d_name) + 1);
		snprintf(path, sizeof(path), "%s/%s/ifalias", dir, d->d_name);
		a = fopen(path, "r");
		if (a) {
			if (!fgets(f->alias, sizeof(f->alias), a))
				f->alias[0] = '\0';
			fclose(a);
		}
		len = strlen(f->alias);
		while (len &&
		       (f->alias[len - 1] == '\n' || f->alias[len - 1] == ' '))
			f->alias[--len] = '\0';
		if (!ios_ifexpand(f->alias, f->expanded, sizeof(f->expanded)))
			f->expanded[0] = '\0';
		n++;
	}
	closedir(dp);
	/* a stable order for messages */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(ifs[j - 1].name, ifs[j].name) > 0;
		     j--) {
			struct linux_if t = ifs[j];

			ifs[j] = ifs[j - 1];
			ifs[j - 1] = t;
		}
	return n;
}

int ios_ifbind(struct cfg_parser *p, unsigned int no, const char *name,
	       char *out, size_t size)
{
	const char *dir = getenv("XFLOWD_SYSFS_NET");
	struct linux_if *ifs = calloc(MAX_IFS, sizeof(*ifs));
	char full[64], list[400] = "", q[48];
	size_t len = 0;
	int n, i, rc = -1;

	if (!ifs) {
		cfg_error(p, no, "out of memory");
		return -1;
	}
	n = read_ifs(dir && *dir ? dir : "/sys/class/net", ifs, MAX_IFS);
	if (!ios_ifexpand(name, full, sizeof(full)))
		full[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(ifs[i].name, name) == 0 ||
		    (ifs[i].alias[0] && !strcasecmp(ifs[i].alias, name)) ||
		    (full[0] && ifs[i].expanded[0] &&
		     !strcasecmp(ifs[i].expanded, full))) {
			snprintf(out, size, "%s", ifs[i].name);
			rc = 0;
			goto out;
		}
	}
	for (i = 0; i < n && len < sizeof(list) - 1; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
					"%s%s%s%s", i ? ", " : "", ifs[i].name,
					ifs[i].alias[0] ? " alias " : "",
					ifs[i].alias);
	cfg_error(p, no,
		  "interface '%s'%s%s%s is none of this host's: give the Linux "
		  "interface its IOS name with 'ip link set dev IF alias "
		  "%s', or write the Linux name (interfaces: %s)",
		  cfg_quote(name, q, sizeof(q)), full[0] ? " (" : "", full,
		  full[0] ? ")" : "", full[0] ? full : name, n ? list : "none");
out:
	free(ifs);
	return rc;
}

bool ios_ifname_of(const char *linux_name, char *out, size_t size)
{
	const char *dir = getenv("XFLOWD_SYSFS_NET");
	char path[512], alias[64] = "";
	size_t len;
	FILE *a;

	snprintf(path, sizeof(path), "%s/%s/ifalias",
		 dir && *dir ? dir : "/sys/class/net", linux_name);
	a = fopen(path, "r");
	if (a) {
		if (!fgets(alias, sizeof(alias), a))
			alias[0] = '\0';
		fclose(a);
	}
	len = strlen(alias);
	while (len && (alias[len - 1] == '\n' || alias[len - 1] == ' '))
		alias[--len] = '\0';
	if (ios_ifexpand(alias, out, size))
		return true;
	snprintf(out, size, "%s", linux_name);
	return false;
}
