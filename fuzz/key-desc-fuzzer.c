/* SPDX-License-Identifier: MIT */
/*
 * Target "key-desc": the two description parsers a key goes through when the
 * module loads it (slots/key-object.c): keyring_parse_description() on the
 * KEYCTL_DESCRIBE text "type;uid;gid;perm;description" (slots/keyring.c),
 * then the codec of the module's own descriptions, key_desc_decode() and
 * key_desc_encode() (slots/key-desc.c).
 *
 * The whole input is read three ways:
 *  1. as KEYCTL_DESCRIBE text, then its description decoded;
 *  2. as a description: decode(x) accepted means encode(decode(x)) == x
 *     byte for byte (the format is canonical) and decodes to the same;
 *  3. as attributes (fuzz/fuzz.h pieces: key type byte, value_len fz_num,
 *     usage and flag bytes, 8 nonce bytes, session fz_num, id fz_buf(300),
 *     label fz_buf(4200), buffer size u16): encoded into a buffer of that
 *     exact size, the result is refused, or fits and decodes back to the
 *     same attributes (what encode writes, decode reads).
 * Every text is in a buffer of exactly its length, not NUL-terminated, so
 * reading past it is an AddressSanitizer report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "fuzz/fuzz.h"
#include "slots/key-desc.h"
#include "slots/keyring.h"

static void
check_same(const struct key_attrs *a, const struct key_attrs *b, const char *what)
{
	FZ_ASSERT(a->key_type == b->key_type && a->value_len == b->value_len &&
			  a->usage == b->usage && a->flags == b->flags &&
			  a->session == b->session &&
			  memcmp(a->nonce, b->nonce, sizeof(a->nonce)) == 0 &&
			  a->id_len == b->id_len && memcmp(a->id, b->id, a->id_len) == 0 &&
			  a->label_len == b->label_len &&
			  memcmp(a->label, b->label, a->label_len) == 0 &&
			  a->label[a->label_len] == '\0' && b->label[b->label_len] == '\0',
		  "%s: attributes differ", what);
}

/* Read 2: a description the module would take as its own. */
static void
decode(const char *desc, size_t len)
{
	struct key_attrs *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char *out = malloc(KEY_DESC_MAX + 1);
	int ret;

	if (a == NULL || b == NULL || out == NULL)
		abort();
	if (key_desc_decode(desc, len, a) != 0)
		goto out;
	FZ_ASSERT(a->label_len <= KEY_DESC_MAX && a->id_len <= KEY_ID_MAX &&
			  key_type_name(a->key_type) != NULL && a->value_len >= 1,
		  "decode accepted impossible attributes");
	ret = key_desc_encode(a, out, KEY_DESC_MAX + 1);
	FZ_ASSERT(ret >= 0 && (size_t)ret == len && memcmp(out, desc, len) == 0,
		  "encode(decode(x)) != x: %d bytes for %zu", ret, len);
	FZ_ASSERT(key_desc_decode(out, (size_t)ret, b) == 0, "decode(encode(decode(x))) failed");
	check_same(a, b, "decode(encode(decode(x)))");
out:
	free(a);
	free(b);
	free(out);
}

/* Read 1: KEYCTL_DESCRIBE output, then its description. */
static void
describe(const uint8_t *data, size_t size)
{
	struct key_desc *d = malloc(sizeof(*d));
	char *text = malloc(size);
	char *desc;

	if (d == NULL || text == NULL)
		abort();
	if (size > 0)
		memcpy(text, data, size);
	if (keyring_parse_description(text, size, d) == 0) {
		FZ_ASSERT(d->description_len >= 1 && d->description_len < KEYRING_DESC_MAX &&
				  d->description[d->description_len] == '\0' &&
				  memchr(d->description, '\0', d->description_len) == NULL,
			  "describe accepted a %zu-byte description", d->description_len);
		/* The decoder sees the description at its exact length, as key_object does. */
		desc = malloc(d->description_len);
		if (desc == NULL)
			abort();
		memcpy(desc, d->description, d->description_len);
		decode(desc, d->description_len);
		free(desc);
	}
	decode(text, size);
	free(text);
	free(d);
}

/* Read 3: attributes, encoded into a buffer of a fuzzed size. */
static void
encode(struct fz *f)
{
	static const CK_KEY_TYPE types[] = {
		CKK_AES,	 CKK_GENERIC_SECRET, CKK_SHA_1_HMAC,
		CKK_SHA224_HMAC, CKK_SHA256_HMAC,    CKK_SHA384_HMAC,
		CKK_SHA512_HMAC, CKK_CHACHA20,	     CKK_DES3,
		CKK_RSA,
	};
	struct key_attrs *a = calloc(1, sizeof(*a)), *b = malloc(sizeof(*b));
	char *big = malloc(KEY_DESC_MAX + 1), *out;
	uint8_t t = fz_u8(f), *p;
	size_t got, cap;
	CK_ULONG len;
	int ret, full;

	if (a == NULL || b == NULL || big == NULL)
		abort();
	a->key_type = t == 0xff ? fz_ulong(f) : types[t % ARRAY_SIZE(types)];
	a->value_len = fz_num(f);
	/* Only the bits the attribute rules make (the template target checks that). */
	a->usage = fz_u8(f) & USAGE_ALL;
	a->flags = fz_u8(f) & 0x3f;
	p = fz_take(f, sizeof(a->nonce), &got);
	memcpy(a->nonce, p, got);
	a->session = fz_num(f);
	fz_buf(f, 300, &p, &len);
	a->id_len = p != NULL ? len : 0;
	if (a->id_len > 0)
		memcpy(a->id, p, a->id_len < KEY_ID_MAX ? a->id_len : KEY_ID_MAX);
	fz_buf(f, 4200, &p, &len);
	a->label_len = p != NULL ? len : 0;
	if (a->label_len > 0)
		memcpy(a->label, p, a->label_len < KEY_DESC_MAX ? a->label_len : KEY_DESC_MAX);
	cap = fz_u16(f) % 4200;
	out = fz_alloc(f, cap);

	full = key_desc_encode(a, big, KEY_DESC_MAX + 1);
	ret = key_desc_encode(a, out, cap);
	if (full < 0) {
		FZ_ASSERT(full == -EINVAL && ret == -EINVAL, "encode: %d, then %d", full, ret);
		goto out;
	}
	FZ_ASSERT((size_t)full == strlen(big), "encode: length %d", full);
	if ((size_t)full >= cap) {
		FZ_ASSERT(ret == -ENOSPC, "encode into %zu bytes for %d: %d", cap, full, ret);
	} else {
		FZ_ASSERT(ret == full && memcmp(out, big, (size_t)full + 1) == 0,
			  "encode into %zu bytes: %d", cap, ret);
	}
	FZ_ASSERT(key_desc_decode(big, (size_t)full, b) == 0,
		  "encode wrote a description decode refuses (%d bytes)", full);
	check_same(a, b, "decode(encode(a))");
out:
	free(a);
	free(b);
	free(big);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;

	describe(data, size);
	fz_init(&f, data, size);
	encode(&f);
	fz_free(&f);
	return 0;
}
