/* SPDX-License-Identifier: MIT */
/*
 * Target "api": sequences of PKCS#11 calls through the module's
 * CK_FUNCTION_LIST (C_GetFunctionList), linked with the emulated kernel
 * crypto of fuzz/fake-afalg.c (the reasons are there) and the real kernel
 * keyrings. Like p11-kit's rpc_fuzzer over its mock module.
 *
 * Keys: the process joins a new anonymous session keyring at start, so slot
 * 0x12 is a keyring of its own, emptied after every input. Slot 0x13 (the
 * user keyring, shared by every process of the uid and kept across runs) is
 * never opened: the fuzzer would create, and could destroy, real keys there.
 *
 * Input (fuzz/fuzz.h for templates, mechanisms, buffers and numbers): an
 * init byte (C_Initialize arguments % 4: NULL; CKF_OS_LOCKING_OK; the
 * application's mutex callbacks; only some callbacks, refused), then up to
 * MAX_CALLS calls, each an op byte (% N_OPS, enum below) and its arguments
 * as the op's function reads them. A session or object is a byte: an index
 * into those the sequence made (or found), or from 0xf8 a bad handle.
 * One op works on the kernel under the module: plain keys and keyrings made
 * by hand, keys revoked, invalidated, re-permissioned or unlinked.
 *
 * Invariants checked on every input (a violation aborts):
 *  - the length protocol (v2.40 section 5.2) for every call with
 *    variable-length output: a size query answers a length with which the
 *    call then succeeds or fails with something other than
 *    CKR_BUFFER_TOO_SMALL; CKR_BUFFER_TOO_SMALL gives a larger length;
 *    nothing is written past the buffer (each is exactly its size);
 *  - the operation state: a size query and CKR_BUFFER_TOO_SMALL keep the
 *    operation, a finished one-shot or final call ends it;
 *  - C_GetAttributeValue: a size query, then buffers of exactly the sizes
 *    given, gives the same lengths and the same result;
 *  - what a template sets (C_CreateObject, C_GenerateKey, C_CopyObject,
 *    C_UnwrapKey) reads back the same;
 *  - encrypting (MACing, digesting) in one call and in parts gives the same
 *    result, and decrypting (verifying) gives back the data;
 *  - the application's mutexes are never taken twice nor left held;
 *  - after C_Finalize no AF_ALG descriptor is open and no mutex exists;
 *  - no crash, no leak (LeakSanitizer), no sanitizer report.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "common/ckr.h"
#include "fuzz/fuzz.h"

#define MAX_CALLS 48
#define MAX_SESSIONS 8
#define MAX_OBJECTS 32
#define SLOT 0x12 /* the session keyring: this process's own */

static CK_FUNCTION_LIST *fl;
static bool tracing; /* FUZZ_TRACE set: each call and its result on stderr */

/* Every call goes through CALL, for FUZZ_TRACE: names and codes, never data. */
static CK_RV
traced(const char *name, CK_RV rv)
{
	const char *code = ckr_name(rv);

	if (tracing)
		fprintf(stderr, "  %s: %s (0x%lx)\n", name, code != NULL ? code : "?", rv);
	return rv;
}
#define CALL(fn, ...) traced(#fn, fl->fn(__VA_ARGS__))
static CK_OBJECT_HANDLE session_ring, process_ring;

static struct {
	CK_SESSION_HANDLE sessions[MAX_SESSIONS];
	size_t nsessions, next_session;
	CK_OBJECT_HANDLE objects[MAX_OBJECTS];
	size_t nobjects, next_object;
	bool initialized;
	int mutexes, held; /* the application's mutexes: existing, taken */
} st;

/* The application's mutex callbacks: non-recursive, checked. */
struct mutex {
	int taken;
};

static CK_RV
mutex_create(CK_VOID_PTR_PTR m)
{
	*m = calloc(1, sizeof(struct mutex));
	if (*m == NULL)
		return CKR_HOST_MEMORY;
	st.mutexes++;
	return CKR_OK;
}

static CK_RV
mutex_destroy(CK_VOID_PTR m)
{
	FZ_ASSERT(((struct mutex *)m)->taken == 0, "a held mutex destroyed");
	free(m);
	st.mutexes--;
	return CKR_OK;
}

static CK_RV
mutex_lock(CK_VOID_PTR m)
{
	FZ_ASSERT(((struct mutex *)m)->taken == 0, "a mutex taken twice");
	((struct mutex *)m)->taken = 1;
	st.held++;
	return CKR_OK;
}

static CK_RV
mutex_unlock(CK_VOID_PTR m)
{
	FZ_ASSERT(((struct mutex *)m)->taken == 1, "a free mutex unlocked");
	((struct mutex *)m)->taken = 0;
	st.held--;
	return CKR_OK;
}

static void
initialize(uint8_t how)
{
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	memset(&args, 0, sizeof(args));
	switch (how % 4) {
	case 0:
		rv = CALL(C_Initialize, NULL);
		break;
	case 1:
		args.flags = CKF_OS_LOCKING_OK;
		rv = CALL(C_Initialize, &args);
		break;
	case 2:
		args.CreateMutex = mutex_create;
		args.DestroyMutex = mutex_destroy;
		args.LockMutex = mutex_lock;
		args.UnlockMutex = mutex_unlock;
		rv = CALL(C_Initialize, &args);
		break;
	default:
		args.CreateMutex = mutex_create;
		rv = CALL(C_Initialize, &args);
		FZ_ASSERT(rv == CKR_ARGUMENTS_BAD, "C_Initialize with one callback: 0x%lx", rv);
		rv = CALL(C_Initialize, NULL);
		break;
	}
	FZ_ASSERT(rv == CKR_OK, "C_Initialize: 0x%lx", rv);
	st.initialized = true;
}

