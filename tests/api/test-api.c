/* SPDX-License-Identifier: MIT */
/*
 * PKCS#11 conformance of keyring-pkcs11.so, through its CK_FUNCTION_LIST.
 *
 * Usage: test-api GROUP (the groups are listed in main's table)
 *        (run under "keyctl session -")
 *   host:   everything that needs no AF_ALG; runs on any kernel
 *   crypto: every mechanism against known-answer vectors and OpenSSL;
 *           where the kernel has no AF_ALG it fails: it is never skipped
 *   keys:   the key lifecycle of docs/keys.md (create, generate, destroy,
 *           copy, session objects), checked against keyctl and OpenSSL;
 *           needs AF_ALG like crypto
 *   keys-quota: key-quota exhaustion; must run as a non-root uid
 *   mac:    HMAC, AES-CMAC (sign/verify) and AES-GCM, AES-CCM,
 *           ChaCha20-Poly1305 against RFC/NIST vectors and OpenSSL; AF_ALG
 *   mac-limit: the AEAD message-size limit; must run as a non-root uid
 *   wrap:   C_WrapKey/C_UnwrapKey against RFC 3394/5649 and OpenSSL; AF_ALG
 *   robust: keys and keyrings changing under the module, descriptor
 *           exhaustion and the descriptors held; as root, AF_ALG
 *   robust-user: isolation from other uids and processes, key quota; as
 *           uid 1000 through robust-user.test (robust-tests.c)
 *   threads: 8 threads x 10,000 checked operations, shared sessions,
 *           C_CloseSession and C_Finalize racing operations; AF_ALG
 *   hostile-calls, hostile-host, hostile-fork, hostile-memory: hostile
 *           callers, fork, and key bytes in memory (hostile-tests.c)
 *   interface-traced: the v3.0 lists with KEYRING_PKCS11_DEBUG set; run by
 *           the host tier's test_interface_traced (interface-tests.c)
 *
 * OpenSSL is the user-space reference here only; the module never links it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keyutils.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "api.h"

CK_FUNCTION_LIST *p11;
static void *module_handle;
static bool in_guest;

/* ------------------------------------------------------------------ helpers */

static void
hex_decode(const char *hex, uint8_t *out, size_t *len)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		unsigned v;

		if (sscanf(hex, "%2x", &v) != 1)
			fail_msg("bad hex in test vector");
		out[n++] = (uint8_t)v;
	}
	*len = n;
}

static void
RAND_bytes_(uint8_t *buf, size_t len)
{
	if (len > 0 && RAND_bytes(buf, (int)len) != 1)
		fail_msg("RAND_bytes failed");
}

