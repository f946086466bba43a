/* SPDX-License-Identifier: MIT */
/*
 * The one place that includes the PKCS#11 header (p11-kit's, v2.40 with
 * some 3.0 additions) and defines what that header lacks.
 */
#ifndef KP11_PKCS11_H
#define KP11_PKCS11_H

#include <p11-kit/pkcs11.h>

/* PKCS#11 v3.0: ChaCha20-Poly1305 (section 2.37 of Current Mechanisms). */
#ifndef CKK_CHACHA20
#define CKK_CHACHA20 0x33UL
#endif
#ifndef CKM_CHACHA20_POLY1305
#define CKM_CHACHA20_POLY1305 0x4021UL
#endif

/* CK_SALSA20_CHACHA20_POLY1305_PARAMS (v3.0). */
struct kp11_chacha20_poly1305_params {
	unsigned char *nonce;
	unsigned long nonce_len;
	unsigned char *aad;
	unsigned long aad_len;
};

/* CK_CCM_PARAMS (v2.40 errata / v3.0). */
struct kp11_ccm_params {
	unsigned long data_len;
	unsigned char *nonce;
	unsigned long nonce_len;
	unsigned char *aad;
	unsigned long aad_len;
	unsigned long mac_len;
};

/*
 * CK_GCM_PARAMS as printed in v2.40, without ulIvBits. p11-kit's
 * CK_GCM_PARAMS has the errata/v3.0 layout with it; callers of both exist,
 * told apart by ulParameterLen.
 */
struct kp11_gcm_params_v240 {
	unsigned char *iv;
	unsigned long iv_len;
	unsigned char *aad;
	unsigned long aad_len;
	unsigned long tag_bits;
};

/*
 * PKCS#11 v3.0 interfaces (pkcs11t.h, pkcs11f.h of v3.0; base spec 5.4
 * C_GetInterfaceList, C_GetInterface), defined here where the header lacks
 * them (p11-kit 0.24's has none of it). Spec names, spec layout.
 */
#ifndef CKF_END_OF_MESSAGE
#define CKF_END_OF_MESSAGE 0x00000001UL
#endif
#ifndef CKF_MESSAGE_ENCRYPT
#define CKF_MESSAGE_ENCRYPT 0x00000002UL
#define CKF_MESSAGE_DECRYPT 0x00000004UL
#define CKF_MESSAGE_SIGN 0x00000008UL
#define CKF_MESSAGE_VERIFY 0x00000010UL
#define CKF_MULTI_MESSAGE 0x00000020UL
#endif
#ifndef CKF_FIND_OBJECTS
#define CKF_FIND_OBJECTS 0x00000040UL
#endif

#ifndef CKF_INTERFACE_FORK_SAFE
#define CKF_INTERFACE_FORK_SAFE 0x00000001UL

typedef struct CK_INTERFACE {
	CK_UTF8CHAR_PTR pInterfaceName;
	CK_VOID_PTR pFunctionList;
	CK_FLAGS flags;
} CK_INTERFACE;
typedef CK_INTERFACE *CK_INTERFACE_PTR;
typedef CK_INTERFACE_PTR *CK_INTERFACE_PTR_PTR;

/* The v3.0 functions, in pkcs11f.h's order: pointer types and prototypes. */
typedef CK_RV (*CK_C_GetInterfaceList)(CK_INTERFACE_PTR interfaces, CK_ULONG_PTR count);
CK_RV C_GetInterfaceList(CK_INTERFACE_PTR interfaces, CK_ULONG_PTR count);
typedef CK_RV (*CK_C_GetInterface)(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version,
				   CK_INTERFACE_PTR_PTR interface, CK_FLAGS flags);
CK_RV C_GetInterface(CK_UTF8CHAR_PTR name, CK_VERSION_PTR version, CK_INTERFACE_PTR_PTR interface,
		     CK_FLAGS flags);
typedef CK_RV (*CK_C_LoginUser)(CK_SESSION_HANDLE session, CK_USER_TYPE user_type,
				CK_UTF8CHAR_PTR pin, CK_ULONG pin_len, CK_UTF8CHAR_PTR username,
				CK_ULONG username_len);
