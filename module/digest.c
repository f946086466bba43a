/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.10: message digesting, over crypto/operation.c. */
#include "module/module.h"

CK_RV
module_C_DigestInit(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism)
{
	struct session *session;
	CK_RV rv;

	if (mechanism == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = session_begin_operation_inlock(session, OP_DIGEST, mechanism, CK_INVALID_HANDLE);
	module_unlock();
	return rv;
}

CK_RV
module_C_Digest(CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if ((in == NULL && in_len != 0) || out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_oneshot(&session->op, OP_DIGEST, MODULE_INPUT(in), in_len, out, out_len);
	module_unlock();
	return rv;
}

CK_RV
module_C_DigestUpdate(CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len)
{
	struct session *session;
	CK_RV rv;

	if (in == NULL && in_len != 0)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_update(&session->op, OP_DIGEST, MODULE_INPUT(in), in_len, NULL, NULL);
	module_unlock();
	return rv;
}

CK_RV
module_C_DigestFinal(CK_SESSION_HANDLE handle, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if (out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_finish(&session->op, OP_DIGEST, out, out_len);
	module_unlock();
	return rv;
}
