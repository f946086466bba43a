/* SPDX-License-Identifier: MIT */
/*
 * Target "template": the attribute-template rules (module/objects/template.c)
 * and the C_GetAttributeValue length protocol (module/objects/attrs.c).
 *
 * Input (fuzz/fuzz.h for the pieces): a mechanism index byte (for
 * C_GenerateKey), a template, 8 nonce bytes and a session number (fz_num)
 * for the description, an unwrapped value fz_buf(64), a second template
 * (for C_CopyObject / C_SetAttributeValue), then one attribute for
 * attr_fill: a type, a buffer form byte (even: a u16 size mod 5000 follows;
 * odd: NULL) and a value fz_buf(4200).
 *
 * Invariants: a template the rules accept makes a key that the token can
 * hold (known type, a length the type allows, a label without NUL, never
 * sensitive and extractable at once, user storage exactly when extractable)
 * and whose description decodes to the same attributes (slots/key-desc.c);
 * a change never lowers protection nor changes type or length, an empty one
 * changes nothing, and applying it twice changes nothing more.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "objects/attrs.h"
#include "objects/template.h"
#include "slots/key-desc.h"

#define ALL_FLAGS                                                                                  \
	(FLAG_PRIVATE | FLAG_COPYABLE | FLAG_DESTROYABLE | FLAG_SENSITIVE | FLAG_EXTRACTABLE |     \
	 FLAG_LOCAL)

static bool
length_ok(CK_KEY_TYPE type, CK_ULONG len, CK_ULONG max)
{
	if (type == CKK_AES)
		return len == 16 || len == 24 || len == 32;
	return len >= 1 && len <= max;
}

/* What holds for every key the rules let through. */
static void
check_key(const struct key_template *t, const char *what)
{
	const struct key_attrs *a = &t->attrs;

	FZ_ASSERT(key_type_name(a->key_type) != NULL, "%s: key type 0x%lx has no name", what,
		  a->key_type);
	FZ_ASSERT(a->label_len <= KEY_DESC_MAX && a->label[a->label_len] == '\0' &&
			  memchr(a->label, '\0', a->label_len) == NULL,
		  "%s: label of %zu bytes not a C string", what, a->label_len);
	FZ_ASSERT(a->id_len <= KEY_ID_MAX, "%s: id of %zu bytes", what, a->id_len);
	FZ_ASSERT((a->usage & ~(unsigned)USAGE_ALL) == 0 && (a->flags & ~(unsigned)ALL_FLAGS) == 0,
		  "%s: stray bits usage 0x%x flags 0x%x", what, a->usage, a->flags);
	FZ_ASSERT(!((a->flags & FLAG_SENSITIVE) && (a->flags & FLAG_EXTRACTABLE)),
		  "%s: sensitive and extractable", what);
	FZ_ASSERT((t->storage == STORE_USER) == !!(a->flags & FLAG_EXTRACTABLE),
		  "%s: storage %d with extractable %d", what, t->storage,
		  !!(a->flags & FLAG_EXTRACTABLE));
}

/* The key's description (slots/key-desc.c) carries the same attributes. */
static void
check_description(const struct key_attrs *a, const char *what)
{
	struct key_attrs *back = malloc(sizeof(*back));
	char *desc = malloc(KEY_DESC_MAX + 1);
	int ret;

	if (back == NULL || desc == NULL)
		abort();
	ret = key_desc_encode(a, desc, KEY_DESC_MAX + 1);
	if (ret == -EINVAL) {
		/* Only a description over the kernel's 4095 bytes is refused. */
		FZ_ASSERT(a->label_len + 2 * a->id_len > KEY_DESC_MAX - 120,
			  "%s: encode refused a %zu-byte label, %zu-byte id", what, a->label_len,
			  a->id_len);
		goto out;
	}
	FZ_ASSERT(ret > 0 && (size_t)ret == strlen(desc), "%s: encode gave %d", what, ret);
	ret = key_desc_decode(desc, (size_t)ret, back);
	FZ_ASSERT(ret == 0, "%s: own description does not decode (%d)", what, ret);
	FZ_ASSERT(back->key_type == a->key_type && back->value_len == a->value_len &&
			  back->usage == a->usage && back->flags == a->flags &&
			  back->session == a->session &&
			  memcmp(back->nonce, a->nonce, sizeof(a->nonce)) == 0 &&
			  back->id_len == a->id_len && memcmp(back->id, a->id, a->id_len) == 0 &&
			  back->label_len == a->label_len &&
			  memcmp(back->label, a->label, a->label_len) == 0,
		  "%s: description round trip changed the attributes", what);
out:
	free(back);
	free(desc);
}

static void
new_keys(struct fz *f, const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_MECHANISM_TYPE mech,
	 struct key_template *made)
{
	static const enum template_use uses[] = {TEMPLATE_CREATE, TEMPLATE_GENERATE,
						 TEMPLATE_UNWRAP};
	struct key_template *t = malloc(sizeof(*t));
	uint8_t nonce[8], *value;
	CK_ULONG session, value_len;
	size_t got;
	bool have = false;