static bool
have_af_alg(void)
{
	int fd = socket(38 /* AF_ALG */, SOCK_SEQPACKET, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A key in @ring; the test unlinks it (keyctl_invalidate) when done. */
static key_serial_t
add_test_key(const char *type, const char *desc, const void *value, size_t len, key_serial_t ring)
{
	key_serial_t k = add_key(type, desc, value, len, ring);

	if (k < 0)
		fail_msg("add_key(%s, %s): %s", type, desc, strerror(errno));
	return k;
}

static void
drop_key(key_serial_t k)
{
	keyctl_invalidate(k);
}

static CK_SESSION_HANDLE
open_session(CK_SLOT_ID slot)
{
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;

	assert_rv(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &h),
		  CKR_OK);
	return h;
}

static int
group_setup(void **state)
{
	const char *path = getenv("MODULE");
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR);

	(void)state;
	if (path == NULL) {
		fprintf(stderr, "MODULE is not set\n");
		return -1;
	}
	module_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (module_handle == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return -1;
	}
	get_list = (CK_RV(*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(module_handle, "C_GetFunctionList");
	if (get_list == NULL || get_list(&p11) != CKR_OK)
		return -1;
	return p11->C_Initialize(NULL) == CKR_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	p11->C_Finalize(NULL);
	dlclose(module_handle);
	return 0;
}

/* --------------------------------------------------------------- host tier */

static void
test_function_list_complete(void **state)
{
	void **fn = (void **)&p11->C_Initialize;
	size_t n = (sizeof(*p11) - offsetof(CK_FUNCTION_LIST, C_Initialize)) / sizeof(void *);

	(void)state;
	assert_int_equal(p11->version.major, 2);
	assert_int_equal(p11->version.minor, 40);
	assert_int_equal(n, 68);
	for (size_t i = 0; i < n; i++)
		if (fn[i] == NULL)
			fail_msg("function %zu of CK_FUNCTION_LIST is NULL", i);
}

static void
test_initialize_rules(void **state)
{
	CK_C_INITIALIZE_ARGS args = {0};
	CK_INFO info;

	(void)state;
	assert_rv(p11->C_Initialize(NULL), CKR_CRYPTOKI_ALREADY_INITIALIZED);
	assert_rv(p11->C_Finalize((void *)1), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_rv(p11->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL,
				     &(CK_SESSION_HANDLE){0}),
		  CKR_CRYPTOKI_NOT_INITIALIZED);
	/* Some but not all mutex callbacks. */
	args.CreateMutex = (CK_CREATEMUTEX)1;
	assert_rv(p11->C_Initialize(&args), CKR_ARGUMENTS_BAD);
	/* OS locking, and a pReserved string (as NSS and p11-kit pass). */
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	args.pReserved = "configdir='x'";
	assert_rv(p11->C_Initialize(&args), CKR_OK);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

/* Application mutex callbacks that count their use. */
static int app_locks, app_unlocks, app_mutexes;
static CK_RV
app_create(void **m)
{
	*m = &app_mutexes;
	app_mutexes++;
	return CKR_OK;
}
static CK_RV
app_destroy(void *m)
{
	(void)m;
	app_mutexes--;
	return CKR_OK;
}
static CK_RV
app_lock(void *m)
{
	(void)m;
	app_locks++;
	return CKR_OK;
}
static CK_RV
app_unlock(void *m)
{
	(void)m;
	app_unlocks++;
	return CKR_OK;
}

static void
test_initialize_app_mutexes(void **state)
{
	CK_C_INITIALIZE_ARGS args = {
		.CreateMutex = app_create,
		.DestroyMutex = app_destroy,
		.LockMutex = app_lock,
		.UnlockMutex = app_unlock,
	};
	CK_ULONG count = 0;

	(void)state;
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(&args), CKR_OK);
	assert_int_equal(app_mutexes, 1);
	assert_rv(p11->C_GetSlotList(CK_FALSE, NULL, &count), CKR_OK);
	assert_true(app_locks > 0);
	assert_int_equal(app_locks, app_unlocks);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_int_equal(app_mutexes, 0);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

static void
test_get_info(void **state)
{
	CK_INFO info;

	(void)state;
	assert_rv(p11->C_GetInfo(NULL), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GetInfo(&info), CKR_OK);
	assert_int_equal(info.cryptokiVersion.major, 2);
	assert_int_equal(info.cryptokiVersion.minor, 40);
	assert_memory_equal(info.manufacturerID, "keyring-pkcs11  ", 16);
}

static void
test_slot_list(void **state)
{
	CK_SLOT_ID slots[4] = {0};
	CK_ULONG count = 0;

	(void)state;
	assert_rv(p11->C_GetSlotList(CK_FALSE, NULL, NULL), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GetSlotList(CK_TRUE, NULL, &count), CKR_OK);
	assert_int_equal(count, 2);
	count = 1;
	assert_rv(p11->C_GetSlotList(CK_TRUE, slots, &count), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(count, 2);
	count = 4;
	assert_rv(p11->C_GetSlotList(CK_TRUE, slots, &count), CKR_OK);
	assert_int_equal(count, 2);
	assert_int_equal(slots[0], SESSION_SLOT);
	assert_int_equal(slots[1], USER_SLOT);
}

static void
test_slot_and_token_info(void **state)
{
	CK_SLOT_INFO slot;
	CK_TOKEN_INFO token;
	char serial[17];

	(void)state;
	assert_rv(p11->C_GetSlotInfo(0, &slot), CKR_SLOT_ID_INVALID);
	assert_rv(p11->C_GetSlotInfo(SESSION_SLOT, NULL), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GetSlotInfo(SESSION_SLOT, &slot), CKR_OK);
	assert_true(slot.flags & CKF_TOKEN_PRESENT);
	assert_rv(p11->C_GetTokenInfo(1, &token), CKR_SLOT_ID_INVALID);
	assert_rv(p11->C_GetTokenInfo(SESSION_SLOT, &token), CKR_OK);
	assert_memory_equal(token.label, "session keyring                 ", 32);
	assert_true(token.flags & CKF_TOKEN_INITIALIZED);
	assert_false(token.flags & CKF_LOGIN_REQUIRED);
	/* The serial number is the keyring's serial, stable across calls. */
	snprintf(serial, sizeof(serial), "%016x",
		 (unsigned)keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0));
	assert_memory_equal(token.serialNumber, serial, 16);
	assert_rv(p11->C_GetTokenInfo(USER_SLOT, &token), CKR_OK);
	assert_memory_equal(token.label, "user keyring                    ", 32);
	snprintf(serial, sizeof(serial), "%016x",
		 (unsigned)keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 0));
	assert_memory_equal(token.serialNumber, serial, 16);
}

/* Exactly the table of module/crypto/mechanism.c, in its order. */
static const CK_MECHANISM_TYPE all_mechanisms[] = {
	CKM_AES_KEY_GEN,
	CKM_GENERIC_SECRET_KEY_GEN,
	CKM_AES_ECB,
	CKM_AES_CBC,
	CKM_AES_CBC_PAD,
	CKM_AES_CTR,
	CKM_SHA_1,
	CKM_SHA224,
	CKM_SHA256,
	CKM_SHA384,
	CKM_SHA512,
	CKM_SHA_1_HMAC,
	CKM_SHA_1_HMAC_GENERAL,
	CKM_SHA224_HMAC,
	CKM_SHA224_HMAC_GENERAL,
	CKM_SHA256_HMAC,
	CKM_SHA256_HMAC_GENERAL,
	CKM_SHA384_HMAC,
	CKM_SHA384_HMAC_GENERAL,
	CKM_SHA512_HMAC,
	CKM_SHA512_HMAC_GENERAL,
	CKM_AES_CMAC,
	CKM_AES_CMAC_GENERAL,
	CKM_AES_KEY_WRAP,
	CKM_AES_KEY_WRAP_PAD,
	CKM_AES_GCM,
	CKM_AES_CCM,
	CKM_CHACHA20_POLY1305,
};

static void
test_mechanism_list(void **state)
{
	CK_MECHANISM_TYPE list[32];
	CK_MECHANISM_INFO info;
	CK_ULONG count = 0;

	(void)state;
	if (in_guest && !have_af_alg())
		fail_msg("the guest kernel has no AF_ALG: the test harness is broken");
	assert_rv(p11->C_GetMechanismList(SESSION_SLOT, NULL, &count), CKR_OK);
	if (!have_af_alg()) {
		/* No AF_ALG: the module still works, and offers only key generation. */
		assert_int_equal(count, 2);
		count = 2;
		assert_rv(p11->C_GetMechanismList(SESSION_SLOT, list, &count), CKR_OK);
		assert_int_equal(list[0], CKM_AES_KEY_GEN);
		assert_int_equal(list[1], CKM_GENERIC_SECRET_KEY_GEN);
		assert_rv(p11->C_GetMechanismInfo(SESSION_SLOT, CKM_SHA256, &info),
			  CKR_MECHANISM_INVALID);
		return;
	}
	assert_int_equal(count, sizeof(all_mechanisms) / sizeof(all_mechanisms[0]));
	count = 1;
	assert_rv(p11->C_GetMechanismList(SESSION_SLOT, list, &count), CKR_BUFFER_TOO_SMALL);
	count = 32;
	assert_rv(p11->C_GetMechanismList(USER_SLOT, list, &count), CKR_OK);
	assert_int_equal(count, sizeof(all_mechanisms) / sizeof(all_mechanisms[0]));
	for (size_t i = 0; i < sizeof(all_mechanisms) / sizeof(all_mechanisms[0]); i++)
		assert_int_equal(list[i], all_mechanisms[i]);
	assert_rv(p11->C_GetMechanismInfo(SESSION_SLOT, CKM_AES_CBC_PAD, &info), CKR_OK);
	assert_int_equal(info.ulMinKeySize, 16);
	assert_int_equal(info.ulMaxKeySize, 32);
	assert_int_equal(info.flags, CKF_ENCRYPT | CKF_DECRYPT | CKF_WRAP | CKF_UNWRAP);
	assert_rv(p11->C_GetMechanismInfo(SESSION_SLOT, CKM_AES_KEY_WRAP_PAD, &info), CKR_OK);
	assert_int_equal(info.flags, CKF_WRAP | CKF_UNWRAP);
	assert_rv(p11->C_GetMechanismInfo(SESSION_SLOT, CKM_SHA384, &info), CKR_OK);
	assert_int_equal(info.flags, CKF_DIGEST);
	assert_rv(p11->C_GetMechanismInfo(SESSION_SLOT, CKM_RSA_PKCS, &info),
		  CKR_MECHANISM_INVALID);
	assert_rv(p11->C_GetMechanismInfo(7, CKM_SHA384, &info), CKR_SLOT_ID_INVALID);
}

static void
test_sessions(void **state)
{
	CK_SESSION_HANDLE ro, rw;
	CK_SESSION_INFO info;

	(void)state;
	assert_rv(p11->C_OpenSession(SESSION_SLOT, 0, NULL, NULL, &ro),
		  CKR_SESSION_PARALLEL_NOT_SUPPORTED);
	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL, NULL),
		  CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_OpenSession(99, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_SLOT_ID_INVALID);
	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	rw = open_session(SESSION_SLOT);
	assert_rv(p11->C_GetSessionInfo(ro, &info), CKR_OK);
	assert_int_equal(info.slotID, SESSION_SLOT);
	assert_int_equal(info.state, CKS_RO_PUBLIC_SESSION);
	assert_rv(p11->C_GetSessionInfo(rw, &info), CKR_OK);
	assert_int_equal(info.state, CKS_RW_PUBLIC_SESSION);

	/* Any PIN logs in: the kernel's permissions are the access control. */
	assert_rv(p11->C_Logout(rw), CKR_USER_NOT_LOGGED_IN);
	assert_rv(p11->C_Login(rw, CKU_SO, (CK_UTF8CHAR_PTR) "x", 1), CKR_SESSION_READ_ONLY_EXISTS);
	assert_rv(p11->C_Login(rw, 42, (CK_UTF8CHAR_PTR) "x", 1), CKR_USER_TYPE_INVALID);
	assert_rv(p11->C_Login(rw, CKU_USER, (CK_UTF8CHAR_PTR) "anything", 8), CKR_OK);
	assert_rv(p11->C_Login(ro, CKU_USER, NULL, 0), CKR_USER_ALREADY_LOGGED_IN);
	assert_rv(p11->C_GetSessionInfo(ro, &info), CKR_OK);
	assert_int_equal(info.state, CKS_RO_USER_FUNCTIONS);
	assert_rv(p11->C_GetSessionInfo(rw, &info), CKR_OK);
	assert_int_equal(info.state, CKS_RW_USER_FUNCTIONS);
	assert_rv(p11->C_Logout(ro), CKR_OK);
	assert_rv(p11->C_GetSessionInfo(rw, &info), CKR_OK);
	assert_int_equal(info.state, CKS_RW_PUBLIC_SESSION);

	assert_rv(p11->C_CloseSession(ro), CKR_OK);
	assert_rv(p11->C_CloseSession(ro), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_GetSessionInfo(ro, &info), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_CloseAllSessions(SESSION_SLOT), CKR_OK);
	assert_rv(p11->C_GetSessionInfo(rw, &info), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_CloseAllSessions(99), CKR_SLOT_ID_INVALID);
}

static CK_ULONG
find(CK_SESSION_HANDLE h, CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *out, CK_ULONG max)
{
	CK_ULONG count = 0, got;

	assert_rv(p11->C_FindObjectsInit(h, tmpl, n), CKR_OK);
	/* One at a time, to exercise the cursor. */
	do {
		assert_rv(p11->C_FindObjects(h, out + count, 1, &got), CKR_OK);
		count += got;
	} while (got == 1 && count < max);
	assert_rv(p11->C_FindObjectsFinal(h), CKR_OK);
	return count;
}

static bool
contains(const CK_OBJECT_HANDLE *list, CK_ULONG n, CK_OBJECT_HANDLE h)
{
	for (CK_ULONG i = 0; i < n; i++)
		if (list[i] == h)
			return true;
	return false;
}

static const uint8_t key32[32] = "0123456789abcdef0123456789abcdef";

static void
test_find_objects(void **state)
{
	CK_OBJECT_HANDLE found[16];
	CK_OBJECT_CLASS secret = CKO_SECRET_KEY, data = CKO_DATA;
	CK_KEY_TYPE aes = CKK_AES;
	CK_ATTRIBUTE by_label = {CKA_LABEL, "p11test:aes256", 14};
	CK_ATTRIBUTE by_class[] = {{CKA_CLASS, &secret, sizeof(secret)}};
	CK_ATTRIBUTE by_data[] = {{CKA_CLASS, &data, sizeof(data)}};
	CK_ATTRIBUTE by_type[] = {{CKA_KEY_TYPE, &aes, sizeof(aes)}};
	CK_ATTRIBUTE by_bogus[] = {{0x7fff0000UL, &aes, sizeof(aes)}};
	key_serial_t logon, user, ring;
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ULONG n;

	(void)state;
	logon = add_test_key("logon", "p11test:aes256", key32, 32, KEY_SPEC_SESSION_KEYRING);
	user = add_test_key("user", "plain", "0123456789", 10, KEY_SPEC_SESSION_KEYRING);
	ring = add_test_key("keyring", "p11test-ring", NULL, 0, KEY_SPEC_SESSION_KEYRING);

	n = find(h, NULL, 0, found, 16);
	assert_int_equal(n, 2);
	assert_true(contains(found, n, (CK_OBJECT_HANDLE)logon));
	assert_true(contains(found, n, (CK_OBJECT_HANDLE)user));
	assert_false(contains(found, n, (CK_OBJECT_HANDLE)ring));
	n = find(h, &by_label, 1, found, 16);
	assert_int_equal(n, 1);
	assert_int_equal(found[0], logon);
	assert_int_equal(find(h, by_class, 1, found, 16), 2);
	assert_int_equal(find(h, by_data, 1, found, 16), 0);
	assert_int_equal(find(h, by_type, 1, found, 16), 1);
	assert_int_equal(find(h, by_bogus, 1, found, 16), 0);
	/* The user token does not see session keys. */
	{
		CK_SESSION_HANDLE hu = open_session(USER_SLOT);

		n = find(hu, &by_label, 1, found, 16);
		assert_int_equal(n, 0);
		assert_rv(p11->C_CloseSession(hu), CKR_OK);
	}

	assert_rv(p11->C_FindObjects(h, found, 1, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_FindObjectsFinal(h), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_FindObjectsInit(h, NULL, 1), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_FindObjectsInit(h, NULL, 0), CKR_OK);
	assert_rv(p11->C_FindObjectsInit(h, NULL, 0), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_FindObjects(h, found, 1, NULL), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_FindObjectsFinal(h), CKR_OK);

	drop_key(logon);
	drop_key(user);
	drop_key(ring);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static CK_ULONG
ulong_attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	CK_ULONG v = 0xdead;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};

	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, sizeof(v));
	return v;
}

