/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.10: message digesting. */
#include <stdlib.h>
#include <string.h>

#include "module/module.h"
#include "slots/key-object.h"

CK_RV
module_C_DigestInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism)
{
	return module_op_init(OP_DIGEST, h, mechanism, CK_INVALID_HANDLE);
}

CK_RV
module_C_Digest(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		CK_ULONG_PTR out_len)
{
	return module_op_oneshot(OP_DIGEST, h, in, in_len, out, out_len);
}

CK_RV
module_C_DigestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len)
{
	return module_op_update(OP_DIGEST, h, in, in_len, NULL, NULL);
}

CK_RV
module_C_DigestFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return module_op_final(OP_DIGEST, h, out, out_len);
}

/*
 * C_DigestKey: only a key whose bytes may leave the kernel (a user key) can
 * be digested by this module; a logon key is CKR_KEY_INDIGESTIBLE.
 */
CK_RV
module_C_DigestKey(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE key)
{
	struct session *session;
	struct key_object *obj;
	uint8_t *value = NULL;
	size_t len = 0;
	CK_RV rv;

	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	obj = malloc(sizeof(*obj));
	if (obj == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	if (session->op.kind != OP_DIGEST) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	rv = key_object_load(session->slot, key, obj);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv == CKR_OK)
		rv = key_object_value(obj, &value, &len);
	if (rv == CKR_KEY_UNEXTRACTABLE)
		rv = CKR_KEY_INDIGESTIBLE;
	if (rv == CKR_OK)
		rv = operation_update(&session->op, OP_DIGEST, value, len, NULL, NULL);
	else if (rv != CKR_OPERATION_NOT_INITIALIZED)
		operation_end(&session->op); /* an error ends the digest (v2.40 5.10) */
out:
	if (value != NULL) {
		explicit_bzero(value, len);
		free(value);
	}
	free(obj);
	module_session_leave(session);
	return rv;
}
