/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 sections 5.8 and 5.9: encryption and decryption. */
#include "module/module.h"

CK_RV
module_C_EncryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return module_op_init(OP_ENCRYPT, h, mechanism, key);
}

CK_RV
module_C_Encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		 CK_ULONG_PTR out_len)
{
	return module_op_oneshot(OP_ENCRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_EncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		       CK_ULONG_PTR out_len)
{
	return module_op_update(OP_ENCRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_EncryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return module_op_final(OP_ENCRYPT, h, out, out_len);
}

CK_RV
module_C_DecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	return module_op_init(OP_DECRYPT, h, mechanism, key);
}

CK_RV
module_C_Decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		 CK_ULONG_PTR out_len)
{
	return module_op_oneshot(OP_DECRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_DecryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
		       CK_ULONG_PTR out_len)
{
	return module_op_update(OP_DECRYPT, h, in, in_len, out, out_len);
}

CK_RV
module_C_DecryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return module_op_final(OP_DECRYPT, h, out, out_len);
}
