/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/ckr.h"
#include "objects/attrs.h"
#include "slots/key-object.h"

static bool
is_secret_key_type(enum keyring_key_type type)
{
	return type == KEY_TYPE_USER || type == KEY_TYPE_LOGON;
}

static CK_KEY_TYPE
key_type_from_len(long len)
{
	return (len == 16 || len == 24 || len == 32) ? CKK_AES : CKK_GENERIC_SECRET;
}

/* Describe @serial and fill @obj; the caller checked slot membership. */
static CK_RV
key_object_describe(int32_t serial, struct key_object *obj)
{
	int ret;

	memset(obj, 0, sizeof(*obj));
	obj->serial = serial;
	ret = keyring_describe(serial, &obj->desc);
	if (ret < 0)
		return ckr_from_key_read_errno(-ret);
	if (!is_secret_key_type(obj->desc.type))
		return CKR_OBJECT_HANDLE_INVALID;
	obj->payload_len = keyring_payload_len(serial, &obj->desc);
	if (obj->payload_len < 0)
		obj->payload_len = -1;
	obj->key_type = key_type_from_len(obj->payload_len);
	return CKR_OK;
}

CK_RV
key_object_load(const struct slot *slot, CK_OBJECT_HANDLE handle, struct key_object *obj)
{
	int ret;

	if (!slot_token_present(slot))
		return CKR_TOKEN_NOT_PRESENT;
	if (handle == 0 || handle > INT32_MAX)
		return CKR_OBJECT_HANDLE_INVALID;
	ret = keyring_contains(slot->keyring, (int32_t)handle);
	if (ret < 0)
		return ckr_from_key_read_errno(-ret);
	if (ret == 0)
		return CKR_OBJECT_HANDLE_INVALID;
	return key_object_describe((int32_t)handle, obj);
}

/*
 * The attributes of a secret-key object, PKCS#11 v2.40 sections 4.4-4.7 and
 * 4.10 (storage, key, secret key). One row per attribute; the value depends
 * only on the kernel key (type, payload size).
 */
enum attr_kind { ATTR_BOOL, ATTR_ULONG, ATTR_LABEL, ATTR_EMPTY, ATTR_VALUE };

struct attr_rule {
	CK_ATTRIBUTE_TYPE type;
	enum attr_kind kind;
	/* For ATTR_BOOL/ATTR_ULONG: the value for a logon key, then for a user key. */
	CK_ULONG logon, user;
};

#define BOTH(v) (v), (v)
static const struct attr_rule secret_key_rules[] = {
	{CKA_CLASS, ATTR_ULONG, BOTH(CKO_SECRET_KEY)},
	{CKA_TOKEN, ATTR_BOOL, BOTH(CK_TRUE)},
	{CKA_PRIVATE, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_MODIFIABLE, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_COPYABLE, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_DESTROYABLE, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_LABEL, ATTR_LABEL, BOTH(0)},
	{CKA_ID, ATTR_EMPTY, BOTH(0)},
	{CKA_KEY_TYPE, ATTR_ULONG, BOTH(0)},  /* from the payload size */
	{CKA_VALUE_LEN, ATTR_ULONG, BOTH(0)}, /* from the payload size */
	{CKA_START_DATE, ATTR_EMPTY, BOTH(0)},
	{CKA_END_DATE, ATTR_EMPTY, BOTH(0)},
	{CKA_DERIVE, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_LOCAL, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_KEY_GEN_MECHANISM, ATTR_ULONG, BOTH(CK_UNAVAILABLE_INFORMATION)},
	{CKA_ENCRYPT, ATTR_BOOL, BOTH(CK_TRUE)},
	{CKA_DECRYPT, ATTR_BOOL, BOTH(CK_TRUE)},
	{CKA_SIGN, ATTR_BOOL, BOTH(CK_TRUE)},
	{CKA_VERIFY, ATTR_BOOL, BOTH(CK_TRUE)},
	{CKA_WRAP, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_UNWRAP, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_TRUSTED, ATTR_BOOL, BOTH(CK_FALSE)},
	{CKA_WRAP_WITH_TRUSTED, ATTR_BOOL, BOTH(CK_FALSE)},
	/* A logon key can never be read back; a user key can by whoever possesses it. */
	{CKA_SENSITIVE, ATTR_BOOL, CK_TRUE, CK_FALSE},
	{CKA_EXTRACTABLE, ATTR_BOOL, CK_FALSE, CK_TRUE},
	{CKA_ALWAYS_SENSITIVE, ATTR_BOOL, CK_TRUE, CK_FALSE},
	{CKA_NEVER_EXTRACTABLE, ATTR_BOOL, CK_TRUE, CK_FALSE},
	{CKA_VALUE, ATTR_VALUE, BOTH(0)},
};
#undef BOTH

static const struct attr_rule *
rule_find(CK_ATTRIBUTE_TYPE type)
{
	for (size_t i = 0; i < sizeof(secret_key_rules) / sizeof(secret_key_rules[0]); i++)
		if (secret_key_rules[i].type == type)
			return &secret_key_rules[i];
	return NULL;
}