CK_RV C_LoginUser(CK_SESSION_HANDLE session, CK_USER_TYPE user_type, CK_UTF8CHAR_PTR pin,
		  CK_ULONG pin_len, CK_UTF8CHAR_PTR username, CK_ULONG username_len);
typedef CK_RV (*CK_C_SessionCancel)(CK_SESSION_HANDLE session, CK_FLAGS flags);
CK_RV C_SessionCancel(CK_SESSION_HANDLE session, CK_FLAGS flags);
typedef CK_RV (*CK_C_MessageEncryptInit)(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
					 CK_OBJECT_HANDLE key);
CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			   CK_OBJECT_HANDLE key);
typedef CK_RV (*CK_C_EncryptMessage)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
				     CK_ULONG param_len, CK_BYTE_PTR aad, CK_ULONG aad_len,
				     CK_BYTE_PTR plaintext, CK_ULONG plaintext_len,
				     CK_BYTE_PTR ciphertext, CK_ULONG_PTR ciphertext_len);
CK_RV C_EncryptMessage(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
		       CK_BYTE_PTR aad, CK_ULONG aad_len, CK_BYTE_PTR plaintext,
		       CK_ULONG plaintext_len, CK_BYTE_PTR ciphertext, CK_ULONG_PTR ciphertext_len);
typedef CK_RV (*CK_C_EncryptMessageBegin)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
					  CK_ULONG param_len, CK_BYTE_PTR aad, CK_ULONG aad_len);
CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
			    CK_BYTE_PTR aad, CK_ULONG aad_len);
typedef CK_RV (*CK_C_EncryptMessageNext)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
					 CK_ULONG param_len, CK_BYTE_PTR plaintext_part,
					 CK_ULONG plaintext_part_len, CK_BYTE_PTR ciphertext_part,
					 CK_ULONG_PTR ciphertext_part_len, CK_FLAGS flags);
CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
			   CK_BYTE_PTR plaintext_part, CK_ULONG plaintext_part_len,
			   CK_BYTE_PTR ciphertext_part, CK_ULONG_PTR ciphertext_part_len,
			   CK_FLAGS flags);
typedef CK_RV (*CK_C_MessageEncryptFinal)(CK_SESSION_HANDLE session);
CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE session);
typedef CK_RV (*CK_C_MessageDecryptInit)(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
					 CK_OBJECT_HANDLE key);
CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			   CK_OBJECT_HANDLE key);
typedef CK_RV (*CK_C_DecryptMessage)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
				     CK_ULONG param_len, CK_BYTE_PTR aad, CK_ULONG aad_len,
				     CK_BYTE_PTR ciphertext, CK_ULONG ciphertext_len,
				     CK_BYTE_PTR plaintext, CK_ULONG_PTR plaintext_len);
CK_RV C_DecryptMessage(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
		       CK_BYTE_PTR aad, CK_ULONG aad_len, CK_BYTE_PTR ciphertext,
		       CK_ULONG ciphertext_len, CK_BYTE_PTR plaintext, CK_ULONG_PTR plaintext_len);
typedef CK_RV (*CK_C_DecryptMessageBegin)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
					  CK_ULONG param_len, CK_BYTE_PTR aad, CK_ULONG aad_len);
CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
			    CK_BYTE_PTR aad, CK_ULONG aad_len);
typedef CK_RV (*CK_C_DecryptMessageNext)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
					 CK_ULONG param_len, CK_BYTE_PTR ciphertext_part,
					 CK_ULONG ciphertext_part_len, CK_BYTE_PTR plaintext_part,
					 CK_ULONG_PTR plaintext_part_len, CK_FLAGS flags);
CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
			   CK_BYTE_PTR ciphertext_part, CK_ULONG ciphertext_part_len,
			   CK_BYTE_PTR plaintext_part, CK_ULONG_PTR plaintext_part_len,
			   CK_FLAGS flags);
typedef CK_RV (*CK_C_MessageDecryptFinal)(CK_SESSION_HANDLE session);
CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE session);
typedef CK_RV (*CK_C_MessageSignInit)(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
				      CK_OBJECT_HANDLE key);
CK_RV C_MessageSignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_OBJECT_HANDLE key);
typedef CK_RV (*CK_C_SignMessage)(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
				  CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
				  CK_ULONG_PTR signature_len);
