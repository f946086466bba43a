/* SPDX-License-Identifier: MIT */
/*
 * Every function this module does not implement yet, in one place, so the
 * whole unsupported surface reads at a glance. Where a more specific code
 * tells the caller more, it is used (as p11-kit's stubs do).
 */
#include "common/compiler.h"
#include "module/module.h"

CK_RV
module_C_InitToken(CK_SLOT_ID slot UNUSED, CK_UTF8CHAR_PTR pin UNUSED, CK_ULONG pin_len UNUSED,
		   CK_UTF8CHAR_PTR label UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_InitPIN(CK_SESSION_HANDLE h UNUSED, CK_UTF8CHAR_PTR pin UNUSED, CK_ULONG len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SetPIN(CK_SESSION_HANDLE h UNUSED, CK_UTF8CHAR_PTR old UNUSED, CK_ULONG old_len UNUSED,
		CK_UTF8CHAR_PTR new_pin UNUSED, CK_ULONG new_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_GetOperationState(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR state UNUSED,
			   CK_ULONG_PTR len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SetOperationState(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR state UNUSED,
			   CK_ULONG len UNUSED, CK_OBJECT_HANDLE enc_key UNUSED,
			   CK_OBJECT_HANDLE auth_key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SignRecoverInit(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			 CK_OBJECT_HANDLE key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SignRecover(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR in UNUSED, CK_ULONG in_len UNUSED,
		     CK_BYTE_PTR sig UNUSED, CK_ULONG_PTR sig_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_VerifyRecoverInit(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			   CK_OBJECT_HANDLE key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_VerifyRecover(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR sig UNUSED, CK_ULONG sig_len UNUSED,
		       CK_BYTE_PTR out UNUSED, CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DigestEncryptUpdate(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR in UNUSED,
			     CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			     CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DecryptDigestUpdate(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR in UNUSED,
			     CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			     CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SignEncryptUpdate(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR in UNUSED,
			   CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			   CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DecryptVerifyUpdate(CK_SESSION_HANDLE h UNUSED, CK_BYTE_PTR in UNUSED,
			     CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			     CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_GenerateKeyPair(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			 CK_ATTRIBUTE_PTR pub UNUSED, CK_ULONG npub UNUSED,
			 CK_ATTRIBUTE_PTR priv UNUSED, CK_ULONG npriv UNUSED,
			 CK_OBJECT_HANDLE_PTR hpub UNUSED, CK_OBJECT_HANDLE_PTR hpriv UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DeriveKey(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
		   CK_OBJECT_HANDLE base UNUSED, CK_ATTRIBUTE_PTR tmpl UNUSED, CK_ULONG n UNUSED,
		   CK_OBJECT_HANDLE_PTR key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

/* Legacy functions (v2.40 section 5.16): always this code. */
CK_RV
module_C_GetFunctionStatus(CK_SESSION_HANDLE h UNUSED)
{
	return CKR_FUNCTION_NOT_PARALLEL;
}

CK_RV
module_C_CancelFunction(CK_SESSION_HANDLE h UNUSED)
{
	return CKR_FUNCTION_NOT_PARALLEL;
}

CK_RV
module_C_WaitForSlotEvent(CK_FLAGS flags UNUSED, CK_SLOT_ID_PTR slot UNUSED,
			  CK_VOID_PTR reserved UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

/*
 * PKCS#11 v3.0 message-based encryption and signing (base spec 5.13, 5.15,
 * 5.18, 5.20): not supported. AF_ALG's AEADs are reached through C_Encrypt
 * with CK_GCM_PARAMS and the like; nothing here needs a per-message API.
 */
CK_RV
module_C_MessageEncryptInit(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			    CK_OBJECT_HANDLE key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_EncryptMessage(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			CK_ULONG param_len UNUSED, CK_BYTE_PTR aad UNUSED, CK_ULONG aad_len UNUSED,
			CK_BYTE_PTR in UNUSED, CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_EncryptMessageBegin(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			     CK_ULONG param_len UNUSED, CK_BYTE_PTR aad UNUSED,
			     CK_ULONG aad_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_EncryptMessageNext(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			    CK_ULONG param_len UNUSED, CK_BYTE_PTR in UNUSED,
			    CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			    CK_ULONG_PTR out_len UNUSED, CK_FLAGS flags UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageEncryptFinal(CK_SESSION_HANDLE h UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageDecryptInit(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			    CK_OBJECT_HANDLE key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DecryptMessage(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			CK_ULONG param_len UNUSED, CK_BYTE_PTR aad UNUSED, CK_ULONG aad_len UNUSED,
			CK_BYTE_PTR in UNUSED, CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			CK_ULONG_PTR out_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DecryptMessageBegin(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			     CK_ULONG param_len UNUSED, CK_BYTE_PTR aad UNUSED,
			     CK_ULONG aad_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_DecryptMessageNext(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			    CK_ULONG param_len UNUSED, CK_BYTE_PTR in UNUSED,
			    CK_ULONG in_len UNUSED, CK_BYTE_PTR out UNUSED,
			    CK_ULONG_PTR out_len UNUSED, CK_FLAGS flags UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageDecryptFinal(CK_SESSION_HANDLE h UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageSignInit(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			 CK_OBJECT_HANDLE key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SignMessage(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
		     CK_ULONG param_len UNUSED, CK_BYTE_PTR data UNUSED, CK_ULONG data_len UNUSED,
		     CK_BYTE_PTR sig UNUSED, CK_ULONG_PTR sig_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SignMessageBegin(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			  CK_ULONG param_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_SignMessageNext(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			 CK_ULONG param_len UNUSED, CK_BYTE_PTR data UNUSED,
			 CK_ULONG data_len UNUSED, CK_BYTE_PTR sig UNUSED,
			 CK_ULONG_PTR sig_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageSignFinal(CK_SESSION_HANDLE h UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageVerifyInit(CK_SESSION_HANDLE h UNUSED, CK_MECHANISM_PTR m UNUSED,
			   CK_OBJECT_HANDLE key UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_VerifyMessage(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
		       CK_ULONG param_len UNUSED, CK_BYTE_PTR data UNUSED, CK_ULONG data_len UNUSED,
		       CK_BYTE_PTR sig UNUSED, CK_ULONG sig_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_VerifyMessageBegin(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			    CK_ULONG param_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_VerifyMessageNext(CK_SESSION_HANDLE h UNUSED, CK_VOID_PTR param UNUSED,
			   CK_ULONG param_len UNUSED, CK_BYTE_PTR data UNUSED,
			   CK_ULONG data_len UNUSED, CK_BYTE_PTR sig UNUSED,
			   CK_ULONG sig_len UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV
module_C_MessageVerifyFinal(CK_SESSION_HANDLE h UNUSED)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
