/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "common/ckr.h"
#include "objects/attrs.h"
#include "slots/key-desc.h"
#include "slots/key-object.h"

/* Session objects: possessor-only, invisible to other processes of the user. */
#define SESSION_OBJECT_PERM 0x3f000000
/* encrypted keys hold 20-4096 bytes (KERNEL-FACTS.md section 4). */
#define ENCRYPTED_MIN 20
#define ENCRYPTED_MAX 4096

static bool
is_secret_key_type(enum keyring_key_type type)
{
	return type == KEY_TYPE_USER || type == KEY_TYPE_LOGON || type == KEY_TYPE_ENCRYPTED;
}

/* Attributes of a key the module did not make (docs/keys.md, "Plain keys"). */
static void
plain_key_attrs(struct key_object *obj)
{
	struct key_attrs *a = &obj->t.attrs;
	long len = obj->payload_len;

	key_attrs_clear(a);
	a->key_type = (len == 16 || len == 24 || len == 32) ? CKK_AES : CKK_GENERIC_SECRET;
	a->value_len = len < 0 ? CK_UNAVAILABLE_INFORMATION : (CK_ULONG)len;
	a->usage = USAGE_ALL;
	a->flags = FLAG_COPYABLE | FLAG_DESTROYABLE | FLAG_SENSITIVE;
	a->label_len = obj->desc.description_len;
	memcpy(a->label, obj->desc.description, a->label_len + 1);
}

/*
 * What the kernel key type says overrides any description: a user key is
 * readable, a logon key never, an encrypted key only wrapped.
 */
static void
apply_kernel_truth(struct key_object *obj)
{
	unsigned *f = &obj->t.attrs.flags;

	if (obj->desc.type == KEY_TYPE_USER) {
		*f = (*f & ~(unsigned)FLAG_SENSITIVE) | FLAG_EXTRACTABLE;
		obj->t.storage = STORE_USER;
	} else {
		*f &= ~(unsigned)FLAG_EXTRACTABLE;
		obj->t.storage = STORE_LOGON;
	}
	if (obj->desc.type == KEY_TYPE_LOGON)
		*f &= ~(unsigned)FLAG_COPYABLE;
}

/* Describe @serial (found in @ring) and fill @obj; @known_len: as key_object_load_sized(). */
static CK_RV
key_object_describe(int32_t serial, int32_t ring, bool token, struct key_object *obj,
		    long known_len)
{
	int ret;

	/* Not memset: 8 KiB of description and label room, on every C_*Init. */
	obj->serial = serial;
	obj->ring = ring;
	obj->payload_len = 0;
	obj->module_made = false;
	obj->desc.type = 0;
	obj->desc.uid = 0;
	obj->desc.gid = 0;
	obj->desc.perm = 0;
	obj->desc.description_len = 0;
	obj->desc.description[0] = '\0';
	key_attrs_clear(&obj->t.attrs);
	obj->t.token = false;
	obj->t.storage = STORE_LOGON;
	obj->t.value = NULL;
	obj->t.value_len = 0;
	ret = keyring_describe(serial, &obj->desc);
	if (ret < 0)
		return ckr_from_key_read_errno(-ret);
	if (!is_secret_key_type(obj->desc.type))
		return CKR_OBJECT_HANDLE_INVALID;
	obj->module_made = key_desc_decode(obj->desc.description, obj->desc.description_len,
					   &obj->t.attrs) == 0;
	if (obj->module_made) {
		obj->payload_len = (long)obj->t.attrs.value_len;
	} else if (known_len >= 0) {
		obj->payload_len = known_len;
		plain_key_attrs(obj);
	} else {
		obj->payload_len = keyring_payload_len(serial, &obj->desc);
		/*
		 * Out of memory or descriptors (/proc/keys cannot be opened):
		 * say so, never a key of unknown size (a wrong key type).
		 */
		if (obj->payload_len < 0 &&
		    ckr_from_key_read_errno((int)-obj->payload_len) == CKR_HOST_MEMORY)
			return CKR_HOST_MEMORY;
		if (obj->payload_len < 0)
			obj->payload_len = -1;
		plain_key_attrs(obj);
	}
	obj->t.token = token;
	apply_kernel_truth(obj);
	return CKR_OK;
}