static void
finalize(void)
{
	CK_INFO info;
	CK_RV rv = CALL(C_Finalize, NULL);

	FZ_ASSERT(rv == CKR_OK, "C_Finalize: 0x%lx", rv);
	st.initialized = false;
	FZ_ASSERT(fake_afalg_open_count() == 0, "%d AF_ALG sockets open after C_Finalize",
		  fake_afalg_open_count());
	FZ_ASSERT(st.mutexes == 0 && st.held == 0, "%d mutexes left after C_Finalize", st.mutexes);
	rv = CALL(C_GetInfo, &info);
	FZ_ASSERT(rv == CKR_CRYPTOKI_NOT_INITIALIZED, "C_GetInfo after C_Finalize: 0x%lx", rv);
}

static void
remember(CK_OBJECT_HANDLE h)
{
	for (size_t i = 0; i < st.nobjects; i++)
		if (st.objects[i] == h)
			return;
	st.objects[st.next_object] = h;
	st.next_object = (st.next_object + 1) % MAX_OBJECTS;
	if (st.nobjects < MAX_OBJECTS)
		st.nobjects++;
}

static CK_SESSION_HANDLE
pick_session(struct fz *f)
{
	static const CK_SESSION_HANDLE bad[] = {0, 0xdead, ULONG_MAX, 1};
	uint8_t b = fz_u8(f);

	if (b >= 0xf8 || st.nsessions == 0)
		return bad[b % 4];
	return st.sessions[b % st.nsessions];
}

static CK_OBJECT_HANDLE
pick_object(struct fz *f)
{
	uint8_t b = fz_u8(f);
	CK_OBJECT_HANDLE h;

	if (b < 0xf8 && st.nobjects > 0)
		return st.objects[b % st.nobjects];
	switch (b % 8) {
	case 0:
		return 0;
	case 1:
		return session_ring; /* a keyring, not a key */
	case 2:
		return process_ring;
	case 3:
		return (CK_OBJECT_HANDLE)INT32_MAX + 1;
	case 4:
		return ULONG_MAX;
	case 5:
		return (CK_OBJECT_HANDLE)KEY_SPEC_SESSION_KEYRING;
	case 6:
		return 1;
	default:
		h = fz_u16(f);
		return h << 16 | fz_u16(f);
	}
}

/* The slot: ours, or one that does not exist. Never 0x13 (see above). */
static CK_SLOT_ID
pick_slot(struct fz *f)
{
	static const CK_SLOT_ID bad[] = {0, 1, 0x14, ULONG_MAX};
	uint8_t b = fz_u8(f);

	return b < 0xf0 ? SLOT : bad[b % 4];
}

/* Input bytes, exact-size; NULL only with a zero length. */
static uint8_t *
data(struct fz *f, size_t max, CK_ULONG *len)
{
	size_t n;
	uint8_t *p = fz_take(f, fz_u16(f) % (max + 1), &n);

	*len = n;
	return p;
}

/* ---- Calls with variable-length output, and the length protocol ---- */

enum kind { K_ENCRYPT, K_DECRYPT, K_DIGEST, K_SIGN, K_VERIFY, N_KINDS };
enum stage { ONESHOT, UPDATE, FINAL, WRAP };

struct call {
	enum kind kind;
	enum stage stage;
	CK_SESSION_HANDLE s;
	const uint8_t *in;
	CK_ULONG in_len;
	CK_MECHANISM *mech; /* WRAP */
	CK_OBJECT_HANDLE wrapping, key;
};

static CK_RV
call(const struct call *c, CK_BYTE_PTR out, CK_ULONG_PTR len)
{
	CK_BYTE_PTR in = (CK_BYTE_PTR)c->in;

	if (c->stage == WRAP)
		return CALL(C_WrapKey, c->s, c->mech, c->wrapping, c->key, out, len);
	switch (c->kind) {
	case K_ENCRYPT:
		return c->stage == ONESHOT  ? CALL(C_Encrypt, c->s, in, c->in_len, out, len)
		       : c->stage == UPDATE ? CALL(C_EncryptUpdate, c->s, in, c->in_len, out, len)
					    : CALL(C_EncryptFinal, c->s, out, len);
	case K_DECRYPT:
		return c->stage == ONESHOT  ? CALL(C_Decrypt, c->s, in, c->in_len, out, len)
		       : c->stage == UPDATE ? CALL(C_DecryptUpdate, c->s, in, c->in_len, out, len)
					    : CALL(C_DecryptFinal, c->s, out, len);
	case K_DIGEST:
		return c->stage == ONESHOT ? CALL(C_Digest, c->s, in, c->in_len, out, len)
					   : CALL(C_DigestFinal, c->s, out, len);
	default:
		return c->stage == ONESHOT ? CALL(C_Sign, c->s, in, c->in_len, out, len)
					   : CALL(C_SignFinal, c->s, out, len);
	}
}

/* Errors returned before the operation is looked at: it is untouched. */
static bool
before_operation(CK_RV rv)
{
	return rv == CKR_ARGUMENTS_BAD || rv == CKR_SESSION_HANDLE_INVALID ||
	       rv == CKR_CRYPTOKI_NOT_INITIALIZED || rv == CKR_OPERATION_NOT_INITIALIZED;
}

/*
 * Whether the operation of @c is still active, asked with a size query of
 * its final call. That may end it (a final call can fail where an update
 * did not): ask only after the last call of a protocol run.
 */
static bool
still_active(const struct call *c)
{
	struct call q = *c;
	CK_ULONG len = 0;

	q.stage = FINAL;
	return call(&q, NULL, &len) != CKR_OPERATION_NOT_INITIALIZED;
}

/* After @rv from @c (@wrote: with an output buffer), is the operation where it should be? */
static void
check_state(const struct call *c, CK_RV rv, bool wrote)
{
	bool kept;

	if (c->stage == WRAP || c->kind == K_VERIFY || before_operation(rv))
		return;
	kept = rv == CKR_BUFFER_TOO_SMALL || rv == CKR_OPERATION_ACTIVE ||
	       (rv == CKR_OK && (c->stage == UPDATE || !wrote));
	FZ_ASSERT(still_active(c) == kept, "kind %d stage %d: rv 0x%lx %s the operation", c->kind,
		  c->stage, rv, kept ? "ended" : "kept");
}

