/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "common/compiler.h"
#include "objects/attrs.h"
#include "objects/template.h"

/* Largest user/logon payload the kernel takes; encrypted keys stop at 4096. */
#define VALUE_MAX 32767
#define GENERATE_MAX 4096

enum value_kind { V_BOOL, V_ULONG, V_BYTES, V_DATE };

/* What a template may do with an attribute when a key is made. */
enum rule_mode {
	R_MAY,		/* may be given */
	R_REQUIRED,	/* must be given: CKR_TEMPLATE_INCOMPLETE */
	R_READ_ONLY,	/* the token sets it: CKR_ATTRIBUTE_READ_ONLY */
	R_INCONSISTENT, /* must not be given: CKR_TEMPLATE_INCONSISTENT */
};

struct template_rule {
	CK_ATTRIBUTE_TYPE type;
	enum value_kind kind;
	enum rule_mode create, generate;
	bool changeable; /* C_CopyObject may change it (v2.40 C_CopyObject) */
};

/* PKCS#11 v2.40 tables 16, 18, 19, 20, 21 (secret key) and their footnotes. */
static const struct template_rule rules[] = {
	{CKA_CLASS, V_ULONG, R_REQUIRED, R_MAY, false},
	{CKA_KEY_TYPE, V_ULONG, R_REQUIRED, R_MAY, false},
	{CKA_VALUE, V_BYTES, R_REQUIRED, R_READ_ONLY, false},
	{CKA_VALUE_LEN, V_ULONG, R_INCONSISTENT, R_REQUIRED, false},
	{CKA_TOKEN, V_BOOL, R_MAY, R_MAY, true},
	{CKA_PRIVATE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_MODIFIABLE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_COPYABLE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_DESTROYABLE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_LABEL, V_BYTES, R_MAY, R_MAY, true},
	{CKA_ID, V_BYTES, R_MAY, R_MAY, true},
	{CKA_START_DATE, V_DATE, R_MAY, R_MAY, true},
	{CKA_END_DATE, V_DATE, R_MAY, R_MAY, true},
	{CKA_ENCRYPT, V_BOOL, R_MAY, R_MAY, true},
	{CKA_DECRYPT, V_BOOL, R_MAY, R_MAY, true},
	{CKA_SIGN, V_BOOL, R_MAY, R_MAY, true},
	{CKA_VERIFY, V_BOOL, R_MAY, R_MAY, true},
	{CKA_WRAP, V_BOOL, R_MAY, R_MAY, true},
	{CKA_UNWRAP, V_BOOL, R_MAY, R_MAY, true},
	{CKA_DERIVE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_SENSITIVE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_EXTRACTABLE, V_BOOL, R_MAY, R_MAY, true},
	{CKA_WRAP_WITH_TRUSTED, V_BOOL, R_MAY, R_MAY, true},
	{CKA_TRUSTED, V_BOOL, R_READ_ONLY, R_READ_ONLY, false},
	{CKA_LOCAL, V_BOOL, R_READ_ONLY, R_READ_ONLY, false},
	{CKA_KEY_GEN_MECHANISM, V_ULONG, R_READ_ONLY, R_READ_ONLY, false},
	{CKA_ALWAYS_SENSITIVE, V_BOOL, R_READ_ONLY, R_READ_ONLY, false},
	{CKA_NEVER_EXTRACTABLE, V_BOOL, R_READ_ONLY, R_READ_ONLY, false},
	{CKA_CHECK_VALUE, V_BYTES, R_READ_ONLY, R_READ_ONLY, false},
};

static const struct template_rule *
rule_find(CK_ATTRIBUTE_TYPE type, size_t *index)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (rules[i].type == type) {
			*index = i;
			return &rules[i];
		}
	}
	return NULL;
}

/*
 * C_UnwrapKey follows C_CreateObject's column, except that the value comes
 * from the wrapped key: CKA_VALUE may not be given, CKA_VALUE_LEN may.
 */
