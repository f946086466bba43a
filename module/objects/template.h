/* SPDX-License-Identifier: MIT */
/*
 * Template rules for secret keys (PKCS#11 v2.40 sections 4.2-4.7 and 4.10):
 * one table says, for each attribute, its value type, whether C_CreateObject
 * and C_GenerateKey may set it, and whether C_CopyObject may change it.
 * Pure: no kernel calls (it will be fuzzed).
 */
#ifndef KP11_TEMPLATE_H
#define KP11_TEMPLATE_H

#include <stdbool.h>

#include "common/pkcs11.h"
#include "objects/key-attrs.h"

enum template_use {
	TEMPLATE_CREATE,   /* C_CreateObject */
	TEMPLATE_GENERATE, /* C_GenerateKey */
	TEMPLATE_COPY,	   /* C_CopyObject: changes to an existing key */
	TEMPLATE_SET,	   /* C_SetAttributeValue */
	TEMPLATE_UNWRAP,   /* C_UnwrapKey: like C_CreateObject, the value unwrapped */
};

/* Which kernel key type holds the key (docs/keys.md, "Which kernel key type"). */
enum key_storage {
	STORE_LOGON, /* sensitive or not extractable: never readable */
	STORE_USER,  /* not sensitive and extractable */
};

struct key_template {
	struct key_attrs attrs;
	bool token;
	enum key_storage storage;
	const uint8_t *value; /* C_CreateObject: the caller's CKA_VALUE */
	size_t value_len;
};

/*
 * template_new_key() - check a C_CreateObject or C_GenerateKey template
 * @mechanism: the key generation mechanism (TEMPLATE_GENERATE only)
 * @out: the key to make, defaults applied (nonce and session left zero)
 * Return: CKR_OK or the template error of the first offending attribute
 * (docs/keys.md, "Template errors").
 */
CK_RV template_new_key(const CK_ATTRIBUTE *tmpl, CK_ULONG n, enum template_use use,
		       CK_MECHANISM_TYPE mechanism, struct key_template *out);

/*
 * template_set_unwrapped() - the value of an unwrapped key (TEMPLATE_UNWRAP)
 * @value: stays the caller's; only the pointer is kept
 * Return: CKR_OK, or CKR_TEMPLATE_INCONSISTENT when the length does not suit
 * the key type or the template's CKA_VALUE_LEN.
 */
CK_RV template_set_unwrapped(struct key_template *t, const uint8_t *value, size_t len);

/*
 * template_change_key() - apply a C_CopyObject or C_SetAttributeValue template
 * @current: the key as it is; @out starts as a copy of it
 * Return: CKR_OK, CKR_ATTRIBUTE_READ_ONLY (an attribute that cannot change),
 * CKR_ATTRIBUTE_TYPE_INVALID, CKR_ATTRIBUTE_VALUE_INVALID,
 * CKR_TEMPLATE_INCONSISTENT.
 */
CK_RV template_change_key(const struct key_template *current, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			  enum template_use use, struct key_template *out);

/* Whether two keys have the same attributes (ignoring the nonce). */
bool template_same_key(const struct key_template *a, const struct key_template *b);

#endif
