/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.6: session management, and the session table. */
#include <stdlib.h>
#include <string.h>

#include "crypto/mechanism.h"
#include "module/module.h"
#include "slots/key-object.h"

static struct session *sessions;
static CK_SESSION_HANDLE next_handle = 1;

CK_RV
session_open_inlock(struct slot *slot, CK_FLAGS flags, CK_SESSION_HANDLE *handle)
{
	struct session *session = calloc(1, sizeof(*session));
	CK_RV rv;

	if (session == NULL)
		return CKR_HOST_MEMORY;
	rv = module_mutex_init(&session->lock);
	if (rv != CKR_OK) {
		free(session);
		return rv;
	}
	session->handle = next_handle++;
	if (next_handle == 0) /* 0 is CK_INVALID_HANDLE */
		next_handle = 1;
	session->slot = slot;
	session->flags = flags;
	session->refs = 1; /* the table's */
	operation_init(&session->op);
	op_cache_init(&session->cache);
	session->next = sessions;
	sessions = session;
	*handle = session->handle;
	return CKR_OK;
}

struct session *
session_lookup_inlock(CK_SESSION_HANDLE handle)
{
	for (struct session *s = sessions; s != NULL; s = s->next)
		if (s->handle == handle)
			return s;
	return NULL;
}

void
session_get(struct session *session)
{
	__atomic_add_fetch(&session->refs, 1, __ATOMIC_RELAXED);
}

