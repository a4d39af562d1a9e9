/* SPDX-License-Identifier: BSD-2-Clause */
/* log.h - messages for the user on stderr; never on the packet path. */
#ifndef XFLOWD_LOG_H
#define XFLOWD_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Set once at start-up from the command line. */
extern enum log_level log_level;

void log_print(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...) log_print(LOG_LVL_ERR, __VA_ARGS__)
#define pr_warn(...) log_print(LOG_LVL_WARN, __VA_ARGS__)
#define pr_info(...) log_print(LOG_LVL_INFO, __VA_ARGS__)
#define pr_debug(...) log_print(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
