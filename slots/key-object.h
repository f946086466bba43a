/* SPDX-License-Identifier: MIT */
/*
 * A kernel key seen as a PKCS#11 object. The object handle is the key
 * serial; every attribute is derived from the kernel on each call, so
 * "keyctl" and the token never disagree.
 */
#ifndef KP11_KEY_OBJECT_H
#define KP11_KEY_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pkcs11.h"
#include "slots/keyring.h"
#include "slots/slot.h"

struct key_object {
	int32_t serial;
	struct key_desc desc;
	long payload_len;     /* bytes, or -1 when the kernel does not say */
	CK_KEY_TYPE key_type; /* CKK_AES for 16/24/32 bytes, else CKK_GENERIC_SECRET */
};

/*
 * key_object_load() - the object @handle of @slot
 *
 * The key must be a user or logon key linked directly in the slot's keyring.
 * Return: CKR_OK, CKR_OBJECT_HANDLE_INVALID, CKR_TOKEN_NOT_PRESENT,
 * CKR_HOST_MEMORY or CKR_DEVICE_ERROR.
 */
CK_RV key_object_load(const struct slot *slot, CK_OBJECT_HANDLE handle, struct key_object *obj);

/*
 * key_object_find() - handles of the slot's objects matching @tmpl
 * Return: CKR_OK with *handles malloc'ed (count in *count), or an error.
 */
CK_RV key_object_find(const struct slot *slot, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		      CK_OBJECT_HANDLE **handles, CK_ULONG *count);

/* C_GetAttributeValue on @obj (full per-attribute protocol). */
CK_RV key_object_get_attributes(const struct key_object *obj, CK_ATTRIBUTE *tmpl, CK_ULONG n);

/* Whether @obj allows @usage (CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, ...). */
bool key_object_allows(const struct key_object *obj, CK_ATTRIBUTE_TYPE usage);

#endif