/*
 * A bound on any output: input plus padding or a digest; a key plus a
 * semiblock; a final call may return a whole buffered AEAD message.
 */
static CK_ULONG
output_bound(const struct call *c)
{
	if (c->stage == WRAP)
		return 32767 + 16;
	return c->stage == FINAL ? 1UL << 24 : c->in_len + 64;
}

/*
 * Call @c with an output buffer chosen by the input (form byte: % 4 selects
 * 0: size query, then exactly that; 1: a buffer of a u16 size (mod 4200),
 * then, when too small, exactly the size asked for; 2: NULL out_len;
 * 3: a size query only; 0x80 set: check the operation state after the last
 * call), checking the length protocol. Between the calls, the next call
 * itself shows that a size query or CKR_BUFFER_TOO_SMALL kept the
 * operation. Return: the last rv, the output in *res.
 */
static CK_RV
output(struct fz *f, const struct call *c, uint8_t form, uint8_t **res, CK_ULONG *res_len)
{
	bool probe = form & 0x80;
	CK_ULONG len = 0, size;
	uint8_t *buf;
	CK_RV rv;

	*res = NULL;
	*res_len = 0;
	switch (form % 4) {
	case 1:
		size = fz_u16(f) % 4200;
		break;
	case 2:
		buf = fz_alloc(f, 16);
		rv = call(c, buf, NULL);
		FZ_ASSERT(rv == CKR_ARGUMENTS_BAD, "NULL output length: 0x%lx", rv);
		return rv;
	default:
		rv = call(c, NULL, &len);
		if (rv != CKR_OK || form % 4 == 3) {
			if (probe)
				check_state(c, rv, false);
			return rv;
		}
		FZ_ASSERT(len <= output_bound(c), "size query: %lu bytes for %lu in", len,
			  c->in_len);
		size = len;
		break;
	}
	buf = fz_alloc(f, size);
	len = size;
	rv = call(c, buf, &len);
	if (rv == CKR_BUFFER_TOO_SMALL) {
		FZ_ASSERT(form % 4 == 1, "the size the query gave (%lu) is too small", size);
		FZ_ASSERT(len > size && len <= output_bound(c),
			  "too small: %lu bytes, then asks for %lu", size, len);
		size = len;
		buf = fz_alloc(f, size);
		rv = call(c, buf, &len);
		FZ_ASSERT(rv != CKR_BUFFER_TOO_SMALL, "the size asked for (%lu) is too small",
			  size);
		FZ_ASSERT(rv != CKR_OPERATION_NOT_INITIALIZED,
			  "the operation ended with CKR_BUFFER_TOO_SMALL");
	}
	FZ_ASSERT(rv != CKR_OPERATION_NOT_INITIALIZED || form % 4 == 1,
		  "the operation ended after a size query");
	if (probe)
		check_state(c, rv, true);
	if (rv != CKR_OK)
		return rv;
	FZ_ASSERT(len <= size, "wrote %lu bytes into %lu", len, size);
	*res = buf;
	*res_len = len;
	return rv;
}

/* ---- What a template sets reads back the same ---- */

static bool
is_bool_attr(CK_ATTRIBUTE_TYPE t)
{
	switch (t) {
	case CKA_TOKEN:
	case CKA_PRIVATE:
	case CKA_MODIFIABLE:
	case CKA_DESTROYABLE:
	case CKA_SENSITIVE:
	case CKA_EXTRACTABLE:
	case CKA_WRAP_WITH_TRUSTED:
	case CKA_ENCRYPT:
	case CKA_DECRYPT:
	case CKA_SIGN:
	case CKA_VERIFY:
	case CKA_WRAP:
	case CKA_UNWRAP:
	case CKA_DERIVE:
		return true;
	default:
		return false;
	}
}

/*
 * CKA_COPYABLE is left out: a logon key can never be copied, so the module
 * stores it FALSE whatever the template said (slots/key-object.c).
 */
static bool
reads_back(CK_ATTRIBUTE_TYPE t)
{
	return is_bool_attr(t) || t == CKA_CLASS || t == CKA_KEY_TYPE || t == CKA_LABEL ||
	       t == CKA_ID || t == CKA_VALUE_LEN || t == CKA_VALUE || t == CKA_START_DATE ||
	       t == CKA_END_DATE;
}

static void
check_readback(struct fz *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, const CK_ATTRIBUTE *tmpl,
	       CK_ULONG n)
{
	/* FUZZ_TRACE: the template's types and lengths, and CK_BBOOL values. */
	for (CK_ULONG i = 0; tracing && i < n; i++) {
		const CK_ATTRIBUTE *a = &tmpl[i];

		if (a->ulValueLen == 1 && a->pValue != NULL)
			fprintf(stderr, "    0x%lx = %u\n", a->type, *(CK_BBOOL *)a->pValue);
		else
			fprintf(stderr, "    0x%lx: %lu bytes\n", a->type, a->ulValueLen);
	}
	for (CK_ULONG i = 0; i < n; i++) {
		const CK_ATTRIBUTE *want = &tmpl[i];
		CK_ATTRIBUTE got = {want->type, NULL, 0};
		CK_RV rv;

		if (!reads_back(want->type))
			continue;
		rv = CALL(C_GetAttributeValue, s, h, &got, 1);
		if (want->type == CKA_VALUE && rv == CKR_ATTRIBUTE_SENSITIVE)
			continue; /* a logon key */
		FZ_ASSERT(rv == CKR_OK && got.ulValueLen != CK_UNAVAILABLE_INFORMATION,
			  "attribute 0x%lx of a new object: 0x%lx", want->type, rv);
		got.pValue = fz_alloc(f, got.ulValueLen);
		rv = CALL(C_GetAttributeValue, s, h, &got, 1);
		FZ_ASSERT(rv == CKR_OK, "attribute 0x%lx of a new object: 0x%lx", want->type, rv);
		if (is_bool_attr(want->type))
			FZ_ASSERT(got.ulValueLen == 1 && want->ulValueLen == 1 &&
					  !*(CK_BBOOL *)got.pValue == !*(CK_BBOOL *)want->pValue,
				  "attribute 0x%lx reads back otherwise", want->type);
		else
			FZ_ASSERT(got.ulValueLen == want->ulValueLen &&
					  (got.ulValueLen == 0 ||
					   memcmp(got.pValue, want->pValue, got.ulValueLen) == 0),
				  "attribute 0x%lx reads back otherwise (%lu bytes for %lu)",
				  want->type, got.ulValueLen, want->ulValueLen);
	}
}