/* A failure -@err to read the slot's keyring: it may just have gone. */
static CK_RV
ring_error(struct slot *slot, int err)
{
	return slot_token_present(slot) ? ckr_from_key_read_errno(-err) : CKR_DEVICE_REMOVED;
}

CK_RV
key_object_load(struct slot *slot, CK_OBJECT_HANDLE handle, struct key_object *obj)
{
	return key_object_load_sized(slot, handle, obj, -1);
}

CK_RV
key_object_load_sized(struct slot *slot, CK_OBJECT_HANDLE handle, struct key_object *obj,
		      long payload_len)
{
	int32_t rings[2] = {slot->keyring, slot_session_ring(slot, false)};
	int ret;

	/* Only sessions call here: the token was there when they opened. */
	if (!slot_token_present(slot))
		return CKR_DEVICE_REMOVED;
	if (handle == 0 || handle > INT32_MAX)
		return CKR_OBJECT_HANDLE_INVALID;
	for (int i = 0; i < 2; i++) {
		if (rings[i] <= 0)
			continue;
		ret = keyring_contains(rings[i], (int32_t)handle);
		if (ret < 0)
			return ring_error(slot, ret);
		if (ret == 1)
			return key_object_describe((int32_t)handle, rings[i], i == 0, obj,
						   payload_len);
	}
	return CKR_OBJECT_HANDLE_INVALID;
}

/* The value of one attribute; CKR_ATTRIBUTE_TYPE_INVALID when a secret key has none. */
struct attr_value {
	union {
		CK_BBOOL b;
		CK_ULONG ul;
	} u;
	const void *ptr;
	size_t len;
};

static void
value_bool(struct attr_value *v, bool b)
{
	v->u.b = b ? CK_TRUE : CK_FALSE;
	v->ptr = &v->u.b;
	v->len = sizeof(v->u.b);
}

static void
value_ulong(struct attr_value *v, CK_ULONG ul)
{
	v->u.ul = ul;
	v->ptr = &v->u.ul;
	v->len = sizeof(v->u.ul);
}

/*
 * PKCS#11 v2.40 sections 4.4-4.7 and 4.10 (storage, key, secret key): every
 * attribute but CKA_VALUE, from the object's attributes.
 */
static CK_RV
attribute_value(const struct key_object *obj, CK_ATTRIBUTE_TYPE type, struct attr_value *v)
{
	const struct key_attrs *a = &obj->t.attrs;
	unsigned bit;

	memset(v, 0, sizeof(*v));
	switch (type) {
	case CKA_CLASS:
		value_ulong(v, CKO_SECRET_KEY);
		return CKR_OK;
	case CKA_TOKEN:
		value_bool(v, obj->t.token);
		return CKR_OK;
	case CKA_MODIFIABLE:
	case CKA_TRUSTED:
	case CKA_WRAP_WITH_TRUSTED:
		value_bool(v, false);
		return CKR_OK;
	case CKA_LABEL:
		v->ptr = a->label;
		v->len = a->label_len;
		return CKR_OK;
	case CKA_ID:
		v->ptr = a->id;
		v->len = a->id_len;
		return CKR_OK;
	case CKA_START_DATE:
	case CKA_END_DATE:
		return CKR_OK; /* empty */
	case CKA_KEY_TYPE:
		value_ulong(v, a->key_type);
		return CKR_OK;
	case CKA_VALUE_LEN:
		value_ulong(v, a->value_len);
		return CKR_OK;
	case CKA_KEY_GEN_MECHANISM:
		value_ulong(v, !(a->flags & FLAG_LOCAL) ? CK_UNAVAILABLE_INFORMATION
			       : a->key_type == CKK_AES ? CKM_AES_KEY_GEN
							: CKM_GENERIC_SECRET_KEY_GEN);
		return CKR_OK;
	case CKA_ALWAYS_SENSITIVE:
		value_bool(v, a->flags & FLAG_SENSITIVE);
		return CKR_OK;
	case CKA_NEVER_EXTRACTABLE:
		value_bool(v, !(a->flags & FLAG_EXTRACTABLE));
		return CKR_OK;
	default:
		break;
	}
	if ((bit = key_usage_bit(type)) != 0) {
		value_bool(v, a->usage & bit);
		return CKR_OK;
	}
	if ((bit = key_flag_bit(type)) != 0) {
		value_bool(v, a->flags & bit);
		return CKR_OK;
	}
	return CKR_ATTRIBUTE_TYPE_INVALID;
}