CK_RV C_SignMessage(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
		    CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
		    CK_ULONG_PTR signature_len);
typedef CK_RV (*CK_C_SignMessageBegin)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
				       CK_ULONG param_len);
CK_RV C_SignMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len);
typedef CK_RV (*CK_C_SignMessageNext)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
				      CK_ULONG param_len, CK_BYTE_PTR data, CK_ULONG data_len,
				      CK_BYTE_PTR signature, CK_ULONG_PTR signature_len);
CK_RV C_SignMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
			CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
			CK_ULONG_PTR signature_len);
typedef CK_RV (*CK_C_MessageSignFinal)(CK_SESSION_HANDLE session);
CK_RV C_MessageSignFinal(CK_SESSION_HANDLE session);
typedef CK_RV (*CK_C_MessageVerifyInit)(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
					CK_OBJECT_HANDLE key);
CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			  CK_OBJECT_HANDLE key);
typedef CK_RV (*CK_C_VerifyMessage)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
				    CK_ULONG param_len, CK_BYTE_PTR data, CK_ULONG data_len,
				    CK_BYTE_PTR signature, CK_ULONG signature_len);
CK_RV C_VerifyMessage(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
		      CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
		      CK_ULONG signature_len);
typedef CK_RV (*CK_C_VerifyMessageBegin)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
					 CK_ULONG param_len);
CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len);
typedef CK_RV (*CK_C_VerifyMessageNext)(CK_SESSION_HANDLE session, CK_VOID_PTR param,
					CK_ULONG param_len, CK_BYTE_PTR data, CK_ULONG data_len,
					CK_BYTE_PTR signature, CK_ULONG signature_len);
CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE session, CK_VOID_PTR param, CK_ULONG param_len,
			  CK_BYTE_PTR data, CK_ULONG data_len, CK_BYTE_PTR signature,
			  CK_ULONG signature_len);
typedef CK_RV (*CK_C_MessageVerifyFinal)(CK_SESSION_HANDLE session);
CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE session);