	if (t == NULL)
		abort();
	value = fz_take(f, sizeof(nonce), &got);
	memcpy(nonce, value, got);
	memset(nonce + got, 0, sizeof(nonce) - got);
	session = fz_num(f);
	fz_buf(f, 64, &value, &value_len);
	for (size_t u = 0; u < sizeof(uses) / sizeof(uses[0]); u++) {
		CK_RV rv = template_new_key(tmpl, n, uses[u], mech, t);

		if (tmpl == NULL && n != 0)
			FZ_ASSERT(rv == CKR_ARGUMENTS_BAD, "NULL template: rv 0x%lx", rv);
		if (rv != CKR_OK)
			continue;
		check_key(t, "new key");
		memcpy(t->attrs.nonce, nonce, sizeof(nonce));
		t->attrs.session = session;
		switch (uses[u]) {
		case TEMPLATE_CREATE:
			FZ_ASSERT(length_ok(t->attrs.key_type, t->value_len, 32767) &&
					  t->attrs.value_len == t->value_len && t->value != NULL,
				  "created key: value of %zu bytes, value_len %lu", t->value_len,
				  t->attrs.value_len);
			break;
		case TEMPLATE_GENERATE:
			FZ_ASSERT(length_ok(t->attrs.key_type, t->attrs.value_len, 4096) &&
					  (t->attrs.flags & FLAG_LOCAL),
				  "generated key: value_len %lu", t->attrs.value_len);
			break;
		default:
			if (value == NULL || template_set_unwrapped(t, value, value_len) != CKR_OK)
				continue;
			FZ_ASSERT(length_ok(t->attrs.key_type, value_len, 32767) &&
					  t->attrs.value_len == value_len,
				  "unwrapped key: %lu bytes, value_len %lu", value_len,
				  t->attrs.value_len);
			break;
		}
		check_description(&t->attrs, "new key");
		if (!have) {
			*made = *t;
			have = true;
		}
	}
	if (!have) {
		/* A plain AES key with every usage (slots/key-object.c). */
		memset(made, 0, sizeof(*made));
		made->attrs.key_type = CKK_AES;
		made->attrs.value_len = 32;
		made->attrs.usage = USAGE_ALL;
		made->attrs.flags = FLAG_COPYABLE | FLAG_DESTROYABLE | FLAG_SENSITIVE;
		made->storage = STORE_LOGON;
	}
	free(t);
}

static void
change_key(const struct key_template *cur, const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	struct key_template *out = malloc(sizeof(*out)), *again = malloc(sizeof(*again));
	bool was_sensitive = cur->attrs.flags & FLAG_SENSITIVE;
	bool was_extractable = cur->attrs.flags & FLAG_EXTRACTABLE;
	CK_RV copy_rv, set_rv;

	if (out == NULL || again == NULL)
		abort();
	copy_rv = template_change_key(cur, tmpl, n, TEMPLATE_COPY, out);
	set_rv = template_change_key(cur, tmpl, n, TEMPLATE_SET, again);
	/* C_SetAttributeValue follows C_CopyObject's rules (template.c). */
	FZ_ASSERT(copy_rv == set_rv, "copy rv 0x%lx, set rv 0x%lx", copy_rv, set_rv);
	if (copy_rv != CKR_OK)
		goto out;
	check_key(out, "changed key");
	FZ_ASSERT(out->attrs.key_type == cur->attrs.key_type &&
			  out->attrs.value_len == cur->attrs.value_len,
		  "a change changed the key type or length");
	FZ_ASSERT(!(was_sensitive && !(out->attrs.flags & FLAG_SENSITIVE)) &&
			  !(!was_extractable && (out->attrs.flags & FLAG_EXTRACTABLE)),
		  "a change lowered protection");
	if (n == 0)
		FZ_ASSERT(template_same_key(cur, out), "an empty change changed the key");
	FZ_ASSERT(template_change_key(out, tmpl, n, TEMPLATE_COPY, again) == CKR_OK &&
			  template_same_key(out, again),
		  "the same change twice is not the same as once");
	check_description(&out->attrs, "changed key");
out:
	free(out);
	free(again);
}

/* attr_fill() and attr_equals(): the per-attribute buffer protocol. */
static void
fill(struct fz *f)
{
	CK_ATTRIBUTE a = {.type = fz_attr_type(f)};
	uint8_t form = fz_u8(f), *value;
	size_t size = form % 2 == 0 ? fz_u16(f) % 5000 : 0;
	CK_ULONG len;
	CK_RV rv;

	a.pValue = form % 2 == 0 ? fz_alloc(f, size) : NULL;
	a.ulValueLen = size;
	fz_buf(f, 4200, &value, &len);
	if (value == NULL)
		len = 0;
	rv = attr_fill(&a, value, len);
	if (a.pValue == NULL) {
		FZ_ASSERT(rv == CKR_OK && a.ulValueLen == len, "size query: rv 0x%lx", rv);
	} else if (size < len) {
		FZ_ASSERT(rv == CKR_BUFFER_TOO_SMALL && a.ulValueLen == CK_UNAVAILABLE_INFORMATION,
			  "short buffer: rv 0x%lx", rv);
	} else {
		FZ_ASSERT(rv == CKR_OK && a.ulValueLen == len &&
				  (len == 0 || memcmp(a.pValue, value, len) == 0),
			  "fill: rv 0x%lx", rv);
		FZ_ASSERT(attr_equals(&a, value, len),
			  "a filled attribute does not equal its value");
	}
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
	struct key_template *made = malloc(sizeof(*made));
	CK_MECHANISM_TYPE mech;
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n;
	struct fz f;

	if (made == NULL)
		abort();
	fz_init(&f, data, size);
	mech = fz_mechanisms[fz_u8(&f) % fz_nmechanisms];
	tmpl = fz_template(&f, &n);
	new_keys(&f, tmpl, n, mech, made);
	tmpl = fz_template(&f, &n);
	change_key(made, tmpl, n);
	fill(&f);
	free(made);
	fz_free(&f);
	return 0;
}