static CK_ULONG
rule_ulong(const struct attr_rule *rule, const struct key_object *obj)
{
	switch (rule->type) {
	case CKA_KEY_TYPE:
		return obj->key_type;
	case CKA_VALUE_LEN:
		return obj->payload_len < 0 ? CK_UNAVAILABLE_INFORMATION
					    : (CK_ULONG)obj->payload_len;
	default:
		return obj->desc.type == KEY_TYPE_LOGON ? rule->logon : rule->user;
	}
}

/* CKA_VALUE of a user key, read straight into the caller's buffer. */
static CK_RV
value_get(const struct key_object *obj, CK_ATTRIBUTE *attr)
{
	long ret;

	if (obj->desc.type != KEY_TYPE_USER)
		return attr_unavailable(attr, CKR_ATTRIBUTE_SENSITIVE);
	if (attr->pValue == NULL) {
		ret = keyring_read(obj->serial, NULL, 0);
	} else {
		ret = keyring_read(obj->serial, attr->pValue, attr->ulValueLen);
		if (ret > 0 && (CK_ULONG)ret > attr->ulValueLen) {
			/* The kernel filled a prefix: wipe it, it is not an answer. */
			explicit_bzero(attr->pValue, attr->ulValueLen);
			return attr_unavailable(attr, CKR_BUFFER_TOO_SMALL);
		}
	}
	if (ret < 0)
		return attr_unavailable(attr, CKR_ATTRIBUTE_SENSITIVE);
	attr->ulValueLen = (CK_ULONG)ret;
	return CKR_OK;
}

static CK_RV
attribute_get(const struct key_object *obj, CK_ATTRIBUTE *attr)
{
	const struct attr_rule *rule = rule_find(attr->type);
	CK_BBOOL b;
	CK_ULONG ul;

	if (rule == NULL)
		return attr_unavailable(attr, CKR_ATTRIBUTE_TYPE_INVALID);
	switch (rule->kind) {
	case ATTR_BOOL:
		b = (CK_BBOOL)rule_ulong(rule, obj);
		return attr_fill(attr, &b, sizeof(b));
	case ATTR_ULONG:
		ul = rule_ulong(rule, obj);
		return attr_fill(attr, &ul, sizeof(ul));
	case ATTR_LABEL:
		return attr_fill(attr, obj->desc.description, obj->desc.description_len);
	case ATTR_EMPTY:
		return attr_fill(attr, NULL, 0);
	case ATTR_VALUE:
		return value_get(obj, attr);
	}
	return attr_unavailable(attr, CKR_GENERAL_ERROR);
}

CK_RV
key_object_get_attributes(const struct key_object *obj, CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_RV rv = CKR_OK;

	for (CK_ULONG i = 0; i < n; i++)
		rv = attr_result(rv, attribute_get(obj, &tmpl[i]));
	return rv;
}

bool
key_object_allows(const struct key_object *obj, CK_ATTRIBUTE_TYPE usage)
{
	const struct attr_rule *rule = rule_find(usage);

	return rule != NULL && rule->kind == ATTR_BOOL && rule_ulong(rule, obj) == CK_TRUE;
}

/* Whether one template entry matches @obj. CKA_VALUE is never matched:
 * comparing it would pull key bytes into the process. */
static bool
attribute_matches(const struct key_object *obj, const CK_ATTRIBUTE *want)
{
	const struct attr_rule *rule = rule_find(want->type);
	CK_BBOOL b;
	CK_ULONG ul;

	if (rule == NULL)
		return false;
	switch (rule->kind) {
	case ATTR_BOOL:
		b = (CK_BBOOL)rule_ulong(rule, obj);
		return attr_equals(want, &b, sizeof(b));
	case ATTR_ULONG:
		ul = rule_ulong(rule, obj);
		return attr_equals(want, &ul, sizeof(ul));
	case ATTR_LABEL:
		return attr_equals(want, obj->desc.description, obj->desc.description_len);
	case ATTR_EMPTY:
		return want->ulValueLen == 0;
	case ATTR_VALUE:
		return false;
	}
	return false;
}

CK_RV
key_object_find(const struct slot *slot, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		CK_OBJECT_HANDLE **handles, CK_ULONG *count)
{
	CK_OBJECT_HANDLE *found = NULL;
	struct key_object *obj = NULL;
	int32_t *serials = NULL;
	CK_ULONG nfound = 0;
	CK_RV rv = CKR_GENERAL_ERROR;
	int nserials;

	*handles = NULL;
	*count = 0;
	if (!slot_token_present(slot))
		return CKR_TOKEN_NOT_PRESENT;
	nserials = keyring_list(slot->keyring, &serials);
	if (nserials < 0) {
		rv = ckr_from_key_read_errno(-nserials);
		goto out;
	}
	obj = malloc(sizeof(*obj));
	found = calloc((size_t)nserials + 1, sizeof(*found));
	if (obj == NULL || found == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	for (int i = 0; i < nserials; i++) {
		bool match = true;

		/* Keys that vanished or that we may not view are not objects. */
		if (key_object_describe(serials[i], obj) != CKR_OK)
			continue;
		for (CK_ULONG j = 0; j < n && match; j++)
			match = attribute_matches(obj, &tmpl[j]);
		if (match)
			found[nfound++] = (CK_OBJECT_HANDLE)serials[i];
	}
	*handles = found;
	*count = nfound;
	found = NULL;
	rv = CKR_OK;
out:
	free(found);
	free(obj);
	free(serials);
	return rv;
}