/* CK_FUNCTION_LIST's members in its order, then the 24 of v3.0. */
typedef struct CK_FUNCTION_LIST_3_0 {
	CK_VERSION version;
	CK_C_Initialize C_Initialize;
	CK_C_Finalize C_Finalize;
	CK_C_GetInfo C_GetInfo;
	CK_C_GetFunctionList C_GetFunctionList;
	CK_C_GetSlotList C_GetSlotList;
	CK_C_GetSlotInfo C_GetSlotInfo;
	CK_C_GetTokenInfo C_GetTokenInfo;
	CK_C_GetMechanismList C_GetMechanismList;
	CK_C_GetMechanismInfo C_GetMechanismInfo;
	CK_C_InitToken C_InitToken;
	CK_C_InitPIN C_InitPIN;
	CK_C_SetPIN C_SetPIN;
	CK_C_OpenSession C_OpenSession;
	CK_C_CloseSession C_CloseSession;
	CK_C_CloseAllSessions C_CloseAllSessions;
	CK_C_GetSessionInfo C_GetSessionInfo;
	CK_C_GetOperationState C_GetOperationState;
	CK_C_SetOperationState C_SetOperationState;
	CK_C_Login C_Login;
	CK_C_Logout C_Logout;
	CK_C_CreateObject C_CreateObject;
	CK_C_CopyObject C_CopyObject;
	CK_C_DestroyObject C_DestroyObject;
	CK_C_GetObjectSize C_GetObjectSize;
	CK_C_GetAttributeValue C_GetAttributeValue;
	CK_C_SetAttributeValue C_SetAttributeValue;
	CK_C_FindObjectsInit C_FindObjectsInit;
	CK_C_FindObjects C_FindObjects;
	CK_C_FindObjectsFinal C_FindObjectsFinal;
	CK_C_EncryptInit C_EncryptInit;
	CK_C_Encrypt C_Encrypt;
	CK_C_EncryptUpdate C_EncryptUpdate;
	CK_C_EncryptFinal C_EncryptFinal;
	CK_C_DecryptInit C_DecryptInit;
	CK_C_Decrypt C_Decrypt;
	CK_C_DecryptUpdate C_DecryptUpdate;
	CK_C_DecryptFinal C_DecryptFinal;
	CK_C_DigestInit C_DigestInit;
	CK_C_Digest C_Digest;
	CK_C_DigestUpdate C_DigestUpdate;
	CK_C_DigestKey C_DigestKey;
	CK_C_DigestFinal C_DigestFinal;
	CK_C_SignInit C_SignInit;
	CK_C_Sign C_Sign;
	CK_C_SignUpdate C_SignUpdate;
	CK_C_SignFinal C_SignFinal;
	CK_C_SignRecoverInit C_SignRecoverInit;
	CK_C_SignRecover C_SignRecover;
	CK_C_VerifyInit C_VerifyInit;
	CK_C_Verify C_Verify;
	CK_C_VerifyUpdate C_VerifyUpdate;
	CK_C_VerifyFinal C_VerifyFinal;
	CK_C_VerifyRecoverInit C_VerifyRecoverInit;
	CK_C_VerifyRecover C_VerifyRecover;
	CK_C_DigestEncryptUpdate C_DigestEncryptUpdate;
	CK_C_DecryptDigestUpdate C_DecryptDigestUpdate;
	CK_C_SignEncryptUpdate C_SignEncryptUpdate;
	CK_C_DecryptVerifyUpdate C_DecryptVerifyUpdate;
	CK_C_GenerateKey C_GenerateKey;
	CK_C_GenerateKeyPair C_GenerateKeyPair;
	CK_C_WrapKey C_WrapKey;
	CK_C_UnwrapKey C_UnwrapKey;
	CK_C_DeriveKey C_DeriveKey;
	CK_C_SeedRandom C_SeedRandom;
	CK_C_GenerateRandom C_GenerateRandom;
	CK_C_GetFunctionStatus C_GetFunctionStatus;
	CK_C_CancelFunction C_CancelFunction;
	CK_C_WaitForSlotEvent C_WaitForSlotEvent;
	CK_C_GetInterfaceList C_GetInterfaceList;
	CK_C_GetInterface C_GetInterface;
	CK_C_LoginUser C_LoginUser;
	CK_C_SessionCancel C_SessionCancel;
	CK_C_MessageEncryptInit C_MessageEncryptInit;
	CK_C_EncryptMessage C_EncryptMessage;
	CK_C_EncryptMessageBegin C_EncryptMessageBegin;
	CK_C_EncryptMessageNext C_EncryptMessageNext;
	CK_C_MessageEncryptFinal C_MessageEncryptFinal;
	CK_C_MessageDecryptInit C_MessageDecryptInit;
	CK_C_DecryptMessage C_DecryptMessage;
	CK_C_DecryptMessageBegin C_DecryptMessageBegin;
	CK_C_DecryptMessageNext C_DecryptMessageNext;
	CK_C_MessageDecryptFinal C_MessageDecryptFinal;
	CK_C_MessageSignInit C_MessageSignInit;
	CK_C_SignMessage C_SignMessage;
	CK_C_SignMessageBegin C_SignMessageBegin;
	CK_C_SignMessageNext C_SignMessageNext;
	CK_C_MessageSignFinal C_MessageSignFinal;
	CK_C_MessageVerifyInit C_MessageVerifyInit;
	CK_C_VerifyMessage C_VerifyMessage;
	CK_C_VerifyMessageBegin C_VerifyMessageBegin;
	CK_C_VerifyMessageNext C_VerifyMessageNext;
	CK_C_MessageVerifyFinal C_MessageVerifyFinal;
} CK_FUNCTION_LIST_3_0;
typedef CK_FUNCTION_LIST_3_0 *CK_FUNCTION_LIST_3_0_PTR;
typedef CK_FUNCTION_LIST_3_0_PTR *CK_FUNCTION_LIST_3_0_PTR_PTR;
#endif

/* A 3.0 list is the 2.40 one and 24 more function pointers: callers read that many. */
_Static_assert(sizeof(CK_FUNCTION_LIST_3_0) ==
		       sizeof(CK_FUNCTION_LIST) + 24 * sizeof(CK_C_GetInterfaceList),
	       "CK_FUNCTION_LIST_3_0 has the v3.0 layout");

#endif
