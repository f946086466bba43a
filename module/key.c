/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.14: key management (generation). */
#include <stdlib.h>

#include "crypto/mechanism.h"
#include "module/module.h"
#include "objects/template.h"
#include "slots/key-object.h"

/* CKM_AES_KEY_GEN or CKM_GENERIC_SECRET_KEY_GEN, from the mechanism table. */
static bool
is_key_generation(CK_MECHANISM_TYPE type)
{
	const struct mechanism *m = mechanism_find(type);

	return m != NULL && (m->flags & CKF_GENERATE);
}

CK_RV
module_C_GenerateKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism, CK_ATTRIBUTE_PTR tmpl,
		     CK_ULONG count, CK_OBJECT_HANDLE_PTR key)
{
	struct key_template *t;
	struct session *session;
	CK_RV rv;

	if (mechanism == NULL || (tmpl == NULL && count != 0) || key == NULL)
		return CKR_ARGUMENTS_BAD;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return CKR_HOST_MEMORY;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		goto out;
	if (!is_key_generation(mechanism->mechanism))
		rv = CKR_MECHANISM_INVALID;
	else if (mechanism->ulParameterLen != 0)
		rv = CKR_MECHANISM_PARAM_INVALID;
	else
		rv = template_new_key(tmpl, count, TEMPLATE_GENERATE, mechanism->mechanism, t);
	if (rv == CKR_OK)
		rv = module_check_writable(session, t->token);
	if (rv == CKR_OK)
		rv = key_object_generate(session->slot, t, session->handle, module_master_key(),
					 key);
	module_unlock();
out:
	free(t);
	return rv;
}
