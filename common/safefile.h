/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safefile.h - opening the files a user names (--stats-file, -f) so that
 * another local user cannot turn them against xflowd: no symbolic link or
 * planted file is written through, and no FIFO or device blocks it.
 */
#ifndef XFLOWD_SAFEFILE_H
#define XFLOWD_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Open path for writing, truncated, creating it with mode (less the
 * umask) when absent. Refused: a symbolic link as the last component, a
 * file that is not regular (a FIFO would block, a device be written), one
 * with several links, or one another user owns. Returns a descriptor
 * (the caller's to close), or a negative errno with err saying why;
 * *refused tells a refused path (the user's to fix) from a failing
 * system call.
 */
int safefile_create(const char *path, mode_t mode, bool *refused, char *err,
		    size_t errlen);

/*
 * Open path for reading, following symbolic links (a configuration in
 * /etc is often one), only when what it names is a regular file: a FIFO
 * or device is refused at once, never waited on. Returns a descriptor
 * (the caller's to close), or a negative errno with err saying why.
 */
int safefile_open_regular(const char *path, char *err, size_t errlen);

#endif
