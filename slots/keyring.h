/* SPDX-License-Identifier: MIT */
/*
 * Thin wrappers over keyctl(2). Every function returns >= 0 on success or
 * -errno; errno itself is never left for the caller to read.
 */
#ifndef KP11_KEYRING_H
#define KP11_KEYRING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <keyutils.h>

/* Maximum description length the kernel accepts (4095 bytes + NUL). */
#define KEYRING_DESC_MAX 4096

enum keyring_key_type {
	KEY_TYPE_OTHER = 0,
	KEY_TYPE_USER,
	KEY_TYPE_LOGON,
	KEY_TYPE_KEYRING,
	KEY_TYPE_ENCRYPTED,
};

/* The parsed result of KEYCTL_DESCRIBE: "type;uid;gid;perm;description". */
struct key_desc {
	enum keyring_key_type type;
	uid_t uid;
	gid_t gid;
	uint32_t perm;
	char description[KEYRING_DESC_MAX];
	size_t description_len;
};

/*
 * keyring_parse_description() - parse KEYCTL_DESCRIBE output
 * @text: @len bytes, not necessarily NUL-terminated
 *
 * The description is everything after the fourth ';' and may itself contain
 * ';'. Strict: decimal uid/gid, exactly 8 hex digits of perm, a non-empty
 * description of at most 4095 bytes without NUL.
 *
 * Return: 0, or -EINVAL for malformed text.
 */
int keyring_parse_description(const char *text, size_t len, struct key_desc *out);

/* Return: serial (> 0) of a special keyring (KEY_SPEC_*), or -errno. */
int32_t keyring_resolve(int32_t special, int create);

/*
 * keyring_get_persistent() - this user's persistent keyring, linked in @ring
 * (KEYCTL_GET_PERSISTENT, which also restarts its expiry timer)
 * Return: its serial (> 0), or -errno (-EOPNOTSUPP: a kernel without
 * CONFIG_PERSISTENT_KEYRINGS).
 */
int32_t keyring_get_persistent(int32_t ring);

/* Return: 0 and the parsed description of @key, or -errno. */
int keyring_describe(int32_t key, struct key_desc *out);

/*
 * keyring_list() - serials linked directly in @ring
 * Return: the count (>= 0) with *serials malloc'ed (NULL when 0), or -errno.
 */
int keyring_list(int32_t ring, int32_t **serials);

/* Return: 1 if @key is linked directly in @ring, 0 if not, or -errno. */
int keyring_contains(int32_t ring, int32_t key);

/*
 * keyring_payload_len() - payload size of a user or logon key
 *
 * Reads no key byte: for a user key, KEYCTL_READ with a NULL buffer returns
 * only the size; a logon key cannot be read at all, so its size comes from
 * the "description: datalen" column of /proc/keys.
 *
 * Return: payload length, or -errno (-ENOENT: size not found).
 */
long keyring_payload_len(int32_t key, const struct key_desc *desc);

/*
 * keyring_read() - copy a user key's payload into @buf
 * Return: the payload length (which may exceed @len, then @buf holds a prefix),
 * or -errno (-EOPNOTSUPP for a logon key).
 */
long keyring_read(int32_t key, void *buf, size_t len);

/* Return: 0 or -errno. */
int keyring_link(int32_t key, int32_t ring);
int keyring_unlink(int32_t key, int32_t ring);
int keyring_invalidate(int32_t key);
int keyring_setperm(int32_t key, uint32_t perm);

/* The key quota of a user, from /proc/key-users. */
struct keyring_quota {
	unsigned long keys, max_keys;	/* keys charged, and the limit */
	unsigned long bytes, max_bytes; /* bytes charged, and the limit */
};

/* Return: 0 and @uid's quota, or -errno (-ENOENT: the user has no keys). */
int keyring_quota(uid_t uid, struct keyring_quota *q);

/* Kernel name of a key type ("logon"); NULL for KEY_TYPE_OTHER. */
const char *keyring_type_name(enum keyring_key_type type);

/*
 * keyring_add() - add_key(2): a new key of @type in @ring
 * Return: its serial (> 0), or -errno (-EDQUOT: quota exhausted).
 */
int32_t keyring_add(enum keyring_key_type type, const char *description, const void *payload,
		    size_t len, int32_t ring);

#endif
