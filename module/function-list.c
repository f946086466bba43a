/* SPDX-License-Identifier: MIT */
/* The CK_FUNCTION_LIST (PKCS#11 v2.40), in spec order, and its one export. */
#include "common/log.h"
#include "module/module.h"

/*
 * Two tables of the same functions: the plain one, and one whose every entry
 * logs its CKR name (module/common/log.h) when KEYRING_PKCS11_DEBUG is set.
 */
#define LIST(prefix)                                                                               \
	{                                                                                          \
		.version = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},                       \
		F(prefix, C_Initialize), F(prefix, C_Finalize), F(prefix, C_GetInfo),              \
		F(prefix, C_GetFunctionList), F(prefix, C_GetSlotList), F(prefix, C_GetSlotInfo),  \
		F(prefix, C_GetTokenInfo), F(prefix, C_GetMechanismList),                          \
		F(prefix, C_GetMechanismInfo), F(prefix, C_InitToken), F(prefix, C_InitPIN),       \
		F(prefix, C_SetPIN), F(prefix, C_OpenSession), F(prefix, C_CloseSession),          \
		F(prefix, C_CloseAllSessions), F(prefix, C_GetSessionInfo),                        \
		F(prefix, C_GetOperationState), F(prefix, C_SetOperationState),                    \
		F(prefix, C_Login), F(prefix, C_Logout), F(prefix, C_CreateObject),                \
		F(prefix, C_CopyObject), F(prefix, C_DestroyObject), F(prefix, C_GetObjectSize),   \
		F(prefix, C_GetAttributeValue), F(prefix, C_SetAttributeValue),                    \
		F(prefix, C_FindObjectsInit), F(prefix, C_FindObjects),                            \
		F(prefix, C_FindObjectsFinal), F(prefix, C_EncryptInit), F(prefix, C_Encrypt),     \
		F(prefix, C_EncryptUpdate), F(prefix, C_EncryptFinal), F(prefix, C_DecryptInit),   \
		F(prefix, C_Decrypt), F(prefix, C_DecryptUpdate), F(prefix, C_DecryptFinal),       \
		F(prefix, C_DigestInit), F(prefix, C_Digest), F(prefix, C_DigestUpdate),           \
		F(prefix, C_DigestKey), F(prefix, C_DigestFinal), F(prefix, C_SignInit),           \
		F(prefix, C_Sign), F(prefix, C_SignUpdate), F(prefix, C_SignFinal),                \
		F(prefix, C_SignRecoverInit), F(prefix, C_SignRecover), F(prefix, C_VerifyInit),   \
		F(prefix, C_Verify), F(prefix, C_VerifyUpdate), F(prefix, C_VerifyFinal),          \
		F(prefix, C_VerifyRecoverInit), F(prefix, C_VerifyRecover),                        \
		F(prefix, C_DigestEncryptUpdate), F(prefix, C_DecryptDigestUpdate),                \
		F(prefix, C_SignEncryptUpdate), F(prefix, C_DecryptVerifyUpdate),                  \
		F(prefix, C_GenerateKey), F(prefix, C_GenerateKeyPair), F(prefix, C_WrapKey),      \
		F(prefix, C_UnwrapKey), F(prefix, C_DeriveKey), F(prefix, C_SeedRandom),           \
		F(prefix, C_GenerateRandom), F(prefix, C_GetFunctionStatus),                       \
		F(prefix, C_CancelFunction), F(prefix, C_WaitForSlotEvent),                        \
	}
#define F(prefix, name) .name = prefix##name

/* trace_C_x(args) = log_rv("C_x", module_C_x(args)), by number of arguments. */
#define T1(n, a)                                                                                   \
	static CK_RV trace_##n(a x1)                                                               \
	{                                                                                          \
		return log_rv(#n, module_##n(x1));                                                 \
	}
#define T2(n, a, b)                                                                                \
	static CK_RV trace_##n(a x1, b x2)                                                         \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2));                                             \
	}
#define T3(n, a, b, c)                                                                             \
	static CK_RV trace_##n(a x1, b x2, c x3)                                                   \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3));                                         \
	}
#define T4(n, a, b, c, d)                                                                          \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4)                                             \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4));                                     \
	}
#define T5(n, a, b, c, d, e)                                                                       \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4, e x5)                                       \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4, x5));                                 \
	}
#define T6(n, a, b, c, d, e, f)                                                                    \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4, e x5, f x6)                                 \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4, x5, x6));                             \
	}
