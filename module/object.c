/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.7: object management (searching and reading). */
#include <stdlib.h>

#include "module/module.h"
#include "slots/key-object.h"

CK_RV
module_C_GetAttributeValue(CK_SESSION_HANDLE handle, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR tmpl,
			   CK_ULONG count)
{
	struct session *session;
	struct key_object *obj;
	CK_RV rv;

	if (tmpl == NULL && count != 0)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	obj = malloc(sizeof(*obj)); /* a description may be 4 KiB */
	if (obj == NULL)
		rv = CKR_HOST_MEMORY;
	else
		rv = key_object_load(session->slot, object, obj);
	if (rv == CKR_OK)
		rv = key_object_get_attributes(obj, tmpl, count);
	free(obj);
	module_unlock();
	return rv;
}

CK_RV
module_C_FindObjectsInit(CK_SESSION_HANDLE handle, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count)
{
	struct session *session;
	CK_RV rv;

	if (tmpl == NULL && count != 0)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
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
	module_unlock();
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
	rv = module_lock_session(handle, &session);
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
	module_unlock();
	return rv;
}

CK_RV
module_C_FindObjectsFinal(CK_SESSION_HANDLE handle)
{
	struct session *session;
	CK_RV rv = module_lock_session(handle, &session);

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
	module_unlock();
	return rv;
}