/* ---- The calls ---- */

static void
op_open(struct fz *f)
{
	static const CK_FLAGS flags[] = {CKF_SERIAL_SESSION | CKF_RW_SESSION, CKF_SERIAL_SESSION,
					 CKF_RW_SESSION, 0};
	CK_SLOT_ID slot = pick_slot(f);
	CK_SESSION_HANDLE h;
	CK_RV rv;

	rv = CALL(C_OpenSession, slot, flags[fz_u8(f) % 4], NULL, NULL, &h);
	if (rv != CKR_OK)
		return;
	st.sessions[st.next_session] = h;
	st.next_session = (st.next_session + 1) % MAX_SESSIONS;
	if (st.nsessions < MAX_SESSIONS)
		st.nsessions++;
}

static void
op_close(struct fz *f)
{
	if (fz_u8(f) % 2 == 0)
		CALL(C_CloseSession, pick_session(f));
	else
		CALL(C_CloseAllSessions, pick_slot(f));
}

static void
op_create(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n;

	tmpl = fz_template(f, &n);
	if (CALL(C_CreateObject, s, tmpl, n, &h) != CKR_OK)
		return;
	remember(h);
	check_readback(f, s, h, tmpl, n);
}

static void
op_generate(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_MECHANISM mech;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n;

	fz_mechanism(f, &mech);
	tmpl = fz_template(f, &n);
	if (CALL(C_GenerateKey, s, &mech, tmpl, n, &h) != CKR_OK)
		return;
	remember(h);
	check_readback(f, s, h, tmpl, n);
}

static void
op_copy(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE from = pick_object(f), h;
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n;

	tmpl = fz_template(f, &n);
	if (CALL(C_CopyObject, s, from, tmpl, n, &h) != CKR_OK)
		return;
	remember(h);
	check_readback(f, s, h, tmpl, n);
}

static void
op_destroy(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);

	CALL(C_DestroyObject, s, pick_object(f));
}

/*
 * C_GetAttributeValue of up to 8 types. Form byte even: a size query for
 * all, then buffers of exactly the sizes given; odd: a buffer form per
 * attribute (NULL, or a u16 size mod 4200).
 */
static void
op_get_attributes(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE h = pick_object(f);
	uint8_t form = fz_u8(f);
	CK_ULONG n = fz_u8(f) % 9, *sizes;
	CK_ATTRIBUTE *tmpl = fz_alloc(f, n * sizeof(*tmpl));
	CK_RV rv, again;

	sizes = fz_alloc(f, n * sizeof(*sizes));
	for (CK_ULONG i = 0; i < n; i++) {
		tmpl[i].type = fz_attr_type(f);
		if (form % 2 == 1 && fz_u8(f) % 2 == 0) {
			sizes[i] = fz_u16(f) % 4200;
			tmpl[i].pValue = fz_alloc(f, sizes[i]);
			tmpl[i].ulValueLen = sizes[i];
		}
	}
	rv = CALL(C_GetAttributeValue, s, h, n > 0 ? tmpl : NULL, n);
	if (form % 2 == 1) {
		for (CK_ULONG i = 0; i < n; i++)
			FZ_ASSERT(tmpl[i].pValue == NULL ||
					  tmpl[i].ulValueLen == CK_UNAVAILABLE_INFORMATION ||
					  tmpl[i].ulValueLen <= sizes[i],
				  "attribute 0x%lx: %lu bytes in a %lu-byte buffer", tmpl[i].type,
				  tmpl[i].ulValueLen, sizes[i]);
		return;
	}
	if (rv != CKR_OK && rv != CKR_ATTRIBUTE_SENSITIVE && rv != CKR_ATTRIBUTE_TYPE_INVALID)
		return;
	for (CK_ULONG i = 0; i < n; i++) {
		sizes[i] = tmpl[i].ulValueLen;
		if (sizes[i] != CK_UNAVAILABLE_INFORMATION) {
			FZ_ASSERT(sizes[i] <= 32767, "attribute 0x%lx of %lu bytes", tmpl[i].type,
				  sizes[i]);
			tmpl[i].pValue = fz_alloc(f, sizes[i]);
		}
	}
	again = CALL(C_GetAttributeValue, s, h, n > 0 ? tmpl : NULL, n);
	FZ_ASSERT(again == rv, "sized as asked: 0x%lx, after the size query's 0x%lx", again, rv);
	for (CK_ULONG i = 0; i < n; i++)
		FZ_ASSERT(tmpl[i].ulValueLen == sizes[i], "attribute 0x%lx: %lu bytes, said %lu",
			  tmpl[i].type, tmpl[i].ulValueLen, sizes[i]);
}

static void
op_set_attributes(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE h = pick_object(f);
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n;

	tmpl = fz_template(f, &n);
	CALL(C_SetAttributeValue, s, h, tmpl, n);
}