static enum rule_mode
new_key_mode(const struct template_rule *rule, enum template_use use)
{
	if (use == TEMPLATE_UNWRAP && rule->type == CKA_VALUE)
		return R_READ_ONLY;
	if (use == TEMPLATE_UNWRAP && rule->type == CKA_VALUE_LEN)
		return R_MAY;
	return use == TEMPLATE_GENERATE ? rule->generate : rule->create;
}

/* The value has the size and form its kind requires. */
static bool
value_well_formed(const struct template_rule *rule, const CK_ATTRIBUTE *a)
{
	if (a->pValue == NULL && a->ulValueLen != 0)
		return false;
	switch (rule->kind) {
	case V_BOOL:
		return a->ulValueLen == sizeof(CK_BBOOL);
	case V_ULONG:
		return a->ulValueLen == sizeof(CK_ULONG);
	case V_DATE:
		return a->ulValueLen == 0; /* dates are not kept: only empty ones */
	case V_BYTES:
		return true;
	}
	return false;
}

static CK_BBOOL
bool_of(const CK_ATTRIBUTE *a)
{
	return *(const CK_BBOOL *)a->pValue ? CK_TRUE : CK_FALSE;
}

static CK_ULONG
ulong_of(const CK_ATTRIBUTE *a)
{
	CK_ULONG v;

	memcpy(&v, a->pValue, sizeof(v));
	return v;
}

static void
set_bit(unsigned *bits, unsigned bit, CK_BBOOL on)
{
	if (on)
		*bits |= bit;
	else
		*bits &= ~bit;
}

/* Sensitivity as given: -1 not given, else 0/1. */
struct given_sensitivity {
	int sensitive, extractable;
};

/*
 * Apply one well-formed attribute to @t. Return: CKR_OK or
 * CKR_ATTRIBUTE_VALUE_INVALID for a value the token cannot hold.
 */
static CK_RV
apply(struct key_template *t, const CK_ATTRIBUTE *a, struct given_sensitivity *g,
      CK_OBJECT_CLASS *klass)
{
	struct key_attrs *k = &t->attrs;
	unsigned bit;

	switch (a->type) {
	case CKA_CLASS:
		*klass = ulong_of(a);
		return CKR_OK;
	case CKA_KEY_TYPE:
		if (key_type_name(ulong_of(a)) == NULL)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		k->key_type = ulong_of(a);
		return CKR_OK;
	case CKA_VALUE:
		/* Before a duplicate of it is ever compared with it (walk()). */
		if (a->ulValueLen > VALUE_MAX)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		t->value = a->pValue;
		t->value_len = a->ulValueLen;
		return CKR_OK;
	case CKA_VALUE_LEN:
		k->value_len = ulong_of(a);
		return CKR_OK;
	case CKA_TOKEN:
		t->token = bool_of(a);
		return CKR_OK;
	case CKA_MODIFIABLE:
		/* A kernel key's description never changes (docs/keys.md). */
		return bool_of(a) ? CKR_ATTRIBUTE_VALUE_INVALID : CKR_OK;
	case CKA_WRAP_WITH_TRUSTED:
		return bool_of(a) ? CKR_ATTRIBUTE_VALUE_INVALID : CKR_OK;
	case CKA_LABEL:
		/* An empty label may come as NULL: never hand that to memchr/memcpy. */
		if (a->ulValueLen > KEY_DESC_MAX ||
		    (a->ulValueLen > 0 && memchr(a->pValue, '\0', a->ulValueLen) != NULL))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (a->ulValueLen > 0)
			memcpy(k->label, a->pValue, a->ulValueLen);
		k->label_len = a->ulValueLen;
		k->label[k->label_len] = '\0';
		return CKR_OK;
	case CKA_ID:
		if (a->ulValueLen > KEY_ID_MAX)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (a->ulValueLen > 0)
			memcpy(k->id, a->pValue, a->ulValueLen);
		k->id_len = a->ulValueLen;
		return CKR_OK;
	case CKA_START_DATE:
	case CKA_END_DATE:
		return CKR_OK;
	case CKA_SENSITIVE:
		g->sensitive = bool_of(a);
		return CKR_OK;
	case CKA_EXTRACTABLE:
		g->extractable = bool_of(a);
		return CKR_OK;
	default:
		break;
	}
	if ((bit = key_usage_bit(a->type)) != 0) {
		set_bit(&k->usage, bit, bool_of(a));
		return CKR_OK;
	}
	if ((bit = key_flag_bit(a->type)) != 0) {
		set_bit(&k->flags, bit, bool_of(a));
		return CKR_OK;
	}
	return CKR_ATTRIBUTE_TYPE_INVALID;
}

