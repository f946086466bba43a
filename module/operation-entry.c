/* SPDX-License-Identifier: MIT */
/*
 * The boundary work shared by every C_*Init, one-shot, Update and Final
 * entry point (encrypt.c, digest.c, sign.c): argument checks, session lookup
 * and its lock (not the global one: sessions run in parallel), then one call
 * into crypto/operation.c.
 */
#include "module/module.h"

/* Input may be NULL only when empty: give the layers below a real pointer. */
static const CK_BYTE empty_input[1];
#define INPUT(p) ((p) != NULL ? (p) : empty_input)

CK_RV
module_op_init(enum op_kind kind, CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
	       CK_OBJECT_HANDLE key)
{
	struct session *session;
	CK_RV rv;

	if (mechanism == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = session_begin_operation(session, kind, mechanism, key);
	module_session_leave(session);
	return rv;
}

CK_RV
module_op_oneshot(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len,
		  CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if ((in == NULL && in_len != 0) || out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_oneshot(&session->op, kind, INPUT(in), in_len, out, out_len);
	module_session_leave(session);
	return rv;
}

CK_RV
module_op_update(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len,
		 CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	/* Digest, sign and verify updates have no output (out_len NULL). */
	if (in == NULL && in_len != 0)
		return CKR_ARGUMENTS_BAD;
	if ((kind == OP_ENCRYPT || kind == OP_DECRYPT) && out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_update(&session->op, kind, INPUT(in), in_len, out, out_len);
	module_session_leave(session);
	return rv;
}

CK_RV
module_op_final(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if (out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_finish(&session->op, kind, out, out_len);
	module_session_leave(session);
	return rv;
}

CK_RV
module_op_verify(CK_SESSION_HANDLE handle, bool oneshot, CK_BYTE_PTR in, CK_ULONG in_len,
		 CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	struct session *session;
	CK_RV rv;

	if ((sig == NULL && sig_len != 0) || (in == NULL && in_len != 0))
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = operation_verify(&session->op, oneshot ? INPUT(in) : NULL, in_len, INPUT(sig),
			      sig_len);
	module_session_leave(session);
	return rv;
}