static void
op_find(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n, rounds;

	tmpl = fz_template(f, &n);
	if (CALL(C_FindObjectsInit, s, tmpl, n) != CKR_OK)
		return;
	rounds = fz_u8(f) % 4;
	for (CK_ULONG r = 0; r < rounds; r++) {
		CK_ULONG max = fz_u8(f) % 40, count = ULONG_MAX;
		CK_OBJECT_HANDLE *found = fz_alloc(f, max * sizeof(*found));
		CK_RV rv = CALL(C_FindObjects, s, found, max, &count);

		if (rv != CKR_OK)
			continue;
		FZ_ASSERT(count <= max, "%lu objects found into %lu", count, max);
		for (CK_ULONG i = 0; i < count; i++) {
			CK_OBJECT_CLASS klass = 0;
			CK_ATTRIBUTE a = {CKA_CLASS, &klass, sizeof(klass)};

			rv = CALL(C_GetAttributeValue, s, found[i], &a, 1);
			FZ_ASSERT(rv == CKR_OK && klass == CKO_SECRET_KEY,
				  "a found object: 0x%lx, class 0x%lx", rv, klass);
			remember(found[i]);
		}
	}
	if (fz_u8(f) % 4 != 0) /* else leave it to C_CloseSession / C_Finalize */
		CALL(C_FindObjectsFinal, s);
}

static CK_RV
init(enum kind kind, CK_SESSION_HANDLE s, CK_MECHANISM *mech, CK_OBJECT_HANDLE key)
{
	switch (kind) {
	case K_ENCRYPT:
		return CALL(C_EncryptInit, s, mech, key);
	case K_DECRYPT:
		return CALL(C_DecryptInit, s, mech, key);
	case K_DIGEST:
		return CALL(C_DigestInit, s, mech);
	case K_SIGN:
		return CALL(C_SignInit, s, mech, key);
	default:
		return CALL(C_VerifyInit, s, mech, key);
	}
}

static void
op_init(struct fz *f)
{
	enum kind kind = fz_u8(f) % N_KINDS;
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE key = pick_object(f);
	CK_MECHANISM mech;

	fz_mechanism(f, &mech);
	init(kind, s, fz_u8(f) == 0xff ? NULL : &mech, key);
}

/* Input for a crypto call: fz_buf(3000), so NULL with a length happens. */
static void
op_crypt(struct fz *f, enum stage stage)
{
	struct call c = {.stage = stage};
	uint8_t *in, *sig, *out;
	CK_ULONG sig_len, out_len;

	c.kind = fz_u8(f) % N_KINDS;
	c.s = pick_session(f);

	fz_buf(f, 3000, &in, &c.in_len);
	c.in = in;
	if (stage == FINAL) {
		c.in = NULL;
		c.in_len = 0;
	}
	if (c.kind == K_VERIFY) {
		fz_buf(f, 128, &sig, &sig_len);
		if (stage == ONESHOT)
			CALL(C_Verify, c.s, in, c.in_len, sig, sig_len);
		else if (stage == UPDATE)
			CALL(C_VerifyUpdate, c.s, in, c.in_len);
		else
			CALL(C_VerifyFinal, c.s, sig, sig_len);
		return;
	}
	if (stage == UPDATE && c.kind == K_DIGEST) {
		CALL(C_DigestUpdate, c.s, in, c.in_len);
		return;
	}
	if (stage == UPDATE && c.kind == K_SIGN) {
		CALL(C_SignUpdate, c.s, in, c.in_len);
		return;
	}
	output(f, &c, fz_u8(f), &out, &out_len);
}

static void
op_wrap(struct fz *f)
{
	struct call c = {.stage = WRAP, .s = pick_session(f)};
	CK_MECHANISM mech;
	uint8_t *out;
	CK_ULONG out_len;

	fz_mechanism(f, &mech);
	c.mech = &mech;
	c.wrapping = pick_object(f);
	c.key = pick_object(f);
	output(f, &c, fz_u8(f), &out, &out_len);
}

static void
op_unwrap(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE kek = pick_object(f), h;
	CK_MECHANISM mech;
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n, len;
	uint8_t *wrapped;

	fz_mechanism(f, &mech);
	fz_buf(f, 600, &wrapped, &len);
	tmpl = fz_template(f, &n);
	if (CALL(C_UnwrapKey, s, &mech, kek, wrapped, len, tmpl, n, &h) != CKR_OK)
		return;
	remember(h);
	check_readback(f, s, h, tmpl, n);
}

static void
op_random(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	uint8_t *buf;
	CK_ULONG len;

	fz_buf(f, 0, &buf, &len); /* the form: a buffer, NULL, or NULL with a length */
	if (buf != NULL) {
		len = fz_u16(f) % 5000;
		buf = fz_alloc(f, len);
	}
	if (fz_u8(f) % 2 == 0)
		CALL(C_GenerateRandom, s, buf, len);
	else
		CALL(C_SeedRandom, s, buf, len);
}

/* C_GetSlotList and C_GetMechanismList: a count query, then the protocol. */
static void
check_list(struct fz *f, bool mechanisms)
{
	CK_ULONG n = 0, m;
	CK_ULONG *list;
	CK_RV rv;

	rv = mechanisms ? CALL(C_GetMechanismList, SLOT, NULL, &n)
			: CALL(C_GetSlotList, 0, NULL, &n);
	FZ_ASSERT(rv == CKR_OK && n < 64, "list size query: 0x%lx, %lu", rv, n);
	list = fz_alloc(f, n * sizeof(*list));
	m = n;
	rv = mechanisms ? CALL(C_GetMechanismList, SLOT, list, &m)
			: CALL(C_GetSlotList, 0, list, &m);
	FZ_ASSERT(rv == CKR_OK && m == n, "list of %lu: 0x%lx, %lu", n, rv, m);
	if (n == 0)
		return;
	m = n - 1;
	rv = mechanisms ? CALL(C_GetMechanismList, SLOT, list, &m)
			: CALL(C_GetSlotList, 0, list, &m);
	FZ_ASSERT(rv == CKR_BUFFER_TOO_SMALL && m == n, "list of %lu in %lu: 0x%lx, %lu", n, n - 1,
		  rv, m);
}