/* CKA_VALUE of a user key, read straight into the caller's buffer. */
static CK_RV
value_get(const struct key_object *obj, CK_ATTRIBUTE *attr)
{
	long ret;

	if (obj->desc.type != KEY_TYPE_USER)
		return attr_unavailable(attr, CKR_ATTRIBUTE_SENSITIVE);
	if (attr->pValue == NULL) {
		ret = keyring_read(obj->serial, NULL, 0);
	} else {
		ret = keyring_read(obj->serial, attr->pValue, attr->ulValueLen);
		if (ret > 0 && (CK_ULONG)ret > attr->ulValueLen) {
			/* The kernel filled a prefix: wipe it, it is not an answer. */
			explicit_bzero(attr->pValue, attr->ulValueLen);
			return attr_unavailable(attr, CKR_BUFFER_TOO_SMALL);
		}
	}
	if (ret < 0)
		return attr_unavailable(attr, CKR_ATTRIBUTE_SENSITIVE);
	attr->ulValueLen = (CK_ULONG)ret;
	return CKR_OK;
}

CK_RV
key_object_get_attribute(const struct key_object *obj, CK_ATTRIBUTE *attr)
{
	struct attr_value v;
	CK_RV rv;

	if (attr->type == CKA_VALUE)
		return value_get(obj, attr);
	rv = attribute_value(obj, attr->type, &v);
	if (rv != CKR_OK)
		return attr_unavailable(attr, rv);
	return attr_fill(attr, v.ptr, v.len);
}

bool
key_object_allows(const struct key_object *obj, CK_ATTRIBUTE_TYPE usage)
{
	return obj->t.attrs.usage & key_usage_bit(usage);
}

CK_ULONG
key_object_size(const struct key_object *obj)
{
	if (obj->payload_len < 0)
		return CK_UNAVAILABLE_INFORMATION;
	return obj->desc.description_len + 1 + (CK_ULONG)obj->payload_len;
}

/* Whether one template entry matches @obj. CKA_VALUE and CKA_CHECK_VALUE are
 * never matched: comparing them would need the key. */
static bool
attribute_matches(const struct key_object *obj, const CK_ATTRIBUTE *want)
{
	struct attr_value v;

	if (attribute_value(obj, want->type, &v) != CKR_OK)
		return false;
	return attr_equals(want, v.ptr, v.len);
}