/*
 * One pass over the template: rule lookup, form, mode for @use, duplicates,
 * then apply. @seen[i] remembers the first entry of rule i.
 */
static CK_RV
walk(const CK_ATTRIBUTE *tmpl, CK_ULONG n, enum template_use use, struct key_template *t,
     struct given_sensitivity *g, CK_OBJECT_CLASS *klass, const CK_ATTRIBUTE **seen)
{
	for (CK_ULONG i = 0; i < n; i++) {
		const CK_ATTRIBUTE *a = &tmpl[i];
		const struct template_rule *rule;
		enum rule_mode mode;
		size_t r;
		CK_RV rv;

		rule = rule_find(a->type, &r);
		if (rule == NULL)
			return CKR_ATTRIBUTE_TYPE_INVALID;
		if (!value_well_formed(rule, a))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (use == TEMPLATE_COPY || use == TEMPLATE_SET)
			mode = rule->changeable ? R_MAY : R_READ_ONLY;
		else
			mode = new_key_mode(rule, use);
		if (mode == R_READ_ONLY)
			return CKR_ATTRIBUTE_READ_ONLY;
		if (mode == R_INCONSISTENT)
			return CKR_TEMPLATE_INCONSISTENT;
		if (seen[r] != NULL) {
			if (seen[r]->ulValueLen != a->ulValueLen ||
			    (a->ulValueLen > 0 &&
			     memcmp(seen[r]->pValue, a->pValue, a->ulValueLen)))
				return CKR_TEMPLATE_INCONSISTENT;
			continue;
		}
		seen[r] = a;
		rv = apply(t, a, g, klass);
		if (rv != CKR_OK)
			return rv;
	}
	return CKR_OK;
}

/* Resolve sensitivity into flags and the kernel key type (docs/keys.md). */
static CK_RV
resolve_storage(struct key_template *t, struct given_sensitivity g)
{
	unsigned *f = &t->attrs.flags;

	if (g.sensitive == 1 && g.extractable == 1)
		return CKR_TEMPLATE_INCONSISTENT;
	if (g.extractable == 1 || (g.sensitive == 0 && g.extractable == -1)) {
		*f = (*f & ~(unsigned)FLAG_SENSITIVE) | FLAG_EXTRACTABLE;
		t->storage = STORE_USER;
	} else {
		set_bit(f, FLAG_SENSITIVE, g.sensitive != 0);
		*f &= ~(unsigned)FLAG_EXTRACTABLE;
		t->storage = STORE_LOGON;
	}
	return CKR_OK;
}

static bool
value_len_ok(CK_KEY_TYPE type, size_t len, size_t max)
{
	if (type == CKK_AES)
		return len == 16 || len == 24 || len == 32;
	return len >= 1 && len <= max;
}

