/* SPDX-License-Identifier: MIT */
/*
 * The function lists, in spec order: CK_FUNCTION_LIST (v2.40, from
 * C_GetFunctionList) and CK_FUNCTION_LIST_3_0 (from C_GetInterface), and the
 * three exports.
 */
#include <stddef.h>
#include <string.h>

#include "common/log.h"
#include "module/module.h"

/*
 * Each list comes twice: the plain one, and one whose every entry logs its
 * CKR name (module/common/log.h), handed out when KEYRING_PKCS11_DEBUG is set.
 */
#define FUNCS_240(prefix)                                                                          \
	F(prefix, C_Initialize), F(prefix, C_Finalize), F(prefix, C_GetInfo),                      \
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
		F(prefix, C_CancelFunction), F(prefix, C_WaitForSlotEvent)
/* The 24 that v3.0 appends (pkcs11f.h v3.0, in its order). */
#define FUNCS_30(prefix)                                                                           \
	F(prefix, C_GetInterfaceList), F(prefix, C_GetInterface), F(prefix, C_LoginUser),          \
		F(prefix, C_SessionCancel), F(prefix, C_MessageEncryptInit),                       \
		F(prefix, C_EncryptMessage), F(prefix, C_EncryptMessageBegin),                     \
		F(prefix, C_EncryptMessageNext), F(prefix, C_MessageEncryptFinal),                 \
		F(prefix, C_MessageDecryptInit), F(prefix, C_DecryptMessage),                      \
		F(prefix, C_DecryptMessageBegin), F(prefix, C_DecryptMessageNext),                 \
		F(prefix, C_MessageDecryptFinal), F(prefix, C_MessageSignInit),                    \
		F(prefix, C_SignMessage), F(prefix, C_SignMessageBegin),                           \
		F(prefix, C_SignMessageNext), F(prefix, C_MessageSignFinal),                       \
		F(prefix, C_MessageVerifyInit), F(prefix, C_VerifyMessage),                        \
		F(prefix, C_VerifyMessageBegin), F(prefix, C_VerifyMessageNext),                   \
		F(prefix, C_MessageVerifyFinal)
#define LIST(prefix)                                                                               \
	{                                                                                          \
		.version = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR}, FUNCS_240(prefix),    \
	}
#define LIST_3_0(prefix)                                                                           \
	{                                                                                          \
		.version = {3, 0}, FUNCS_240(prefix), FUNCS_30(prefix),                            \
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
#define T7(n, a, b, c, d, e, f, g)                                                                 \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4, e x5, f x6, g x7)                           \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4, x5, x6, x7));                         \
	}
#define T8(n, a, b, c, d, e, f, g, h)                                                              \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4, e x5, f x6, g x7, h x8)                     \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4, x5, x6, x7, x8));                     \
	}