/* Append the matching objects of @ring to @found (capacity checked by caller). */
static CK_RV
find_in_ring(struct slot *slot, int32_t ring, bool token, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
	     CK_OBJECT_HANDLE **found, CK_ULONG *count)
{
	struct key_object *obj = NULL;
	CK_OBJECT_HANDLE *grown;
	int32_t *serials = NULL;
	CK_RV rv = CKR_GENERAL_ERROR;
	int nserials;

	nserials = keyring_list(ring, &serials);
	if (nserials < 0)
		return ring_error(slot, nserials);
	obj = malloc(sizeof(*obj));
	if (obj == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	/* realloc may have moved and freed *found: store it before any exit. */
	grown = realloc(*found, (*count + (size_t)nserials + 1) * sizeof(**found));
	if (grown == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	*found = grown;
	for (int i = 0; i < nserials; i++) {
		bool match = true;
		CK_RV one = key_object_describe(serials[i], ring, token, obj, -1);

		/* Keys that vanished or that we may not view are not objects;
		 * a lack of memory is an answer for the whole search. */
		if (one == CKR_HOST_MEMORY) {
			rv = one;
			goto out;
		}
		if (one != CKR_OK)
			continue;
		for (CK_ULONG j = 0; j < n && match; j++)
			match = attribute_matches(obj, &tmpl[j]);
		if (match)
			(*found)[(*count)++] = (CK_OBJECT_HANDLE)serials[i];
	}
	rv = CKR_OK;
out:
	free(obj);
	free(serials);
	return rv;
}

CK_RV
key_object_find(struct slot *slot, const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE **handles,
		CK_ULONG *count)
{
	int32_t session_ring = slot_session_ring(slot, false);
	CK_OBJECT_HANDLE *found = NULL;
	CK_ULONG nfound = 0;
	CK_RV rv;

	*handles = NULL;
	*count = 0;
	if (!slot_token_present(slot))
		return CKR_DEVICE_REMOVED;
	rv = find_in_ring(slot, slot->keyring, true, tmpl, n, &found, &nfound);
	if (rv == CKR_OK && session_ring > 0)
		rv = find_in_ring(slot, session_ring, false, tmpl, n, &found, &nfound);
	if (rv != CKR_OK) {
		free(found);
		return rv;
	}
	*handles = found;
	*count = nfound;
	return CKR_OK;
}

/*
 * Add a key of kernel type @type with @payload for template @t: a unique
 * description, the token's keyring or this process's session ring.
 */
static CK_RV
store(struct slot *slot, const struct key_template *t, CK_SESSION_HANDLE session,
      enum keyring_key_type type, const void *payload, size_t len, CK_OBJECT_HANDLE *handle)
{
	struct key_attrs *attrs = NULL;
	char *desc = NULL;
	CK_RV rv = CKR_GENERAL_ERROR;
	int32_t ring, serial;
	bool new_ring;
	int ret;

	if (!slot_token_present(slot))
		return CKR_DEVICE_REMOVED;
	/* A session ring made for this key goes again if the key fails. */
	new_ring = !t->token && slot_session_ring(slot, false) <= 0;
	ring = t->token ? slot->keyring : slot_session_ring(slot, true);
	if (ring <= 0) {
		rv = ring < 0 ? ckr_from_key_write_errno(-ring) : CKR_DEVICE_REMOVED;
		goto out;
	}
	attrs = malloc(sizeof(*attrs));
	desc = malloc(KEY_DESC_MAX + 1);
	if (attrs == NULL || desc == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	*attrs = t->attrs;
	attrs->session = t->token ? 0 : session;
	/* A logon key's bytes exist only in the kernel: it can never be copied. */
	if (type == KEY_TYPE_LOGON)
		attrs->flags &= ~(unsigned)FLAG_COPYABLE;
	/* add_key with an existing description would replace that key. */
	if (getrandom(attrs->nonce, sizeof(attrs->nonce), 0) != sizeof(attrs->nonce)) {
		rv = CKR_DEVICE_ERROR;
		goto out;
	}
	ret = key_desc_encode(attrs, desc, KEY_DESC_MAX + 1);
	if (ret < 0) {
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
		goto out;
	}
	serial = keyring_add(type, desc, payload, len, ring);
	if (serial < 0) {
		rv = slot_token_present(slot) ? ckr_from_key_write_errno(-serial)
					      : CKR_DEVICE_REMOVED;
		goto out;
	}
	if (!t->token && (ret = keyring_setperm(serial, SESSION_OBJECT_PERM)) < 0) {
		keyring_invalidate(serial);
		rv = ckr_from_key_write_errno(-ret);
		goto out;
	}
	*handle = (CK_OBJECT_HANDLE)serial;
	rv = CKR_OK;
out:
	if (rv != CKR_OK && new_ring && ring > 0)
		slot_session_ring_drop(slot);
	free(attrs);
	free(desc);
	return rv;
}

static enum keyring_key_type
storage_type(const struct key_template *t)
{
	return t->storage == STORE_USER ? KEY_TYPE_USER : KEY_TYPE_LOGON;
}

CK_RV
key_object_create(struct slot *slot, const struct key_template *t, CK_SESSION_HANDLE session,
		  CK_OBJECT_HANDLE *handle)
{
	return store(slot, t, session, storage_type(t), t->value, t->value_len, handle);
}

CK_RV
key_object_generate(struct slot *slot, const struct key_template *t, CK_SESSION_HANDLE session,
		    const char *master, CK_OBJECT_HANDLE *handle)
{
	size_t len = t->attrs.value_len;
	uint8_t *bytes;
	char cmd[256];
	CK_RV rv;

	/* In the kernel when it can: the bytes never exist in this process. */
	if (master != NULL && t->storage == STORE_LOGON && len >= ENCRYPTED_MIN &&
	    len <= ENCRYPTED_MAX) {
		int n = snprintf(cmd, sizeof(cmd), "new default %s %zu", master, len);

		if (n < 0 || (size_t)n >= sizeof(cmd))
			return CKR_GENERAL_ERROR;
		return store(slot, t, session, KEY_TYPE_ENCRYPTED, cmd, (size_t)n, handle);
	}
	bytes = malloc(len);
	if (bytes == NULL)
		return CKR_HOST_MEMORY;
	for (size_t done = 0; done < len;) {
		ssize_t n = getrandom(bytes + done, len - done, 0);

		if (n < 0 && errno != EINTR) {
			rv = CKR_DEVICE_ERROR;
			goto out;
		}
		if (n > 0)
			done += (size_t)n;
	}
	rv = store(slot, t, session, storage_type(t), bytes, len, handle);
out:
	explicit_bzero(bytes, len);
	free(bytes);
	return rv;
}

/* The payload of @obj: a user key's bytes, or an encrypted key's wrapped blob. */
static long
read_payload(const struct key_object *obj, uint8_t **out)
{
	long size, ret;

	*out = NULL;
	size = keyring_read(obj->serial, NULL, 0);
	if (size <= 0)
		return size < 0 ? size : -EINVAL;
	*out = malloc((size_t)size + 8);
	if (*out == NULL)
		return -ENOMEM;
	ret = keyring_read(obj->serial, *out + 5, (size_t)size);
	if (ret != size) {
		explicit_bzero(*out, (size_t)size + 8);
		free(*out);
		*out = NULL;
		return ret < 0 ? ret : -EAGAIN;
	}
	return size;
}

CK_RV
key_object_copy(struct slot *slot, const struct key_object *obj, const struct key_template *t,
		CK_SESSION_HANDLE session, CK_OBJECT_HANDLE *handle)
{
	uint8_t *buf;
	long size;
	CK_RV rv;

	/* A logon key's bytes exist only in the kernel: it cannot be copied. */
	if (!(obj->t.attrs.flags & FLAG_COPYABLE) || obj->desc.type == KEY_TYPE_LOGON)
		return CKR_ACTION_PROHIBITED;
	size = read_payload(obj, &buf);
	if (size < 0)
		return ckr_from_key_read_errno((int)-size);
	if (obj->desc.type == KEY_TYPE_ENCRYPTED) {
		/* In the kernel: load the wrapped blob under a new description. */
		memcpy(buf, "load ", 5);
		rv = store(slot, t, session, KEY_TYPE_ENCRYPTED, buf, (size_t)size + 5, handle);
	} else {
		rv = store(slot, t, session, storage_type(t), buf + 5, (size_t)size, handle);
	}
	explicit_bzero(buf, (size_t)size + 8);
	free(buf);
	return rv;
}

CK_RV
key_object_destroy(const struct key_object *obj)
{
	int ret;

	if (!(obj->t.attrs.flags & FLAG_DESTROYABLE))
		return CKR_ACTION_PROHIBITED;
	/* A plain key may be linked elsewhere and is not ours to invalidate. */
	ret = obj->module_made ? keyring_invalidate(obj->serial)
			       : keyring_unlink(obj->serial, obj->ring);
	return ret < 0 ? ckr_from_key_write_errno(-ret) : CKR_OK;
}

void
key_object_destroy_session_objects(struct slot *slot, CK_SESSION_HANDLE session)
{
	int32_t ring = slot_session_ring(slot, false);
	struct key_object *obj;
	int32_t *serials;
	int n;

	if (ring <= 0 || (n = keyring_list(ring, &serials)) <= 0)
		return;
	obj = malloc(sizeof(*obj));
	for (int i = 0; obj != NULL && i < n; i++)
		if (key_object_describe(serials[i], ring, false, obj, -1) == CKR_OK &&
		    obj->module_made && obj->t.attrs.session == session)
			keyring_invalidate(serials[i]);
	free(obj);
	free(serials);
}

CK_RV
key_object_value(const struct key_object *obj, uint8_t **value, size_t *len)
{
	uint8_t *buf;
	long size;

	*value = NULL;
	if (obj->desc.type != KEY_TYPE_USER || !(obj->t.attrs.flags & FLAG_EXTRACTABLE))
		return CKR_KEY_UNEXTRACTABLE;
	size = read_payload(obj, &buf);
	if (size < 0)
		return ckr_from_key_extract_errno((int)-size);
	/* read_payload leaves 5 bytes of room in front (for "load "). */
	memmove(buf, buf + 5, (size_t)size);
	explicit_bzero(buf + size, 5); /* what the move left of the key's tail */
	*value = buf;
	*len = (size_t)size;
	return CKR_OK;
}
