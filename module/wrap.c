/* SPDX-License-Identifier: MIT */
/*
 * PKCS#11 v2.40 section 5.14: C_WrapKey and C_UnwrapKey. The wrapping key
 * never leaves the kernel: RFC 3394/5649 run as AES block operations keyed
 * by its serial (crypto/keywrap.c), CBC-PAD through the operation state
 * machine. The key being wrapped must be extractable (a user key: its bytes
 * are readable anyway); an unwrapped key's bytes pass through this process
 * once, into add_key, and are wiped at once.
 */
#include <stdlib.h>
#include <string.h>

#include "common/ckr.h"
#include "crypto/keywrap.h"
#include "crypto/mechanism.h"
#include "module/module.h"
#include "objects/template.h"
#include "slots/key-object.h"

/*
 * The longest wrapped key: a key holds at most 32,767 bytes (a user or logon
 * payload), and wrapping adds at most 16 (CBC-PAD; RFC 3394/5649 add 8 to 15).
 * Anything longer cannot unwrap to a key, whatever it says its length is.
 */
#define WRAPPED_KEY_MAX (32767 + 16)

/* The wrapping or unwrapping key, checked; codes per @wrap (v2.40 5.14). */
static CK_RV
load_kek(struct session *session, CK_OBJECT_HANDLE handle, const struct mechanism *m, bool wrap,
	 struct key_object *kek)
{
	CK_RV rv = key_object_load(session->slot, handle, kek);

	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return wrap ? CKR_WRAPPING_KEY_HANDLE_INVALID : CKR_UNWRAPPING_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		return rv;
	if (!mechanism_accepts_key(m, kek->t.attrs.key_type))
		return wrap ? CKR_WRAPPING_KEY_TYPE_INCONSISTENT
			    : CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
	if (!key_object_allows(kek, wrap ? CKA_WRAP : CKA_UNWRAP))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	return CKR_OK;
}

/* A wrapping mechanism of the table, with its parameter checked. */
static CK_RV
wrap_mechanism(const CK_MECHANISM *mechanism, CK_FLAGS flag, const struct mechanism **m)
{
	struct mech_params p;

	*m = mechanism_find(mechanism->mechanism);
	if (*m == NULL || !((*m)->flags & flag))
		return CKR_MECHANISM_INVALID;
	return mechanism_check_param(*m, mechanism, &p);
}

/* CBC-PAD through a one-shot operation of @kind with @kek. */
static CK_RV
cbc_pad(enum op_kind kind, const struct mechanism *m, const CK_MECHANISM *mechanism, int32_t kek,
	const uint8_t *in, size_t len, uint8_t *out, CK_ULONG *out_len)
{
	struct operation op;
	CK_RV rv;

	operation_init(&op);
	rv = operation_begin(&op, kind, m, mechanism, kek, -1, NULL);
	if (rv == CKR_OK)
		rv = operation_oneshot(&op, kind, in, len, out, out_len);
	operation_end(&op);
	return rv;
}