void
session_put(struct session *session)
{
	if (__atomic_sub_fetch(&session->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	module_mutex_destroy(&session->lock);
	free(session);
}

void
session_detach_inlock(struct session *session)
{
	struct slot *slot = session->slot;

	for (struct session **p = &sessions; *p != NULL; p = &(*p)->next) {
		if (*p == session) {
			*p = session->next;
			break;
		}
	}
	session->next = NULL;
	/* Closing the last session of a token logs it out (v2.40 C_CloseSession). */
	if (session_count_inlock(slot, false) == 0)
		slot->user = (CK_USER_TYPE)-1;
}

struct session *
session_detach_all_inlock(const struct slot *slot)
{
	struct session **p = &sessions, *detached = NULL;

	while (*p != NULL) {
		struct session *s = *p;

		if (slot == NULL || s->slot == slot) {
			*p = s->next;
			s->slot->user = (CK_USER_TYPE)-1;
			s->next = detached;
			detached = s;
		} else {
			p = &s->next;
		}
	}
	return detached;
}

/* End the session's work and destroy its session objects (v2.40 section 6.7.5). */
static void
session_end(struct session *session)
{
	key_object_destroy_session_objects(session->slot, session->handle);
	operation_end(&session->op);
	op_cache_flush(&session->cache);
	free(session->found);
	session->found = NULL;
	session->finding = false;
}

void
session_retire(struct session *session)
{
	/*
	 * A failing application lock callback leaves no safe way to wait:
	 * the session's memory is then kept (its reference not dropped).
	 */
	if (module_mutex_lock(&session->lock) != CKR_OK)
		return;
	session->closed = true;
	session_end(session);
	module_mutex_unlock(&session->lock);
	session_put(session);
}

void
session_retire_all(struct session *list)
{
	while (list != NULL) {
		struct session *next = list->next;

		session_retire(list);
		list = next;
	}
}

void
session_forget_all_forked(void)
{
	while (sessions != NULL) {
		struct session *s = sessions;

		sessions = s->next;
		session_end(s); /* closes this process's copies of its sockets */
		free(s);
	}
}

CK_ULONG
session_count_inlock(const struct slot *slot, bool rw_only)
{
	CK_ULONG n = 0;

	for (struct session *s = sessions; s != NULL; s = s->next)
		if ((slot == NULL || s->slot == slot) && (!rw_only || (s->flags & CKF_RW_SESSION)))
			n++;
	return n;
}

/* The usage attribute a key needs for an operation of @kind. */
static CK_ATTRIBUTE_TYPE
usage_of(enum op_kind kind)
{
	switch (kind) {
	case OP_ENCRYPT:
		return CKA_ENCRYPT;
	case OP_DECRYPT:
		return CKA_DECRYPT;
	case OP_SIGN:
		return CKA_SIGN;
	case OP_VERIFY:
		return CKA_VERIFY;
	case OP_DIGEST:
	case OP_NONE:
		break;
	}
	return 0;
}

CK_RV
session_begin_operation(struct session *session, enum op_kind kind, const CK_MECHANISM *mechanism,
			CK_OBJECT_HANDLE key)
{
	const struct mechanism *m;
	struct key_object *obj = NULL;
	int32_t serial = 0;
	long key_len = -1;
	CK_RV rv;

	if (session->op.kind != OP_NONE)
		return CKR_OPERATION_ACTIVE;
	m = mechanism_find(mechanism->mechanism);
	if (m == NULL || (kind != OP_DIGEST) != (m->key_type != CK_UNAVAILABLE_INFORMATION))
		return CKR_MECHANISM_INVALID;
	if (kind != OP_DIGEST) {
		/* A description may be 4 KiB: not on an application thread's stack. */
		obj = malloc(sizeof(*obj));
		if (obj == NULL)
			return CKR_HOST_MEMORY;
		/* A warm socket knows the key's length: no need to ask the kernel. */
		if (key > 0 && key <= INT32_MAX)
			key_len = op_cache_key_len(&session->cache, (int32_t)key, m);
		rv = key_object_load_sized(session->slot, key, obj, key_len);
		if (rv == CKR_OBJECT_HANDLE_INVALID)
			rv = CKR_KEY_HANDLE_INVALID;
		else if (rv == CKR_OK && !mechanism_accepts_key(m, obj->t.attrs.key_type))
			rv = CKR_KEY_TYPE_INCONSISTENT;
		else if (rv == CKR_OK && (obj->payload_len < (long)m->min_key ||
					  obj->payload_len > (long)m->max_key))
			rv = CKR_KEY_SIZE_RANGE;
		else if (rv == CKR_OK && !key_object_allows(obj, usage_of(kind)))
			rv = CKR_KEY_FUNCTION_NOT_PERMITTED;
		if (rv == CKR_OK) {
			serial = obj->serial;
			key_len = obj->payload_len;
		}
		free(obj);
		if (rv != CKR_OK)
			return rv;
	}
	return operation_begin(&session->op, kind, m, mechanism, serial, key_len, &session->cache);
}

static CK_STATE
session_state(const struct session *session)
{
	bool rw = session->flags & CKF_RW_SESSION;

	switch (session->slot->user) {
	case CKU_SO:
		return CKS_RW_SO_FUNCTIONS;
	case CKU_USER:
		return rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
	default:
		return rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
	}
}

CK_RV
module_C_OpenSession(CK_SLOT_ID slot_id, CK_FLAGS flags, CK_VOID_PTR application, CK_NOTIFY notify,
		     CK_SESSION_HANDLE_PTR handle)
{
	struct slot *slot;
	CK_RV rv;

	(void)application; /* no callbacks are ever made */
	(void)notify;
	if (handle == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_slot(slot_id, true, &slot);
	if (rv != CKR_OK)
		return rv;
	if (!(flags & CKF_SERIAL_SESSION))
		rv = CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	else if ((flags & CKF_RW_SESSION) && slot->read_only)
		rv = CKR_TOKEN_WRITE_PROTECTED;
	else if (!(flags & CKF_RW_SESSION) && slot->user == CKU_SO)
		rv = CKR_SESSION_READ_WRITE_SO_EXISTS;
	else
		rv = session_open_inlock(slot, flags, handle);
	module_unlock();
	return rv;
}

CK_RV
module_C_CloseSession(CK_SESSION_HANDLE handle)
{
	struct session *session;
	CK_RV rv = module_lock_session(handle, &session);

	if (rv != CKR_OK)
		return rv;
	session_detach_inlock(session);
	module_unlock();
	session_retire(session);
	return CKR_OK;
}

CK_RV
module_C_CloseAllSessions(CK_SLOT_ID slot_id)
{
	struct slot *slot;
	struct session *detached;
	CK_RV rv = module_lock_slot(slot_id, false, &slot);

	if (rv != CKR_OK)
		return rv;
	detached = session_detach_all_inlock(slot);
	module_unlock();
	session_retire_all(detached);
	return CKR_OK;
}

CK_RV
module_C_GetSessionInfo(CK_SESSION_HANDLE handle, CK_SESSION_INFO_PTR info)
{
	struct session *session;
	CK_RV rv;

	if (info == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	memset(info, 0, sizeof(*info));
	info->slotID = session->slot->id;
	info->state = session_state(session);
	info->flags = session->flags;
	info->ulDeviceError = 0;
	module_unlock();
	return CKR_OK;
}

/*
 * Login is accepted with any PIN and changes only the session state: the
 * kernel's key permissions and possession rules are the access control
 * (docs/design.md). Refusing it would break callers that always log in.
 */
CK_RV
module_C_Login(CK_SESSION_HANDLE handle, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len)
{
	struct session *session;
	CK_RV rv;

	if (pin == NULL && pin_len != 0)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	if (user != CKU_USER && user != CKU_SO && user != CKU_CONTEXT_SPECIFIC)
		rv = CKR_USER_TYPE_INVALID;
	else if (user == CKU_CONTEXT_SPECIFIC)
		rv = CKR_OPERATION_NOT_INITIALIZED; /* no key ever asks for it */
	else if (session->slot->user == user)
		rv = CKR_USER_ALREADY_LOGGED_IN;
	else if (session->slot->user != (CK_USER_TYPE)-1)
		rv = CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
	else if (user == CKU_SO && session_count_inlock(session->slot, false) !=
					   session_count_inlock(session->slot, true))
		rv = CKR_SESSION_READ_ONLY_EXISTS;
	else
		session->slot->user = user;
	module_unlock();
	return rv;
}

CK_RV
module_C_Logout(CK_SESSION_HANDLE handle)
{
	struct session *session;
	CK_RV rv = module_lock_session(handle, &session);

	if (rv != CKR_OK)
		return rv;
	if (session->slot->user == (CK_USER_TYPE)-1)
		rv = CKR_USER_NOT_LOGGED_IN;
	else
		session->slot->user = (CK_USER_TYPE)-1;
	module_unlock();
	return rv;
}

/*
 * PKCS#11 v3.0, C_LoginUser: tokens here have no named users, so the user
 * name is not read (only checked against its length) and the call is
 * C_Login's.
 */
CK_RV
module_C_LoginUser(CK_SESSION_HANDLE handle, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
		   CK_ULONG pin_len, CK_UTF8CHAR_PTR username, CK_ULONG username_len)
{
	if (username == NULL && username_len != 0)
		return CKR_ARGUMENTS_BAD;
	return module_C_Login(handle, user, pin, pin_len);
}

/*
 * PKCS#11 v3.0, C_SessionCancel: end the session's active operations that
 * @flags names (CKF_ENCRYPT, CKF_DECRYPT, CKF_DIGEST, CKF_SIGN, CKF_VERIFY,
 * CKF_FIND_OBJECTS); other flags name operations this module never leaves
 * active. Ending nothing is CKR_OK too.
 */
CK_RV
module_C_SessionCancel(CK_SESSION_HANDLE handle, CK_FLAGS flags)
{
	struct session *session;
	CK_RV rv = module_session_enter(handle, &session);

	if (rv != CKR_OK)
		return rv;
	if ((flags & operation_kind_flag(session->op.kind)) != 0)
		operation_end(&session->op);
	if (session->finding && (flags & CKF_FIND_OBJECTS) != 0) {
		free(session->found);
		session->found = NULL;
		session->found_count = session->found_pos = 0;
		session->finding = false;
	}
	module_session_leave(session);
	return CKR_OK;
}
