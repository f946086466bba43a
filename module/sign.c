/* SPDX-License-Identifier: MIT */
/*
 * PKCS#11 v2.40 sections 5.11 and 5.12: signing and verifying with MACs
 * (HMAC, CMAC) computed in the kernel.
 */
#include "module/module.h"

CK_RV
module_C_SignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return module_op_init(OP_SIGN, h, mechanism, key);
}

CK_RV
module_C_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR sig,
	      CK_ULONG_PTR sig_len)
{
	return module_op_oneshot(OP_SIGN, h, in, in_len, sig, sig_len);
}

CK_RV
module_C_SignUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len)
{
	return module_op_update(OP_SIGN, h, in, in_len, NULL, NULL);
}

CK_RV
module_C_SignFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len)
{
	return module_op_final(OP_SIGN, h, sig, sig_len);
}

CK_RV
module_C_VerifyInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return module_op_init(OP_VERIFY, h, mechanism, key);
}

CK_RV
module_C_Verify(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR sig,
		CK_ULONG sig_len)
{
	return module_op_verify(h, true, in, in_len, sig, sig_len);
}

CK_RV
module_C_VerifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len)
{
	return module_op_update(OP_VERIFY, h, in, in_len, NULL, NULL);
}

CK_RV
module_C_VerifyFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	return module_op_verify(h, false, NULL, 0, sig, sig_len);
}
