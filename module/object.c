/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.7: object management. */
#include <stdlib.h>
#include <string.h>

#include "crypto/operation.h"
#include "module/module.h"
#include "objects/attrs.h"
#include "objects/template.h"
#include "slots/key-object.h"

/*
 * Lock, look up the session and load @object into a new key_object (a
 * description may be 4 KiB: not on the stack). On failure nothing is locked
 * or allocated.
 */
static CK_RV
lock_object(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, struct session **session,
	    struct key_object **obj)
{
	CK_RV rv = module_lock_session(handle, session);

	if (rv != CKR_OK)
		return rv;
	*obj = malloc(sizeof(**obj));
	rv = *obj == NULL ? CKR_HOST_MEMORY : key_object_load((*session)->slot, object, *obj);
	if (rv != CKR_OK) {
		free(*obj);
		*obj = NULL;
		module_unlock();
	}
	return rv;
}

static void
unlock_object(struct key_object *obj)
{
	free(obj);
	module_unlock();
}

/*
 * CKA_CHECK_VALUE: computed in the kernel for AES keys, empty otherwise
 * (and where the kernel cannot: no AF_ALG, no search permission). Out of
 * memory or descriptors is CKR_HOST_MEMORY, never an empty value.
 */
static CK_RV
check_value_get(const struct key_object *obj, CK_ATTRIBUTE *attr)
{
	uint8_t kcv[3];
	CK_RV rv;

	if (obj->t.attrs.key_type != CKK_AES)
		return attr_fill(attr, NULL, 0);
	rv = operation_check_value(obj->serial, kcv);
	if (rv == CKR_HOST_MEMORY)
		return attr_unavailable(attr, rv);
	if (rv != CKR_OK)
		return attr_fill(attr, NULL, 0);
	return attr_fill(attr, kcv, sizeof(kcv));
}

CK_RV
module_C_GetAttributeValue(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR tmpl,
			   CK_ULONG count)
{
	struct session *session;
	struct key_object *obj;
	CK_RV rv;

	if (!attr_template_ok(tmpl, count))
		return CKR_ARGUMENTS_BAD;
	rv = lock_object(handle, object, &session, &obj);
	if (rv != CKR_OK)
		return rv;
	for (CK_ULONG i = 0; i < count; i++)
		rv = attr_result(rv, tmpl[i].type == CKA_CHECK_VALUE
					     ? check_value_get(obj, &tmpl[i])
					     : key_object_get_attribute(obj, &tmpl[i]));
	unlock_object(obj);
	return rv;
}

/* Session objects need a session; token objects a writable token and a read-write session. */
CK_RV
module_check_writable(const struct session *session, bool token)
{
	if (token && session->slot->read_only)
		return CKR_TOKEN_WRITE_PROTECTED;
	if (token && !(session->flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	return CKR_OK;
}

CK_RV
module_C_CreateObject(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count,
		      CK_OBJECT_HANDLE_PTR object)
{
	struct key_template *t;
	struct session *session;
	CK_RV rv;

	if ((tmpl == NULL && count != 0) || object == NULL)
		return CKR_ARGUMENTS_BAD;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return CKR_HOST_MEMORY;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		goto out;
	rv = template_new_key(tmpl, count, TEMPLATE_CREATE, CK_UNAVAILABLE_INFORMATION, t);
	if (rv == CKR_OK)
		rv = module_check_writable(session, t->token);
	if (rv == CKR_OK)
		rv = key_object_create(session->slot, t, session->handle, object);
	module_unlock();
out:
	/* t->value points into the caller's template: nothing of the key was copied. */
	free(t);
	return rv;
}

CK_RV
module_C_CopyObject(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR tmpl,
		    CK_ULONG count, CK_OBJECT_HANDLE_PTR copy)
{
	struct session *session;
	struct key_object *obj;
	struct key_template *t;
	CK_RV rv;

	if ((tmpl == NULL && count != 0) || copy == NULL)
		return CKR_ARGUMENTS_BAD;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return CKR_HOST_MEMORY;
	rv = lock_object(handle, object, &session, &obj);
	if (rv != CKR_OK)
		goto out;
	rv = template_change_key(&obj->t, tmpl, count, TEMPLATE_COPY, t);
	if (rv == CKR_OK)
		rv = module_check_writable(session, t->token);
	if (rv == CKR_OK)
		rv = key_object_copy(session->slot, obj, t, session->handle, copy);
	unlock_object(obj);
out:
	free(t);
	return rv;
}

CK_RV
module_C_SetAttributeValue(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR tmpl,
			   CK_ULONG count)
{
	struct session *session;
	struct key_object *obj;
	struct key_template *t;
	CK_RV rv;

	if (tmpl == NULL && count != 0)
		return CKR_ARGUMENTS_BAD;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return CKR_HOST_MEMORY;
	rv = lock_object(handle, object, &session, &obj);
	if (rv != CKR_OK)
		goto out;
	/* Descriptions never change (CKA_MODIFIABLE is FALSE): only no-ops pass. */
	if (obj->t.token && session->slot->read_only)
		rv = CKR_TOKEN_WRITE_PROTECTED;
	else
		rv = template_change_key(&obj->t, tmpl, count, TEMPLATE_SET, t);
	if (rv == CKR_OK && !template_same_key(&obj->t, t))
		rv = CKR_ACTION_PROHIBITED;
	unlock_object(obj);
out:
	free(t);
	return rv;
}

CK_RV
module_C_DestroyObject(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object)
{
	struct session *session;
	struct key_object *obj;
	CK_RV rv = lock_object(handle, object, &session, &obj);

	if (rv != CKR_OK)
		return rv;
	rv = module_check_writable(session, obj->t.token);
	if (rv == CKR_OK)
		rv = key_object_destroy(obj);
	unlock_object(obj);
	return rv;
}

CK_RV
module_C_GetObjectSize(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, CK_ULONG_PTR size)
{
	struct session *session;
	struct key_object *obj;
	CK_RV rv;

	if (size == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = lock_object(handle, object, &session, &obj);
	if (rv != CKR_OK)
		return rv;
	*size = key_object_size(obj);
	unlock_object(obj);
	return CKR_OK;
}

CK_RV
module_C_FindObjectsInit(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count)
{
	struct session *session;
	CK_RV rv;

	if (!attr_template_ok(tmpl, count))
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	if (session->finding) {
		rv = CKR_OPERATION_ACTIVE;
	} else {
		/* The matching set is fixed now, as the spec allows. */
		rv = key_object_find(session->slot, tmpl, count, &session->found,
				     &session->found_count);
		session->found_pos = 0;
		session->finding = rv == CKR_OK;
	}
	module_session_leave(session);
	return rv;
}

CK_RV
module_C_FindObjects(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max,
		     CK_ULONG_PTR count)
{
	struct session *session;
	CK_RV rv;

	if ((objects == NULL && max != 0) || count == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_session_enter(handle, &session);
	if (rv != CKR_OK)
		return rv;
	if (!session->finding) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else {
		CK_ULONG n = 0;

		while (n < max && session->found_pos < session->found_count)
			objects[n++] = session->found[session->found_pos++];
		*count = n;
	}
	module_session_leave(session);
	return rv;
}

CK_RV
module_C_FindObjectsFinal(CK_SESSION_HANDLE handle)
{
	struct session *session;
	CK_RV rv = module_session_enter(handle, &session);

	if (rv != CKR_OK)
		return rv;
	if (!session->finding) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else {
		free(session->found);
		session->found = NULL;
		session->found_count = session->found_pos = 0;
		session->finding = false;
	}
	module_session_leave(session);
	return rv;
}