static CK_BBOOL
bool_attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = 0x55;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};

	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, 1);
	return v;
}

static void
test_attributes(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	key_serial_t logon, user;
	char label[64];
	uint8_t value[64];
	CK_ULONG klass = 0;
	CK_ATTRIBUTE a;

	(void)state;
	logon = add_test_key("logon", "p11test:aes256", key32, 32, KEY_SPEC_SESSION_KEYRING);
	user = add_test_key("user", "p11test;semi;colon", key32, 20, KEY_SPEC_SESSION_KEYRING);

	assert_int_equal(ulong_attr(h, logon, CKA_CLASS), CKO_SECRET_KEY);
	assert_int_equal(ulong_attr(h, logon, CKA_KEY_TYPE), CKK_AES);
	assert_int_equal(ulong_attr(h, logon, CKA_VALUE_LEN), 32);
	assert_int_equal(bool_attr(h, logon, CKA_SENSITIVE), CK_TRUE);
	assert_int_equal(bool_attr(h, logon, CKA_EXTRACTABLE), CK_FALSE);
	assert_int_equal(bool_attr(h, logon, CKA_ALWAYS_SENSITIVE), CK_TRUE);
	assert_int_equal(bool_attr(h, logon, CKA_NEVER_EXTRACTABLE), CK_TRUE);
	assert_int_equal(bool_attr(h, logon, CKA_TOKEN), CK_TRUE);
	assert_int_equal(bool_attr(h, logon, CKA_ENCRYPT), CK_TRUE);
	assert_int_equal(ulong_attr(h, user, CKA_KEY_TYPE), CKK_GENERIC_SECRET);
	assert_int_equal(ulong_attr(h, user, CKA_VALUE_LEN), 20);
	assert_int_equal(bool_attr(h, user, CKA_SENSITIVE), CK_FALSE);
	assert_int_equal(bool_attr(h, user, CKA_EXTRACTABLE), CK_TRUE);

	/* The label is the description, byte for byte, ';' included. */
	a = (CK_ATTRIBUTE){CKA_LABEL, NULL, 0};
	assert_rv(p11->C_GetAttributeValue(h, user, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, 18);
	a.pValue = label;
	a.ulValueLen = 5;
	assert_rv(p11->C_GetAttributeValue(h, user, &a, 1), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	a.ulValueLen = sizeof(label);
	assert_rv(p11->C_GetAttributeValue(h, user, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, 18);
	assert_memory_equal(label, "p11test;semi;colon", 18);

	/* A logon key's value never leaves the kernel. */
	a = (CK_ATTRIBUTE){CKA_VALUE, value, sizeof(value)};
	assert_rv(p11->C_GetAttributeValue(h, logon, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	a = (CK_ATTRIBUTE){CKA_VALUE, NULL, 0};
	assert_rv(p11->C_GetAttributeValue(h, logon, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	/* A user key's value can be read by whoever possesses it: say so. */
	a = (CK_ATTRIBUTE){CKA_VALUE, NULL, 0};
	assert_rv(p11->C_GetAttributeValue(h, user, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, 20);
	a = (CK_ATTRIBUTE){CKA_VALUE, value, 19};
	assert_rv(p11->C_GetAttributeValue(h, user, &a, 1), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	a = (CK_ATTRIBUTE){CKA_VALUE, value, sizeof(value)};
	assert_rv(p11->C_GetAttributeValue(h, user, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, 20);
	assert_memory_equal(value, key32, 20);

	/* An invalid type among valid ones: the valid ones are still filled. */
	{
		CK_ATTRIBUTE t[] = {
			{CKA_MODULUS, value, sizeof(value)},
			{CKA_CLASS, &klass, sizeof(klass)},
			{CKA_VALUE, value, sizeof(value)},
		};

		assert_rv(p11->C_GetAttributeValue(h, logon, t, 3), CKR_ATTRIBUTE_TYPE_INVALID);
		assert_int_equal(t[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
		assert_int_equal(t[1].ulValueLen, sizeof(klass));
		assert_int_equal(klass, CKO_SECRET_KEY);
		assert_int_equal(t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	}
	assert_rv(p11->C_GetAttributeValue(h, logon, NULL, 1), CKR_ARGUMENTS_BAD);
	drop_key(logon);
	drop_key(user);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_object_handles(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	key_serial_t ring, inner, revoked;
	CK_ULONG klass;
	CK_ATTRIBUTE a = {CKA_CLASS, &klass, sizeof(klass)};

	(void)state;
	ring = add_test_key("keyring", "p11test-sub", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	inner = add_test_key("logon", "p11test:inner", key32, 16, ring);
	revoked = add_test_key("logon", "p11test:revoked", key32, 16, KEY_SPEC_SESSION_KEYRING);
	assert_int_equal(keyctl_revoke(revoked), 0);

	assert_rv(p11->C_GetAttributeValue(h, 0, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_GetAttributeValue(h, 0xffffffffUL, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_GetAttributeValue(h, (CK_ULONG)ring, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	/* Linked only in a sub-keyring: not an object of this token. */
	assert_rv(p11->C_GetAttributeValue(h, (CK_ULONG)inner, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_GetAttributeValue(h, (CK_ULONG)revoked, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_GetAttributeValue(h + 1000, (CK_ULONG)revoked, &a, 1),
		  CKR_SESSION_HANDLE_INVALID);
	drop_key(inner);
	drop_key(ring);
	drop_key(revoked);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_user_keyring_token(void **state)
{
	CK_SESSION_HANDLE h = open_session(USER_SLOT);
	CK_OBJECT_HANDLE found[64];
	CK_ATTRIBUTE by_label = {CKA_LABEL, "p11test:in-user", 15};
	key_serial_t k;

	(void)state;
	k = add_test_key("logon", "p11test:in-user", key32, 24, KEY_SPEC_USER_KEYRING);
	assert_int_equal(find(h, &by_label, 1, found, 64), 1);
	assert_int_equal(found[0], k);
	assert_int_equal(ulong_attr(h, k, CKA_VALUE_LEN), 24);
	keyctl_unlink(k, KEY_SPEC_USER_KEYRING);
	assert_int_equal(find(h, &by_label, 1, found, 64), 0);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_random(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t buf[1000] = {0}, zero[1000] = {0};

	(void)state;
	assert_rv(p11->C_GenerateRandom(h, buf, 0), CKR_OK);
	assert_rv(p11->C_GenerateRandom(h, NULL, 10), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GenerateRandom(h, buf, sizeof(buf)), CKR_OK);
	assert_memory_not_equal(buf, zero, sizeof(buf));
	assert_rv(p11->C_GenerateRandom(h + 1000, buf, 1), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_SeedRandom(h, buf, 16), CKR_RANDOM_SEED_NOT_SUPPORTED);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_fork_child_must_initialize(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		CK_INFO info;
		CK_SESSION_INFO si;
		int bad = 0;

		bad |= p11->C_GetInfo(&info) != CKR_CRYPTOKI_NOT_INITIALIZED;
		bad |= p11->C_GetSessionInfo(h, &si) != CKR_CRYPTOKI_NOT_INITIALIZED;
		bad |= p11->C_Initialize(NULL) != CKR_OK;
		bad |= p11->C_GetSessionInfo(h, &si) != CKR_SESSION_HANDLE_INVALID;
		bad |= p11->C_Finalize(NULL) != CKR_OK;
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ------------------------------------------------------------- crypto tier */

#include "crypto-tests.c"

/* ---------------------------------------------------------------- keys tier */

#include "keys-tests.c"
#include "wrap-tests.c"

/* ------------------------------------------------------ mac and aead tier */

#include "mac-aead-tests.c"

/* ------------------------------------------------------------ robust tier */

#include "robust-tests.c"

/* ---------------------------------------------------------- threads tier */

#include "threads-tests.c"

/* ------------------------------------------------------------ hostile tier */

#include "hostile-tests.c"

/* ---------------------------------------------------------- v3.0 interfaces */

#include "interface-tests.c"

static int
run_host_tests(void)
{
	const struct CMUnitTest host_tests[] = {
		cmocka_unit_test(test_function_list_complete),
		cmocka_unit_test(test_initialize_rules),
		cmocka_unit_test(test_initialize_app_mutexes),
		cmocka_unit_test(test_get_info),
		cmocka_unit_test(test_slot_list),
		cmocka_unit_test(test_slot_and_token_info),
		cmocka_unit_test(test_mechanism_list),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_find_objects),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_object_handles),
		cmocka_unit_test(test_user_keyring_token),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_fork_child_must_initialize),
		cmocka_unit_test(test_interface_list),
		cmocka_unit_test(test_interface_function_lists),
		cmocka_unit_test(test_get_interface),
		cmocka_unit_test(test_login_user),
		cmocka_unit_test(test_session_cancel_find),
		cmocka_unit_test(test_message_functions_unsupported),
		cmocka_unit_test(test_interface_traced),
	};

	return cmocka_run_group_tests_name("api-host", host_tests, group_setup, group_teardown);
}

/* The groups: adding one is a row. */
static const struct {
	const char *name;
	int (*run)(void);
} groups[] = {
	{"host", run_host_tests},
	{"crypto", run_crypto_tests},
	{"keys", run_keys_tests},
	{"keys-quota", run_keys_quota_tests},
	{"mac", run_mac_tests},
	{"mac-limit", run_mac_limit_tests},
	{"wrap", run_wrap_tests},
	{"robust", run_robust_tests},
	{"robust-user", run_robust_user_tests},
	{"robust-peek", run_robust_peek_tests},
	{"threads", run_threads_tests},
	{"interface-traced", run_interface_traced_tests},
};

int
main(int argc, char **argv)
{
	in_guest = getenv("KP11_GUEST") != NULL;
	/* KP11_TEST_FILTER=<glob>: run only the matching tests (when debugging). */
	if (getenv("KP11_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("KP11_TEST_FILTER"));
	/* hostile-calls, -host, -fork, -memory (and the exec'ed hostile-fdcheck). */
	if (argc == 2 && strncmp(argv[1], "hostile-", 8) == 0)
		return run_hostile_tests(argv[1]);
	for (size_t i = 0; argc == 2 && i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(argv[1], groups[i].name) == 0)
			return groups[i].run();
	fprintf(stderr, "usage: %s GROUP; the groups:", argv[0]);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		fprintf(stderr, " %s", groups[i].name);
	fprintf(stderr, "\n");
	return 2;
}
