/* SPDX-License-Identifier: MIT */
/*
 * The configuration's sources, read at C_Initialize (docs/keyring-pkcs11.conf.5),
 * each over the one before:
 *   1. the built-in defaults (session and user keyrings);
 *   2. the file: $KEYRING_PKCS11_CONF, which must exist, or else
 *      /etc/keyring-pkcs11.conf when it exists;
 *   3. pReserved of C_Initialize (p11-kit's "x-init-reserved:"), unless it is
 *      NSS's own init string;
 *   4. $KEYRING_PKCS11_CONFIG, configuration text;
 *   5. $KEYRING_PKCS11_MASTER, the master key alone.
 * A source that names any token replaces the token list; one that names a
 * master key replaces it. Any bad source fails C_Initialize with
 * CKR_ARGUMENTS_BAD and one line on the debug log.
 *
 * The environment is read with secure_getenv(): a set-user-ID program that
 * loads the module does not let its caller choose its tokens.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* secure_getenv (configure defines it; fuzz/build.sh does not) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "module/module.h"

#define SYSTEM_CONFIG "/etc/keyring-pkcs11.conf"

/* Parse @len bytes of @text from @source over @c. */
static CK_RV
apply(struct config *c, const char *source, const char *text, size_t len)
{
	struct config *got = malloc(sizeof(*got));
	char why[160];
	CK_RV rv = CKR_OK;

	if (got == NULL)
		return CKR_HOST_MEMORY;
	if (config_parse(got, text, len, why, sizeof(why)) < 0) {
		log_msg("configuration: %s: %s", source, why);
		rv = CKR_ARGUMENTS_BAD;
	} else {
		config_merge(c, got);
	}
	free(got);
	return rv;
}

/*
 * Read the file @path (at most CONFIG_TEXT_MAX bytes) into *text.
 * Return: its length, -ENOENT when absent, or another -errno (-EFBIG: too
 * long, -EINVAL: not a regular file).
 */
static long
read_file(const char *path, char **text)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	long ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		/* Out of descriptors: whether the file exists needs none. */
		if ((ret == -EMFILE || ret == -ENFILE) && stat(path, &st) < 0 && errno == ENOENT)
			return -ENOENT;
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	buf = malloc(CONFIG_TEXT_MAX + 1);
	if (buf == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	/* One byte more than allowed, to tell "too long" from "just fits". */
	while (len <= CONFIG_TEXT_MAX) {
		n = read(fd, buf + len, CONFIG_TEXT_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_TEXT_MAX) {
		ret = -EFBIG;
		goto out;
	}
	*text = buf;
	buf = NULL;
	ret = (long)len;
out:
	free(buf);
	close(fd);
	return ret;
}

static CK_RV
apply_file(struct config *c)
{
	const char *path = secure_getenv("KEYRING_PKCS11_CONF");
	bool must = path != NULL && *path != '\0';
	char *text = NULL;
	long len;
	CK_RV rv;

	if (!must)
		path = SYSTEM_CONFIG;
	len = read_file(path, &text);
	if (len == -ENOENT && !must)
		return CKR_OK;
	if (len < 0) {
		log_msg("configuration: %s: %s", path,
			len == -EFBIG	 ? "longer than 65536 bytes"
			: len == -EINVAL ? "not a regular file"
					 : strerror((int)-len));
		return len == -ENOMEM || len == -EMFILE || len == -ENFILE ? CKR_HOST_MEMORY
									  : CKR_ARGUMENTS_BAD;
	}
	rv = apply(c, path, text, (size_t)len);
	free(text);
	return rv;
}

/* pReserved: a NUL-terminated string by the convention of p11-kit and NSS. */
static CK_RV
apply_reserved(struct config *c, const char *reserved)
{
	size_t len;

	if (reserved == NULL)
		return CKR_OK;
	len = strnlen(reserved, CONFIG_TEXT_MAX + 1);
	if (len > CONFIG_TEXT_MAX) {
		log_msg("configuration: pReserved: longer than %d bytes", CONFIG_TEXT_MAX);
		return CKR_ARGUMENTS_BAD;
	}
	if (config_is_nss(reserved, len)) {
		log_msg("configuration: pReserved: NSS's init string, ignored");
		return CKR_OK;
	}
	return apply(c, "pReserved", reserved, len);
}

CK_RV
module_config_load(const char *reserved, struct config *c)
{
	const char *v;
	char why[160];
	CK_RV rv;

	config_defaults(c);
	rv = apply_file(c);
	if (rv == CKR_OK)
		rv = apply_reserved(c, reserved);
	if (rv != CKR_OK)
		return rv;
	v = secure_getenv("KEYRING_PKCS11_CONFIG");
	if (v != NULL) {
		size_t len = strnlen(v, CONFIG_TEXT_MAX + 1);

		rv = apply(c, "KEYRING_PKCS11_CONFIG", v, len);
		if (rv != CKR_OK)
			return rv;
	}
	v = secure_getenv("KEYRING_PKCS11_MASTER");
	if (v != NULL && *v != '\0' && config_set_master(c, v, strlen(v), why, sizeof(why)) < 0) {
		log_msg("configuration: KEYRING_PKCS11_MASTER: %s", why);
		return CKR_ARGUMENTS_BAD;
	}
	return CKR_OK;
}