static void
op_info(struct fz *f)
{
	CK_INFO info;
	CK_SLOT_INFO slot;
	CK_TOKEN_INFO token;
	CK_MECHANISM_INFO mech;
	CK_SESSION_INFO session;
	CK_MECHANISM m;

	switch (fz_u8(f) % 7) {
	case 0:
		CALL(C_GetInfo, &info);
		break;
	case 1:
		CALL(C_GetSlotInfo, pick_slot(f), &slot);
		break;
	case 2:
		CALL(C_GetTokenInfo, pick_slot(f), &token);
		break;
	case 3:
		fz_mechanism(f, &m);
		CALL(C_GetMechanismInfo, pick_slot(f), m.mechanism, &mech);
		break;
	case 4:
		CALL(C_GetSessionInfo, pick_session(f), &session);
		break;
	default:
		check_list(f, fz_u8(f) % 2 == 0);
		break;
	}
}

static void
op_login(struct fz *f)
{
	static const CK_USER_TYPE users[] = {CKU_USER, CKU_SO, CKU_CONTEXT_SPECIFIC, 7};
	CK_SESSION_HANDLE s = pick_session(f);
	CK_USER_TYPE user = users[fz_u8(f) % 4];
	uint8_t *pin;
	CK_ULONG len;

	fz_buf(f, 16, &pin, &len);
	if (fz_u8(f) % 3 == 0)
		CALL(C_Logout, s);
	else
		CALL(C_Login, s, user, pin, len);
}

static void
op_reinit(struct fz *f)
{
	CK_RV rv;

	switch (fz_u8(f) % 4) {
	case 0:
		finalize();
		initialize(fz_u8(f));
		break;
	case 1:
		rv = CALL(C_Initialize, NULL);
		FZ_ASSERT(rv == CKR_CRYPTOKI_ALREADY_INITIALIZED, "C_Initialize twice: 0x%lx", rv);
		break;
	case 2:
		rv = CALL(C_Finalize, &rv);
		FZ_ASSERT(rv == CKR_ARGUMENTS_BAD, "C_Finalize(non-NULL): 0x%lx", rv);
		break;
	default:
		finalize();
		rv = CALL(C_Finalize, NULL);
		FZ_ASSERT(rv == CKR_CRYPTOKI_NOT_INITIALIZED, "C_Finalize twice: 0x%lx", rv);
		initialize(fz_u8(f));
		break;
	}
}

static void
op_object(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE h = pick_object(f);
	CK_ULONG size;

	if (fz_u8(f) % 2 == 0)
		CALL(C_DigestKey, s, h);
	else
		CALL(C_GetObjectSize, s, h, fz_u8(f) == 0xff ? NULL : &size);
}

/*
 * The kernel under the module: keys made by hand in this process's session
 * keyring (a plain user or logon key, or a keyring, with a fuzzed
 * description and payload), and keys of the sequence revoked, invalidated,
 * given other permissions or unlinked between calls. Only keys this
 * sequence made or found are touched: never a bad handle, which could be a
 * keyring of the process or another key of the system.
 */
static void
op_kernel(struct fz *f)
{
	static const char *const types[] = {"user", "logon", "keyring"};
	uint8_t what = fz_u8(f), *desc, *payload;
	CK_ULONG desc_len, len;
	key_serial_t key;
	key_perm_t perm;
	char *name;

	if (what % 5 == 0) {
		fz_buf(f, 4100, &desc, &desc_len);
		fz_buf(f, 64, &payload, &len);
		if (desc == NULL)
			desc_len = 0;		  /* NULL with a length: the empty description */
		name = fz_alloc(f, desc_len + 1); /* a C string: a NUL ends it */
		if (desc_len > 0)
			memcpy(name, desc, desc_len);
		key = add_key(types[fz_u8(f) % 3], name, payload, payload != NULL ? len : 0,
			      KEY_SPEC_SESSION_KEYRING);
		if (key > 0)
			remember((CK_OBJECT_HANDLE)key);
		return;
	}
	if (st.nobjects == 0)
		return;
	key = (key_serial_t)st.objects[fz_u8(f) % st.nobjects];
	switch (what % 5) {
	case 1:
		keyctl_revoke(key);
		break;
	case 2:
		keyctl_invalidate(key);
		break;
	case 3:
		perm = (key_perm_t)fz_u16(f) << 16;
		keyctl_setperm(key, perm | fz_u16(f));
		break;
	default:
		keyctl_unlink(key, KEY_SPEC_SESSION_KEYRING);
		break;
	}
}

/* ---- One call and in parts: the same result; and back again ---- */

/*
 * Run @kind over @in with @mech and @key: one call, or (@parts) updates of
 * sizes read from the input (one byte each) and a final call, each through a
 * size query and exactly that size. Return: rv, the output in *out.
 */