static CK_RV
wrap_inlock(struct session *session, const CK_MECHANISM *mechanism, CK_OBJECT_HANDLE wrapping,
	    CK_OBJECT_HANDLE handle, uint8_t *out, CK_ULONG *out_len)
{
	const struct mechanism *m;
	struct key_object *kek = NULL, *key = NULL;
	uint8_t *value = NULL;
	size_t len = 0, wrapped;
	CK_RV rv;

	rv = wrap_mechanism(mechanism, CKF_WRAP, &m);
	if (rv != CKR_OK)
		return rv;
	kek = malloc(sizeof(*kek));
	key = malloc(sizeof(*key));
	if (kek == NULL || key == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = load_kek(session, wrapping, m, true, kek);
	if (rv != CKR_OK)
		goto out;
	rv = key_object_load(session->slot, handle, key);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		goto out;
	/* Its bytes must be able to leave the kernel: only user keys can. */
	rv = key_object_value(key, &value, &len);
	if (rv != CKR_OK)
		goto out;
	if (m->mode == MODE_CBC_PAD) {
		rv = cbc_pad(OP_ENCRYPT, m, mechanism, kek->serial, value, len, out, out_len);
		goto out;
	}
	wrapped = keywrap_wrapped_len(m->type, len);
	if (wrapped == 0) {
		rv = CKR_KEY_SIZE_RANGE;
		goto out;
	}
	rv = output_buffer_check(out, out_len, wrapped);
	if (rv == CKR_OK && out != NULL)
		rv = keywrap_wrap(m->type, kek->serial, value, len, out);
out:
	if (value != NULL) {
		explicit_bzero(value, len);
		free(value);
	}
	free(kek);
	free(key);
	return rv;
}

CK_RV
module_C_WrapKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE wrapping,
		 CK_OBJECT_HANDLE key, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	struct session *session;
	CK_RV rv;

	if (mechanism == NULL || out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = wrap_inlock(session, mechanism, wrapping, key, out, out_len);
	module_unlock();
	return rv;
}

static CK_RV
unwrap_inlock(struct session *session, const CK_MECHANISM *mechanism, CK_OBJECT_HANDLE unwrapping,
	      const uint8_t *in, size_t len, const CK_ATTRIBUTE *tmpl, CK_ULONG count,
	      CK_OBJECT_HANDLE *handle)
{
	const struct mechanism *m;
	struct key_object *kek = NULL;
	struct key_template *t = NULL;
	uint8_t *plain = NULL;
	size_t key_len = 0, cap = len + 1;
	CK_ULONG n = cap;
	CK_RV rv;

	rv = wrap_mechanism(mechanism, CKF_UNWRAP, &m);
	if (rv != CKR_OK)
		return rv;
	if (len > WRAPPED_KEY_MAX)
		return CKR_WRAPPED_KEY_LEN_RANGE;
	kek = malloc(sizeof(*kek));
	t = malloc(sizeof(*t));
	plain = malloc(cap);
	if (kek == NULL || t == NULL || plain == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = load_kek(session, unwrapping, m, false, kek);
	if (rv == CKR_OK)
		rv = template_new_key(tmpl, count, TEMPLATE_UNWRAP, CK_UNAVAILABLE_INFORMATION, t);
	if (rv == CKR_OK)
		rv = module_check_writable(session, t->token);
	if (rv != CKR_OK)
		goto out;
	if (m->mode == MODE_CBC_PAD) {
		rv = cbc_pad(OP_DECRYPT, m, mechanism, kek->serial, in, len, plain, &n);
		if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE)
			rv = rv == CKR_ENCRYPTED_DATA_INVALID ? CKR_WRAPPED_KEY_INVALID
							      : CKR_WRAPPED_KEY_LEN_RANGE;
		key_len = n;
	} else {
		rv = keywrap_unwrap(m->type, kek->serial, in, len, plain, &key_len);
	}
	if (rv == CKR_OK)
		rv = template_set_unwrapped(t, plain, key_len);
	if (rv == CKR_OK)
		rv = key_object_create(session->slot, t, session->handle, handle);
out:
	if (plain != NULL) {
		explicit_bzero(plain, cap);
		free(plain);
	}
	free(kek);
	free(t);
	return rv;
}

CK_RV
module_C_UnwrapKey(CK_SESSION_HANDLE handle, CK_MECHANISM_PTR mechanism,
		   CK_OBJECT_HANDLE unwrapping, CK_BYTE_PTR in, CK_ULONG in_len,
		   CK_ATTRIBUTE_PTR tmpl, CK_ULONG count, CK_OBJECT_HANDLE_PTR key)
{
	struct session *session;
	CK_RV rv;

	if (mechanism == NULL || (in == NULL && in_len != 0) || (tmpl == NULL && count != 0) ||
	    key == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	rv = unwrap_inlock(session, mechanism, unwrapping, in != NULL ? in : (CK_BYTE_PTR) "",
			   in_len, tmpl, count, key);
	module_unlock();
	return rv;
}