#define T8(n, a, b, c, d, e, f, g, h)                                                              \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4, e x5, f x6, g x7, h x8)                     \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4, x5, x6, x7, x8));                     \
	}

/* clang-format off */
T1(C_Initialize, CK_VOID_PTR)
T1(C_Finalize, CK_VOID_PTR)
T1(C_GetInfo, CK_INFO_PTR)
T1(C_GetFunctionList, CK_FUNCTION_LIST_PTR_PTR)
T3(C_GetSlotList, CK_BBOOL, CK_SLOT_ID_PTR, CK_ULONG_PTR)
T2(C_GetSlotInfo, CK_SLOT_ID, CK_SLOT_INFO_PTR)
T2(C_GetTokenInfo, CK_SLOT_ID, CK_TOKEN_INFO_PTR)
T3(C_GetMechanismList, CK_SLOT_ID, CK_MECHANISM_TYPE_PTR, CK_ULONG_PTR)
T3(C_GetMechanismInfo, CK_SLOT_ID, CK_MECHANISM_TYPE, CK_MECHANISM_INFO_PTR)
T4(C_InitToken, CK_SLOT_ID, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR)
T3(C_InitPIN, CK_SESSION_HANDLE, CK_UTF8CHAR_PTR, CK_ULONG)
T5(C_SetPIN, CK_SESSION_HANDLE, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR, CK_ULONG)
T5(C_OpenSession, CK_SLOT_ID, CK_FLAGS, CK_VOID_PTR, CK_NOTIFY, CK_SESSION_HANDLE_PTR)
T1(C_CloseSession, CK_SESSION_HANDLE)
T1(C_CloseAllSessions, CK_SLOT_ID)
T2(C_GetSessionInfo, CK_SESSION_HANDLE, CK_SESSION_INFO_PTR)
T3(C_GetOperationState, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_SetOperationState, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE)
T4(C_Login, CK_SESSION_HANDLE, CK_USER_TYPE, CK_UTF8CHAR_PTR, CK_ULONG)
T1(C_Logout, CK_SESSION_HANDLE)
T4(C_CreateObject, CK_SESSION_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
T5(C_CopyObject, CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
T2(C_DestroyObject, CK_SESSION_HANDLE, CK_OBJECT_HANDLE)
T3(C_GetObjectSize, CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ULONG_PTR)
T4(C_GetAttributeValue, CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG)
T4(C_SetAttributeValue, CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG)
T3(C_FindObjectsInit, CK_SESSION_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG)
T4(C_FindObjects, CK_SESSION_HANDLE, CK_OBJECT_HANDLE_PTR, CK_ULONG, CK_ULONG_PTR)
T1(C_FindObjectsFinal, CK_SESSION_HANDLE)
T3(C_EncryptInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T5(C_Encrypt, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_EncryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_EncryptFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_DecryptInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T5(C_Decrypt, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_DecryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_DecryptFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
T2(C_DigestInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR)
T5(C_Digest, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_DigestUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG)
T2(C_DigestKey, CK_SESSION_HANDLE, CK_OBJECT_HANDLE)
T3(C_DigestFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_SignInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T5(C_Sign, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_SignUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG)
T3(C_SignFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_SignRecoverInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T5(C_SignRecover, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_VerifyInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T5(C_Verify, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG)
T3(C_VerifyUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG)
T3(C_VerifyFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG)
T3(C_VerifyRecoverInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T5(C_VerifyRecover, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_DigestEncryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_DecryptDigestUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_SignEncryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_DecryptVerifyUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_GenerateKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
T8(C_GenerateKeyPair, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR, CK_OBJECT_HANDLE_PTR)
T6(C_WrapKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
T8(C_UnwrapKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
T6(C_DeriveKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
T3(C_SeedRandom, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG)
T3(C_GenerateRandom, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG)
T1(C_GetFunctionStatus, CK_SESSION_HANDLE)
T1(C_CancelFunction, CK_SESSION_HANDLE)
T3(C_WaitForSlotEvent, CK_FLAGS, CK_SLOT_ID_PTR, CK_VOID_PTR)
/* clang-format on */

static CK_FUNCTION_LIST function_list = LIST(module_);
static CK_FUNCTION_LIST traced_list = LIST(trace_);

#undef F

/* Can be called before C_Initialize. */
CK_RV
module_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL)
		return CKR_ARGUMENTS_BAD;
	*list = log_enabled() ? &traced_list : &function_list;
	return CKR_OK;
}

__attribute__((visibility("default"))) CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	return module_C_GetFunctionList(list);
}