static CK_RV
run(struct fz *f, enum kind kind, bool parts, CK_SESSION_HANDLE s, CK_MECHANISM *mech,
    CK_OBJECT_HANDLE key, const uint8_t *in, CK_ULONG len, uint8_t **out, CK_ULONG *out_len)
{
	struct call c = {.kind = kind, .stage = ONESHOT, .s = s, .in = in, .in_len = len};
	uint8_t *piece, *all;
	CK_ULONG piece_len, done = 0, total = 0;
	CK_RV rv;

	*out = NULL;
	*out_len = 0;
	rv = init(kind, s, mech, key);
	if (rv != CKR_OK)
		return rv;
	if (!parts)
		return output(f, &c, 0, out, out_len);
	all = fz_alloc(f, len + 64);
	c.stage = UPDATE;
	for (int i = 0; i < 64 && (i == 0 || done < len); i++) {
		c.in = in + done;
		c.in_len = i == 63 || fz_empty(f) ? len - done : fz_u8(f);
		if (c.in_len > len - done)
			c.in_len = len - done;
		done += c.in_len;
		if (kind == K_DIGEST)
			rv = CALL(C_DigestUpdate, s, (CK_BYTE_PTR)c.in, c.in_len);
		else if (kind == K_SIGN)
			rv = CALL(C_SignUpdate, s, (CK_BYTE_PTR)c.in, c.in_len);
		else
			rv = output(f, &c, 0, &piece, &piece_len);
		if (rv != CKR_OK)
			return rv;
		if (kind == K_ENCRYPT || kind == K_DECRYPT) {
			FZ_ASSERT(total + piece_len <= len + 64, "updates gave %lu bytes for %lu",
				  total + piece_len, len);
			if (piece_len > 0)
				memcpy(all + total, piece, piece_len);
			total += piece_len;
		}
	}
	c.stage = FINAL;
	rv = output(f, &c, 0, &piece, &piece_len);
	if (rv != CKR_OK)
		return rv;
	FZ_ASSERT(total + piece_len <= len + 64, "parts gave %lu bytes for %lu", total + piece_len,
		  len);
	if (piece_len > 0)
		memcpy(all + total, piece, piece_len);
	*out = all;
	*out_len = total + piece_len;
	return CKR_OK;
}

static bool
same(const uint8_t *a, CK_ULONG a_len, const uint8_t *b, CK_ULONG b_len)
{
	return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

/* @what in one call and in parts: the same rv and output. Return rv. */
static CK_RV
both_ways(struct fz *f, enum kind kind, CK_SESSION_HANDLE s, CK_MECHANISM *mech,
	  CK_OBJECT_HANDLE key, const uint8_t *in, CK_ULONG len, uint8_t **out, CK_ULONG *out_len)
{
	uint8_t *parts;
	CK_ULONG parts_len;
	CK_RV rv = run(f, kind, false, s, mech, key, in, len, out, out_len);
	CK_RV rv2 = run(f, kind, true, s, mech, key, in, len, &parts, &parts_len);

	FZ_ASSERT(rv == rv2, "kind %d, mechanism 0x%lx: one call 0x%lx, in parts 0x%lx", kind,
		  mech->mechanism, rv, rv2);
	FZ_ASSERT(rv != CKR_OK || same(*out, *out_len, parts, parts_len),
		  "kind %d, mechanism 0x%lx: one call and in parts differ (%lu, %lu bytes)", kind,
		  mech->mechanism, *out_len, parts_len);
	return rv;
}

/* A user key wrapped and unwrapped again has the same value. */
static void
wrap_roundtrip(struct fz *f, CK_SESSION_HANDLE s, CK_MECHANISM *mech, CK_OBJECT_HANDLE kek)
{
	struct call c = {.stage = WRAP, .s = s, .mech = mech, .wrapping = kek};
	CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
	CK_KEY_TYPE type;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &klass, sizeof(klass)},
		{CKA_KEY_TYPE, &type, sizeof(type)},
		{CKA_EXTRACTABLE, &yes, sizeof(yes)},
		{CKA_TOKEN, &no, sizeof(no)},
	};
	CK_ATTRIBUTE value[2] = {{CKA_VALUE, NULL, 0}, {CKA_VALUE, NULL, 0}};
	CK_OBJECT_HANDLE copy;
	uint8_t *wrapped;
	CK_ULONG wrapped_len;
	CK_RV rv;

	c.key = pick_object(f);
	if (output(f, &c, 0, &wrapped, &wrapped_len) != CKR_OK)
		return;
	rv = CALL(C_GetAttributeValue, s, c.key, &tmpl[1], 1);
	FZ_ASSERT(rv == CKR_OK, "the type of a wrapped key: 0x%lx", rv);
	rv = CALL(C_UnwrapKey, s, mech, kek, wrapped, wrapped_len, tmpl, 4, &copy);
	if (rv == CKR_KEY_FUNCTION_NOT_PERMITTED)
		return; /* the KEK may wrap but not unwrap */
	FZ_ASSERT(rv == CKR_OK, "mechanism 0x%lx: unwrapping what it wrapped: 0x%lx",
		  mech->mechanism, rv);
	remember(copy);
	for (int i = 0; i < 2; i++) {
		CK_OBJECT_HANDLE h = i == 0 ? c.key : copy;

		rv = CALL(C_GetAttributeValue, s, h, &value[i], 1);
		if (rv == CKR_OK) {
			value[i].pValue = fz_alloc(f, value[i].ulValueLen);
			rv = CALL(C_GetAttributeValue, s, h, &value[i], 1);
		}
		FZ_ASSERT(rv == CKR_OK, "the value of a wrapped or unwrapped key: 0x%lx", rv);
	}
	FZ_ASSERT(same(value[0].pValue, value[0].ulValueLen, value[1].pValue, value[1].ulValueLen),
		  "mechanism 0x%lx: the unwrapped key differs (%lu bytes for %lu)", mech->mechanism,
		  value[1].ulValueLen, value[0].ulValueLen);
}

