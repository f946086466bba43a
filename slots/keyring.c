/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slots/keyring.h"

static int
parse_ulong(const char *s, size_t len, int base, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v > (max - d) / (unsigned long)base)
			return -EINVAL;
		v = v * (unsigned long)base + d;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	enum keyring_key_type type;
} key_types[] = {
	{"user", KEY_TYPE_USER},
	{"logon", KEY_TYPE_LOGON},
	{"keyring", KEY_TYPE_KEYRING},
	{"encrypted", KEY_TYPE_ENCRYPTED},
};

static enum keyring_key_type
type_from_name(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strlen(key_types[i].name) == len && memcmp(key_types[i].name, s, len) == 0)
			return key_types[i].type;
	return KEY_TYPE_OTHER;
}

const char *
keyring_type_name(enum keyring_key_type type)
{
	for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (key_types[i].type == type)
			return key_types[i].name;
	return NULL;
}

int
keyring_parse_description(const char *text, size_t len, struct key_desc *out)
{
	const char *field[4];
	size_t field_len[4];
	const char *p = text, *end = text + len;
	unsigned long v;

	/* KEYCTL_DESCRIBE counts the NUL terminator in its length. */
	if (len > 0 && text[len - 1] == '\0')
		end--;
	for (int i = 0; i < 4; i++) {
		const char *semi = memchr(p, ';', (size_t)(end - p));

		if (semi == NULL)
			return -EINVAL;
		field[i] = p;
		field_len[i] = (size_t)(semi - p);
		p = semi + 1;
	}
	if (field_len[0] == 0 || p >= end || (size_t)(end - p) >= KEYRING_DESC_MAX ||
	    memchr(p, '\0', (size_t)(end - p)) != NULL)
		return -EINVAL;

	/* Every field is set below; the 4 KiB of description room needs no zeroing. */
	out->type = type_from_name(field[0], field_len[0]);
	if (parse_ulong(field[1], field_len[1], 10, (uid_t)-1, &v) < 0)
		return -EINVAL;
	out->uid = (uid_t)v;
	if (parse_ulong(field[2], field_len[2], 10, (gid_t)-1, &v) < 0)
		return -EINVAL;
	out->gid = (gid_t)v;
	if (field_len[3] != 8 || parse_ulong(field[3], 8, 16, 0xffffffffUL, &v) < 0)
		return -EINVAL;
	out->perm = (uint32_t)v;
	out->description_len = (size_t)(end - p);
	memcpy(out->description, p, out->description_len);
	out->description[out->description_len] = '\0';
	return 0;
}

int32_t
keyring_resolve(int32_t special, int create)
{
	long ret = keyctl_get_keyring_ID(special, create);

	return ret < 0 ? -errno : (int32_t)ret;
}

int32_t
keyring_get_persistent(int32_t ring)
{
	long ret = keyctl_get_persistent((uid_t)-1, ring);

	return ret < 0 ? -errno : (int32_t)ret;
}

int
keyring_describe(int32_t key, struct key_desc *out)
{
	char buf[KEYRING_DESC_MAX + 64];
	long ret;

	ret = keyctl_describe(key, buf, sizeof(buf));
	if (ret < 0)
		return -errno;
	if ((size_t)ret > sizeof(buf))
		return -EINVAL; /* longer than any description the kernel allows */
	return keyring_parse_description(buf, (size_t)ret, out);
}

int
keyring_list(int32_t ring, int32_t **serials)
{
	int32_t *buf = NULL, *grown;
	long size, ret;
	int n, err;

	*serials = NULL;
	/*
	 * Room for 64 keys at first: one system call for most keyrings (this
	 * runs on every C_*Init). The keyring may grow between the calls:
	 * retry until it fits.
	 */
	size = 64 * (long)sizeof(int32_t);
	buf = malloc((size_t)size);
	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		ret = keyctl_read(ring, (char *)buf, (size_t)size);
		if (ret < 0) {
			err = -errno;
			goto out;
		}
		if (ret <= size)
			break;
		if (ret / (long)sizeof(int32_t) > INT_MAX) {
			err = -E2BIG; /* the count would not fit the int returned */
			goto out;
		}
		size = ret;
		grown = realloc(buf, (size_t)size);
		if (grown == NULL) {
			err = -ENOMEM;
			goto out;
		}
		buf = grown;
	}
	n = (int)(ret / (long)sizeof(int32_t));
	if (n <= 0) {
		free(buf);
		return 0;
	}
	*serials = buf;
	return n;
out:
	free(buf);
	/* Fail closed: a failure must never read as a count (errno 0 cannot happen). */
	return err < 0 ? err : -EIO;
}