CK_RV
template_new_key(const CK_ATTRIBUTE *tmpl, CK_ULONG n, enum template_use use,
		 CK_MECHANISM_TYPE mechanism, struct key_template *out)
{
	const CK_ATTRIBUTE *seen[ARRAY_SIZE(rules)] = {NULL};
	struct given_sensitivity g = {-1, -1};
	CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
	size_t r;
	CK_RV rv;

	memset(out, 0, sizeof(*out));
	out->token = true;
	out->attrs.usage = USAGE_ALL;
	out->attrs.flags = FLAG_COPYABLE | FLAG_DESTROYABLE;
	out->attrs.key_type = CK_UNAVAILABLE_INFORMATION;
	if (!attr_template_ok(tmpl, n))
		return CKR_ARGUMENTS_BAD;
	rv = walk(tmpl, n, use, out, &g, &klass, seen);
	if (rv != CKR_OK)
		return rv;

	/* Required attributes. */
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		enum rule_mode mode = new_key_mode(&rules[i], use);

		if (mode == R_REQUIRED && seen[i] == NULL)
			return CKR_TEMPLATE_INCOMPLETE;
	}
	if (klass != CKO_SECRET_KEY)
		return CKR_TEMPLATE_INCONSISTENT;

	if (use == TEMPLATE_GENERATE) {
		CK_KEY_TYPE made = mechanism == CKM_AES_KEY_GEN ? CKK_AES : CKK_GENERIC_SECRET;

		if (rule_find(CKA_KEY_TYPE, &r) && seen[r] == NULL)
			out->attrs.key_type = made;
		/* The generic generator makes generic and HMAC keys. */
		if (out->attrs.key_type != made &&
		    (made == CKK_AES || out->attrs.key_type == CKK_AES))
			return CKR_TEMPLATE_INCONSISTENT;
		if (!value_len_ok(out->attrs.key_type, out->attrs.value_len, GENERATE_MAX))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		out->attrs.flags |= FLAG_LOCAL;
	} else if (use == TEMPLATE_CREATE) {
		if (!value_len_ok(out->attrs.key_type, out->value_len, VALUE_MAX))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		out->attrs.value_len = out->value_len;
	}
	return resolve_storage(out, g);
}

CK_RV
template_set_unwrapped(struct key_template *t, const uint8_t *value, size_t len)
{
	if ((t->attrs.value_len != 0 && t->attrs.value_len != len) ||
	    !value_len_ok(t->attrs.key_type, len, VALUE_MAX))
		return CKR_TEMPLATE_INCONSISTENT;
	t->value = value;
	t->value_len = len;
	t->attrs.value_len = len;
	return CKR_OK;
}

CK_RV
template_change_key(const struct key_template *current, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		    enum template_use use, struct key_template *out)
{
	const CK_ATTRIBUTE *seen[ARRAY_SIZE(rules)] = {NULL};
	bool was_sensitive = current->attrs.flags & FLAG_SENSITIVE;
	bool was_extractable = current->attrs.flags & FLAG_EXTRACTABLE;
	struct given_sensitivity g = {-1, -1};
	CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
	CK_RV rv;

	*out = *current;
	if (!attr_template_ok(tmpl, n))
		return CKR_ARGUMENTS_BAD;
	rv = walk(tmpl, n, use, out, &g, &klass, seen);
	if (rv != CKR_OK)
		return rv;
	/* Both asked for: no kernel key is both, as for a new key (docs/keys.md). */
	if (g.sensitive == 1 && g.extractable == 1)
		return CKR_TEMPLATE_INCONSISTENT;
	if (g.sensitive == -1)
		g.sensitive = was_sensitive;
	if (g.extractable == -1)
		g.extractable = was_extractable;
	/* v2.40 table 18, footnotes 11 and 12: only towards more protection. */
	if ((was_sensitive && g.sensitive == 0) || (!was_extractable && g.extractable == 1))
		return CKR_ATTRIBUTE_READ_ONLY;
	/* A copy keeps its storage unless it becomes sensitive or unextractable. */
	if (g.sensitive != was_sensitive || g.extractable != was_extractable) {
		out->storage = STORE_LOGON;
		set_bit(&out->attrs.flags, FLAG_SENSITIVE, g.sensitive != 0);
		out->attrs.flags &= ~(unsigned)FLAG_EXTRACTABLE;
	}
	return CKR_OK;
}

bool
template_same_key(const struct key_template *a, const struct key_template *b)
{
	const struct key_attrs *x = &a->attrs, *y = &b->attrs;

	return a->token == b->token && a->storage == b->storage && x->key_type == y->key_type &&
	       x->value_len == y->value_len && x->usage == y->usage && x->flags == y->flags &&
	       x->id_len == y->id_len && memcmp(x->id, y->id, x->id_len) == 0 &&
	       x->label_len == y->label_len && memcmp(x->label, y->label, x->label_len) == 0;
}
