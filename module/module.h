/* SPDX-License-Identifier: MIT */
/*
 * The PKCS#11 boundary: argument checks, the locks, session lookup.
 * Policy lives below (slots/, module/objects, module/crypto).
 */
#ifndef KP11_MODULE_H
#define KP11_MODULE_H

#include <pthread.h>
#include <stdbool.h>

#include "common/pkcs11.h"
#include "crypto/operation.h"
#include "slots/slot.h"

/* An OS mutex, or one made by the application's CK_C_INITIALIZE_ARGS. */
struct module_mutex {
	bool app;
	void *app_mutex;
	pthread_mutex_t os;
};

/*
 * A session. handle, slot and flags never change after C_OpenSession; next
 * belongs to the global lock; everything else to the session's own lock.
 * The session table holds one reference, and each call in progress another
 * (module_session_enter), so a session closed by one thread is freed only
 * when the last call running in it returns.
 */
struct session {
	CK_SESSION_HANDLE handle;
	struct slot *slot;
	CK_FLAGS flags; /* CKF_SERIAL_SESSION, CKF_RW_SESSION */
	struct module_mutex lock;
	unsigned refs;	       /* atomic */
	bool closed;	       /* retired: calls waiting for the lock give up */
	struct operation op;   /* encrypt, decrypt, digest, sign or verify */
	struct op_cache cache; /* warm op sockets of op */
	bool finding;	       /* between C_FindObjectsInit and _Final */
	CK_OBJECT_HANDLE *found;
	CK_ULONG found_count, found_pos;
	struct session *next;
};

/* general.c: the global lock. module_lock() fails with
 * CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize (and in a forked child). */
CK_RV module_lock(void);
void module_unlock(void);
/* Lock, then look up @handle; on failure nothing stays locked. */
CK_RV module_lock_session(CK_SESSION_HANDLE handle, struct session **session);
/*
 * The crypto path: look @handle up under the global lock, take a reference,
 * drop the global lock and take the session's own, so that calls in other
 * sessions run in parallel. CKR_SESSION_CLOSED when another thread closed it
 * meanwhile. module_session_leave() undoes it all.
 */
CK_RV module_session_enter(CK_SESSION_HANDLE handle, struct session **session);
void module_session_leave(struct session *session);
/* Per-session mutexes, of the kind C_Initialize chose. */
CK_RV module_mutex_init(struct module_mutex *m);
CK_RV module_mutex_lock(struct module_mutex *m);
void module_mutex_unlock(struct module_mutex *m);
void module_mutex_destroy(struct module_mutex *m);
/* Lock, then look up slot @id (CKR_SLOT_ID_INVALID), and with @need_token
 * its token (CKR_TOKEN_NOT_PRESENT); on failure nothing stays locked. */
CK_RV module_lock_slot(CK_SLOT_ID id, bool need_token, struct slot **slot);

/*
 * operation-entry.c: the boundary of every crypto entry point, once.
 * Update/final of digest, sign and verify pass NULL @out and @out_len.
 */
CK_RV module_op_init(enum op_kind kind, CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
		     CK_OBJECT_HANDLE key);
