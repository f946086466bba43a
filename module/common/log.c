/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ckr.h"
#include "common/log.h"

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static int log_fd = -1;

static void
log_open(void)
{
	const char *v = getenv("KEYRING_PKCS11_DEBUG");

	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return;
	if (strcmp(v, "1") == 0 || strcmp(v, "stderr") == 0)
		log_fd = STDERR_FILENO;
	else
		log_fd = open(v, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

bool
log_enabled(void)
{
	pthread_once(&log_once, log_open);
	return log_fd >= 0;
}

void
log_msg(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n, m;

	if (!log_enabled())
		return;
	n = snprintf(line, sizeof(line), "keyring-pkcs11[%ld]: ", (long)getpid());
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m < (int)(sizeof(line) - (size_t)n - 1) ? m : (int)(sizeof(line) - (size_t)n - 2);
	line[n++] = '\n';
	/* One write per line: whole lines even with several threads or processes. */
	if (write(log_fd, line, (size_t)n) < 0)
		return;
}

CK_RV
log_rv(const char *function, CK_RV rv)
{
	const char *name = ckr_name(rv);

	if (name != NULL)
		log_msg("%s = %s", function, name);
	else
		log_msg("%s = 0x%lx", function, (unsigned long)rv);
	return rv;
}