static void
op_roundtrip(struct fz *f)
{
	CK_SESSION_HANDLE s = pick_session(f);
	CK_OBJECT_HANDLE key = pick_object(f);
	uint8_t which = fz_u8(f), *in, *sealed, *opened, *mac;
	CK_ULONG len, sealed_len, opened_len, mac_len;
	CK_MECHANISM_INFO info;
	CK_MECHANISM mech;
	CK_RV rv;

	fz_mechanism(f, &mech);
	in = data(f, 2048, &len);
	if (CALL(C_GetMechanismInfo, SLOT, mech.mechanism, &info) != CKR_OK)
		return;
	if ((info.flags & CKF_WRAP) && (which % 2 == 0 || !(info.flags & CKF_ENCRYPT))) {
		wrap_roundtrip(f, s, &mech, key);
	} else if (info.flags & CKF_ENCRYPT) {
		if (both_ways(f, K_ENCRYPT, s, &mech, key, in, len, &sealed, &sealed_len) != CKR_OK)
			return;
		rv = both_ways(f, K_DECRYPT, s, &mech, key, sealed, sealed_len, &opened,
			       &opened_len);
		FZ_ASSERT(rv == CKR_OK || rv == CKR_KEY_FUNCTION_NOT_PERMITTED,
			  "mechanism 0x%lx: decrypting what it encrypted: 0x%lx", mech.mechanism,
			  rv);
		FZ_ASSERT(rv != CKR_OK || same(opened, opened_len, in, len),
			  "mechanism 0x%lx: decrypted %lu bytes differ from the %lu encrypted",
			  mech.mechanism, opened_len, len);
	} else if (info.flags & CKF_SIGN) {
		if (both_ways(f, K_SIGN, s, &mech, key, in, len, &mac, &mac_len) != CKR_OK)
			return;
		if (init(K_VERIFY, s, &mech, key) != CKR_OK)
			return;
		rv = CALL(C_Verify, s, in, len, mac, mac_len);
		FZ_ASSERT(rv == CKR_OK, "mechanism 0x%lx: verifying its own MAC: 0x%lx",
			  mech.mechanism, rv);
		if (mac_len == 0 || init(K_VERIFY, s, &mech, key) != CKR_OK)
			return;
		which = fz_u8(f);
		mac[which % mac_len] ^= (uint8_t)(1u << (fz_u8(f) % 8));
		rv = CALL(C_Verify, s, in, len, mac, mac_len);
		FZ_ASSERT(rv == CKR_SIGNATURE_INVALID, "mechanism 0x%lx: a changed MAC: 0x%lx",
			  mech.mechanism, rv);
		rv = CALL(C_VerifyFinal, s, mac, mac_len);
		FZ_ASSERT(rv == CKR_OPERATION_NOT_INITIALIZED, "C_Verify kept the operation: 0x%lx",
			  rv);
	} else if (info.flags & CKF_DIGEST) {
		both_ways(f, K_DIGEST, s, &mech, key, in, len, &mac, &mac_len);
	}
}

enum op {
	OP_OPEN,
	OP_CLOSE,
	OP_CREATE,
	OP_GENERATE,
	OP_COPY,
	OP_DESTROY,
	OP_GET_ATTRIBUTES,
	OP_SET_ATTRIBUTES,
	OP_FIND,
	OP_INIT,
	OP_ONESHOT,
	OP_UPDATE,
	OP_FINAL,
	OP_WRAP,
	OP_UNWRAP,
	OP_RANDOM,
	OP_ROUNDTRIP,
	OP_INFO,
	OP_LOGIN,
	OP_REINIT,
	OP_OBJECT,
	OP_KERNEL,
	N_OPS,
};

static void
one_call(struct fz *f, enum op op)
{
	switch (op) {
	case OP_OPEN:
		op_open(f);
		break;
	case OP_CLOSE:
		op_close(f);
		break;
	case OP_CREATE:
		op_create(f);
		break;
	case OP_GENERATE:
		op_generate(f);
		break;
	case OP_COPY:
		op_copy(f);
		break;
	case OP_DESTROY:
		op_destroy(f);
		break;
	case OP_GET_ATTRIBUTES:
		op_get_attributes(f);
		break;
	case OP_SET_ATTRIBUTES:
		op_set_attributes(f);
		break;
	case OP_FIND:
		op_find(f);
		break;
	case OP_INIT:
		op_init(f);
		break;
	case OP_ONESHOT:
		op_crypt(f, ONESHOT);
		break;
	case OP_UPDATE:
		op_crypt(f, UPDATE);
		break;
	case OP_FINAL:
		op_crypt(f, FINAL);
		break;
	case OP_WRAP:
		op_wrap(f);
		break;
	case OP_UNWRAP:
		op_unwrap(f);
		break;
	case OP_RANDOM:
		op_random(f);
		break;
	case OP_ROUNDTRIP:
		op_roundtrip(f);
		break;
	case OP_INFO:
		op_info(f);
		break;
	case OP_LOGIN:
		op_login(f);
		break;
	case OP_REINIT:
		op_reinit(f);
		break;
	case OP_OBJECT:
		op_object(f);
		break;
	default:
		op_kernel(f);
		break;
	}
}

/* Empty this process's session keyring: the token objects of the input. */
static void
clear_token(void)
{
	void *list = NULL;
	long n = keyctl_read_alloc(KEY_SPEC_SESSION_KEYRING, &list);

	for (long i = 0; i < n / (long)sizeof(key_serial_t); i++)
		keyctl_invalidate(((key_serial_t *)list)[i]);
	free(list);
	keyctl_clear(KEY_SPEC_SESSION_KEYRING);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A session keyring of our own: slot 0x12 starts empty, and the
	 * caller's keyring is never touched (as "keyctl session -" does). */
	if (keyctl_join_session_keyring(NULL) < 0) {
		perror("api fuzzer: keyctl_join_session_keyring");
		abort();
	}
	session_ring = (CK_OBJECT_HANDLE)keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	process_ring = (CK_OBJECT_HANDLE)keyctl_get_keyring_ID(KEY_SPEC_PROCESS_KEYRING, 1);
	if (C_GetFunctionList(&fl) != CKR_OK)
		abort();
	tracing = getenv("FUZZ_TRACE") != NULL;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
	struct fz f;

	memset(&st, 0, sizeof(st));
	fz_init(&f, input, size);
	initialize(fz_u8(&f));
	for (int i = 0; i < MAX_CALLS && !fz_empty(&f); i++) {
		enum op op = fz_u8(&f) % N_OPS;

		if (tracing)
			fprintf(stderr, "op %d\n", op);
		one_call(&f, op);
		FZ_ASSERT(st.held == 0, "a call returned with %d mutexes held", st.held);
	}
	finalize();
	clear_token();
	fz_free(&f);
	return 0;
}
