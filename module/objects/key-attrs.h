/* SPDX-License-Identifier: MIT */
/*
 * The PKCS#11 attributes of a secret key that the kernel has no field for,
 * as one value: what slots/key-desc.c stores in a key's description and what
 * objects/template.c builds from a caller's template (docs/keys.md).
 */
#ifndef KP11_KEY_ATTRS_H
#define KP11_KEY_ATTRS_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>

#include "common/pkcs11.h"

/* Longest CKA_ID kept (bytes); it is stored as hex in the description. */
#define KEY_ID_MAX 256
/* Longest description the kernel accepts, without the NUL. */
#define KEY_DESC_MAX 4095

/* Usage flags, in the order of the "u=" letters "edsvwux". */
enum key_usage {
	USAGE_ENCRYPT = 1u << 0,
	USAGE_DECRYPT = 1u << 1,
	USAGE_SIGN = 1u << 2,
	USAGE_VERIFY = 1u << 3,
	USAGE_WRAP = 1u << 4,
	USAGE_UNWRAP = 1u << 5,
	USAGE_DERIVE = 1u << 6,
	USAGE_ALL = (1u << 7) - 1,
};

/* Other boolean attributes, in the order of the "f=" letters "pcdsxl". */
enum key_flag {
	FLAG_PRIVATE = 1u << 0,
	FLAG_COPYABLE = 1u << 1,
	FLAG_DESTROYABLE = 1u << 2,
	FLAG_SENSITIVE = 1u << 3,
	FLAG_EXTRACTABLE = 1u << 4,
	FLAG_LOCAL = 1u << 5,
};

struct key_attrs {
	CK_KEY_TYPE key_type;
	CK_ULONG value_len;
	unsigned usage;		   /* enum key_usage bits */
	unsigned flags;		   /* enum key_flag bits */
	uint8_t nonce[8];	   /* makes the description unique */
	CK_SESSION_HANDLE session; /* owner of a session object, else 0 */
	size_t id_len;
	uint8_t id[KEY_ID_MAX];
	size_t label_len;
	char label[KEY_DESC_MAX + 1]; /* NUL-terminated; never holds a NUL */
};

/*
 * key_attrs_clear() - @a empty, as if zeroed, without writing the 4 KiB of
 * label room (this runs on every C_*Init): the label is "" and every byte
 * past label_len + 1 is unused by every reader (they go by label_len).
 */
static inline void
key_attrs_clear(struct key_attrs *a)
{
	memset(a, 0, offsetof(struct key_attrs, label));
	a->label[0] = '\0';
}

/* The usage bit of a CKA_* attribute (CKA_ENCRYPT...), or 0 when none. */
unsigned key_usage_bit(CK_ATTRIBUTE_TYPE type);
/* The flag bit of a CKA_* attribute (CKA_PRIVATE...), or 0 when none. */
unsigned key_flag_bit(CK_ATTRIBUTE_TYPE type);

/* Short name of a supported secret key type ("aes"), or NULL. */
const char *key_type_name(CK_KEY_TYPE type);
/* The key type named @name (@len bytes); returns 0 when unknown. */
int key_type_from_name(const char *name, size_t len, CK_KEY_TYPE *type);

#endif