int
keyring_contains(int32_t ring, int32_t key)
{
	int32_t *serials;
	int n, found = 0;

	n = keyring_list(ring, &serials);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (serials[i] == key)
			found = 1;
	free(serials);
	return found;
}

/*
 * /proc/keys prints, for a user or logon key,
 * "%08x <flags> %5d %4s %08x %5d %5d %-9.9s <description>: <datalen>\n".
 * Find the line of @key, check that the description is exactly the one
 * KEYCTL_DESCRIBE gave (descriptions may hold any byte but NUL, newlines
 * included), and parse the datalen that follows.
 */
static long
proc_keys_datalen(int32_t key, const struct key_desc *desc)
{
	char want[16];
	char *buf = NULL, *grown, *line;
	size_t size = 0, used = 0;
	long ret = -ENOENT;
	int fd;

	fd = open("/proc/keys", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (size - used < 4096) {
			size = size ? size * 2 : 65536;
			grown = realloc(buf, size + 1);
			if (grown == NULL) {
				ret = -ENOMEM;
				goto out;
			}
			buf = grown;
		}
		n = read(fd, buf + used, size - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';

	snprintf(want, sizeof(want), "%08x ", (unsigned)key);
	for (line = buf; line < buf + used;) {
		char *nl = memchr(line, '\n', (size_t)(buf + used - line));
		char *p = line, *end = buf + used;
		unsigned long v;
		int field;

		if (strncmp(line, want, strlen(want)) != 0) {
			if (nl == NULL)
				break;
			line = nl + 1;
			continue;
		}
		/* Skip 7 space-separated fields to reach the type column. */
		for (field = 0; field < 7; field++) {
			while (p < end && *p != ' ')
				p++;
			while (p < end && *p == ' ')
				p++;
		}
		/* "%-9.9s ": the description starts 10 bytes after the type. */
		if ((size_t)(end - p) < 10 + desc->description_len + 3)
			goto out;
		p += 10;
		if (memcmp(p, desc->description, desc->description_len) != 0)
			goto out;
		p += desc->description_len;
		if (p[0] != ':' || p[1] != ' ')
			goto out;
		p += 2;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || parse_ulong(p, (size_t)(nl - p), 10, 1UL << 30, &v) < 0)
			goto out;
		ret = (long)v;
		goto out;
	}
out:
	free(buf);
	close(fd);
	return ret;
}

long
keyring_payload_len(int32_t key, const struct key_desc *desc)
{
	long ret;

	if (desc->type == KEY_TYPE_USER) {
		ret = keyctl_read(key, NULL, 0);
		if (ret >= 0)
			return ret;
		/* Not readable (no read permission): fall back to /proc/keys. */
	}
	return proc_keys_datalen(key, desc);
}

long
keyring_read(int32_t key, void *buf, size_t len)
{
	long ret = keyctl_read(key, buf, len);

	return ret < 0 ? -errno : ret;
}

int
keyring_link(int32_t key, int32_t ring)
{
	return keyctl_link(key, ring) < 0 ? -errno : 0;
}

int
keyring_unlink(int32_t key, int32_t ring)
{
	return keyctl_unlink(key, ring) < 0 ? -errno : 0;
}

int
keyring_invalidate(int32_t key)
{
	return keyctl_invalidate(key) < 0 ? -errno : 0;
}

int
keyring_setperm(int32_t key, uint32_t perm)
{
	return keyctl_setperm(key, perm) < 0 ? -errno : 0;
}

int32_t
keyring_add(enum keyring_key_type type, const char *description, const void *payload, size_t len,
	    int32_t ring)
{
	const char *name = keyring_type_name(type);
	key_serial_t k;

	if (name == NULL)
		return -EINVAL;
	k = add_key(name, description, payload, len, ring);
	return k < 0 ? -errno : k;
}

int
keyring_quota(uid_t uid, struct keyring_quota *q)
{
	char line[256];
	int ret = -ENOENT;
	FILE *f;

	f = fopen("/proc/key-users", "re");
	if (f == NULL)
		return -errno;
	/* "%5u: %5d %d/%d %d/%d %d/%d": uid, usage, keys/instantiated,
	 * quota keys/max keys, quota bytes/max bytes. */
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long u, usage, nkeys, nikeys;

		if (sscanf(line, " %lu: %lu %lu/%lu %lu/%lu %lu/%lu", &u, &usage, &nkeys, &nikeys,
			   &q->keys, &q->max_keys, &q->bytes, &q->max_bytes) == 8 &&
		    u == uid) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}