#define T9(n, a, b, c, d, e, f, g, h, i)                                                           \
	static CK_RV trace_##n(a x1, b x2, c x3, d x4, e x5, f x6, g x7, h x8, i x9)               \
	{                                                                                          \
		return log_rv(#n, module_##n(x1, x2, x3, x4, x5, x6, x7, x8, x9));                 \
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
T2(C_GetInterfaceList, CK_INTERFACE_PTR, CK_ULONG_PTR)
T4(C_GetInterface, CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS)
T6(C_LoginUser, CK_SESSION_HANDLE, CK_USER_TYPE, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR, CK_ULONG)
T2(C_SessionCancel, CK_SESSION_HANDLE, CK_FLAGS)
T3(C_MessageEncryptInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T9(C_EncryptMessage, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_EncryptMessageBegin, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG)
T8(C_EncryptMessageNext, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS)
T1(C_MessageEncryptFinal, CK_SESSION_HANDLE)
T3(C_MessageDecryptInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T9(C_DecryptMessage, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T5(C_DecryptMessageBegin, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG)
T8(C_DecryptMessageNext, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS)
T1(C_MessageDecryptFinal, CK_SESSION_HANDLE)
T3(C_MessageSignInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T7(C_SignMessage, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T3(C_SignMessageBegin, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG)
T7(C_SignMessageNext, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
T1(C_MessageSignFinal, CK_SESSION_HANDLE)
T3(C_MessageVerifyInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
T7(C_VerifyMessage, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG)
T3(C_VerifyMessageBegin, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG)
T7(C_VerifyMessageNext, CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG)
T1(C_MessageVerifyFinal, CK_SESSION_HANDLE)
/* clang-format on */

static CK_FUNCTION_LIST function_list = LIST(module_);
static CK_FUNCTION_LIST traced_list = LIST(trace_);
static CK_FUNCTION_LIST_3_0 function_list_3_0 = LIST_3_0(module_);
static CK_FUNCTION_LIST_3_0 traced_list_3_0 = LIST_3_0(trace_);

#undef F

/* The v2.40 members sit where CK_FUNCTION_LIST has them (else: an array of size -1). */
#define F(prefix, name)                                                                            \
	prefix##name = sizeof(                                                                     \
		char[offsetof(CK_FUNCTION_LIST, name) == offsetof(CK_FUNCTION_LIST_3_0, name)      \
			     ? 1                                                                   \
			     : -1])
enum { FUNCS_240(same_offset_) };
#undef F
_Static_assert(offsetof(CK_FUNCTION_LIST_3_0, C_GetInterfaceList) == sizeof(CK_FUNCTION_LIST),
	       "the v3.0 functions follow the v2.40 ones");

/*
 * The interfaces (PKCS#11 v3.0, CK_INTERFACE): "PKCS 11" 3.0,
 * the default, and "PKCS 11" 2.40. No CKF_INTERFACE_FORK_SAFE: a forked
 * child must call C_Initialize again (docs/design.md), which is the
 * opposite of what that flag promises.
 */
static CK_UTF8CHAR interface_name[] = "PKCS 11";
#define INTERFACE_COUNT 2
static CK_INTERFACE interfaces[INTERFACE_COUNT] = {
	{interface_name, &function_list_3_0, 0},
	{interface_name, &function_list, 0},
};
static CK_INTERFACE traced_interfaces[INTERFACE_COUNT] = {
	{interface_name, &traced_list_3_0, 0},
	{interface_name, &traced_list, 0},
};

static CK_INTERFACE *
interface_table(void)
{
	return log_enabled() ? traced_interfaces : interfaces;
}

/* The version a CK_INTERFACE's function list starts with. */
static CK_VERSION
interface_version(const CK_INTERFACE *iface)
{
	return ((const CK_FUNCTION_LIST *)iface->pFunctionList)->version;
}

/* Can be called before C_Initialize. */
CK_RV
module_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL)
		return CKR_ARGUMENTS_BAD;
	*list = log_enabled() ? &traced_list : &function_list;
	return CKR_OK;
}

/*
 * PKCS#11 v3.0, C_GetInterfaceList: NULL @list asks for the count; a short
 * buffer gets CKR_BUFFER_TOO_SMALL with *@count set. Can be called before
 * C_Initialize.
 */
CK_RV
module_C_GetInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count)
{
	CK_ULONG room;

	if (count == NULL)
		return CKR_ARGUMENTS_BAD;
	room = *count;
	*count = INTERFACE_COUNT;
	if (list == NULL)
		return CKR_OK;
	if (room < INTERFACE_COUNT)
		return CKR_BUFFER_TOO_SMALL;
	memcpy(list, interface_table(), sizeof(interfaces));
	return CKR_OK;
}

/*
 * PKCS#11 v3.0, C_GetInterface: by name (NULL: any, that is "PKCS 11") and
 * version (NULL: the default, 3.0), having every flag in @flags. Anything
 * else is CKR_ARGUMENTS_BAD, the spec's code for it. Can be called before
 * C_Initialize.
 */
CK_RV
module_C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR iface,
		      CK_FLAGS flags)
{
	CK_INTERFACE *table = interface_table();

	if (iface == NULL)
		return CKR_ARGUMENTS_BAD;
	if (name != NULL && strcmp((const char *)name, (const char *)interface_name) != 0)
		return CKR_ARGUMENTS_BAD;
	for (size_t i = 0; i < INTERFACE_COUNT; i++) {
		CK_VERSION v = interface_version(&table[i]);

		if (version != NULL && (version->major != v.major || version->minor != v.minor))
			continue;
		if ((table[i].flags & flags) != flags)
			continue;
		*iface = &table[i];
		return CKR_OK;
	}
	return CKR_ARGUMENTS_BAD;
}

__attribute__((visibility("default"))) CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	return module_C_GetFunctionList(list);
}

/* These two are logged (a consumer's choice of interface shows on the debug log). */
__attribute__((visibility("default"))) CK_RV
C_GetInterfaceList(CK_INTERFACE_PTR list, CK_ULONG_PTR count)
{
	return log_rv("C_GetInterfaceList", module_C_GetInterfaceList(list, count));
}

__attribute__((visibility("default"))) CK_RV
C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR iface,
	       CK_FLAGS flags)
{
	CK_RV rv = module_C_GetInterface(name, version, iface, flags);

	if (rv == CKR_OK) {
		CK_VERSION v = interface_version(*iface);

		log_msg("C_GetInterface: \"%s\" %u.%u", (const char *)(*iface)->pInterfaceName,
			v.major, v.minor);
	}
	return log_rv("C_GetInterface", rv);
}