CK_RV module_op_oneshot(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR in,
			CK_ULONG in_len, CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV module_op_update(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR in, CK_ULONG in_len,
		       CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV module_op_final(enum op_kind kind, CK_SESSION_HANDLE handle, CK_BYTE_PTR out,
		      CK_ULONG_PTR out_len);
/* C_Verify (@oneshot, with @in) and C_VerifyFinal. */
CK_RV module_op_verify(CK_SESSION_HANDLE handle, bool oneshot, CK_BYTE_PTR in, CK_ULONG in_len,
		       CK_BYTE_PTR sig, CK_ULONG sig_len);

/* session.c. _inlock: the caller holds the global lock. */
CK_RV session_open_inlock(struct slot *slot, CK_FLAGS flags, CK_SESSION_HANDLE *handle);
struct session *session_lookup_inlock(CK_SESSION_HANDLE handle);
void session_get(struct session *session);
void session_put(struct session *session);
/*
 * Closing is two steps: detach from the table (global lock held: the handle
 * is gone for new calls, and the last session of a token logs it out), then
 * retire (no lock held: waits for a call running in the session, ends its
 * operation, destroys its session objects, drops the table's reference).
 */
void session_detach_inlock(struct session *session);
/* Detach every session of @slot, or of every slot when @slot is NULL; return
 * them as a list (linked by next) for session_retire_all(). */
struct session *session_detach_all_inlock(const struct slot *slot);
void session_retire(struct session *session);
void session_retire_all(struct session *list);
/* In a forked child's C_Initialize: free the parent's sessions without
 * touching their locks (another thread of the parent may have held them). */
void session_forget_all_forked(void);
CK_ULONG session_count_inlock(const struct slot *slot, bool rw_only);
/* The session's key (or none, for a digest) and mechanism, checked; then
 * operation_begin(). The caller holds the session (module_session_enter). */
CK_RV session_begin_operation(struct session *session, enum op_kind kind,
			      const CK_MECHANISM *mechanism, CK_OBJECT_HANDLE key);

/*
 * module_config_load() - the configuration from its sources, in order
 * (module/config-load.c): defaults, file, @reserved (pReserved of
 * C_Initialize), KEYRING_PKCS11_CONFIG, KEYRING_PKCS11_MASTER.
 * Return: CKR_OK, CKR_ARGUMENTS_BAD (logged: which source, and why), or
 * CKR_HOST_MEMORY.
 */
CK_RV module_config_load(const char *reserved, struct config *c);

/*
 * module_check_writable() - whether @session may write an object
 * @token: a token object (CKA_TOKEN TRUE) is to be made, changed or destroyed
 * Return: CKR_OK (session objects always), CKR_TOKEN_WRITE_PROTECTED (a
 * read-only token), CKR_SESSION_READ_ONLY.
 */
CK_RV module_check_writable(const struct session *session, bool token);

/* The master key for in-kernel key generation ("user:<description>"), or NULL. */
const char *module_master_key(void);

/* Fill a fixed-width, blank-padded PKCS#11 string field. */
void module_pad_string(CK_UTF8CHAR *field, size_t width, const char *value);

/* Every entry point (function-list.c builds the table from these). */
#define KP11_DECLARE(name, args) CK_RV module_##name args
KP11_DECLARE(C_Initialize, (CK_VOID_PTR));
KP11_DECLARE(C_Finalize, (CK_VOID_PTR));
KP11_DECLARE(C_GetInfo, (CK_INFO_PTR));
KP11_DECLARE(C_GetFunctionList, (CK_FUNCTION_LIST_PTR_PTR));
KP11_DECLARE(C_GetSlotList, (CK_BBOOL, CK_SLOT_ID_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_GetSlotInfo, (CK_SLOT_ID, CK_SLOT_INFO_PTR));
KP11_DECLARE(C_GetTokenInfo, (CK_SLOT_ID, CK_TOKEN_INFO_PTR));
KP11_DECLARE(C_GetMechanismList, (CK_SLOT_ID, CK_MECHANISM_TYPE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_GetMechanismInfo, (CK_SLOT_ID, CK_MECHANISM_TYPE, CK_MECHANISM_INFO_PTR));
KP11_DECLARE(C_InitToken, (CK_SLOT_ID, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR));
KP11_DECLARE(C_InitPIN, (CK_SESSION_HANDLE, CK_UTF8CHAR_PTR, CK_ULONG));
KP11_DECLARE(C_SetPIN, (CK_SESSION_HANDLE, CK_UTF8CHAR_PTR, CK_ULONG, CK_UTF8CHAR_PTR, CK_ULONG));
KP11_DECLARE(C_OpenSession, (CK_SLOT_ID, CK_FLAGS, CK_VOID_PTR, CK_NOTIFY, CK_SESSION_HANDLE_PTR));
KP11_DECLARE(C_CloseSession, (CK_SESSION_HANDLE));
KP11_DECLARE(C_CloseAllSessions, (CK_SLOT_ID));
KP11_DECLARE(C_GetSessionInfo, (CK_SESSION_HANDLE, CK_SESSION_INFO_PTR));
KP11_DECLARE(C_GetOperationState, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_SetOperationState,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE));
KP11_DECLARE(C_Login, (CK_SESSION_HANDLE, CK_USER_TYPE, CK_UTF8CHAR_PTR, CK_ULONG));
KP11_DECLARE(C_Logout, (CK_SESSION_HANDLE));
KP11_DECLARE(C_CreateObject, (CK_SESSION_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR));
KP11_DECLARE(C_CopyObject, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG,
			    CK_OBJECT_HANDLE_PTR));
KP11_DECLARE(C_DestroyObject, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE));
KP11_DECLARE(C_GetObjectSize, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ULONG_PTR));
KP11_DECLARE(C_GetAttributeValue,
	     (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG));
