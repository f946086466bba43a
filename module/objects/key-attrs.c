/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "common/compiler.h"
#include "objects/key-attrs.h"

static const CK_ATTRIBUTE_TYPE usage_attributes[] = {
	CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE,
};

static const CK_ATTRIBUTE_TYPE flag_attributes[] = {
	CKA_PRIVATE, CKA_COPYABLE, CKA_DESTROYABLE, CKA_SENSITIVE, CKA_EXTRACTABLE, CKA_LOCAL,
};

static const struct {
	CK_KEY_TYPE type;
	const char *name;
} key_types[] = {
	{CKK_AES, "aes"},
	{CKK_GENERIC_SECRET, "generic"},
	{CKK_SHA_1_HMAC, "sha1-hmac"},
	{CKK_SHA224_HMAC, "sha224-hmac"},
	{CKK_SHA256_HMAC, "sha256-hmac"},
	{CKK_SHA384_HMAC, "sha384-hmac"},
	{CKK_SHA512_HMAC, "sha512-hmac"},
	{CKK_CHACHA20, "chacha20"},
};

unsigned
key_usage_bit(CK_ATTRIBUTE_TYPE type)
{
	for (size_t i = 0; i < ARRAY_SIZE(usage_attributes); i++)
		if (usage_attributes[i] == type)
			return 1u << i;
	return 0;
}

unsigned
key_flag_bit(CK_ATTRIBUTE_TYPE type)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_attributes); i++)
		if (flag_attributes[i] == type)
			return 1u << i;
	return 0;
}

const char *
key_type_name(CK_KEY_TYPE type)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_types); i++)
		if (key_types[i].type == type)
			return key_types[i].name;
	return NULL;
}

int
key_type_from_name(const char *name, size_t len, CK_KEY_TYPE *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_types); i++) {
		if (strlen(key_types[i].name) == len && memcmp(key_types[i].name, name, len) == 0) {
			*type = key_types[i].type;
			return 1;
		}
	}
	return 0;
}
