/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.10: message digesting. */
#include "module/module.h"

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
