/* SPDX-License-Identifier: MIT */
/*
 * PKCS#11 v2.40 sections 5.8 and 5.9: encryption and decryption. Each entry
 * point checks its arguments and hands over to crypto/operation.c.
 */
#include "module/module.h"

static CK_RV
cipher_init(enum op_kind kind, CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
	    CK_OBJECT_HANDLE key)
{
	struct session *session;
	CK_RV rv;

	if (mechanism == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = session_begin_operation_inlock(session, kind, mechanism, key);
	module_unlock();
	return rv;
}

static CK_RV
cipher_oneshot(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len,
	       CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if ((in == NULL && in_len != 0) || out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_oneshot(&session->op, kind, MODULE_INPUT(in), in_len, out, out_len);
	module_unlock();
	return rv;
}

static CK_RV
cipher_update(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len,
	      CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if ((in == NULL && in_len != 0) || out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_update(&session->op, kind, MODULE_INPUT(in), in_len, out, out_len);
	module_unlock();
	return rv;
}

static CK_RV
cipher_final(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if (out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_finish(&session->op, kind, out, out_len);
	module_unlock();
	return rv;
}

CK_RV
module_C_EncryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return cipher_init(OP_ENCRYPT, h, mechanism, key);
}

CK_RV
module_C_Encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		 CK_ULONG_PTR out_len)
{
	return cipher_oneshot(OP_ENCRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_EncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		       CK_ULONG_PTR out_len)
{
	return cipher_update(OP_ENCRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_EncryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return cipher_final(OP_ENCRYPT, h, out, out_len);
}

CK_RV
module_C_DecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return cipher_init(OP_DECRYPT, h, mechanism, key);
}

CK_RV
module_C_Decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		 CK_ULONG_PTR out_len)
{
	return cipher_oneshot(OP_DECRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_DecryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		       CK_ULONG_PTR out_len)
{
	return cipher_update(OP_DECRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_DecryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return cipher_final(OP_DECRYPT, h, out, out_len);
}
