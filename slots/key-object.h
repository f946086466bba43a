/* SPDX-License-Identifier: MIT */
/*
 * A kernel key seen as a PKCS#11 object (docs/keys.md). The object handle is
 * the key serial; every attribute comes from the kernel on each call (the
 * key's type, payload size and description), so "keyctl" and the token
 * never disagree.
 */
#ifndef KP11_KEY_OBJECT_H
#define KP11_KEY_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pkcs11.h"
#include "objects/template.h"
#include "slots/keyring.h"
#include "slots/slot.h"

struct key_object {
	int32_t serial;
	int32_t ring;	       /* the keyring it was found in */
	struct key_desc desc;  /* kernel type, owner, permissions, description */
	long payload_len;      /* bytes, or -1 when the kernel does not say */
	bool module_made;      /* the description is one the module wrote */
	struct key_template t; /* its attributes (t.value is unused) */
};

/*
 * key_object_load() - the object @handle of @slot
 *
 * The key must be a user, logon or encrypted key linked directly in the
 * slot's keyring, or a session object of this process on that slot.
 * Return: CKR_OK, CKR_OBJECT_HANDLE_INVALID, CKR_TOKEN_NOT_PRESENT,
 * CKR_HOST_MEMORY or CKR_DEVICE_ERROR.
 */
CK_RV key_object_load(struct slot *slot, CK_OBJECT_HANDLE handle, struct key_object *obj);

/*
 * key_object_load_sized() - key_object_load() when the caller already knows
 * the payload length (@payload_len >= 0: a transform keyed with it is warm,
 * crypto/operation.h). Saves the /proc/keys scan a key the module did not
 * make would otherwise need; every other check is made as usual.
 */
CK_RV key_object_load_sized(struct slot *slot, CK_OBJECT_HANDLE handle, struct key_object *obj,
			    long payload_len);

/*
 * key_object_find() - handles of the slot's objects matching @tmpl
 * Return: CKR_OK with *handles malloc'ed (count in *count), or an error.
 */
CK_RV key_object_find(struct slot *slot, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
		      CK_OBJECT_HANDLE **handles, CK_ULONG *count);

/* One attribute of C_GetAttributeValue (full per-attribute protocol). */
CK_RV key_object_get_attribute(const struct key_object *obj, CK_ATTRIBUTE *attr);

/* Whether @obj allows @usage (CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, ...). */
bool key_object_allows(const struct key_object *obj, CK_ATTRIBUTE_TYPE usage);

/*
 * key_object_value() - the bytes of an extractable key, for wrapping
 * Return: CKR_OK with *value malloc'ed (@len bytes; the caller wipes and
 * frees it), or CKR_KEY_UNEXTRACTABLE for a logon or encrypted key.
 */
CK_RV key_object_value(const struct key_object *obj, uint8_t **value, size_t *len);

/* What the key costs in the owner's key quota (C_GetObjectSize). */
CK_ULONG key_object_size(const struct key_object *obj);

/*
 * key_object_create() - a new key from a checked template (C_CreateObject)
 * @session: the creating session, recorded on a session object
 * Return: CKR_OK and *handle; CKR_DEVICE_MEMORY (quota), CKR_HOST_MEMORY,
 * CKR_ATTRIBUTE_VALUE_INVALID (description too long),
 * CKR_TOKEN_WRITE_PROTECTED (the keyring refuses writes), CKR_DEVICE_ERROR.
 * Nothing is left behind on failure.
 */
CK_RV key_object_create(struct slot *slot, const struct key_template *t, CK_SESSION_HANDLE session,
			CK_OBJECT_HANDLE *handle);

/*
 * key_object_generate() - a new random key (C_GenerateKey)
 * @master: "user:<description>" of the master key for in-kernel generation
 *	as an encrypted key, or NULL; used for sensitive keys of 20-4096 bytes.
 * Otherwise the bytes come from getrandom(2) and are wiped after add_key.
 */
CK_RV key_object_generate(struct slot *slot, const struct key_template *t,
			  CK_SESSION_HANDLE session, const char *master, CK_OBJECT_HANDLE *handle);

/* C_CopyObject: @t is the copy's template (template_change_key). */
CK_RV key_object_copy(struct slot *slot, const struct key_object *obj, const struct key_template *t,
		      CK_SESSION_HANDLE session, CK_OBJECT_HANDLE *handle);

/* C_DestroyObject: invalidate a key the module made, unlink a plain key. */
CK_RV key_object_destroy(const struct key_object *obj);

/* Destroy the session objects of @session on @slot (C_CloseSession). */
void key_object_destroy_session_objects(struct slot *slot, CK_SESSION_HANDLE session);

#endif