KP11_DECLARE(C_SetAttributeValue,
	     (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG));
KP11_DECLARE(C_FindObjectsInit, (CK_SESSION_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG));
KP11_DECLARE(C_FindObjects, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE_PTR, CK_ULONG, CK_ULONG_PTR));
KP11_DECLARE(C_FindObjectsFinal, (CK_SESSION_HANDLE));
KP11_DECLARE(C_EncryptInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_Encrypt, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_EncryptUpdate,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_EncryptFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DecryptInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_Decrypt, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DecryptUpdate,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DecryptFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DigestInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR));
KP11_DECLARE(C_Digest, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DigestUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_DigestKey, (CK_SESSION_HANDLE, CK_OBJECT_HANDLE));
KP11_DECLARE(C_DigestFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_SignInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_Sign, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_SignUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_SignFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_SignRecoverInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_SignRecover, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_VerifyInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_Verify, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_VerifyUpdate, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_VerifyFinal, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_VerifyRecoverInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_VerifyRecover,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DigestEncryptUpdate,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DecryptDigestUpdate,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_SignEncryptUpdate,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DecryptVerifyUpdate,
	     (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_GenerateKey, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG,
			     CK_OBJECT_HANDLE_PTR));
KP11_DECLARE(C_GenerateKeyPair,
	     (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG, CK_ATTRIBUTE_PTR,
	      CK_ULONG, CK_OBJECT_HANDLE_PTR, CK_OBJECT_HANDLE_PTR));
KP11_DECLARE(C_WrapKey, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE,
			 CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_UnwrapKey, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_BYTE_PTR,
			   CK_ULONG, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR));
KP11_DECLARE(C_DeriveKey, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR,
			   CK_ULONG, CK_OBJECT_HANDLE_PTR));
KP11_DECLARE(C_SeedRandom, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_GenerateRandom, (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_GetFunctionStatus, (CK_SESSION_HANDLE));
KP11_DECLARE(C_CancelFunction, (CK_SESSION_HANDLE));
KP11_DECLARE(C_WaitForSlotEvent, (CK_FLAGS, CK_SLOT_ID_PTR, CK_VOID_PTR));
/* PKCS#11 v3.0 (function-list.c, session.c, unsupported.c). */
KP11_DECLARE(C_GetInterfaceList, (CK_INTERFACE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_GetInterface, (CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS));
KP11_DECLARE(C_LoginUser, (CK_SESSION_HANDLE, CK_USER_TYPE, CK_UTF8CHAR_PTR, CK_ULONG,
			   CK_UTF8CHAR_PTR, CK_ULONG));
KP11_DECLARE(C_SessionCancel, (CK_SESSION_HANDLE, CK_FLAGS));
KP11_DECLARE(C_MessageEncryptInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_EncryptMessage, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
				CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_EncryptMessageBegin,
	     (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_EncryptMessageNext, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
				    CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS));
KP11_DECLARE(C_MessageEncryptFinal, (CK_SESSION_HANDLE));
KP11_DECLARE(C_MessageDecryptInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_DecryptMessage, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
				CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_DecryptMessageBegin,
	     (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_DecryptMessageNext, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
				    CK_BYTE_PTR, CK_ULONG_PTR, CK_FLAGS));
KP11_DECLARE(C_MessageDecryptFinal, (CK_SESSION_HANDLE));
KP11_DECLARE(C_MessageSignInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_SignMessage, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
			     CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_SignMessageBegin, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG));
KP11_DECLARE(C_SignMessageNext, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
				 CK_BYTE_PTR, CK_ULONG_PTR));
KP11_DECLARE(C_MessageSignFinal, (CK_SESSION_HANDLE));
KP11_DECLARE(C_MessageVerifyInit, (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE));
KP11_DECLARE(C_VerifyMessage, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
			       CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_VerifyMessageBegin, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG));
KP11_DECLARE(C_VerifyMessageNext, (CK_SESSION_HANDLE, CK_VOID_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG,
				   CK_BYTE_PTR, CK_ULONG));
KP11_DECLARE(C_MessageVerifyFinal, (CK_SESSION_HANDLE));
#undef KP11_DECLARE

#endif
