/* SPDX-License-Identifier: MIT */
/* The CK_FUNCTION_LIST (PKCS#11 v2.40), in spec order, and its one export. */
#include "module/module.h"

#define F(name) .name = module_##name

static CK_FUNCTION_LIST function_list = {
	.version = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},
	F(C_Initialize),
	F(C_Finalize),
	F(C_GetInfo),
	F(C_GetFunctionList),
	F(C_GetSlotList),
	F(C_GetSlotInfo),
	F(C_GetTokenInfo),
	F(C_GetMechanismList),
	F(C_GetMechanismInfo),
	F(C_InitToken),
	F(C_InitPIN),
	F(C_SetPIN),
	F(C_OpenSession),
	F(C_CloseSession),
	F(C_CloseAllSessions),
	F(C_GetSessionInfo),
	F(C_GetOperationState),
	F(C_SetOperationState),
	F(C_Login),
	F(C_Logout),
	F(C_CreateObject),
	F(C_CopyObject),
	F(C_DestroyObject),
	F(C_GetObjectSize),
	F(C_GetAttributeValue),
	F(C_SetAttributeValue),
	F(C_FindObjectsInit),
	F(C_FindObjects),
	F(C_FindObjectsFinal),
	F(C_EncryptInit),
	F(C_Encrypt),
	F(C_EncryptUpdate),
	F(C_EncryptFinal),
	F(C_DecryptInit),
	F(C_Decrypt),
	F(C_DecryptUpdate),
	F(C_DecryptFinal),
	F(C_DigestInit),
	F(C_Digest),
	F(C_DigestUpdate),
	F(C_DigestKey),
	F(C_DigestFinal),
	F(C_SignInit),
	F(C_Sign),
	F(C_SignUpdate),
	F(C_SignFinal),
	F(C_SignRecoverInit),
	F(C_SignRecover),
	F(C_VerifyInit),
	F(C_Verify),
	F(C_VerifyUpdate),
	F(C_VerifyFinal),
	F(C_VerifyRecoverInit),
	F(C_VerifyRecover),
	F(C_DigestEncryptUpdate),
	F(C_DecryptDigestUpdate),
	F(C_SignEncryptUpdate),
	F(C_DecryptVerifyUpdate),
	F(C_GenerateKey),
	F(C_GenerateKeyPair),
	F(C_WrapKey),
	F(C_UnwrapKey),
	F(C_DeriveKey),
	F(C_SeedRandom),
	F(C_GenerateRandom),
	F(C_GetFunctionStatus),
	F(C_CancelFunction),
	F(C_WaitForSlotEvent),
};

#undef F

/* Can be called before C_Initialize. */
CK_RV
module_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL)
		return CKR_ARGUMENTS_BAD;
	*list = &function_list;
	return CKR_OK;
}

__attribute__((visibility("default"))) CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	return module_C_GetFunctionList(list);
}
