/* SPDX-License-Identifier: MIT */
/*
 * The hostile tier of test-api.c (included there): issue 5, items 4, 8, 9.
 *
 *   hostile-calls   a table of hostile calls to every entry point: NULL for
 *                   each pointer, lengths near ULONG_MAX on small buffers that
 *                   end at an unmapped page, foreign and bogus handles, calls
 *                   after C_Finalize, sessions closed by another thread (AF_ALG)
 *   hostile-host    the rows of that table that need no AF_ALG (any kernel)
 *   hostile-fork    fork(): the child gets CKR_CRYPTOKI_NOT_INITIALIZED until
 *                   C_Initialize, then works; the parent's operation survives;
 *                   every AF_ALG descriptor is close-on-exec. Directly and
 *                   through p11-kit-proxy.so (KP11_PROXY, set by the .test)
 *   hostile-memory  key bytes imported, generated or unwrapped through the
 *                   module are nowhere in this process's memory after use, nor
 *                   in the KEYRING_PKCS11_DEBUG log
 *
 * Return values are those of PKCS#11 v2.40 (base specification, section 5
 * and each function's list). Where the spec allows more than one, a row
 * accepts the set and says why. Section 5.1: "if more than one error code
 * applies to the result of a Cryptoki call, any of the applicable error codes
 * may be returned", after the universal ones and the session-handle ones.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/x509.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

#define HX_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------ guarded memory */

/*
 * Buffers that end exactly at a PROT_NONE page: a module that reads or writes
 * one byte past what the caller really has faults at once. Freed after each
 * table row.
 */
struct hx_map {
	void *addr;
	size_t len;
};
static struct hx_map hx_maps[96];
static size_t hx_nmaps;

static void *
hx_guarded(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = size == 0 ? page : (size + page - 1) / page * page;
	uint8_t *m;

	assert_true(hx_nmaps < HX_NELEM(hx_maps));
	/* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1 */
	m = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + span, page, PROT_NONE), 0);
	hx_maps[hx_nmaps++] = (struct hx_map){m, span + page};
	memset(m + span - size, 0x5a, size);
	return m + span - size;
}

static void
hx_guarded_free(void)
{
	while (hx_nmaps > 0) {
		hx_nmaps--;
		munmap(hx_maps[hx_nmaps].addr, hx_maps[hx_nmaps].len);
	}
}

static void *
hx_guarded_copy(const void *value, size_t size)
{
	void *p = hx_guarded(size);

	if (size > 0)
		memcpy(p, value, size);
	return p;
}

/* --------------------------------------------------- the AF_ALG census */

struct hx_fds {
	int afalg;	/* open AF_ALG sockets */
	int no_cloexec; /* of which without FD_CLOEXEC */
};

/* Every descriptor whose /proc/self/fd link is "socket:[...]" and whose domain is AF_ALG. */
static struct hx_fds
hx_afalg_fds(void)
{
	struct hx_fds r = {0, 0};
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (d == NULL)
		return (struct hx_fds){-1, -1};
	/* cppcheck-suppress readdirCalled ; one thread reads its own DIR */
	while ((e = readdir(d)) != NULL) {
		char path[64], link[64];
		int fd, domain = 0;
		socklen_t len = sizeof(domain);
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:", 7) != 0)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_ALG)
			continue;
		r.afalg++;
		if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
			r.no_cloexec++;
	}
	closedir(d);
	return r;
}

/* "test-api hostile-fdcheck", exec'd by hostile-fork: how many AF_ALG fds came through exec. */
static int
hx_fdcheck_main(void)
{
	struct hx_fds fds = hx_afalg_fds();

	if (fds.afalg != 0)
		fprintf(stderr, "hostile-fdcheck: %d AF_ALG descriptor(s) survived exec\n",
			fds.afalg);
	return fds.afalg < 0 ? 100 : fds.afalg > 99 ? 99 : fds.afalg;
}

/* --------------------------------------------- checks inside a fork child */

/* A child must not use cmocka's asserts (they would resume the test run in the child). */
static int hx_child_failures;

#define HX_CHILD_RV(call, want)                                                                    \
	do {                                                                                       \
		CK_RV got_ = (call), want_ = (want);                                               \
		if (got_ != want_) {                                                               \
			fprintf(stderr, "child %d: %s: got %s, want %s\n", __LINE__, #call,        \
				rv_name(got_), rv_name(want_));                                    \
			hx_child_failures++;                                                       \
		}                                                                                  \
	} while (0)

#define CHILD_TRUE(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "child %d: false: %s\n", __LINE__, #cond);                 \
			hx_child_failures++;                                                       \
		}                                                                                  \
	} while (0)

static void
hx_wait_child(pid_t pid, const char *what)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s: child %s %d", what, WIFEXITED(status) ? "exited with" : "killed by",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* ---------------------------------------------------- the entry points */

/* The value of one argument: an integer (handles, lengths, flags) or a pointer. */
union hx_val {
	CK_ULONG ul;
	void *p;
};

#define U(i) (v[i].ul)
#define P(i) (v[i].p)
#define B(i) ((CK_BBOOL)v[i].ul)
#define NOTIFY(i) ((CK_NOTIFY)(uintptr_t)v[i].p)

enum hx_class {
	CORE,	/* implemented */
	STUB,	/* "should simply return CKR_FUNCTION_NOT_SUPPORTED" (v2.40 5.1.6) */
	LEGACY, /* "should simply return CKR_FUNCTION_NOT_PARALLEL" (v2.40 5.16) */
};

/*
 * Every function of CK_FUNCTION_LIST, in its order: the class, its
 * parameters ('u' an integer, 'p' a pointer) and the call.
 */
#define HX_FUNCTIONS(X)                                                                            \
	X(C_Initialize, CORE, "p", (P(0)))                                                         \
	X(C_Finalize, CORE, "p", (P(0)))                                                           \
	X(C_GetInfo, CORE, "p", (P(0)))                                                            \
	X(C_GetFunctionList, CORE, "p", (P(0)))                                                    \
	X(C_GetSlotList, CORE, "upp", (B(0), P(1), P(2)))                                          \
	X(C_GetSlotInfo, CORE, "up", (U(0), P(1)))                                                 \
	X(C_GetTokenInfo, CORE, "up", (U(0), P(1)))                                                \
	X(C_GetMechanismList, CORE, "upp", (U(0), P(1), P(2)))                                     \
	X(C_GetMechanismInfo, CORE, "uup", (U(0), U(1), P(2)))                                     \
	X(C_InitToken, STUB, "upup", (U(0), P(1), U(2), P(3)))                                     \
	X(C_InitPIN, STUB, "upu", (U(0), P(1), U(2)))                                              \
	X(C_SetPIN, STUB, "upupu", (U(0), P(1), U(2), P(3), U(4)))                                 \
	X(C_OpenSession, CORE, "uuppp", (U(0), U(1), P(2), NOTIFY(3), P(4)))                       \
	X(C_CloseSession, CORE, "u", (U(0)))                                                       \
	X(C_CloseAllSessions, CORE, "u", (U(0)))                                                   \
	X(C_GetSessionInfo, CORE, "up", (U(0), P(1)))                                              \
	X(C_GetOperationState, STUB, "upp", (U(0), P(1), P(2)))                                    \
	X(C_SetOperationState, STUB, "upuuu", (U(0), P(1), U(2), U(3), U(4)))                      \
	X(C_Login, CORE, "uupu", (U(0), U(1), P(2), U(3)))                                         \
	X(C_Logout, CORE, "u", (U(0)))                                                             \
	X(C_CreateObject, CORE, "upup", (U(0), P(1), U(2), P(3)))                                  \
	X(C_CopyObject, CORE, "uupup", (U(0), U(1), P(2), U(3), P(4)))                             \
	X(C_DestroyObject, CORE, "uu", (U(0), U(1)))                                               \
	X(C_GetObjectSize, CORE, "uup", (U(0), U(1), P(2)))                                        \
	X(C_GetAttributeValue, CORE, "uupu", (U(0), U(1), P(2), U(3)))                             \
	X(C_SetAttributeValue, CORE, "uupu", (U(0), U(1), P(2), U(3)))                             \
	X(C_FindObjectsInit, CORE, "upu", (U(0), P(1), U(2)))                                      \
	X(C_FindObjects, CORE, "upup", (U(0), P(1), U(2), P(3)))                                   \
	X(C_FindObjectsFinal, CORE, "u", (U(0)))                                                   \
	X(C_EncryptInit, CORE, "upu", (U(0), P(1), U(2)))                                          \
	X(C_Encrypt, CORE, "upupp", (U(0), P(1), U(2), P(3), P(4)))                                \
	X(C_EncryptUpdate, CORE, "upupp", (U(0), P(1), U(2), P(3), P(4)))                          \
	X(C_EncryptFinal, CORE, "upp", (U(0), P(1), P(2)))                                         \
	X(C_DecryptInit, CORE, "upu", (U(0), P(1), U(2)))                                          \
	X(C_Decrypt, CORE, "upupp", (U(0), P(1), U(2), P(3), P(4)))                                \
	X(C_DecryptUpdate, CORE, "upupp", (U(0), P(1), U(2), P(3), P(4)))                          \
	X(C_DecryptFinal, CORE, "upp", (U(0), P(1), P(2)))                                         \
	X(C_DigestInit, CORE, "up", (U(0), P(1)))                                                  \
	X(C_Digest, CORE, "upupp", (U(0), P(1), U(2), P(3), P(4)))                                 \
	X(C_DigestUpdate, CORE, "upu", (U(0), P(1), U(2)))                                         \
	X(C_DigestKey, CORE, "uu", (U(0), U(1)))                                                   \
	X(C_DigestFinal, CORE, "upp", (U(0), P(1), P(2)))                                          \
	X(C_SignInit, CORE, "upu", (U(0), P(1), U(2)))                                             \
	X(C_Sign, CORE, "upupp", (U(0), P(1), U(2), P(3), P(4)))                                   \
	X(C_SignUpdate, CORE, "upu", (U(0), P(1), U(2)))                                           \
	X(C_SignFinal, CORE, "upp", (U(0), P(1), P(2)))                                            \
	X(C_SignRecoverInit, STUB, "upu", (U(0), P(1), U(2)))                                      \
	X(C_SignRecover, STUB, "upupp", (U(0), P(1), U(2), P(3), P(4)))                            \
	X(C_VerifyInit, CORE, "upu", (U(0), P(1), U(2)))                                           \
	X(C_Verify, CORE, "upupu", (U(0), P(1), U(2), P(3), U(4)))                                 \
	X(C_VerifyUpdate, CORE, "upu", (U(0), P(1), U(2)))                                         \
	X(C_VerifyFinal, CORE, "upu", (U(0), P(1), U(2)))                                          \
	X(C_VerifyRecoverInit, STUB, "upu", (U(0), P(1), U(2)))                                    \
	X(C_VerifyRecover, STUB, "upupp", (U(0), P(1), U(2), P(3), P(4)))                          \
	X(C_DigestEncryptUpdate, STUB, "upupp", (U(0), P(1), U(2), P(3), P(4)))                    \
	X(C_DecryptDigestUpdate, STUB, "upupp", (U(0), P(1), U(2), P(3), P(4)))                    \
	X(C_SignEncryptUpdate, STUB, "upupp", (U(0), P(1), U(2), P(3), P(4)))                      \
	X(C_DecryptVerifyUpdate, STUB, "upupp", (U(0), P(1), U(2), P(3), P(4)))                    \
	X(C_GenerateKey, CORE, "uppup", (U(0), P(1), P(2), U(3), P(4)))                            \
	X(C_GenerateKeyPair, STUB, "uppupupp", (U(0), P(1), P(2), U(3), P(4), U(5), P(6), P(7)))   \
	X(C_WrapKey, CORE, "upuupp", (U(0), P(1), U(2), U(3), P(4), P(5)))                         \
	X(C_UnwrapKey, CORE, "upupupup", (U(0), P(1), U(2), P(3), U(4), P(5), U(6), P(7)))         \
	X(C_DeriveKey, STUB, "upupup", (U(0), P(1), U(2), P(3), U(4), P(5)))                       \
	X(C_SeedRandom, CORE, "upu", (U(0), P(1), U(2)))                                           \
	X(C_GenerateRandom, CORE, "upu", (U(0), P(1), U(2)))                                       \
	X(C_GetFunctionStatus, LEGACY, "u", (U(0)))                                                \
	X(C_CancelFunction, LEGACY, "u", (U(0)))                                                   \
	X(C_WaitForSlotEvent, STUB, "upp", (U(0), P(1), P(2)))

/* ... and the 24 CK_FUNCTION_LIST_3_0 appends (called through the module's 3.0 list). */
#define HX_FUNCTIONS_3_0(X)                                                                        \
	X(C_GetInterfaceList, CORE, "pp", (P(0), P(1)))                                            \
	X(C_GetInterface, CORE, "pppu", (P(0), P(1), P(2), U(3)))                                  \
	X(C_LoginUser, CORE, "uupupu", (U(0), U(1), P(2), U(3), P(4), U(5)))                       \
	X(C_SessionCancel, CORE, "uu", (U(0), U(1)))                                               \
	X(C_MessageEncryptInit, STUB, "upu", (U(0), P(1), U(2)))                                   \
	X(C_EncryptMessage, STUB, "upupupupp",                                                     \
	  (U(0), P(1), U(2), P(3), U(4), P(5), U(6), P(7), P(8)))                                  \
	X(C_EncryptMessageBegin, STUB, "upupu", (U(0), P(1), U(2), P(3), U(4)))                    \
	X(C_EncryptMessageNext, STUB, "upupuppu",                                                  \
	  (U(0), P(1), U(2), P(3), U(4), P(5), P(6), U(7)))                                        \
	X(C_MessageEncryptFinal, STUB, "u", (U(0)))                                                \
	X(C_MessageDecryptInit, STUB, "upu", (U(0), P(1), U(2)))                                   \
	X(C_DecryptMessage, STUB, "upupupupp",                                                     \
	  (U(0), P(1), U(2), P(3), U(4), P(5), U(6), P(7), P(8)))                                  \
	X(C_DecryptMessageBegin, STUB, "upupu", (U(0), P(1), U(2), P(3), U(4)))                    \
	X(C_DecryptMessageNext, STUB, "upupuppu",                                                  \
	  (U(0), P(1), U(2), P(3), U(4), P(5), P(6), U(7)))                                        \
	X(C_MessageDecryptFinal, STUB, "u", (U(0)))                                                \
	X(C_MessageSignInit, STUB, "upu", (U(0), P(1), U(2)))                                      \
	X(C_SignMessage, STUB, "upupupp", (U(0), P(1), U(2), P(3), U(4), P(5), P(6)))              \
	X(C_SignMessageBegin, STUB, "upu", (U(0), P(1), U(2)))                                     \
	X(C_SignMessageNext, STUB, "upupupp", (U(0), P(1), U(2), P(3), U(4), P(5), P(6)))          \
	X(C_MessageSignFinal, STUB, "u", (U(0)))                                                   \
	X(C_MessageVerifyInit, STUB, "upu", (U(0), P(1), U(2)))                                    \
	X(C_VerifyMessage, STUB, "upupupu", (U(0), P(1), U(2), P(3), U(4), P(5), U(6)))            \
	X(C_VerifyMessageBegin, STUB, "upu", (U(0), P(1), U(2)))                                   \
	X(C_VerifyMessageNext, STUB, "upupupu", (U(0), P(1), U(2), P(3), U(4), P(5), U(6)))        \
	X(C_MessageVerifyFinal, STUB, "u", (U(0)))

/* The most arguments a function takes (C_EncryptMessage, C_DecryptMessage). */
#define HX_MAXARGS 9

enum hx_fn {
#define X(name, cls, sig, args) HX_##name,
	HX_FUNCTIONS(X) HX_FUNCTIONS_3_0(X)
#undef X
		HX_FN_COUNT
};

static const struct {
	const char *name;
	enum hx_class cls;
	const char *sig;
} hx_fns[] = {
#define X(name, cls, sig, args) {#name, cls, sig},
	HX_FUNCTIONS(X) HX_FUNCTIONS_3_0(X)
#undef X
};

static bool
hx_fn_is_3_0(enum hx_fn fn)
{
	return fn >= HX_C_GetInterfaceList;
}

/*
 * The CK_FUNCTION_LIST_3_0 of the module whose 2.40 list is @f, from its
 * C_GetInterface; NULL for another module (p11-kit-proxy 0.24 has no 3.0).
 */
static CK_FUNCTION_LIST_3_0 *
hx_list_3_0(const CK_FUNCTION_LIST *f)
{
	CK_RV (*get)(CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS);
	CK_VERSION v30 = {3, 0};
	CK_INTERFACE *iface = NULL;

	if (f != p11)
		return NULL;
	*(void **)&get = dlsym(module_handle, "C_GetInterface");
	if (get == NULL || get((CK_UTF8CHAR_PTR) "PKCS 11", &v30, &iface, 0) != CKR_OK)
		return NULL;
	return iface->pFunctionList;
}

static CK_RV
hx_call(const CK_FUNCTION_LIST *f, enum hx_fn fn, const union hx_val *v)
{
	const CK_FUNCTION_LIST_3_0 *f3 = hx_fn_is_3_0(fn) ? hx_list_3_0(f) : NULL;

	if (hx_fn_is_3_0(fn) && f3 == NULL)
		fail_msg("%s: no CK_FUNCTION_LIST_3_0 for this list", hx_fns[fn].name);
	switch (fn) {
#define X(name, cls, sig, args)                                                                    \
	case HX_##name:                                                                            \
		return f->name args;
		HX_FUNCTIONS(X)
#undef X
#define X(name, cls, sig, args)                                                                    \
	case HX_##name:                                                                            \
		return f3->name args;
		HX_FUNCTIONS_3_0(X)
#undef X
	case HX_FN_COUNT:
		break;
	}
	return CKR_GENERAL_ERROR;
}

#undef U
#undef P
#undef B
#undef NOTIFY

/* ------------------------------------------------------- the fixture */

/* Objects the rows name: created by the group setup, in the session keyring. */
enum hx_key {
	K_AES,	    /* logon, 32 bytes: an AES key */
	K_HMAC,	    /* logon, 40 bytes: a generic secret */
	K_USER,	    /* user, 32 bytes: extractable */
	K_NOSEARCH, /* our logon key, possessor may only view it (no search: no use) */
	K_OTHER,    /* uid 1001's key linked in our keyring, no permission for us */
	K_FAR,	    /* uid 1001's key in uid 1001's keyring (linked here, not searchable) */
	K_RING,	    /* a keyring linked in our session keyring */
	K_SESSRING, /* the session keyring itself */
	K_ASYM,	    /* an asymmetric (RSA, PKCS#8) key linked in our session keyring */
	K_RANDOM,   /* a serial no key has */
	K_COUNT
};

static const char *const hx_key_names[K_COUNT] = {
	"aes",
	"hmac",
	"user",
	"no-search",
	"uid 1001's key (linked here)",
	"uid 1001's key",
	"keyring",
	"session keyring",
	"asymmetric key",
	"random serial",
};

enum hx_sess { S_RW, S_RO, S_CLOSED };

static struct {
	bool ready;
	CK_SESSION_HANDLE sess[3];
	key_serial_t key[K_COUNT];
	key_serial_t far_ring; /* uid HX_UID's keyring holding K_FAR */
	CK_ULONG nmech;	       /* C_GetMechanismList's count */
} hx;

#define HX_AES_LABEL "p11test:hx-aes"
#define HX_UID 1001

/*
 * A key of uid HX_UID (added in a child, after setresuid), with permissions
 * for that uid only. @far: inside a keyring of that uid's, itself linked in
 * our session keyring but not searchable by us; else linked in our session
 * keyring directly. Returns its serial; *@ring the far keyring (or 0).
 */
static key_serial_t
hx_add_foreign_key(const char *desc, bool far, key_serial_t *ring)
{
	key_serial_t made[2] = {-1, 0};
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		key_serial_t into = KEY_SPEC_SESSION_KEYRING;

		close(fds[0]);
		if (setresgid(HX_UID, HX_UID, HX_UID) != 0 ||
		    setresuid(HX_UID, HX_UID, HX_UID) != 0)
			_exit(3);
		if (far) {
			made[1] = add_key("keyring", "p11test:hx-far-ring", NULL, 0, into);
			if (made[1] < 0 || keyctl_setperm(made[1], KEY_USR_ALL) < 0)
				made[1] = -1;
			into = made[1];
		}
		if (into != -1)
			made[0] = add_key("user", desc, "not yours", 9, into);
		if (made[0] > 0 && keyctl_setperm(made[0], KEY_USR_ALL) < 0)
			made[0] = -1;
		if (made[0] < 0)
			fprintf(stderr, "uid %d: add_key %s: %s\n", HX_UID, desc, strerror(errno));
		if (write(fds[1], made, sizeof(made)) != sizeof(made))
			_exit(2);
		_exit(made[0] > 0 ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], made, sizeof(made)), sizeof(made));
	close(fds[0]);
	hx_wait_child(pid, "adding a key as another uid");
	*ring = made[1];
	return made[0];
}

/* As uid HX_UID, invalidate its own key @k. */
static void
hx_drop_foreign_key(key_serial_t k)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (setresgid(HX_UID, HX_UID, HX_UID) != 0 ||
		    setresuid(HX_UID, HX_UID, HX_UID) != 0 || keyctl_invalidate(k) < 0)
			_exit(1);
		_exit(0);
	}
	hx_wait_child(pid, "dropping another uid's key");
}

/* A PKCS#8 RSA private key, as keyctl padd asymmetric takes it (pkcs8_key_parser). */
static key_serial_t
hx_add_asymmetric_key(void)
{
	EVP_PKEY *pkey = EVP_RSA_gen(1024);
	PKCS8_PRIV_KEY_INFO *p8;
	unsigned char *der = NULL;
	key_serial_t k;
	int len;

	assert_non_null(pkey);
	p8 = EVP_PKEY2PKCS8(pkey);
	assert_non_null(p8);
	len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	assert_true(len > 0);
	k = add_key("asymmetric", "p11test:hx-asym", der, (size_t)len, KEY_SPEC_SESSION_KEYRING);
	if (k < 0)
		fail_msg("add_key asymmetric (PKCS#8): %s (is pkcs8_key_parser loaded?)",
			 strerror(errno));
	OPENSSL_free(der);
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_PKEY_free(pkey);
	return k;
}

/* A random serial that names no key. */
static key_serial_t
hx_unused_serial(void)
{
	for (;;) {
		uint32_t r;
		char buf[8];

		RAND_bytes_((uint8_t *)&r, sizeof(r));
		r &= 0x7fffffff;
		if (r > 1000 && keyctl_describe((key_serial_t)r, buf, sizeof(buf)) < 0 &&
		    errno == ENOKEY)
			return (key_serial_t)r;
	}
}

/*
 * The objects of the table. @guest: also those that need root, another uid
 * or the guest kernel's pkcs8_key_parser.
 */
static void
hx_fixture_keys(bool guest)
{
	uint8_t bytes[40];

	RAND_bytes_(bytes, sizeof(bytes));
	hx.key[K_AES] = add_test_key("logon", HX_AES_LABEL, bytes, 32, KEY_SPEC_SESSION_KEYRING);
	hx.key[K_HMAC] =
		add_test_key("logon", "p11test:hx-hmac", bytes, 40, KEY_SPEC_SESSION_KEYRING);
	hx.key[K_USER] =
		add_test_key("user", "p11test:hx-user", bytes, 32, KEY_SPEC_SESSION_KEYRING);
	hx.key[K_NOSEARCH] =
		add_test_key("logon", "p11test:hx-nosearch", bytes, 32, KEY_SPEC_SESSION_KEYRING);
	/* View, but neither search (no use) nor setattr: possessor and owner alike. */
	assert_int_equal(keyctl_setperm(hx.key[K_NOSEARCH], KEY_POS_VIEW | KEY_USR_VIEW), 0);
	hx.key[K_RING] =
		add_test_key("keyring", "p11test:hx-ring", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	hx.key[K_SESSRING] = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	hx.key[K_RANDOM] = hx_unused_serial();
	if (guest) {
		hx.key[K_OTHER] = hx_add_foreign_key("p11test:hx-other", false, &hx.far_ring);
		hx.key[K_FAR] = hx_add_foreign_key("p11test:hx-far", true, &hx.far_ring);
		hx.key[K_ASYM] = hx_add_asymmetric_key();
	}
	explicit_bzero(bytes, sizeof(bytes));
}

static void
hx_fixture_drop_keys(void)
{
	for (int k = 0; k < K_COUNT; k++) {
		if (hx.key[k] <= 0 || k == K_SESSRING || k == K_RANDOM)
			continue;
		if (k == K_OTHER || k == K_FAR)
			hx_drop_foreign_key(hx.key[k]);
		else if (k == K_NOSEARCH) /* no search permission: it can only be unlinked */
			keyctl_unlink(hx.key[k], KEY_SPEC_SESSION_KEYRING);
		else
			drop_key(hx.key[k]);
		hx.key[k] = 0;
	}
	if (hx.far_ring > 0)
		hx_drop_foreign_key(hx.far_ring);
	hx.far_ring = 0;
}

/* ----------------------------------------------------------- arguments */

enum hx_kind {
	A_END,	  /* no more arguments */
	A_UL,	  /* the integer v */
	A_SESS,	  /* a session handle: enum hx_sess v */
	A_KEY,	  /* an object handle: enum hx_key v */
	A_NULL,	  /* NULL */
	A_BUF,	  /* v bytes (0x5a), ending at an unmapped page */
	A_PUL,	  /* a CK_ULONG holding v, ending at an unmapped page */
	A_ARR,	  /* an array of v CK_ULONGs, ending at an unmapped page */
	A_MECH,	  /* a CK_MECHANISM: enum hx_mech v */
	A_TMPL,	  /* a template: enum hx_tmpl v */
	A_TCOUNT, /* the attribute count of the template just before */
	A_NOTIFY, /* a CK_NOTIFY callback */
	A_INIT,	  /* CK_C_INITIALIZE_ARGS: enum hx_init v */
};

/* Stands for C_GetMechanismList's count (28 with AF_ALG, 2 without). */
#define HX_NMECH ((CK_ULONG)-77)

struct hx_arg {
	enum hx_kind kind;
	CK_ULONG v;
};

#define UL(x)                                                                                      \
	{                                                                                          \
		A_UL, (CK_ULONG)(x)                                                                \
	}
#define SESS                                                                                       \
	{                                                                                          \
		A_SESS, S_RW                                                                       \
	}
#define SESS_RO                                                                                    \
	{                                                                                          \
		A_SESS, S_RO                                                                       \
	}
#define SESS_CLOSED                                                                                \
	{                                                                                          \
		A_SESS, S_CLOSED                                                                   \
	}
#define KEY(k)                                                                                     \
	{                                                                                          \
		A_KEY, k                                                                           \
	}
#define NUL                                                                                        \
	{                                                                                          \
		A_NULL, 0                                                                          \
	}
#define BUF(n)                                                                                     \
	{                                                                                          \
		A_BUF, (CK_ULONG)(n)                                                               \
	}
#define PUL(x)                                                                                     \
	{                                                                                          \
		A_PUL, (CK_ULONG)(x)                                                               \
	}
#define ARR(n)                                                                                     \
	{                                                                                          \
		A_ARR, (CK_ULONG)(n)                                                               \
	}
#define MECH(m)                                                                                    \
	{                                                                                          \
		A_MECH, m                                                                          \
	}
#define TMPL(t)                                                                                    \
	{                                                                                          \
		A_TMPL, t                                                                          \
	}
#define TCNT                                                                                       \
	{                                                                                          \
		A_TCOUNT, 0                                                                        \
	}
#define NOTIFY                                                                                     \
	{                                                                                          \
		A_NOTIFY, 0                                                                        \
	}
#define INIT(i)                                                                                    \
	{                                                                                          \
		A_INIT, i                                                                          \
	}
#define SLOT UL(SESSION_SLOT)

/* The huge lengths of issue 5 item 8. */
#define MAX ULONG_MAX
#define MAX15 (ULONG_MAX - 15)
#define B63 (1UL << 63)

enum hx_mech {
	M_AES_ECB,
	M_AES_CBC_PAD,
	M_AES_CTR,
	M_AES_GCM,
	M_SHA256,
	M_HMAC,
	M_KEY_WRAP,
	M_AES_GEN,
	M_UNKNOWN,	      /* a vendor-defined type nobody implements */
	M_TYPE_MAX,	      /* mechanism type ULONG_MAX */
	M_CBC_NULL_PARAM,     /* pParameter NULL, ulParameterLen 16 */
	M_CBC_PARAM_MAX,      /* a 16-byte IV, ulParameterLen ULONG_MAX */
	M_ECB_PARAM_MAX,      /* ECB takes no parameter: 16 bytes, length ULONG_MAX */
	M_SHA256_PARAM_MAX,   /* likewise for a digest */
	M_CTR_NULL_PARAM,     /* NULL CK_AES_CTR_PARAMS */
	M_CTR_BITS_MAX,	      /* ulCounterBits ULONG_MAX */
	M_GCM_NULL_PARAM,     /* NULL CK_GCM_PARAMS */
	M_GCM_NULL_IV,	      /* pIv NULL */
	M_GCM_IVLEN_MAX,      /* ulIvLen ULONG_MAX */
	M_GCM_AAD_NULL,	      /* pAAD NULL, ulAADLen 16 */
	M_GCM_AAD_MAX,	      /* 16 bytes of AAD, ulAADLen ULONG_MAX */
	M_GCM_AAD_MAX15,      /* ... ULONG_MAX - 15 */
	M_GCM_AAD_B63,	      /* ... 2^63 */
	M_GCM_TAGBITS_MAX,    /* ulTagBits ULONG_MAX */
	M_GCM_PARAM_MAX,      /* ulParameterLen ULONG_MAX */
	M_CCM_NULL_NONCE,     /* pNonce NULL */
	M_CCM_AAD_MAX,	      /* 16 bytes of AAD, ulAADLen ULONG_MAX */
	M_CCM_DATALEN_MAX,    /* ulDataLen ULONG_MAX */
	M_CCM_MACLEN_MAX,     /* ulMACLen ULONG_MAX */
	M_CHACHA_AAD_MAX,     /* ChaCha20-Poly1305, 16 bytes of AAD, ulAADLen ULONG_MAX */
	M_HMAC_GENERAL_NULL,  /* CK_MAC_GENERAL_PARAMS pointer NULL */
	M_HMAC_GENERAL_MAX,   /* MAC length ULONG_MAX */
	M_KEY_WRAP_PARAM_MAX, /* an 8-byte IV, ulParameterLen ULONG_MAX */
	M_AES_GEN_PARAM,      /* key generation takes no parameter */
};

/* A guarded CK_MECHANISM, its parameter and buffers guarded too. */
static CK_MECHANISM *
hx_mechanism(enum hx_mech which)
{
	CK_MECHANISM m = {CKM_AES_ECB, NULL, 0};
	static const uint8_t iv[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	CK_AES_CTR_PARAMS ctr = {128, {0}};
	CK_GCM_PARAMS gcm = {hx_guarded_copy(iv, 12), 12, 96, NULL, 0, 128};
	struct kp11_ccm_params ccm = {16, hx_guarded_copy(iv, 12), 12, NULL, 0, 16};
	struct kp11_chacha20_poly1305_params chacha = {hx_guarded_copy(iv, 12), 12, NULL, 0};
	CK_ULONG general = 16;

	switch (which) {
	case M_AES_ECB:
		break;
	case M_AES_CBC_PAD:
		m = (CK_MECHANISM){CKM_AES_CBC_PAD, hx_guarded_copy(iv, 16), 16};
		break;
	case M_AES_CTR:
	case M_CTR_BITS_MAX:
		if (which == M_CTR_BITS_MAX)
			ctr.ulCounterBits = ULONG_MAX;
		m = (CK_MECHANISM){CKM_AES_CTR, hx_guarded_copy(&ctr, sizeof(ctr)), sizeof(ctr)};
		break;
	case M_AES_GCM:
	case M_GCM_NULL_IV:
	case M_GCM_IVLEN_MAX:
	case M_GCM_AAD_NULL:
	case M_GCM_AAD_MAX:
	case M_GCM_AAD_MAX15:
	case M_GCM_AAD_B63:
	case M_GCM_TAGBITS_MAX:
	case M_GCM_PARAM_MAX:
		if (which == M_GCM_NULL_IV)
			gcm.pIv = NULL;
		if (which == M_GCM_IVLEN_MAX)
			gcm.ulIvLen = ULONG_MAX, gcm.ulIvBits = 0;
		if (which == M_GCM_AAD_NULL)
			gcm.ulAADLen = 16;
		if (which == M_GCM_AAD_MAX || which == M_GCM_AAD_MAX15 || which == M_GCM_AAD_B63) {
			gcm.pAAD = hx_guarded(16);
			gcm.ulAADLen = which == M_GCM_AAD_MAX	  ? MAX
				       : which == M_GCM_AAD_MAX15 ? MAX15
								  : B63;
		}
		if (which == M_GCM_TAGBITS_MAX)
			gcm.ulTagBits = ULONG_MAX;
		m = (CK_MECHANISM){CKM_AES_GCM, hx_guarded_copy(&gcm, sizeof(gcm)), sizeof(gcm)};
		if (which == M_GCM_PARAM_MAX)
			m.ulParameterLen = ULONG_MAX;
		break;
	case M_SHA256:
		m.mechanism = CKM_SHA256;
		break;
	case M_HMAC:
		m.mechanism = CKM_SHA256_HMAC;
		break;
	case M_KEY_WRAP:
		m.mechanism = CKM_AES_KEY_WRAP;
		break;
	case M_AES_GEN:
		m.mechanism = CKM_AES_KEY_GEN;
		break;
	case M_UNKNOWN:
		m.mechanism = CKM_VENDOR_DEFINED | 0x4b503131UL;
		break;
	case M_TYPE_MAX:
		m.mechanism = ULONG_MAX;
		break;
	case M_CBC_NULL_PARAM:
		m = (CK_MECHANISM){CKM_AES_CBC, NULL, 16};
		break;
	case M_CBC_PARAM_MAX:
		m = (CK_MECHANISM){CKM_AES_CBC, hx_guarded_copy(iv, 16), ULONG_MAX};
		break;
	case M_ECB_PARAM_MAX:
		m = (CK_MECHANISM){CKM_AES_ECB, hx_guarded_copy(iv, 16), ULONG_MAX};
		break;
	case M_SHA256_PARAM_MAX:
		m = (CK_MECHANISM){CKM_SHA256, hx_guarded_copy(iv, 16), ULONG_MAX};
		break;
	case M_CTR_NULL_PARAM:
		m = (CK_MECHANISM){CKM_AES_CTR, NULL, sizeof(CK_AES_CTR_PARAMS)};
		break;
	case M_GCM_NULL_PARAM:
		m = (CK_MECHANISM){CKM_AES_GCM, NULL, sizeof(CK_GCM_PARAMS)};
		break;
	case M_CCM_NULL_NONCE:
	case M_CCM_AAD_MAX:
	case M_CCM_DATALEN_MAX:
	case M_CCM_MACLEN_MAX:
		if (which == M_CCM_NULL_NONCE)
			ccm.nonce = NULL;
		if (which == M_CCM_AAD_MAX)
			ccm.aad = hx_guarded(16), ccm.aad_len = ULONG_MAX;
		if (which == M_CCM_DATALEN_MAX)
			ccm.nonce_len = 7, ccm.data_len = ULONG_MAX;
		if (which == M_CCM_MACLEN_MAX)
			ccm.mac_len = ULONG_MAX;
		m = (CK_MECHANISM){CKM_AES_CCM, hx_guarded_copy(&ccm, sizeof(ccm)), sizeof(ccm)};
		break;
	case M_CHACHA_AAD_MAX:
		chacha.aad = hx_guarded(16);
		chacha.aad_len = ULONG_MAX;
		m = (CK_MECHANISM){CKM_CHACHA20_POLY1305, hx_guarded_copy(&chacha, sizeof(chacha)),
				   sizeof(chacha)};
		break;
	case M_HMAC_GENERAL_NULL:
		m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, NULL, sizeof(CK_ULONG)};
		break;
	case M_HMAC_GENERAL_MAX:
		general = ULONG_MAX;
		m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL,
				   hx_guarded_copy(&general, sizeof(general)), sizeof(general)};
		break;
	case M_KEY_WRAP_PARAM_MAX:
		m = (CK_MECHANISM){CKM_AES_KEY_WRAP, hx_guarded_copy(iv, 8), ULONG_MAX};
		break;
	case M_AES_GEN_PARAM:
		m = (CK_MECHANISM){CKM_AES_KEY_GEN, hx_guarded_copy(iv, 8), 8};
		break;
	}
	return hx_guarded_copy(&m, sizeof(m));
}

/* Whether the mechanism exists only where AF_ALG does. */
static bool
hx_mechanism_needs_afalg(enum hx_mech which)
{
	return which != M_AES_GEN && which != M_AES_GEN_PARAM && which != M_UNKNOWN &&
	       which != M_TYPE_MAX;
}

enum hx_tmpl {
	T_AES_SESSION,	   /* a session AES key: class, type, 32-byte value, token false, label */
	T_VALUE_NULL,	   /* ... CKA_VALUE pValue NULL, ulValueLen 32 */
	T_VALUE_MAX,	   /* ... CKA_VALUE of 32 bytes, ulValueLen ULONG_MAX */
	T_VALUE_MAX15,	   /* ... ULONG_MAX - 15 */
	T_VALUE_B63,	   /* ... 2^63 */
	T_VALUE_MAX_TWICE, /* ... CKA_VALUE twice, both ulValueLen ULONG_MAX */
	T_LABEL_MAX,	   /* ... CKA_LABEL of 8 bytes, ulValueLen ULONG_MAX */
	T_ID_MAX,	   /* ... CKA_ID of 8 bytes, ulValueLen ULONG_MAX */
	T_BOOL_MAX,	   /* ... CKA_TOKEN of 1 byte, ulValueLen ULONG_MAX */
	T_CLASS_NULL,	   /* ... CKA_CLASS pValue NULL, ulValueLen 8 */
	T_GEN_AES,	   /* C_GenerateKey: CKA_VALUE_LEN 32, token false */
	T_GEN_TOKEN,	   /* ... CKA_VALUE_LEN 32, token true */
	T_GEN_LEN_NULL,	   /* ... CKA_VALUE_LEN pValue NULL */
	T_GEN_LEN_MAX,	   /* ... CKA_VALUE_LEN = ULONG_MAX */
	T_GEN_LEN_B63,	   /* ... CKA_VALUE_LEN = 2^63 */
	T_GET_CLASS,	   /* C_GetAttributeValue: CKA_CLASS, 8 bytes */
	T_GET_CLASS_NULL,  /* ... CKA_CLASS, pValue NULL (a length query) */
	T_GET_LABEL_MAX,   /* ... CKA_LABEL into exactly its length, ulValueLen ULONG_MAX */
	T_GET_VALUE_MAX,   /* ... CKA_VALUE into 32 bytes, ulValueLen ULONG_MAX */
	T_GET_VALUE,	   /* ... CKA_VALUE into 32 bytes */
	T_FIND_AES,	   /* C_FindObjectsInit: the label of K_AES */
	T_FIND_LABEL_NULL, /* ... CKA_LABEL pValue NULL, ulValueLen 14 */
	T_FIND_LABEL_MAX,  /* ... that label, ulValueLen ULONG_MAX */
	T_COPY,		   /* C_CopyObject: label, token false */
	T_SET_LABEL_MAX,   /* C_SetAttributeValue: CKA_LABEL of 8 bytes, ulValueLen ULONG_MAX */
	T_UNWRAP,	   /* C_UnwrapKey: class, generic secret, token false */
};

static CK_OBJECT_CLASS hx_secret = CKO_SECRET_KEY;
static CK_KEY_TYPE hx_aes = CKK_AES, hx_generic = CKK_GENERIC_SECRET;
static CK_BBOOL hx_false = CK_FALSE, hx_true = CK_TRUE;

/* One attribute whose value is a guarded copy of @len bytes of @value, claimed as @claim bytes. */
static CK_ATTRIBUTE
hx_attr(CK_ATTRIBUTE_TYPE type, const void *value, size_t len, CK_ULONG claim)
{
	return (CK_ATTRIBUTE){type, value != NULL ? hx_guarded_copy(value, len) : NULL, claim};
}

#define HX_ATTR(type, value, len) hx_attr(type, value, len, len)

static CK_ATTRIBUTE *
hx_template(enum hx_tmpl which, CK_ULONG *count)
{
	static const uint8_t value[32] = "0123456789abcdef0123456789abcdef";
	CK_ATTRIBUTE t[8];
	CK_ULONG n = 0, big;

	switch (which) {
	case T_AES_SESSION:
	case T_VALUE_NULL:
	case T_VALUE_MAX:
	case T_VALUE_MAX15:
	case T_VALUE_B63:
	case T_VALUE_MAX_TWICE:
	case T_LABEL_MAX:
	case T_ID_MAX:
	case T_BOOL_MAX:
	case T_CLASS_NULL:
		t[n++] = which == T_CLASS_NULL
				 ? hx_attr(CKA_CLASS, NULL, 0, sizeof(CK_OBJECT_CLASS))
				 : HX_ATTR(CKA_CLASS, &hx_secret, sizeof(hx_secret));
		t[n++] = HX_ATTR(CKA_KEY_TYPE, &hx_aes, sizeof(hx_aes));
		big = which == T_VALUE_MAX15 ? MAX15 : which == T_VALUE_B63 ? B63 : MAX;
		if (which == T_VALUE_NULL)
			t[n++] = hx_attr(CKA_VALUE, NULL, 0, 32);
		else if (which == T_VALUE_MAX || which == T_VALUE_MAX15 || which == T_VALUE_B63 ||
			 which == T_VALUE_MAX_TWICE)
			t[n++] = hx_attr(CKA_VALUE, value, 32, big);
		else
			t[n++] = HX_ATTR(CKA_VALUE, value, 32);
		if (which == T_VALUE_MAX_TWICE)
			t[n++] = hx_attr(CKA_VALUE, value, 32, big);
		if (which == T_BOOL_MAX)
			t[n++] = hx_attr(CKA_TOKEN, &hx_false, 1, MAX);
		else
			t[n++] = HX_ATTR(CKA_TOKEN, &hx_false, 1);
		if (which == T_LABEL_MAX)
			t[n++] = hx_attr(CKA_LABEL, "p11test:", 8, MAX);
		else if (which == T_ID_MAX)
			t[n++] = hx_attr(CKA_ID, "p11test:", 8, MAX);
		else
			t[n++] = HX_ATTR(CKA_LABEL, "p11test:hx-created", 18);
		break;
	case T_GEN_AES:
	case T_GEN_TOKEN:
	case T_GEN_LEN_NULL:
	case T_GEN_LEN_MAX:
	case T_GEN_LEN_B63:
		big = which == T_GEN_LEN_MAX ? MAX : which == T_GEN_LEN_B63 ? B63 : 32;
		t[n++] = which == T_GEN_LEN_NULL ? hx_attr(CKA_VALUE_LEN, NULL, 0, sizeof(CK_ULONG))
						 : HX_ATTR(CKA_VALUE_LEN, &big, sizeof(big));
		t[n++] = HX_ATTR(CKA_TOKEN, which == T_GEN_TOKEN ? &hx_true : &hx_false, 1);
		break;
	case T_GET_CLASS:
		t[n++] = hx_attr(CKA_CLASS, NULL, 0, sizeof(CK_OBJECT_CLASS));
		t[0].pValue = hx_guarded(sizeof(CK_OBJECT_CLASS));
		break;
	case T_GET_CLASS_NULL:
		t[n++] = hx_attr(CKA_CLASS, NULL, 0, sizeof(CK_OBJECT_CLASS));
		break;
	case T_GET_LABEL_MAX:
		t[n++] = hx_attr(CKA_LABEL, HX_AES_LABEL, strlen(HX_AES_LABEL), MAX);
		break;
	case T_GET_VALUE_MAX:
	case T_GET_VALUE:
		t[n++] = hx_attr(CKA_VALUE, value, 32, which == T_GET_VALUE ? 32 : MAX);
		break;
	case T_FIND_AES:
		t[n++] = HX_ATTR(CKA_LABEL, HX_AES_LABEL, strlen(HX_AES_LABEL));
		break;
	case T_FIND_LABEL_NULL:
		t[n++] = hx_attr(CKA_LABEL, NULL, 0, strlen(HX_AES_LABEL));
		break;
	case T_FIND_LABEL_MAX:
		t[n++] = hx_attr(CKA_LABEL, HX_AES_LABEL, strlen(HX_AES_LABEL), MAX);
		break;
	case T_COPY:
		t[n++] = HX_ATTR(CKA_LABEL, "p11test:hx-copy", 15);
		t[n++] = HX_ATTR(CKA_TOKEN, &hx_false, 1);
		break;
	case T_SET_LABEL_MAX:
		t[n++] = hx_attr(CKA_LABEL, "p11test:", 8, MAX);
		break;
	case T_UNWRAP:
		t[n++] = HX_ATTR(CKA_CLASS, &hx_secret, sizeof(hx_secret));
		t[n++] = HX_ATTR(CKA_KEY_TYPE, &hx_generic, sizeof(hx_generic));
		t[n++] = HX_ATTR(CKA_TOKEN, &hx_false, 1);
		break;
	}
	*count = n;
	return hx_guarded_copy(t, n * sizeof(t[0]));
}

enum hx_init {
	I_PARTIAL,     /* only CreateMutex given: CKR_ARGUMENTS_BAD (v2.40 C_Initialize) */
	I_OS_RESERVED, /* CKF_OS_LOCKING_OK and a pReserved string, as NSS passes */
};

static CK_RV
hx_notify(CK_SESSION_HANDLE h, CK_NOTIFICATION event, CK_VOID_PTR app)
{
	(void)h;
	(void)event;
	(void)app;
	return CKR_OK;
}

static CK_RV
hx_create_mutex(void **m)
{
	*m = NULL;
	return CKR_OK;
}

/* Turn the row's arguments into values; false if the row does not fit @sig. */
static bool
hx_materialize(const struct hx_arg *a, const char *sig, union hx_val *v, CK_ULONG *tcount)
{
	size_t n = strlen(sig);

	for (size_t i = 0; i < HX_MAXARGS; i++) {
		CK_ULONG x = a[i].v == HX_NMECH ? hx.nmech : a[i].v;
		CK_C_INITIALIZE_ARGS init = {0};

		if ((i < n) != (a[i].kind != A_END))
			return false;
		if (i >= n)
			break;
		if ((sig[i] == 'u') != (a[i].kind == A_UL || a[i].kind == A_SESS ||
					a[i].kind == A_KEY || a[i].kind == A_TCOUNT))
			return false;
		switch (a[i].kind) {
		case A_END:
			break;
		case A_UL:
			v[i].ul = x;
			break;
		case A_SESS:
			v[i].ul = hx.sess[x];
			break;
		case A_KEY:
			v[i].ul = (CK_ULONG)hx.key[x];
			break;
		case A_NULL:
			v[i].p = NULL;
			break;
		case A_BUF:
			v[i].p = hx_guarded(x);
			break;
		case A_PUL:
			v[i].p = hx_guarded_copy(&x, sizeof(x));
			break;
		case A_ARR:
			v[i].p = hx_guarded(x * sizeof(CK_ULONG));
			break;
		case A_MECH:
			v[i].p = hx_mechanism((enum hx_mech)x);
			break;
		case A_TMPL:
			v[i].p = hx_template((enum hx_tmpl)x, tcount);
			break;
		case A_TCOUNT:
			v[i].ul = *tcount;
			break;
		case A_NOTIFY:
			v[i].p = (void *)(uintptr_t)hx_notify;
			break;
		case A_INIT:
			if (x == I_PARTIAL) {
				init.CreateMutex = hx_create_mutex;
			} else {
				init.flags = CKF_OS_LOCKING_OK;
				init.pReserved = hx_guarded_copy("configdir='x'", 14);
			}
			v[i].p = hx_guarded_copy(&init, sizeof(init));
			break;
		}
	}
	return true;
}

/* --------------------------------------------------------------- rows */

/* The state a row's call is made in: a fresh RW session S_RW, with... */
enum hx_pre {
	PRE_NONE,	 /* ...nothing active */
	PRE_FINALIZED,	 /* ...then C_Finalize (C_Initialize again after the row) */
	PRE_FIND,	 /* ...C_FindObjectsInit by the label of K_AES (one match) */
	PRE_ENC_ECB,	 /* ...C_EncryptInit AES-ECB with K_AES */
	PRE_DEC_ECB,	 /* ...C_DecryptInit AES-ECB */
	PRE_ENC_CBC_PAD, /* ...C_EncryptInit AES-CBC-PAD */
	PRE_DEC_CBC_PAD, /* ...C_DecryptInit AES-CBC-PAD */
	PRE_ENC_CTR,	 /* ...C_EncryptInit AES-CTR (128-bit counter) */
	PRE_ENC_GCM,	 /* ...C_EncryptInit AES-GCM (96-bit IV, 128-bit tag) */
	PRE_DIGEST,	 /* ...C_DigestInit SHA-256 */
	PRE_SIGN,	 /* ...C_SignInit SHA256-HMAC with K_HMAC */
	PRE_VERIFY,	 /* ...C_VerifyInit SHA256-HMAC with K_HMAC */
};

/* After the call: a CK_ULONG the module must have written (-1: nothing to check). */
enum hx_after {
	AFTER_NONE,
	AFTER_PUL,     /* *(CK_ULONG *)arg[pos] == val */
	AFTER_ATTRLEN, /* the first attribute of the template arg[pos]: ulValueLen == val */
};

struct hx_row {
	const char *what;
	enum hx_fn fn;
	enum hx_pre pre;
	struct hx_arg a[HX_MAXARGS];
	CK_RV want[4];
	size_t nwant;
	enum hx_after after;
	int after_pos;
	CK_ULONG after_val;
};

#define HX_UNPAREN(...) __VA_ARGS__
#define RV(...) .want = {__VA_ARGS__}, .nwant = sizeof((CK_RV[]){__VA_ARGS__}) / sizeof(CK_RV)
#define ROW(f, p, w, args, ...)                                                                    \
	{                                                                                          \
		.what = w, .fn = HX_##f, .pre = p, .a = {HX_UNPAREN args}, RV(__VA_ARGS__)         \
	}
/* ... and the CK_ULONG at argument @pos must then be @val. */
#define ROWL(f, p, w, args, pos, val, ...)                                                         \
	{                                                                                          \
		.what = w, .fn = HX_##f, .pre = p, .a = {HX_UNPAREN args}, RV(__VA_ARGS__),        \
		.after = AFTER_PUL, .after_pos = pos, .after_val = (val)                           \
	}
/* ... and the first attribute of the template at @pos must then say @val bytes. */
#define ROWA(f, p, w, args, pos, val, ...)                                                         \
	{                                                                                          \
		.what = w, .fn = HX_##f, .pre = p, .a = {HX_UNPAREN args}, RV(__VA_ARGS__),        \
		.after = AFTER_ATTRLEN, .after_pos = pos, .after_val = (val)                       \
	}

/* Short names for the codes the table uses most. */
#define BAD CKR_ARGUMENTS_BAD
#define NOSUP CKR_FUNCTION_NOT_SUPPORTED
#define SHI CKR_SESSION_HANDLE_INVALID
#define OHI CKR_OBJECT_HANDLE_INVALID
#define KHI CKR_KEY_HANDLE_INVALID
#define MPI CKR_MECHANISM_PARAM_INVALID
#define AVI CKR_ATTRIBUTE_VALUE_INVALID

/*
 * Lengths no buffer can have (more than PTRDIFF_MAX bytes): the arguments are
 * bad. Where a function's return values include a length-range code, that
 * code also describes the call truthfully ("too long"), so both are accepted.
 */
#define HUGE_IN BAD, CKR_DATA_LEN_RANGE
#define HUGE_CIPHERTEXT BAD, CKR_ENCRYPTED_DATA_LEN_RANGE

/* Rows for one hostile object handle (the ones no function may take as an object). */
#define BAD_OBJECT_ROWS(k)                                                                         \
	ROW(C_GetAttributeValue, PRE_NONE, "object: " #k, (SESS, KEY(k), TMPL(T_GET_CLASS), TCNT), \
	    OHI),                                                                                  \
		ROW(C_SetAttributeValue, PRE_NONE, "object: " #k,                                  \
		    (SESS, KEY(k), TMPL(T_COPY), TCNT), OHI),                                      \
		ROW(C_GetObjectSize, PRE_NONE, "object: " #k, (SESS, KEY(k), PUL(0)), OHI),        \
		ROW(C_DestroyObject, PRE_NONE, "object: " #k, (SESS, KEY(k)), OHI),                \
		ROW(C_CopyObject, PRE_NONE, "object: " #k,                                         \
		    (SESS, KEY(k), TMPL(T_COPY), TCNT, BUF(8)), OHI),                              \
		ROW(C_EncryptInit, PRE_NONE, "key: " #k, (SESS, MECH(M_AES_ECB), KEY(k)), KHI),    \
		ROW(C_DecryptInit, PRE_NONE, "key: " #k, (SESS, MECH(M_AES_CBC_PAD), KEY(k)),      \
		    KHI),                                                                          \
		ROW(C_SignInit, PRE_NONE, "key: " #k, (SESS, MECH(M_HMAC), KEY(k)), KHI),          \
		ROW(C_VerifyInit, PRE_NONE, "key: " #k, (SESS, MECH(M_HMAC), KEY(k)), KHI),        \
		ROW(C_DigestKey, PRE_DIGEST, "key: " #k, (SESS, KEY(k)), KHI),                     \
		ROW(C_WrapKey, PRE_NONE, "wrapping key: " #k,                                      \
		    (SESS, MECH(M_KEY_WRAP), KEY(k), KEY(K_USER), BUF(40), PUL(40)),               \
		    CKR_WRAPPING_KEY_HANDLE_INVALID),                                              \
		ROW(C_WrapKey, PRE_NONE, "wrapped key: " #k,                                       \
		    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), KEY(k), BUF(40), PUL(40)), KHI),          \
		ROW(C_UnwrapKey, PRE_NONE, "unwrapping key: " #k,                                  \
		    (SESS, MECH(M_KEY_WRAP), KEY(k), BUF(40), UL(40), TMPL(T_UNWRAP), TCNT,        \
		     BUF(8)),                                                                      \
		    CKR_UNWRAPPING_KEY_HANDLE_INVALID)

/* The same with a literal handle value. */
#define BAD_HANDLE_ROWS(h, name)                                                                   \
	ROW(C_GetAttributeValue, PRE_NONE, "object: " name,                                        \
	    (SESS, UL(h), TMPL(T_GET_CLASS), TCNT), OHI),                                          \
		ROW(C_GetObjectSize, PRE_NONE, "object: " name, (SESS, UL(h), PUL(0)), OHI),       \
		ROW(C_DestroyObject, PRE_NONE, "object: " name, (SESS, UL(h)), OHI),               \
		ROW(C_CopyObject, PRE_NONE, "object: " name,                                       \
		    (SESS, UL(h), TMPL(T_COPY), TCNT, BUF(8)), OHI),                               \
		ROW(C_EncryptInit, PRE_NONE, "key: " name, (SESS, MECH(M_AES_ECB), UL(h)), KHI),   \
		ROW(C_SignInit, PRE_NONE, "key: " name, (SESS, MECH(M_HMAC), UL(h)), KHI),         \
		ROW(C_DigestKey, PRE_DIGEST, "key: " name, (SESS, UL(h)), KHI),                    \
		ROW(C_WrapKey, PRE_NONE, "wrapping key: " name,                                    \
		    (SESS, MECH(M_KEY_WRAP), UL(h), KEY(K_USER), BUF(40), PUL(40)),                \
		    CKR_WRAPPING_KEY_HANDLE_INVALID),                                              \
		ROW(C_UnwrapKey, PRE_NONE, "unwrapping key: " name,                                \
		    (SESS, MECH(M_KEY_WRAP), UL(h), BUF(40), UL(40), TMPL(T_UNWRAP), TCNT,         \
		     BUF(8)),                                                                      \
		    CKR_UNWRAPPING_KEY_HANDLE_INVALID)

/* Rows for one bogus session handle. */
#define BAD_SESSION_ROWS(s, name)                                                                  \
	ROW(C_GetSessionInfo, PRE_NONE, "session: " name, (s, BUF(sizeof(CK_SESSION_INFO))), SHI), \
		ROW(C_CloseSession, PRE_NONE, "session: " name, (s), SHI),                         \
		ROW(C_Login, PRE_NONE, "session: " name, (s, UL(CKU_USER), BUF(4), UL(4)), SHI),   \
		ROW(C_Logout, PRE_NONE, "session: " name, (s), SHI),                               \
		ROW(C_CreateObject, PRE_NONE, "session: " name,                                    \
		    (s, TMPL(T_AES_SESSION), TCNT, BUF(8)), SHI),                                  \
		ROW(C_GetAttributeValue, PRE_NONE, "session: " name,                               \
		    (s, KEY(K_AES), TMPL(T_GET_CLASS), TCNT), SHI),                                \
		ROW(C_FindObjectsInit, PRE_NONE, "session: " name, (s, NUL, UL(0)), SHI),          \
		ROW(C_FindObjects, PRE_NONE, "session: " name, (s, ARR(4), UL(4), PUL(0)), SHI),   \
		ROW(C_FindObjectsFinal, PRE_NONE, "session: " name, (s), SHI),                     \
		ROW(C_EncryptInit, PRE_NONE, "session: " name, (s, MECH(M_AES_ECB), KEY(K_AES)),   \
		    SHI),                                                                          \
		ROW(C_Encrypt, PRE_NONE, "session: " name, (s, BUF(16), UL(16), BUF(16), PUL(16)), \
		    SHI),                                                                          \
		ROW(C_DigestInit, PRE_NONE, "session: " name, (s, MECH(M_SHA256)), SHI),           \
		ROW(C_DigestUpdate, PRE_NONE, "session: " name, (s, BUF(16), UL(16)), SHI),        \
		ROW(C_SignFinal, PRE_NONE, "session: " name, (s, BUF(32), PUL(32)), SHI),          \
		ROW(C_GenerateKey, PRE_NONE, "session: " name,                                     \
		    (s, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, BUF(8)), SHI),                     \
		ROW(C_GenerateRandom, PRE_NONE, "session: " name, (s, BUF(16), UL(16)), SHI)

static const struct hx_row hx_rows[] = {
	/* ---- general purpose (v2.40 5.4) */
	ROW(C_Initialize, PRE_FINALIZED, "NULL pInitArgs", (NUL), CKR_OK),
	ROW(C_Initialize, PRE_NONE, "again", (NUL), CKR_CRYPTOKI_ALREADY_INITIALIZED),
	ROW(C_Initialize, PRE_FINALIZED, "CreateMutex alone", (INIT(I_PARTIAL)), BAD),
	/* pReserved "must be NULL"; the module takes NSS's and p11-kit's strings (general.c). */
	ROW(C_Initialize, PRE_FINALIZED, "pReserved string", (INIT(I_OS_RESERVED)), CKR_OK, BAD),
	ROW(C_Finalize, PRE_NONE, "NULL pReserved", (NUL), CKR_OK),
	ROW(C_Finalize, PRE_NONE, "non-NULL pReserved", (BUF(8)), BAD),
	ROW(C_GetInfo, PRE_NONE, "NULL pInfo", (NUL), BAD),
	ROW(C_GetFunctionList, PRE_NONE, "NULL ppFunctionList", (NUL), BAD),
	ROW(C_GetFunctionList, PRE_FINALIZED, "before C_Initialize", (BUF(sizeof(void *))), CKR_OK),

	/* ---- slots and tokens (5.5) */
	ROW(C_GetSlotList, PRE_NONE, "NULL pSlotList and pulCount", (UL(1), NUL, NUL), BAD),
	ROWL(C_GetSlotList, PRE_NONE, "NULL pSlotList: length query", (UL(1), NUL, PUL(0)), 2, 2,
	     CKR_OK),
	ROWL(C_GetSlotList, PRE_NONE, "2 slots, *pulCount ULONG_MAX", (UL(0), ARR(2), PUL(MAX)), 2,
	     2, CKR_OK),
	ROWL(C_GetSlotList, PRE_NONE, "2 slots, *pulCount 2^63", (UL(1), ARR(2), PUL(B63)), 2, 2,
	     CKR_OK),
	ROWL(C_GetSlotList, PRE_NONE, "1 slot of room", (UL(1), ARR(1), PUL(1)), 2, 2,
	     CKR_BUFFER_TOO_SMALL),
	ROW(C_GetSlotInfo, PRE_NONE, "NULL pInfo", (SLOT, NUL), BAD),
	ROW(C_GetSlotInfo, PRE_NONE, "slot 0", (UL(0), BUF(sizeof(CK_SLOT_INFO))),
	    CKR_SLOT_ID_INVALID),
	ROW(C_GetSlotInfo, PRE_NONE, "slot ULONG_MAX", (UL(MAX), BUF(sizeof(CK_SLOT_INFO))),
	    CKR_SLOT_ID_INVALID),
	ROW(C_GetTokenInfo, PRE_NONE, "NULL pInfo", (SLOT, NUL), BAD),
	ROW(C_GetTokenInfo, PRE_NONE, "slot ULONG_MAX", (UL(MAX), BUF(sizeof(CK_TOKEN_INFO))),
	    CKR_SLOT_ID_INVALID),
	ROW(C_GetMechanismList, PRE_NONE, "NULL pMechanismList and pulCount", (SLOT, NUL, NUL),
	    BAD),
	ROWL(C_GetMechanismList, PRE_NONE, "NULL pMechanismList: length query", (SLOT, NUL, PUL(0)),
	     2, HX_NMECH, CKR_OK),
	ROWL(C_GetMechanismList, PRE_NONE, "exact room, *pulCount ULONG_MAX",
	     (SLOT, ARR(HX_NMECH), PUL(MAX)), 2, HX_NMECH, CKR_OK),
	ROW(C_GetMechanismList, PRE_NONE, "slot ULONG_MAX", (UL(MAX), NUL, PUL(0)),
	    CKR_SLOT_ID_INVALID),
	ROW(C_GetMechanismInfo, PRE_NONE, "NULL pInfo", (SLOT, UL(CKM_AES_KEY_GEN), NUL), BAD),
	ROW(C_GetMechanismInfo, PRE_NONE, "mechanism ULONG_MAX",
	    (SLOT, UL(MAX), BUF(sizeof(CK_MECHANISM_INFO))), CKR_MECHANISM_INVALID),
	ROW(C_GetMechanismInfo, PRE_NONE, "slot ULONG_MAX",
	    (UL(MAX), UL(CKM_AES_KEY_GEN), BUF(sizeof(CK_MECHANISM_INFO))), CKR_SLOT_ID_INVALID),
	ROW(C_InitToken, PRE_NONE, "NULL pPin", (SLOT, NUL, UL(4), BUF(32)), NOSUP),
	ROW(C_InitToken, PRE_NONE, "NULL pLabel", (SLOT, BUF(4), UL(4), NUL), NOSUP),
	ROW(C_InitToken, PRE_NONE, "ulPinLen ULONG_MAX", (SLOT, BUF(4), UL(MAX), BUF(32)), NOSUP),
	ROW(C_InitPIN, PRE_NONE, "NULL pPin", (SESS, NUL, UL(4)), NOSUP),
	ROW(C_SetPIN, PRE_NONE, "NULL pOldPin", (SESS, NUL, UL(4), BUF(4), UL(4)), NOSUP),
	ROW(C_SetPIN, PRE_NONE, "NULL pNewPin", (SESS, BUF(4), UL(4), NUL, UL(4)), NOSUP),
	ROW(C_WaitForSlotEvent, PRE_NONE, "NULL pSlot", (UL(CKF_DONT_BLOCK), NUL, NUL), NOSUP),
	ROW(C_WaitForSlotEvent, PRE_NONE, "non-NULL pReserved",
	    (UL(CKF_DONT_BLOCK), BUF(8), BUF(8)), NOSUP),

	/* ---- sessions (5.6) */
	ROW(C_OpenSession, PRE_NONE, "NULL phSession",
	    (SLOT, UL(CKF_SERIAL_SESSION), NUL, NUL, NUL), BAD),
	ROW(C_OpenSession, PRE_NONE, "NULL pApplication and Notify",
	    (SLOT, UL(CKF_SERIAL_SESSION | CKF_RW_SESSION), NUL, NUL, BUF(8)), CKR_OK),
	ROW(C_OpenSession, PRE_NONE, "pApplication and Notify given",
	    (SLOT, UL(CKF_SERIAL_SESSION), BUF(8), NOTIFY, BUF(8)), CKR_OK),
	ROW(C_OpenSession, PRE_NONE, "slot ULONG_MAX",
	    (UL(MAX), UL(CKF_SERIAL_SESSION), NUL, NUL, BUF(8)), CKR_SLOT_ID_INVALID),
	ROW(C_OpenSession, PRE_NONE, "no CKF_SERIAL_SESSION", (SLOT, UL(0), NUL, NUL, BUF(8)),
	    CKR_SESSION_PARALLEL_NOT_SUPPORTED),
	ROW(C_CloseAllSessions, PRE_NONE, "slot ULONG_MAX", (UL(MAX)), CKR_SLOT_ID_INVALID),
	ROW(C_CloseAllSessions, PRE_NONE, "slot 0", (UL(0)), CKR_SLOT_ID_INVALID),
	ROW(C_GetSessionInfo, PRE_NONE, "NULL pInfo", (SESS, NUL), BAD),
	ROW(C_GetOperationState, PRE_NONE, "NULL pOperationState", (SESS, NUL, PUL(0)), NOSUP),
	ROW(C_GetOperationState, PRE_NONE, "NULL pulOperationStateLen", (SESS, BUF(16), NUL),
	    NOSUP),
	ROW(C_SetOperationState, PRE_NONE, "NULL pOperationState",
	    (SESS, NUL, UL(16), UL(0), UL(0)), NOSUP),
	ROW(C_Login, PRE_NONE, "NULL pPin, ulPinLen 4", (SESS, UL(CKU_USER), NUL, UL(4)), BAD),
	ROW(C_Login, PRE_NONE, "NULL pPin, ulPinLen 0", (SESS, UL(CKU_USER), NUL, UL(0)), CKR_OK),
	/* Any PIN logs in and the module never reads it (docs/design.md): either is right. */
	ROW(C_Login, PRE_NONE, "ulPinLen ULONG_MAX", (SESS, UL(CKU_USER), BUF(4), UL(MAX)), CKR_OK,
	    BAD),
	ROW(C_Login, PRE_NONE, "user type ULONG_MAX", (SESS, UL(MAX), BUF(4), UL(4)),
	    CKR_USER_TYPE_INVALID),
	ROW(C_Logout, PRE_NONE, "not logged in", (SESS), CKR_USER_NOT_LOGGED_IN),
	BAD_SESSION_ROWS(SESS_CLOSED, "closed"),
	BAD_SESSION_ROWS(UL(CK_INVALID_HANDLE), "CK_INVALID_HANDLE"),
	BAD_SESSION_ROWS(UL(MAX), "ULONG_MAX"),
	BAD_SESSION_ROWS(UL(0x5eed1e55UL), "random"),

	/* ---- objects (5.7) */
	ROW(C_CreateObject, PRE_NONE, "NULL pTemplate, ulCount 5", (SESS, NUL, UL(5), BUF(8)), BAD),
	ROW(C_CreateObject, PRE_NONE, "NULL phObject", (SESS, TMPL(T_AES_SESSION), TCNT, NUL), BAD),
	ROW(C_CreateObject, PRE_NONE, "NULL pTemplate, ulCount 0", (SESS, NUL, UL(0), BUF(8)),
	    CKR_TEMPLATE_INCOMPLETE),
	ROW(C_CreateObject, PRE_NONE, "a session AES key",
	    (SESS, TMPL(T_AES_SESSION), TCNT, BUF(8)), CKR_OK),
	ROW(C_CreateObject, PRE_NONE, "ulCount ULONG_MAX",
	    (SESS, TMPL(T_AES_SESSION), UL(MAX), BUF(8)), BAD),
	ROW(C_CreateObject, PRE_NONE, "ulCount ULONG_MAX-15",
	    (SESS, TMPL(T_AES_SESSION), UL(MAX15), BUF(8)), BAD),
	ROW(C_CreateObject, PRE_NONE, "ulCount 2^63", (SESS, TMPL(T_AES_SESSION), UL(B63), BUF(8)),
	    BAD),
	ROW(C_CreateObject, PRE_NONE, "CKA_VALUE pValue NULL",
	    (SESS, TMPL(T_VALUE_NULL), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_VALUE ulValueLen ULONG_MAX",
	    (SESS, TMPL(T_VALUE_MAX), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_VALUE ulValueLen ULONG_MAX-15",
	    (SESS, TMPL(T_VALUE_MAX15), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_VALUE ulValueLen 2^63",
	    (SESS, TMPL(T_VALUE_B63), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_VALUE twice, ulValueLen ULONG_MAX",
	    (SESS, TMPL(T_VALUE_MAX_TWICE), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_LABEL ulValueLen ULONG_MAX",
	    (SESS, TMPL(T_LABEL_MAX), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_ID ulValueLen ULONG_MAX",
	    (SESS, TMPL(T_ID_MAX), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_TOKEN ulValueLen ULONG_MAX",
	    (SESS, TMPL(T_BOOL_MAX), TCNT, BUF(8)), AVI),
	ROW(C_CreateObject, PRE_NONE, "CKA_CLASS pValue NULL",
	    (SESS, TMPL(T_CLASS_NULL), TCNT, BUF(8)), AVI),
	ROW(C_CopyObject, PRE_NONE, "NULL pTemplate, ulCount 1",
	    (SESS, KEY(K_USER), NUL, UL(1), BUF(8)), BAD),
	ROW(C_CopyObject, PRE_NONE, "NULL phNewObject",
	    (SESS, KEY(K_USER), TMPL(T_COPY), TCNT, NUL), BAD),
	ROW(C_CopyObject, PRE_NONE, "a session copy",
	    (SESS, KEY(K_USER), TMPL(T_COPY), TCNT, BUF(8)), CKR_OK),
	ROW(C_CopyObject, PRE_NONE, "ulCount ULONG_MAX",
	    (SESS, KEY(K_USER), TMPL(T_COPY), UL(MAX), BUF(8)), BAD),
	ROW(C_CopyObject, PRE_NONE, "ulCount 2^63",
	    (SESS, KEY(K_USER), TMPL(T_COPY), UL(B63), BUF(8)), BAD),
	ROW(C_GetObjectSize, PRE_NONE, "NULL pulSize", (SESS, KEY(K_AES), NUL), BAD),
	ROW(C_GetAttributeValue, PRE_NONE, "NULL pTemplate, ulCount 1",
	    (SESS, KEY(K_AES), NUL, UL(1)), BAD),
	ROW(C_GetAttributeValue, PRE_NONE, "NULL pTemplate, ulCount 0",
	    (SESS, KEY(K_AES), NUL, UL(0)), CKR_OK),
	ROW(C_GetAttributeValue, PRE_NONE, "ulCount ULONG_MAX",
	    (SESS, KEY(K_AES), TMPL(T_GET_CLASS), UL(MAX)), BAD),
	ROW(C_GetAttributeValue, PRE_NONE, "ulCount ULONG_MAX-15",
	    (SESS, KEY(K_AES), TMPL(T_GET_CLASS), UL(MAX15)), BAD),
	ROW(C_GetAttributeValue, PRE_NONE, "ulCount 2^63",
	    (SESS, KEY(K_AES), TMPL(T_GET_CLASS), UL(B63)), BAD),
	ROWA(C_GetAttributeValue, PRE_NONE, "pValue NULL: length query",
	     (SESS, KEY(K_AES), TMPL(T_GET_CLASS_NULL), TCNT), 2, sizeof(CK_OBJECT_CLASS), CKR_OK),
	ROWA(C_GetAttributeValue, PRE_NONE, "CKA_LABEL, exact room, ulValueLen ULONG_MAX",
	     (SESS, KEY(K_AES), TMPL(T_GET_LABEL_MAX), TCNT), 2, strlen(HX_AES_LABEL), CKR_OK),
	ROWA(C_GetAttributeValue, PRE_NONE, "user CKA_VALUE, exact room, ulValueLen ULONG_MAX",
	     (SESS, KEY(K_USER), TMPL(T_GET_VALUE_MAX), TCNT), 2, 32, CKR_OK),
	ROWA(C_GetAttributeValue, PRE_NONE, "logon CKA_VALUE",
	     (SESS, KEY(K_AES), TMPL(T_GET_VALUE), TCNT), 2, CK_UNAVAILABLE_INFORMATION,
	     CKR_ATTRIBUTE_SENSITIVE),
	/* Viewable: an object, even though it may not be used. */
	ROW(C_GetAttributeValue, PRE_NONE, "object: view-only key",
	    (SESS, KEY(K_NOSEARCH), TMPL(T_GET_CLASS), TCNT), CKR_OK),
	ROW(C_SetAttributeValue, PRE_NONE, "NULL pTemplate, ulCount 1",
	    (SESS, KEY(K_AES), NUL, UL(1)), BAD),
	ROW(C_SetAttributeValue, PRE_NONE, "NULL pTemplate, ulCount 0",
	    (SESS, KEY(K_AES), NUL, UL(0)), CKR_OK),
	ROW(C_SetAttributeValue, PRE_NONE, "ulCount ULONG_MAX",
	    (SESS, KEY(K_AES), TMPL(T_COPY), UL(MAX)), BAD),
	ROW(C_SetAttributeValue, PRE_NONE, "CKA_LABEL ulValueLen ULONG_MAX",
	    (SESS, KEY(K_AES), TMPL(T_SET_LABEL_MAX), TCNT), AVI),
	ROW(C_FindObjectsInit, PRE_NONE, "NULL pTemplate, ulCount 1", (SESS, NUL, UL(1)), BAD),
	ROW(C_FindObjectsInit, PRE_NONE, "NULL pTemplate, ulCount 0", (SESS, NUL, UL(0)), CKR_OK),
	ROW(C_FindObjectsInit, PRE_NONE, "ulCount ULONG_MAX", (SESS, TMPL(T_FIND_AES), UL(MAX)),
	    BAD),
	ROW(C_FindObjectsInit, PRE_NONE, "ulCount 2^63", (SESS, TMPL(T_FIND_AES), UL(B63)), BAD),
	/* A NULL value in a search template matches nothing, or is refused: either is right. */
	ROW(C_FindObjectsInit, PRE_NONE, "CKA_LABEL pValue NULL",
	    (SESS, TMPL(T_FIND_LABEL_NULL), TCNT), CKR_OK, BAD, AVI),
	ROW(C_FindObjectsInit, PRE_NONE, "CKA_LABEL ulValueLen ULONG_MAX",
	    (SESS, TMPL(T_FIND_LABEL_MAX), TCNT), CKR_OK, BAD, AVI),
	ROW(C_FindObjectsInit, PRE_FIND, "already active", (SESS, NUL, UL(0)),
	    CKR_OPERATION_ACTIVE),
	ROW(C_FindObjects, PRE_FIND, "NULL phObject, ulMaxObjectCount 4",
	    (SESS, NUL, UL(4), PUL(0)), BAD),
	ROW(C_FindObjects, PRE_FIND, "NULL pulObjectCount", (SESS, ARR(4), UL(4), NUL), BAD),
	ROWL(C_FindObjects, PRE_FIND, "NULL phObject, ulMaxObjectCount 0",
	     (SESS, NUL, UL(0), PUL(9)), 3, 0, CKR_OK),
	ROWL(C_FindObjects, PRE_FIND, "room for the 1 match, ulMaxObjectCount ULONG_MAX",
	     (SESS, ARR(1), UL(MAX), PUL(9)), 3, 1, CKR_OK),
	ROW(C_FindObjects, PRE_NONE, "not initialized", (SESS, ARR(1), UL(1), PUL(0)),
	    CKR_OPERATION_NOT_INITIALIZED),
	ROW(C_FindObjectsFinal, PRE_NONE, "not initialized", (SESS), CKR_OPERATION_NOT_INITIALIZED),
	BAD_OBJECT_ROWS(K_OTHER),
	BAD_OBJECT_ROWS(K_FAR),
	BAD_OBJECT_ROWS(K_RING),
	BAD_OBJECT_ROWS(K_SESSRING),
	BAD_OBJECT_ROWS(K_ASYM),
	BAD_OBJECT_ROWS(K_RANDOM),
	BAD_HANDLE_ROWS(0, "0"),
	BAD_HANDLE_ROWS(CK_INVALID_HANDLE, "CK_INVALID_HANDLE"),
	BAD_HANDLE_ROWS(MAX, "ULONG_MAX"),
	BAD_HANDLE_ROWS(1UL << 40, "2^40"),
	BAD_HANDLE_ROWS(0x80000000UL, "2^31"),
	/* As a 32-bit serial these are KEY_SPEC_THREAD_KEYRING and KEY_SPEC_SESSION_KEYRING. */
	BAD_HANDLE_ROWS(0xffffffffUL, "0xffffffff"),
	BAD_HANDLE_ROWS(0xfffffffdUL, "0xfffffffd"),
	BAD_HANDLE_ROWS((CK_ULONG)KEY_SPEC_SESSION_KEYRING, "(CK_ULONG)KEY_SPEC_SESSION_KEYRING"),

	/* ---- keys whose use the kernel refuses: viewable, not searchable */
	ROW(C_EncryptInit, PRE_NONE, "key: view-only", (SESS, MECH(M_AES_ECB), KEY(K_NOSEARCH)),
	    CKR_KEY_FUNCTION_NOT_PERMITTED),
	ROW(C_SignInit, PRE_NONE, "key: view-only", (SESS, MECH(M_HMAC), KEY(K_NOSEARCH)),
	    CKR_KEY_FUNCTION_NOT_PERMITTED),
	ROW(C_DigestKey, PRE_DIGEST, "key: view-only logon", (SESS, KEY(K_NOSEARCH)),
	    CKR_KEY_INDIGESTIBLE),
	ROW(C_WrapKey, PRE_NONE, "wrapped key: view-only logon",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), KEY(K_NOSEARCH), BUF(40), PUL(40)),
	    CKR_KEY_UNEXTRACTABLE),

	/* ---- encryption and decryption (5.8, 5.9) */
	ROW(C_EncryptInit, PRE_NONE, "NULL pMechanism", (SESS, NUL, KEY(K_AES)), BAD),
	ROW(C_EncryptInit, PRE_NONE, "mechanism ULONG_MAX", (SESS, MECH(M_TYPE_MAX), KEY(K_AES)),
	    CKR_MECHANISM_INVALID),
	ROW(C_EncryptInit, PRE_NONE, "vendor mechanism", (SESS, MECH(M_UNKNOWN), KEY(K_AES)),
	    CKR_MECHANISM_INVALID),
	ROW(C_EncryptInit, PRE_NONE, "CBC: NULL pParameter",
	    (SESS, MECH(M_CBC_NULL_PARAM), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "CBC: ulParameterLen ULONG_MAX",
	    (SESS, MECH(M_CBC_PARAM_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "ECB: ulParameterLen ULONG_MAX",
	    (SESS, MECH(M_ECB_PARAM_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "CTR: NULL pParameter",
	    (SESS, MECH(M_CTR_NULL_PARAM), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "CTR: ulCounterBits ULONG_MAX",
	    (SESS, MECH(M_CTR_BITS_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: NULL pParameter",
	    (SESS, MECH(M_GCM_NULL_PARAM), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: NULL pIv", (SESS, MECH(M_GCM_NULL_IV), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: ulIvLen ULONG_MAX",
	    (SESS, MECH(M_GCM_IVLEN_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: NULL pAAD, ulAADLen 16",
	    (SESS, MECH(M_GCM_AAD_NULL), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: ulAADLen ULONG_MAX",
	    (SESS, MECH(M_GCM_AAD_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: ulAADLen ULONG_MAX-15",
	    (SESS, MECH(M_GCM_AAD_MAX15), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: ulAADLen 2^63", (SESS, MECH(M_GCM_AAD_B63), KEY(K_AES)),
	    MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: ulTagBits ULONG_MAX",
	    (SESS, MECH(M_GCM_TAGBITS_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "GCM: ulParameterLen ULONG_MAX",
	    (SESS, MECH(M_GCM_PARAM_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "CCM: NULL pNonce", (SESS, MECH(M_CCM_NULL_NONCE), KEY(K_AES)),
	    MPI),
	ROW(C_EncryptInit, PRE_NONE, "CCM: ulAADLen ULONG_MAX",
	    (SESS, MECH(M_CCM_AAD_MAX), KEY(K_AES)), MPI),
	/* A message length the 8-byte length field can hold: refused now or when the data comes. */
	ROW(C_EncryptInit, PRE_NONE, "CCM: ulDataLen ULONG_MAX",
	    (SESS, MECH(M_CCM_DATALEN_MAX), KEY(K_AES)), CKR_OK, MPI),
	ROW(C_EncryptInit, PRE_NONE, "CCM: ulMACLen ULONG_MAX",
	    (SESS, MECH(M_CCM_MACLEN_MAX), KEY(K_AES)), MPI),
	/* ChaCha20-Poly1305 takes a 32-byte key (K_AES is one, as the module allows it). */
	ROW(C_EncryptInit, PRE_NONE, "ChaCha20-Poly1305: ulAADLen ULONG_MAX",
	    (SESS, MECH(M_CHACHA_AAD_MAX), KEY(K_AES)), MPI),
	ROW(C_EncryptInit, PRE_NONE, "a 40-byte generic secret for AES",
	    (SESS, MECH(M_AES_ECB), KEY(K_HMAC)), CKR_KEY_TYPE_INCONSISTENT),
	ROW(C_EncryptInit, PRE_ENC_ECB, "already active", (SESS, MECH(M_AES_ECB), KEY(K_AES)),
	    CKR_OPERATION_ACTIVE),
	ROW(C_Encrypt, PRE_NONE, "not initialized", (SESS, BUF(16), UL(16), BUF(16), PUL(16)),
	    CKR_OPERATION_NOT_INITIALIZED),
	ROW(C_Encrypt, PRE_ENC_ECB, "NULL pData, ulDataLen 16",
	    (SESS, NUL, UL(16), BUF(16), PUL(16)), BAD),
	ROWL(C_Encrypt, PRE_ENC_ECB, "NULL pData, ulDataLen 0",
	     (SESS, NUL, UL(0), BUF(16), PUL(16)), 4, 0, CKR_OK),
	ROWL(C_Encrypt, PRE_ENC_ECB, "NULL pEncryptedData: length query",
	     (SESS, BUF(16), UL(16), NUL, PUL(0)), 4, 16, CKR_OK),
	ROW(C_Encrypt, PRE_ENC_ECB, "NULL pulEncryptedDataLen",
	    (SESS, BUF(16), UL(16), BUF(16), NUL), BAD),
	ROWL(C_Encrypt, PRE_ENC_ECB, "exact room, *pulEncryptedDataLen ULONG_MAX",
	     (SESS, BUF(16), UL(16), BUF(16), PUL(MAX)), 4, 16, CKR_OK),
	ROW(C_Encrypt, PRE_ENC_ECB, "ECB: ulDataLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_ECB, "ECB: ulDataLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_ECB, "ECB: ulDataLen 2^63",
	    (SESS, BUF(16), UL(B63), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_CBC_PAD, "CBC-PAD: ulDataLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(32), PUL(32)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_CBC_PAD, "CBC-PAD: ulDataLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(32), PUL(32)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_CBC_PAD, "CBC-PAD: ulDataLen 2^63",
	    (SESS, BUF(16), UL(B63), BUF(32), PUL(32)), HUGE_IN),
	ROWL(C_Encrypt, PRE_ENC_CBC_PAD, "CBC-PAD: exact room, *pulEncryptedDataLen ULONG_MAX",
	     (SESS, BUF(17), UL(17), BUF(32), PUL(MAX)), 4, 32, CKR_OK),
	ROW(C_Encrypt, PRE_ENC_CTR, "CTR: ulDataLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_CTR, "CTR: ulDataLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_CTR, "CTR: NULL pEncryptedData, ulDataLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), NUL, PUL(0)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_GCM, "GCM: ulDataLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(32), PUL(32)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_GCM, "GCM: ulDataLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(32), PUL(32)), HUGE_IN),
	ROW(C_Encrypt, PRE_ENC_GCM, "GCM: ulDataLen 2^63",
	    (SESS, BUF(16), UL(B63), BUF(32), PUL(32)), HUGE_IN),
	ROWL(C_Encrypt, PRE_ENC_GCM, "GCM: exact room, *pulEncryptedDataLen ULONG_MAX",
	     (SESS, BUF(16), UL(16), BUF(32), PUL(MAX)), 4, 32, CKR_OK),
	ROW(C_EncryptUpdate, PRE_ENC_ECB, "NULL pPart, ulPartLen 16",
	    (SESS, NUL, UL(16), BUF(16), PUL(16)), BAD),
	ROWL(C_EncryptUpdate, PRE_ENC_ECB, "NULL pEncryptedPart: length query",
	     (SESS, BUF(16), UL(16), NUL, PUL(0)), 4, 16, CKR_OK),
	ROW(C_EncryptUpdate, PRE_ENC_ECB, "NULL pulEncryptedPartLen",
	    (SESS, BUF(16), UL(16), BUF(16), NUL), BAD),
	ROWL(C_EncryptUpdate, PRE_ENC_ECB, "exact room, *pulEncryptedPartLen ULONG_MAX",
	     (SESS, BUF(16), UL(16), BUF(16), PUL(MAX)), 4, 16, CKR_OK),
	ROW(C_EncryptUpdate, PRE_ENC_ECB, "ECB: ulPartLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_EncryptUpdate, PRE_ENC_ECB, "ECB: ulPartLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_EncryptUpdate, PRE_ENC_CBC_PAD, "CBC-PAD: ulPartLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(32), PUL(32)), HUGE_IN),
	ROW(C_EncryptUpdate, PRE_ENC_CBC_PAD, "CBC-PAD: ulPartLen 2^63",
	    (SESS, BUF(16), UL(B63), BUF(32), PUL(32)), HUGE_IN),
	ROW(C_EncryptUpdate, PRE_ENC_CTR, "CTR: ulPartLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_EncryptUpdate, PRE_ENC_GCM, "GCM: ulPartLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_IN),
	ROW(C_EncryptUpdate, PRE_ENC_GCM, "GCM: ulPartLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_IN),
	ROWL(C_EncryptFinal, PRE_ENC_ECB, "NULL pLastEncryptedPart: length query",
	     (SESS, NUL, PUL(9)), 2, 0, CKR_OK),
	ROW(C_EncryptFinal, PRE_ENC_ECB, "NULL pulLastEncryptedPartLen", (SESS, BUF(16), NUL), BAD),
	ROWL(C_EncryptFinal, PRE_ENC_CBC_PAD, "exact room, *pulLastEncryptedPartLen ULONG_MAX",
	     (SESS, BUF(16), PUL(MAX)), 2, 16, CKR_OK),
	ROWL(C_EncryptFinal, PRE_ENC_GCM, "GCM: NULL pLastEncryptedPart: length query",
	     (SESS, NUL, PUL(0)), 2, 16, CKR_OK),
	ROW(C_DecryptInit, PRE_NONE, "NULL pMechanism", (SESS, NUL, KEY(K_AES)), BAD),
	ROW(C_DecryptInit, PRE_NONE, "key: view-only", (SESS, MECH(M_AES_CBC_PAD), KEY(K_NOSEARCH)),
	    CKR_KEY_FUNCTION_NOT_PERMITTED),
	ROW(C_Decrypt, PRE_DEC_ECB, "NULL pEncryptedData, ulEncryptedDataLen 16",
	    (SESS, NUL, UL(16), BUF(16), PUL(16)), BAD),
	ROWL(C_Decrypt, PRE_DEC_ECB, "NULL pData: length query",
	     (SESS, BUF(16), UL(16), NUL, PUL(0)), 4, 16, CKR_OK),
	ROW(C_Decrypt, PRE_DEC_ECB, "NULL pulDataLen", (SESS, BUF(16), UL(16), BUF(16), NUL), BAD),
	ROW(C_Decrypt, PRE_DEC_ECB, "ECB: ulEncryptedDataLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_CIPHERTEXT),
	ROW(C_Decrypt, PRE_DEC_ECB, "ECB: ulEncryptedDataLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_CIPHERTEXT),
	ROW(C_Decrypt, PRE_DEC_CBC_PAD, "CBC-PAD: ulEncryptedDataLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_CIPHERTEXT),
	ROW(C_Decrypt, PRE_DEC_CBC_PAD, "CBC-PAD: ulEncryptedDataLen 2^63",
	    (SESS, BUF(16), UL(B63), BUF(16), PUL(16)), HUGE_CIPHERTEXT),
	ROW(C_DecryptUpdate, PRE_DEC_ECB, "NULL pEncryptedPart, ulEncryptedPartLen 16",
	    (SESS, NUL, UL(16), BUF(16), PUL(16)), BAD),
	ROWL(C_DecryptUpdate, PRE_DEC_ECB, "NULL pPart: length query",
	     (SESS, BUF(16), UL(16), NUL, PUL(0)), 4, 16, CKR_OK),
	ROW(C_DecryptUpdate, PRE_DEC_ECB, "NULL pulPartLen", (SESS, BUF(16), UL(16), BUF(16), NUL),
	    BAD),
	ROW(C_DecryptUpdate, PRE_DEC_CBC_PAD, "CBC-PAD: ulEncryptedPartLen ULONG_MAX",
	    (SESS, BUF(16), UL(MAX), BUF(16), PUL(16)), HUGE_CIPHERTEXT),
	ROW(C_DecryptUpdate, PRE_DEC_CBC_PAD, "CBC-PAD: ulEncryptedPartLen ULONG_MAX-15",
	    (SESS, BUF(16), UL(MAX15), BUF(16), PUL(16)), HUGE_CIPHERTEXT),
	ROWL(C_DecryptFinal, PRE_DEC_ECB, "NULL pLastPart: length query", (SESS, NUL, PUL(9)), 2, 0,
	     CKR_OK),
	ROW(C_DecryptFinal, PRE_DEC_ECB, "NULL pulLastPartLen", (SESS, BUF(16), NUL), BAD),

	/* ---- digests (5.10) */
	ROW(C_DigestInit, PRE_NONE, "NULL pMechanism", (SESS, NUL), BAD),
	ROW(C_DigestInit, PRE_NONE, "mechanism ULONG_MAX", (SESS, MECH(M_TYPE_MAX)),
	    CKR_MECHANISM_INVALID),
	ROW(C_DigestInit, PRE_NONE, "a cipher", (SESS, MECH(M_AES_ECB)), CKR_MECHANISM_INVALID),
	ROW(C_DigestInit, PRE_NONE, "SHA256: ulParameterLen ULONG_MAX",
	    (SESS, MECH(M_SHA256_PARAM_MAX)), MPI),
	ROW(C_DigestInit, PRE_DIGEST, "already active", (SESS, MECH(M_SHA256)),
	    CKR_OPERATION_ACTIVE),
	ROW(C_Digest, PRE_DIGEST, "NULL pData, ulDataLen 16", (SESS, NUL, UL(16), BUF(32), PUL(32)),
	    BAD),
	ROWL(C_Digest, PRE_DIGEST, "NULL pDigest: length query",
	     (SESS, BUF(16), UL(16), NUL, PUL(0)), 4, 32, CKR_OK),
	ROW(C_Digest, PRE_DIGEST, "NULL pulDigestLen", (SESS, BUF(16), UL(16), BUF(32), NUL), BAD),
	ROWL(C_Digest, PRE_DIGEST, "exact room, *pulDigestLen ULONG_MAX",
	     (SESS, BUF(16), UL(16), BUF(32), PUL(MAX)), 4, 32, CKR_OK),
	/* C_Digest has no length-range code (v2.40 5.10). */
	ROW(C_Digest, PRE_DIGEST, "ulDataLen ULONG_MAX", (SESS, BUF(16), UL(MAX), BUF(32), PUL(32)),
	    BAD),
	ROW(C_Digest, PRE_DIGEST, "ulDataLen 2^63", (SESS, BUF(16), UL(B63), BUF(32), PUL(32)),
	    BAD),
	ROW(C_DigestUpdate, PRE_DIGEST, "NULL pPart, ulPartLen 16", (SESS, NUL, UL(16)), BAD),
	ROW(C_DigestUpdate, PRE_DIGEST, "ulPartLen ULONG_MAX", (SESS, BUF(16), UL(MAX)), BAD),
	ROW(C_DigestUpdate, PRE_DIGEST, "ulPartLen ULONG_MAX-15", (SESS, BUF(16), UL(MAX15)), BAD),
	ROW(C_DigestKey, PRE_NONE, "not initialized", (SESS, KEY(K_USER)),
	    CKR_OPERATION_NOT_INITIALIZED),
	ROW(C_DigestKey, PRE_DIGEST, "a logon key", (SESS, KEY(K_AES)), CKR_KEY_INDIGESTIBLE),
	ROW(C_DigestKey, PRE_DIGEST, "a user key", (SESS, KEY(K_USER)), CKR_OK),
	ROWL(C_DigestFinal, PRE_DIGEST, "NULL pDigest: length query", (SESS, NUL, PUL(0)), 2, 32,
	     CKR_OK),
	ROW(C_DigestFinal, PRE_DIGEST, "NULL pulDigestLen", (SESS, BUF(32), NUL), BAD),
	ROWL(C_DigestFinal, PRE_DIGEST, "exact room, *pulDigestLen ULONG_MAX",
	     (SESS, BUF(32), PUL(MAX)), 2, 32, CKR_OK),

	/* ---- MACs (5.11, 5.12) */
	ROW(C_SignInit, PRE_NONE, "NULL pMechanism", (SESS, NUL, KEY(K_HMAC)), BAD),
	ROW(C_SignInit, PRE_NONE, "HMAC_GENERAL: NULL pParameter",
	    (SESS, MECH(M_HMAC_GENERAL_NULL), KEY(K_HMAC)), MPI),
	ROW(C_SignInit, PRE_NONE, "HMAC_GENERAL: length ULONG_MAX",
	    (SESS, MECH(M_HMAC_GENERAL_MAX), KEY(K_HMAC)), MPI),
	ROW(C_Sign, PRE_SIGN, "NULL pData, ulDataLen 16", (SESS, NUL, UL(16), BUF(32), PUL(32)),
	    BAD),
	ROWL(C_Sign, PRE_SIGN, "NULL pSignature: length query",
	     (SESS, BUF(16), UL(16), NUL, PUL(0)), 4, 32, CKR_OK),
	ROW(C_Sign, PRE_SIGN, "NULL pulSignatureLen", (SESS, BUF(16), UL(16), BUF(32), NUL), BAD),
	ROWL(C_Sign, PRE_SIGN, "exact room, *pulSignatureLen ULONG_MAX",
	     (SESS, BUF(16), UL(16), BUF(32), PUL(MAX)), 4, 32, CKR_OK),
	ROW(C_Sign, PRE_SIGN, "ulDataLen ULONG_MAX", (SESS, BUF(16), UL(MAX), BUF(32), PUL(32)),
	    HUGE_IN),
	ROW(C_Sign, PRE_SIGN, "ulDataLen 2^63", (SESS, BUF(16), UL(B63), BUF(32), PUL(32)),
	    HUGE_IN),
	ROW(C_SignUpdate, PRE_SIGN, "NULL pPart, ulPartLen 16", (SESS, NUL, UL(16)), BAD),
	ROW(C_SignUpdate, PRE_SIGN, "ulPartLen ULONG_MAX", (SESS, BUF(16), UL(MAX)), HUGE_IN),
	ROWL(C_SignFinal, PRE_SIGN, "NULL pSignature: length query", (SESS, NUL, PUL(0)), 2, 32,
	     CKR_OK),
	ROW(C_SignFinal, PRE_SIGN, "NULL pulSignatureLen", (SESS, BUF(32), NUL), BAD),
	ROW(C_SignRecoverInit, PRE_NONE, "NULL pMechanism", (SESS, NUL, KEY(K_HMAC)), NOSUP),
	ROW(C_SignRecover, PRE_NONE, "NULL pData", (SESS, NUL, UL(16), BUF(32), PUL(32)), NOSUP),
	ROW(C_SignRecover, PRE_NONE, "NULL pSignature", (SESS, BUF(16), UL(16), NUL, PUL(32)),
	    NOSUP),
	ROW(C_SignRecover, PRE_NONE, "NULL pulSignatureLen", (SESS, BUF(16), UL(16), BUF(32), NUL),
	    NOSUP),
	ROW(C_VerifyInit, PRE_NONE, "NULL pMechanism", (SESS, NUL, KEY(K_HMAC)), BAD),
	ROW(C_Verify, PRE_VERIFY, "NULL pData, ulDataLen 16", (SESS, NUL, UL(16), BUF(32), UL(32)),
	    BAD),
	ROW(C_Verify, PRE_VERIFY, "NULL pSignature, ulSignatureLen 32",
	    (SESS, BUF(16), UL(16), NUL, UL(32)), BAD),
	ROW(C_Verify, PRE_VERIFY, "a wrong MAC", (SESS, BUF(16), UL(16), BUF(32), UL(32)),
	    CKR_SIGNATURE_INVALID),
	ROW(C_Verify, PRE_VERIFY, "ulSignatureLen ULONG_MAX",
	    (SESS, BUF(16), UL(16), BUF(32), UL(MAX)), CKR_SIGNATURE_LEN_RANGE),
	ROW(C_Verify, PRE_VERIFY, "ulDataLen ULONG_MAX", (SESS, BUF(16), UL(MAX), BUF(32), UL(32)),
	    HUGE_IN),
	ROW(C_VerifyUpdate, PRE_VERIFY, "NULL pPart, ulPartLen 16", (SESS, NUL, UL(16)), BAD),
	ROW(C_VerifyUpdate, PRE_VERIFY, "ulPartLen ULONG_MAX", (SESS, BUF(16), UL(MAX)), HUGE_IN),
	ROW(C_VerifyUpdate, PRE_VERIFY, "ulPartLen 2^63", (SESS, BUF(16), UL(B63)), HUGE_IN),
	ROW(C_VerifyFinal, PRE_VERIFY, "NULL pSignature, ulSignatureLen 32", (SESS, NUL, UL(32)),
	    BAD),
	ROW(C_VerifyFinal, PRE_VERIFY, "ulSignatureLen ULONG_MAX", (SESS, BUF(32), UL(MAX)),
	    CKR_SIGNATURE_LEN_RANGE),
	ROW(C_VerifyRecoverInit, PRE_NONE, "NULL pMechanism", (SESS, NUL, KEY(K_HMAC)), NOSUP),
	ROW(C_VerifyRecover, PRE_NONE, "NULL pSignature", (SESS, NUL, UL(32), BUF(16), PUL(16)),
	    NOSUP),
	ROW(C_VerifyRecover, PRE_NONE, "NULL pData", (SESS, BUF(32), UL(32), NUL, PUL(16)), NOSUP),
	ROW(C_VerifyRecover, PRE_NONE, "NULL pulDataLen", (SESS, BUF(32), UL(32), BUF(16), NUL),
	    NOSUP),

	/* ---- dual-function (5.13): not supported, whatever the pointers */
	ROW(C_DigestEncryptUpdate, PRE_NONE, "NULL pPart", (SESS, NUL, UL(16), BUF(16), PUL(16)),
	    NOSUP),
	ROW(C_DigestEncryptUpdate, PRE_NONE, "NULL pEncryptedPart",
	    (SESS, BUF(16), UL(16), NUL, PUL(16)), NOSUP),
	ROW(C_DigestEncryptUpdate, PRE_NONE, "NULL pulEncryptedPartLen",
	    (SESS, BUF(16), UL(16), BUF(16), NUL), NOSUP),
	ROW(C_DecryptDigestUpdate, PRE_NONE, "NULL pEncryptedPart",
	    (SESS, NUL, UL(16), BUF(16), PUL(16)), NOSUP),
	ROW(C_DecryptDigestUpdate, PRE_NONE, "NULL pPart", (SESS, BUF(16), UL(16), NUL, PUL(16)),
	    NOSUP),
	ROW(C_DecryptDigestUpdate, PRE_NONE, "NULL pulPartLen",
	    (SESS, BUF(16), UL(16), BUF(16), NUL), NOSUP),
	ROW(C_SignEncryptUpdate, PRE_NONE, "NULL pPart", (SESS, NUL, UL(16), BUF(16), PUL(16)),
	    NOSUP),
	ROW(C_SignEncryptUpdate, PRE_NONE, "NULL pEncryptedPart",
	    (SESS, BUF(16), UL(16), NUL, PUL(16)), NOSUP),
	ROW(C_SignEncryptUpdate, PRE_NONE, "NULL pulEncryptedPartLen",
	    (SESS, BUF(16), UL(16), BUF(16), NUL), NOSUP),
	ROW(C_DecryptVerifyUpdate, PRE_NONE, "NULL pEncryptedPart",
	    (SESS, NUL, UL(16), BUF(16), PUL(16)), NOSUP),
	ROW(C_DecryptVerifyUpdate, PRE_NONE, "NULL pPart", (SESS, BUF(16), UL(16), NUL, PUL(16)),
	    NOSUP),
	ROW(C_DecryptVerifyUpdate, PRE_NONE, "NULL pulPartLen",
	    (SESS, BUF(16), UL(16), BUF(16), NUL), NOSUP),

	/* ---- keys (5.14) */
	ROW(C_GenerateKey, PRE_NONE, "NULL pMechanism", (SESS, NUL, TMPL(T_GEN_AES), TCNT, BUF(8)),
	    BAD),
	ROW(C_GenerateKey, PRE_NONE, "NULL pTemplate, ulCount 2",
	    (SESS, MECH(M_AES_GEN), NUL, UL(2), BUF(8)), BAD),
	ROW(C_GenerateKey, PRE_NONE, "NULL phKey",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, NUL), BAD),
	ROW(C_GenerateKey, PRE_NONE, "a session AES key",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, BUF(8)), CKR_OK),
	ROW(C_GenerateKey, PRE_NONE, "ulCount ULONG_MAX",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), UL(MAX), BUF(8)), BAD),
	ROW(C_GenerateKey, PRE_NONE, "ulCount 2^63",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), UL(B63), BUF(8)), BAD),
	ROW(C_GenerateKey, PRE_NONE, "a token key in a read-only session",
	    (SESS_RO, MECH(M_AES_GEN), TMPL(T_GEN_TOKEN), TCNT, BUF(8)), CKR_SESSION_READ_ONLY),
	ROW(C_GenerateKey, PRE_NONE, "CKA_VALUE_LEN pValue NULL",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_LEN_NULL), TCNT, BUF(8)), AVI),
	ROW(C_GenerateKey, PRE_NONE, "CKA_VALUE_LEN ULONG_MAX",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_LEN_MAX), TCNT, BUF(8)), AVI),
	ROW(C_GenerateKey, PRE_NONE, "CKA_VALUE_LEN 2^63",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_LEN_B63), TCNT, BUF(8)), AVI),
	ROW(C_GenerateKey, PRE_NONE, "a parameter",
	    (SESS, MECH(M_AES_GEN_PARAM), TMPL(T_GEN_AES), TCNT, BUF(8)), MPI),
	ROW(C_GenerateKey, PRE_NONE, "mechanism ULONG_MAX",
	    (SESS, MECH(M_TYPE_MAX), TMPL(T_GEN_AES), TCNT, BUF(8)), CKR_MECHANISM_INVALID),
	ROW(C_GenerateKeyPair, PRE_NONE, "NULL pMechanism",
	    (SESS, NUL, TMPL(T_GEN_AES), TCNT, TMPL(T_GEN_AES), TCNT, BUF(8), BUF(8)), NOSUP),
	ROW(C_GenerateKeyPair, PRE_NONE, "NULL pPublicKeyTemplate",
	    (SESS, MECH(M_AES_GEN), NUL, UL(2), TMPL(T_GEN_AES), TCNT, BUF(8), BUF(8)), NOSUP),
	ROW(C_GenerateKeyPair, PRE_NONE, "NULL pPrivateKeyTemplate",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, NUL, UL(2), BUF(8), BUF(8)), NOSUP),
	ROW(C_GenerateKeyPair, PRE_NONE, "NULL phPublicKey",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, TMPL(T_GEN_AES), TCNT, NUL, BUF(8)),
	    NOSUP),
	ROW(C_GenerateKeyPair, PRE_NONE, "NULL phPrivateKey",
	    (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, TMPL(T_GEN_AES), TCNT, BUF(8), NUL),
	    NOSUP),
	ROW(C_WrapKey, PRE_NONE, "NULL pMechanism",
	    (SESS, NUL, KEY(K_AES), KEY(K_USER), BUF(40), PUL(40)), BAD),
	ROWL(C_WrapKey, PRE_NONE, "NULL pWrappedKey: length query",
	     (SESS, MECH(M_KEY_WRAP), KEY(K_AES), KEY(K_USER), NUL, PUL(0)), 5, 40, CKR_OK),
	ROW(C_WrapKey, PRE_NONE, "NULL pulWrappedKeyLen",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), KEY(K_USER), BUF(40), NUL), BAD),
	ROWL(C_WrapKey, PRE_NONE, "exact room, *pulWrappedKeyLen ULONG_MAX",
	     (SESS, MECH(M_KEY_WRAP), KEY(K_AES), KEY(K_USER), BUF(40), PUL(MAX)), 5, 40, CKR_OK),
	ROW(C_WrapKey, PRE_NONE, "a logon key",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), KEY(K_AES), BUF(40), PUL(40)),
	    CKR_KEY_UNEXTRACTABLE),
	ROW(C_WrapKey, PRE_NONE, "ulParameterLen ULONG_MAX",
	    (SESS, MECH(M_KEY_WRAP_PARAM_MAX), KEY(K_AES), KEY(K_USER), BUF(40), PUL(40)), MPI),
	ROW(C_UnwrapKey, PRE_NONE, "NULL pMechanism",
	    (SESS, NUL, KEY(K_AES), BUF(40), UL(40), TMPL(T_UNWRAP), TCNT, BUF(8)), BAD),
	ROW(C_UnwrapKey, PRE_NONE, "NULL pWrappedKey, ulWrappedKeyLen 40",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), NUL, UL(40), TMPL(T_UNWRAP), TCNT, BUF(8)), BAD),
	ROW(C_UnwrapKey, PRE_NONE, "NULL pTemplate, ulCount 3",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(40), NUL, UL(3), BUF(8)), BAD),
	ROW(C_UnwrapKey, PRE_NONE, "NULL phKey",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(40), TMPL(T_UNWRAP), TCNT, NUL), BAD),
	ROW(C_UnwrapKey, PRE_NONE, "not a wrapped key",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(40), TMPL(T_UNWRAP), TCNT, BUF(8)),
	    CKR_WRAPPED_KEY_INVALID),
	ROW(C_UnwrapKey, PRE_NONE, "ulWrappedKeyLen ULONG_MAX",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(MAX), TMPL(T_UNWRAP), TCNT, BUF(8)),
	    CKR_WRAPPED_KEY_LEN_RANGE),
	ROW(C_UnwrapKey, PRE_NONE, "ulWrappedKeyLen ULONG_MAX-15",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(MAX15), TMPL(T_UNWRAP), TCNT, BUF(8)),
	    CKR_WRAPPED_KEY_LEN_RANGE),
	ROW(C_UnwrapKey, PRE_NONE, "ulWrappedKeyLen 2^63",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(B63), TMPL(T_UNWRAP), TCNT, BUF(8)),
	    CKR_WRAPPED_KEY_LEN_RANGE),
	ROW(C_UnwrapKey, PRE_NONE, "ulCount ULONG_MAX",
	    (SESS, MECH(M_KEY_WRAP), KEY(K_AES), BUF(40), UL(40), TMPL(T_UNWRAP), UL(MAX), BUF(8)),
	    BAD),
	ROW(C_DeriveKey, PRE_NONE, "NULL pMechanism",
	    (SESS, NUL, KEY(K_AES), TMPL(T_UNWRAP), TCNT, BUF(8)), NOSUP),
	ROW(C_DeriveKey, PRE_NONE, "NULL pTemplate",
	    (SESS, MECH(M_AES_ECB), KEY(K_AES), NUL, UL(3), BUF(8)), NOSUP),
	ROW(C_DeriveKey, PRE_NONE, "NULL phKey",
	    (SESS, MECH(M_AES_ECB), KEY(K_AES), TMPL(T_UNWRAP), TCNT, NUL), NOSUP),

	/* ---- random numbers (5.15), legacy (5.16) */
	ROW(C_SeedRandom, PRE_NONE, "NULL pSeed, ulSeedLen 16", (SESS, NUL, UL(16)), BAD),
	/* The seed is never read: refusing the length, or the seed, are both right. */
	ROW(C_SeedRandom, PRE_NONE, "ulSeedLen ULONG_MAX", (SESS, BUF(16), UL(MAX)),
	    CKR_RANDOM_SEED_NOT_SUPPORTED, BAD),
	ROW(C_GenerateRandom, PRE_NONE, "NULL RandomData, ulRandomLen 16", (SESS, NUL, UL(16)),
	    BAD),
	ROW(C_GenerateRandom, PRE_NONE, "NULL RandomData, ulRandomLen 0", (SESS, NUL, UL(0)),
	    CKR_OK),
	ROW(C_GenerateRandom, PRE_NONE, "ulRandomLen ULONG_MAX", (SESS, BUF(16), UL(MAX)), BAD),
	ROW(C_GenerateRandom, PRE_NONE, "ulRandomLen ULONG_MAX-15", (SESS, BUF(16), UL(MAX15)),
	    BAD),
	ROW(C_GenerateRandom, PRE_NONE, "ulRandomLen 2^63", (SESS, BUF(16), UL(B63)), BAD),
	ROW(C_GetFunctionStatus, PRE_NONE, "session 0", (UL(0)), CKR_FUNCTION_NOT_PARALLEL, SHI),
	ROW(C_CancelFunction, PRE_NONE, "session 0", (UL(0)), CKR_FUNCTION_NOT_PARALLEL, SHI),

	/* ---- v3.0 interfaces (base spec 5.4), C_LoginUser, C_SessionCancel (5.6) */
	ROWL(C_GetInterfaceList, PRE_NONE, "NULL pInterfacesList: count query", (NUL, PUL(MAX)), 1,
	     2, CKR_OK),
	ROW(C_GetInterfaceList, PRE_NONE, "NULL pulCount", (BUF(2 * sizeof(CK_INTERFACE)), NUL),
	    BAD),
	ROWL(C_GetInterfaceList, PRE_NONE, "1 interface of room",
	     (BUF(sizeof(CK_INTERFACE)), PUL(1)), 1, 2, CKR_BUFFER_TOO_SMALL),
	ROWL(C_GetInterfaceList, PRE_NONE, "*pulCount ULONG_MAX",
	     (BUF(2 * sizeof(CK_INTERFACE)), PUL(MAX)), 1, 2, CKR_OK),
	ROWL(C_GetInterfaceList, PRE_FINALIZED, "before C_Initialize",
	     (BUF(2 * sizeof(CK_INTERFACE)), PUL(2)), 1, 2, CKR_OK),
	ROW(C_GetInterface, PRE_NONE, "NULL name and version: the default",
	    (NUL, NUL, BUF(8), UL(0)), CKR_OK),
	ROW(C_GetInterface, PRE_NONE, "NULL ppInterface", (NUL, NUL, NUL, UL(0)), BAD),
	ROW(C_GetInterface, PRE_NONE, "version 90.90",
	    (NUL, BUF(sizeof(CK_VERSION)), BUF(8), UL(0)), BAD),
	ROW(C_GetInterface, PRE_NONE, "flags ULONG_MAX", (NUL, NUL, BUF(8), UL(MAX)), BAD),
	ROW(C_GetInterface, PRE_NONE, "CKF_INTERFACE_FORK_SAFE",
	    (NUL, NUL, BUF(8), UL(CKF_INTERFACE_FORK_SAFE)), BAD),
	ROW(C_GetInterface, PRE_FINALIZED, "before C_Initialize", (NUL, NUL, BUF(8), UL(0)),
	    CKR_OK),
	ROW(C_LoginUser, PRE_NONE, "NULL pPin, ulPinLen 4",
	    (SESS, UL(CKU_USER), NUL, UL(4), BUF(5), UL(5)), BAD),
	ROW(C_LoginUser, PRE_NONE, "NULL pUsername, ulUsernameLen 5",
	    (SESS, UL(CKU_USER), BUF(4), UL(4), NUL, UL(5)), BAD),
	ROW(C_LoginUser, PRE_NONE, "NULL pUsername, ulUsernameLen 0",
	    (SESS, UL(CKU_USER), BUF(4), UL(4), NUL, UL(0)), CKR_OK),
	ROW(C_LoginUser, PRE_NONE, "a user name",
	    (SESS, UL(CKU_USER), BUF(4), UL(4), BUF(5), UL(5)), CKR_OK),
	ROW(C_LoginUser, PRE_NONE, "user type ULONG_MAX",
	    (SESS, UL(MAX), BUF(4), UL(4), BUF(5), UL(5)), CKR_USER_TYPE_INVALID),
	ROW(C_LoginUser, PRE_NONE, "session: closed",
	    (SESS_CLOSED, UL(CKU_USER), BUF(4), UL(4), BUF(5), UL(5)), SHI),
	ROW(C_SessionCancel, PRE_NONE, "nothing active", (SESS, UL(CKF_ENCRYPT)), CKR_OK),
	ROW(C_SessionCancel, PRE_NONE, "flags ULONG_MAX", (SESS, UL(MAX)), CKR_OK),
	ROW(C_SessionCancel, PRE_FIND, "a search", (SESS, UL(CKF_FIND_OBJECTS)), CKR_OK),
	ROW(C_SessionCancel, PRE_ENC_CBC_PAD, "an encryption", (SESS, UL(CKF_ENCRYPT)), CKR_OK),
	ROW(C_SessionCancel, PRE_NONE, "session: closed", (SESS_CLOSED, UL(CKF_ENCRYPT)), SHI),
	ROW(C_SessionCancel, PRE_NONE, "session: ULONG_MAX", (UL(MAX), UL(CKF_ENCRYPT)), SHI),
	/* ---- v3.0 message-based functions: not supported, whatever the pointers */
	ROW(C_MessageEncryptInit, PRE_NONE, "NULL parameter 2", (SESS, NUL, KEY(K_AES)), NOSUP),
	ROW(C_EncryptMessage, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_EncryptMessage, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_EncryptMessage, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_EncryptMessage, PRE_NONE, "NULL parameter 8",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16), NUL, PUL(32)), NOSUP),
	ROW(C_EncryptMessage, PRE_NONE, "NULL parameter 9",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16), PUL(32), NUL), NOSUP),
	ROW(C_EncryptMessageBegin, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16)), NOSUP),
	ROW(C_EncryptMessageBegin, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16)), NOSUP),
	ROW(C_EncryptMessageNext, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_EncryptMessageNext, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_EncryptMessageNext, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_EncryptMessageNext, PRE_NONE, "NULL parameter 7",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), NUL, UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_MessageEncryptFinal, PRE_NONE, "no message operation", (SESS), NOSUP),
	ROW(C_MessageDecryptInit, PRE_NONE, "NULL parameter 2", (SESS, NUL, KEY(K_AES)), NOSUP),
	ROW(C_DecryptMessage, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_DecryptMessage, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_DecryptMessage, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_DecryptMessage, PRE_NONE, "NULL parameter 8",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16), NUL, PUL(32)), NOSUP),
	ROW(C_DecryptMessage, PRE_NONE, "NULL parameter 9",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16), PUL(32), NUL), NOSUP),
	ROW(C_DecryptMessageBegin, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16)), NOSUP),
	ROW(C_DecryptMessageBegin, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16)), NOSUP),
	ROW(C_DecryptMessageNext, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_DecryptMessageNext, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_DecryptMessageNext, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_DecryptMessageNext, PRE_NONE, "NULL parameter 7",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), NUL, UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_MessageDecryptFinal, PRE_NONE, "no message operation", (SESS), NOSUP),
	ROW(C_MessageSignInit, PRE_NONE, "NULL parameter 2", (SESS, NUL, KEY(K_AES)), NOSUP),
	ROW(C_SignMessage, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_SignMessage, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_SignMessage, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, PUL(32)), NOSUP),
	ROW(C_SignMessage, PRE_NONE, "NULL parameter 7",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), NUL), NOSUP),
	ROW(C_SignMessageBegin, PRE_NONE, "NULL parameter 2", (SESS, NUL, UL(16)), NOSUP),
	ROW(C_SignMessageNext, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_SignMessageNext, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), PUL(32)), NOSUP),
	ROW(C_SignMessageNext, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, PUL(32)), NOSUP),
	ROW(C_SignMessageNext, PRE_NONE, "NULL parameter 7",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), NUL), NOSUP),
	ROW(C_MessageSignFinal, PRE_NONE, "no message operation", (SESS), NOSUP),
	ROW(C_MessageVerifyInit, PRE_NONE, "NULL parameter 2", (SESS, NUL, KEY(K_AES)), NOSUP),
	ROW(C_VerifyMessage, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), UL(16)), NOSUP),
	ROW(C_VerifyMessage, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), UL(16)), NOSUP),
	ROW(C_VerifyMessage, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, UL(16)), NOSUP),
	ROW(C_VerifyMessageBegin, PRE_NONE, "NULL parameter 2", (SESS, NUL, UL(16)), NOSUP),
	ROW(C_VerifyMessageNext, PRE_NONE, "NULL parameter 2",
	    (SESS, NUL, UL(16), PUL(32), UL(16), PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_VerifyMessageNext, PRE_NONE, "NULL parameter 4",
	    (SESS, PUL(32), UL(16), NUL, UL(16), PUL(32), UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_VerifyMessageNext, PRE_NONE, "NULL parameter 6",
	    (SESS, PUL(32), UL(16), PUL(32), UL(16), NUL, UL(CKF_END_OF_MESSAGE)), NOSUP),
	ROW(C_MessageVerifyFinal, PRE_NONE, "no message operation", (SESS), NOSUP),
};

/*
 * One well-formed call per entry point: run after C_Finalize (and in a
 * forked child) where each must answer CKR_CRYPTOKI_NOT_INITIALIZED.
 */
struct hx_call_def {
	enum hx_fn fn;
	struct hx_arg a[HX_MAXARGS];
};

#define CALL(f, args)                                                                              \
	{                                                                                          \
		HX_##f,                                                                            \
		{                                                                                  \
			HX_UNPAREN args                                                            \
		}                                                                                  \
	}

static const struct hx_call_def hx_calls[] = {
	CALL(C_Finalize, (NUL)),
	CALL(C_GetInfo, (BUF(sizeof(CK_INFO)))),
	CALL(C_GetSlotList, (UL(1), NUL, PUL(0))),
	CALL(C_GetSlotInfo, (SLOT, BUF(sizeof(CK_SLOT_INFO)))),
	CALL(C_GetTokenInfo, (SLOT, BUF(sizeof(CK_TOKEN_INFO)))),
	CALL(C_GetMechanismList, (SLOT, NUL, PUL(0))),
	CALL(C_GetMechanismInfo, (SLOT, UL(CKM_AES_KEY_GEN), BUF(sizeof(CK_MECHANISM_INFO)))),
	CALL(C_InitToken, (SLOT, BUF(4), UL(4), BUF(32))),
	CALL(C_InitPIN, (SESS, BUF(4), UL(4))),
	CALL(C_SetPIN, (SESS, BUF(4), UL(4), BUF(4), UL(4))),
	CALL(C_OpenSession, (SLOT, UL(CKF_SERIAL_SESSION), NUL, NUL, BUF(8))),
	CALL(C_CloseSession, (SESS)),
	CALL(C_CloseAllSessions, (SLOT)),
	CALL(C_GetSessionInfo, (SESS, BUF(sizeof(CK_SESSION_INFO)))),
	CALL(C_GetOperationState, (SESS, NUL, PUL(0))),
	CALL(C_SetOperationState, (SESS, BUF(16), UL(16), UL(0), UL(0))),
	CALL(C_Login, (SESS, UL(CKU_USER), BUF(4), UL(4))),
	CALL(C_Logout, (SESS)),
	CALL(C_CreateObject, (SESS, TMPL(T_AES_SESSION), TCNT, BUF(8))),
	CALL(C_CopyObject, (SESS, UL(1), TMPL(T_COPY), TCNT, BUF(8))),
	CALL(C_DestroyObject, (SESS, UL(1))),
	CALL(C_GetObjectSize, (SESS, UL(1), PUL(0))),
	CALL(C_GetAttributeValue, (SESS, UL(1), TMPL(T_GET_CLASS), TCNT)),
	CALL(C_SetAttributeValue, (SESS, UL(1), TMPL(T_COPY), TCNT)),
	CALL(C_FindObjectsInit, (SESS, NUL, UL(0))),
	CALL(C_FindObjects, (SESS, ARR(8), UL(8), PUL(0))),
	CALL(C_FindObjectsFinal, (SESS)),
	CALL(C_EncryptInit, (SESS, MECH(M_AES_ECB), UL(1))),
	CALL(C_Encrypt, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_EncryptUpdate, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_EncryptFinal, (SESS, BUF(16), PUL(16))),
	CALL(C_DecryptInit, (SESS, MECH(M_AES_ECB), UL(1))),
	CALL(C_Decrypt, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_DecryptUpdate, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_DecryptFinal, (SESS, BUF(16), PUL(16))),
	CALL(C_DigestInit, (SESS, MECH(M_SHA256))),
	CALL(C_Digest, (SESS, BUF(16), UL(16), BUF(32), PUL(32))),
	CALL(C_DigestUpdate, (SESS, BUF(16), UL(16))),
	CALL(C_DigestKey, (SESS, UL(1))),
	CALL(C_DigestFinal, (SESS, BUF(32), PUL(32))),
	CALL(C_SignInit, (SESS, MECH(M_HMAC), UL(1))),
	CALL(C_Sign, (SESS, BUF(16), UL(16), BUF(32), PUL(32))),
	CALL(C_SignUpdate, (SESS, BUF(16), UL(16))),
	CALL(C_SignFinal, (SESS, BUF(32), PUL(32))),
	CALL(C_SignRecoverInit, (SESS, MECH(M_HMAC), UL(1))),
	CALL(C_SignRecover, (SESS, BUF(16), UL(16), BUF(32), PUL(32))),
	CALL(C_VerifyInit, (SESS, MECH(M_HMAC), UL(1))),
	CALL(C_Verify, (SESS, BUF(16), UL(16), BUF(32), UL(32))),
	CALL(C_VerifyUpdate, (SESS, BUF(16), UL(16))),
	CALL(C_VerifyFinal, (SESS, BUF(32), UL(32))),
	CALL(C_VerifyRecoverInit, (SESS, MECH(M_HMAC), UL(1))),
	CALL(C_VerifyRecover, (SESS, BUF(32), UL(32), BUF(16), PUL(16))),
	CALL(C_DigestEncryptUpdate, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_DecryptDigestUpdate, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_SignEncryptUpdate, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_DecryptVerifyUpdate, (SESS, BUF(16), UL(16), BUF(16), PUL(16))),
	CALL(C_GenerateKey, (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, BUF(8))),
	CALL(C_GenerateKeyPair,
	     (SESS, MECH(M_AES_GEN), TMPL(T_GEN_AES), TCNT, TMPL(T_GEN_AES), TCNT, BUF(8), BUF(8))),
	CALL(C_WrapKey, (SESS, MECH(M_KEY_WRAP), UL(1), UL(2), NUL, PUL(0))),
	CALL(C_UnwrapKey,
	     (SESS, MECH(M_KEY_WRAP), UL(1), BUF(40), UL(40), TMPL(T_UNWRAP), TCNT, BUF(8))),
	CALL(C_DeriveKey, (SESS, MECH(M_AES_ECB), UL(1), TMPL(T_UNWRAP), TCNT, BUF(8))),
	CALL(C_SeedRandom, (SESS, BUF(16), UL(16))),
	CALL(C_GenerateRandom, (SESS, BUF(16), UL(16))),
	CALL(C_GetFunctionStatus, (SESS)),
	CALL(C_CancelFunction, (SESS)),
	CALL(C_WaitForSlotEvent, (UL(CKF_DONT_BLOCK), BUF(8), NUL)),
	CALL(C_LoginUser, (SESS, UL(CKU_USER), BUF(4), UL(4), BUF(5), UL(5))),
	CALL(C_SessionCancel, (SESS, UL(CKF_ENCRYPT))),
	CALL(C_MessageEncryptInit, (SESS, MECH(M_AES_GEN), KEY(K_AES))),
	CALL(C_EncryptMessage,
	     (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32))),
	CALL(C_EncryptMessageBegin, (SESS, PUL(32), UL(16), PUL(32), UL(16))),
	CALL(C_EncryptMessageNext,
	     (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32), UL(CKF_END_OF_MESSAGE))),
	CALL(C_MessageEncryptFinal, (SESS)),
	CALL(C_MessageDecryptInit, (SESS, MECH(M_AES_GEN), KEY(K_AES))),
	CALL(C_DecryptMessage,
	     (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32))),
	CALL(C_DecryptMessageBegin, (SESS, PUL(32), UL(16), PUL(32), UL(16))),
	CALL(C_DecryptMessageNext,
	     (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32), UL(CKF_END_OF_MESSAGE))),
	CALL(C_MessageDecryptFinal, (SESS)),
	CALL(C_MessageSignInit, (SESS, MECH(M_AES_GEN), KEY(K_AES))),
	CALL(C_SignMessage, (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32))),
	CALL(C_SignMessageBegin, (SESS, PUL(32), UL(16))),
	CALL(C_SignMessageNext, (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), PUL(32))),
	CALL(C_MessageSignFinal, (SESS)),
	CALL(C_MessageVerifyInit, (SESS, MECH(M_AES_GEN), KEY(K_AES))),
	CALL(C_VerifyMessage, (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(16))),
	CALL(C_VerifyMessageBegin, (SESS, PUL(32), UL(16))),
	CALL(C_VerifyMessageNext,
	     (SESS, PUL(32), UL(16), PUL(32), UL(16), PUL(32), UL(CKF_END_OF_MESSAGE))),
	CALL(C_MessageVerifyFinal, (SESS)),
};

/*
 * What an uninitialized library answers: CKR_CRYPTOKI_NOT_INITIALIZED
 * (v2.40 5.1.6: any function but C_Initialize and C_GetFunctionList), or, for
 * a stub, the CKR_FUNCTION_NOT_SUPPORTED it "should simply return" (5.1.6),
 * and for the legacy functions the CKR_FUNCTION_NOT_PARALLEL they "should
 * simply return" (5.16). Both orders are the spec's.
 */
static bool
hx_uninitialized_ok(enum hx_fn fn, CK_RV rv)
{
	if (rv == CKR_CRYPTOKI_NOT_INITIALIZED)
		return true;
	if (hx_fns[fn].cls == STUB)
		return rv == CKR_FUNCTION_NOT_SUPPORTED;
	if (hx_fns[fn].cls == LEGACY)
		return rv == CKR_FUNCTION_NOT_PARALLEL;
	return false;
}

/* Every call of hx_calls on @f, uninitialized; the number of wrong answers (printed). */
static int
hx_sweep_uninitialized(const CK_FUNCTION_LIST *f, const char *where)
{
	int bad = 0;

	for (size_t i = 0; i < HX_NELEM(hx_calls); i++) {
		union hx_val v[HX_MAXARGS];
		CK_ULONG tcount = 0;
		CK_RV rv;

		if (hx_fn_is_3_0(hx_calls[i].fn) && hx_list_3_0(f) == NULL)
			continue;
		if (!hx_materialize(hx_calls[i].a, hx_fns[hx_calls[i].fn].sig, v, &tcount)) {
			fprintf(stderr, "%s: bad call row for %s\n", where,
				hx_fns[hx_calls[i].fn].name);
			bad++;
			continue;
		}
		rv = hx_call(f, hx_calls[i].fn, v);
		if (!hx_uninitialized_ok(hx_calls[i].fn, rv)) {
			fprintf(stderr, "%s: %s: got %s, want CKR_CRYPTOKI_NOT_INITIALIZED\n",
				where, hx_fns[hx_calls[i].fn].name, rv_name(rv));
			bad++;
		}
		hx_guarded_free();
	}
	return bad;
}

/* ------------------------------------------------------------ the runner */

static bool
hx_pre_needs_afalg(enum hx_pre pre)
{
	return pre != PRE_NONE && pre != PRE_FINALIZED && pre != PRE_FIND;
}

/* Whether @row can run without AF_ALG and without the guest's special keys. */
static bool
hx_row_runs_on_host(const struct hx_row *row)
{
	if (hx_pre_needs_afalg(row->pre))
		return false;
	for (int i = 0; i < HX_MAXARGS; i++) {
		const struct hx_arg *a = &row->a[i];

		if (a->kind == A_MECH && hx_mechanism_needs_afalg((enum hx_mech)a->v))
			return false;
		if (a->kind == A_KEY && (a->v == K_OTHER || a->v == K_FAR || a->v == K_ASYM))
			return false;
	}
	/* CKA_CHECK_VALUE and the use of a key need the kernel's ciphers. */
	return row->fn != HX_C_DigestKey && row->fn != HX_C_WrapKey && row->fn != HX_C_UnwrapKey;
}

/* The state of @pre on the session S_RW. */
static void
hx_enter(enum hx_pre pre)
{
	CK_SESSION_HANDLE h;
	CK_MECHANISM *m = NULL;
	CK_ULONG n;
	CK_ATTRIBUTE *t;

	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
				     &hx.sess[S_RW]),
		  CKR_OK);
	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL, &hx.sess[S_RO]),
		  CKR_OK);
	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL,
				     &hx.sess[S_CLOSED]),
		  CKR_OK);
	assert_rv(p11->C_CloseSession(hx.sess[S_CLOSED]), CKR_OK);
	h = hx.sess[S_RW];
	switch (pre) {
	case PRE_NONE:
		break;
	case PRE_FINALIZED:
		assert_rv(p11->C_Finalize(NULL), CKR_OK);
		break;
	case PRE_FIND:
		t = hx_template(T_FIND_AES, &n);
		assert_rv(p11->C_FindObjectsInit(h, t, n), CKR_OK);
		break;
	case PRE_ENC_ECB:
	case PRE_DEC_ECB:
		m = hx_mechanism(M_AES_ECB);
		break;
	case PRE_ENC_CBC_PAD:
	case PRE_DEC_CBC_PAD:
		m = hx_mechanism(M_AES_CBC_PAD);
		break;
	case PRE_ENC_CTR:
		m = hx_mechanism(M_AES_CTR);
		break;
	case PRE_ENC_GCM:
		m = hx_mechanism(M_AES_GCM);
		break;
	case PRE_DIGEST:
		assert_rv(p11->C_DigestInit(h, hx_mechanism(M_SHA256)), CKR_OK);
		break;
	case PRE_SIGN:
		assert_rv(p11->C_SignInit(h, hx_mechanism(M_HMAC), hx.key[K_HMAC]), CKR_OK);
		break;
	case PRE_VERIFY:
		assert_rv(p11->C_VerifyInit(h, hx_mechanism(M_HMAC), hx.key[K_HMAC]), CKR_OK);
		break;
	}
	if (pre == PRE_ENC_ECB || pre == PRE_ENC_CBC_PAD || pre == PRE_ENC_CTR ||
	    pre == PRE_ENC_GCM)
		assert_rv(p11->C_EncryptInit(h, m, hx.key[K_AES]), CKR_OK);
	if (pre == PRE_DEC_ECB || pre == PRE_DEC_CBC_PAD)
		assert_rv(p11->C_DecryptInit(h, m, hx.key[K_AES]), CKR_OK);
}

/* Back to an initialized module with no sessions. */
static void
hx_leave(void)
{
	CK_RV rv = p11->C_Initialize(NULL);

	assert_true(rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED);
	assert_rv(p11->C_CloseAllSessions(SESSION_SLOT), CKR_OK);
	assert_rv(p11->C_CloseAllSessions(USER_SLOT), CKR_OK);
	hx_guarded_free();
}

/* The row being run: printed by the teardown if a row never returned. */
static const struct hx_row *hx_current;
static size_t hx_current_index;

static bool
hx_row_ok(size_t index, const struct hx_row *row)
{
	union hx_val v[HX_MAXARGS];
	CK_ULONG tcount = 0, got_after = 0;
	bool ok = false;
	CK_RV rv;

	hx_enter(row->pre);
	if (!hx_materialize(row->a, hx_fns[row->fn].sig, v, &tcount)) {
		print_error("row %zu (%s: %s): arguments do not fit %s\n", index,
			    hx_fns[row->fn].name, row->what, hx_fns[row->fn].sig);
		hx_leave();
		return false;
	}
	hx_current = row;
	hx_current_index = index;
	rv = hx_call(p11, row->fn, v);
	hx_current = NULL;
	for (size_t i = 0; i < row->nwant; i++)
		ok |= rv == row->want[i];
	if (!ok) {
		print_error("row %zu (%s: %s): got %s (0x%lx), want %s%s%s\n", index,
			    hx_fns[row->fn].name, row->what, rv_name(rv), rv, rv_name(row->want[0]),
			    row->nwant > 1 ? " or " : "",
			    row->nwant > 1 ? rv_name(row->want[1]) : "");
	} else if (row->after != AFTER_NONE) {
		CK_ULONG want = row->after_val == HX_NMECH ? hx.nmech : row->after_val;

		if (row->after == AFTER_PUL)
			got_after = *(CK_ULONG *)v[row->after_pos].p;
		else
			got_after = ((CK_ATTRIBUTE *)v[row->after_pos].p)[0].ulValueLen;
		if (got_after != want) {
			print_error("row %zu (%s: %s): %s, then %lu where %lu was due\n", index,
				    hx_fns[row->fn].name, row->what, rv_name(rv), got_after, want);
			ok = false;
		}
	}
	hx_leave();
	return ok;
}

/*
 * KP11_HOSTILE_FORK_ROWS=1: each row in a child of its own (which initializes
 * the module again), so that a row that crashes is reported and the rest
 * still run. For diagnosis; by default the rows run in this process.
 */
static bool
hx_row_ok_forked(size_t index, const struct hx_row *row)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (p11->C_Initialize(NULL) != CKR_OK)
			_exit(2);
		_exit(hx_row_ok(index, row) ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		print_error("row %zu (%s: %s): the process was killed by signal %d\n", index,
			    hx_fns[row->fn].name, row->what, WTERMSIG(status));
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void
hx_run_table(bool host)
{
	bool fork_rows = getenv("KP11_HOSTILE_FORK_ROWS") != NULL;
	size_t failed = 0, ran = 0;

	for (size_t i = 0; i < HX_NELEM(hx_rows); i++) {
		if (host && !hx_row_runs_on_host(&hx_rows[i]))
			continue;
		ran++;
		if (!(fork_rows ? hx_row_ok_forked(i, &hx_rows[i]) : hx_row_ok(i, &hx_rows[i])))
			failed++;
	}
	print_message("hostile table: %zu rows run, %zu failed%s\n", ran, failed,
		      host ? " (the rows that need no AF_ALG)" : "");
	if (failed != 0)
		fail_msg("%zu of %zu rows failed", failed, ran);
}

/* If a row crashed the call (cmocka caught the signal), say which; the module is unusable. */
static int
hx_row_teardown(void **state)
{
	(void)state;
	if (hx_current != NULL) {
		fprintf(stderr, "hostile table: row %zu (%s: %s) did not return\n",
			hx_current_index, hx_fns[hx_current->fn].name, hx_current->what);
		fflush(stderr);
		_exit(1);
	}
	return 0;
}

/* --------------------------------------------------------- calls: tests */

/* Every pointer parameter of every entry point has its NULL row. */
static void
test_hostile_table_complete(void **state)
{
	int missing = 0;

	(void)state;
	for (int fn = 0; fn < HX_FN_COUNT; fn++) {
		const char *sig = hx_fns[fn].sig;
		/* These work before C_Initialize: nothing to sweep. */
		bool any = false, call = fn == HX_C_Initialize || fn == HX_C_GetFunctionList ||
					 fn == HX_C_GetInterfaceList || fn == HX_C_GetInterface;

		for (size_t i = 0; i < HX_NELEM(hx_rows); i++)
			any |= hx_rows[i].fn == (enum hx_fn)fn;
		for (size_t i = 0; i < HX_NELEM(hx_calls); i++)
			call |= hx_calls[i].fn == (enum hx_fn)fn;
		if (!any || !call) {
			print_error("%s: no row%s\n", hx_fns[fn].name, any ? " in hx_calls" : "");
			missing++;
		}
		for (size_t p = 0; sig[p] != '\0'; p++) {
			bool found = false;

			if (sig[p] != 'p')
				continue;
			for (size_t i = 0; i < HX_NELEM(hx_rows); i++)
				found |= hx_rows[i].fn == (enum hx_fn)fn &&
					 hx_rows[i].a[p].kind == A_NULL;
			if (!found) {
				print_error("%s: no row with NULL for parameter %zu\n",
					    hx_fns[fn].name, p + 1);
				missing++;
			}
		}
	}
	assert_int_equal(missing, 0);
	/* And every row fits its function. */
	for (size_t i = 0; i < HX_NELEM(hx_rows); i++) {
		union hx_val v[HX_MAXARGS];
		CK_ULONG tcount = 0;

		if (!hx_materialize(hx_rows[i].a, hx_fns[hx_rows[i].fn].sig, v, &tcount))
			fail_msg("row %zu (%s: %s) does not fit %s", i, hx_fns[hx_rows[i].fn].name,
				 hx_rows[i].what, hx_fns[hx_rows[i].fn].sig);
		hx_guarded_free();
	}
}

static void
test_hostile_rows(void **state)
{
	(void)state;
	hx_run_table(false);
}

static void
test_hostile_rows_host(void **state)
{
	(void)state;
	hx_run_table(true);
}

/* After C_Finalize every entry point is refused, and the module comes back. */
static void
test_hostile_after_finalize(void **state)
{
	(void)state;
	hx.sess[S_RW] = open_session(SESSION_SLOT);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_int_equal(hx_sweep_uninitialized(p11, "after C_Finalize"), 0);
	assert_rv(p11->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
	/* The old session did not come back with it. */
	assert_rv(p11->C_GetSessionInfo(hx.sess[S_RW], &(CK_SESSION_INFO){0}),
		  CKR_SESSION_HANDLE_INVALID);
}

/* Keys that are not objects of the token are never found either. */
static void
test_hostile_find_skips_foreign(void **state)
{
	CK_OBJECT_HANDLE found[256];
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ULONG n = 0;

	(void)state;
	assert_rv(p11->C_FindObjectsInit(h, NULL, 0), CKR_OK);
	assert_rv(p11->C_FindObjects(h, found, HX_NELEM(found), &n), CKR_OK);
	assert_rv(p11->C_FindObjectsFinal(h), CKR_OK);
	assert_true(contains(found, n, (CK_OBJECT_HANDLE)hx.key[K_AES]));
	assert_true(contains(found, n, (CK_OBJECT_HANDLE)hx.key[K_NOSEARCH]));
	for (int k = K_OTHER; k < K_COUNT; k++)
		if (contains(found, n, (CK_OBJECT_HANDLE)hx.key[k]))
			fail_msg("C_FindObjects returned the %s", hx_key_names[k]);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/*
 * A session closed by another thread while this one uses it: each call sees
 * the session whole or not at all. Before the close every call succeeds (and
 * encrypts right); from the first CKR_SESSION_HANDLE_INVALID (or
 * CKR_SESSION_CLOSED, v2.40 5.1.2) on, every call gets one of those two.
 */
struct hx_racer {
	CK_SESSION_HANDLE h;
	const uint8_t *want; /* AES-ECB of the zero block under K_AES */
	int calls, after;
	atomic_int before; /* read by the closing thread while this one runs */
	atomic_bool done;
	char error[256];
};

static void *
hx_race_user(void *arg)
{
	struct hx_racer *r = arg;
	static const uint8_t zero[16];
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0}, sha = {CKM_SHA256, NULL, 0};
	CK_ATTRIBUTE label = {CKA_LABEL, HX_AES_LABEL, strlen(HX_AES_LABEL)};
	bool closed = false;

	for (int i = 0; !closed || r->after < 50; i++) {
		uint8_t out[32];
		CK_ULONG n = sizeof(out);
		CK_OBJECT_HANDLE o[4];
		CK_RV rv;

		switch (i % 6) {
		case 0:
			rv = p11->C_EncryptInit(r->h, &ecb, hx.key[K_AES]);
			break;
		case 1:
			rv = p11->C_Encrypt(r->h, (CK_BYTE_PTR)zero, 16, out, &n);
			if (rv == CKR_OK && (n != 16 || memcmp(out, r->want, 16) != 0))
				snprintf(r->error, sizeof(r->error), "call %d: wrong ciphertext",
					 i);
			break;
		case 2:
			rv = p11->C_FindObjectsInit(r->h, &label, 1);
			break;
		case 3:
			rv = p11->C_FindObjects(r->h, o, 4, &n);
			if (rv == CKR_OK && (n != 1 || o[0] != (CK_OBJECT_HANDLE)hx.key[K_AES]))
				snprintf(r->error, sizeof(r->error), "call %d: found %lu", i, n);
			if (rv == CKR_OK)
				rv = p11->C_FindObjectsFinal(r->h);
			break;
		case 4:
			rv = p11->C_DigestInit(r->h, &sha);
			if (rv == CKR_OK)
				rv = p11->C_DigestUpdate(r->h, (CK_BYTE_PTR)zero, 16);
			break;
		default:
			rv = p11->C_DigestFinal(r->h, out, &n);
			break;
		}
		r->calls++;
		if (rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED) {
			closed = true;
			r->after++;
		} else if (closed || rv != CKR_OK) {
			snprintf(r->error, sizeof(r->error), "call %d (%d): %s%s", i, i % 6,
				 rv_name(rv), closed ? " after the session was closed" : "");
			break;
		} else {
			atomic_fetch_add(&r->before, 1);
		}
		if (r->error[0] != '\0')
			break;
	}
	atomic_store(&r->done, true);
	return NULL;
}

static void
test_hostile_close_from_thread(void **state)
{
	uint8_t want[16];
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	CK_SESSION_HANDLE h0 = open_session(SESSION_SLOT);
	CK_ULONG n = sizeof(want);
	int rounds = 150, closed_mid = 0;

	(void)state;
	assert_rv(p11->C_EncryptInit(h0, &ecb, hx.key[K_AES]), CKR_OK);
	assert_rv(p11->C_Encrypt(h0, (CK_BYTE_PTR) "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16, want, &n),
		  CKR_OK);
	for (int round = 0; round < rounds; round++) {
		struct hx_racer r = {.want = want};
		pthread_t t;
		uint32_t delay;

		r.h = open_session(SESSION_SLOT);
		RAND_bytes_((uint8_t *)&delay, sizeof(delay));
		assert_int_equal(pthread_create(&t, NULL, hx_race_user, &r), 0);
		/*
		 * Half the rounds close while the thread may still be in its first call; the
		 * other half only once it has finished one, so that the close provably comes
		 * in the middle of its work on any machine (thread start-up under ASan in
		 * an emulated guest can outlast any fixed delay).
		 */
		if (round % 4 >= 2)
			while (atomic_load(&r.before) == 0 && !atomic_load(&r.done))
				usleep(100);
		usleep(delay % 3000);
		/* Alternately one session, and all of the slot's (the thread's among them). */
		if (round % 2 == 0)
			assert_rv(p11->C_CloseSession(r.h), CKR_OK);
		else
			assert_rv(p11->C_CloseAllSessions(SESSION_SLOT), CKR_OK);
		assert_int_equal(pthread_join(t, NULL), 0);
		if (r.error[0] != '\0')
			fail_msg("round %d: %s", round, r.error);
		assert_true(r.after >= 50);
		closed_mid += atomic_load(&r.before) > 0;
	}
	/* The close came in the middle of the work at least sometimes. */
	print_message("close from another thread: %d of %d rounds closed mid-work\n", closed_mid,
		      rounds);
	assert_true(closed_mid > 0);
}

/*
 * Warm op sockets (crypto/operation.h): a session reuses one socket per key
 * and algorithm, for any mix of directions and lengths, with results equal
 * to OpenSSL's; it holds at most 2 descriptors in steady state for one key
 * and mechanism; a socket left mid-request is never reused; and every reuse
 * re-checks the key: revoked, or no longer searchable, fails at once.
 */
static void
test_hostile_warm_sockets(void **state)
{
	uint8_t iv[16], in[300], out[320], want[320];
	CK_MECHANISM cbc = {CKM_AES_CBC, iv, sizeof(iv)}, hmac = {CKM_SHA256_HMAC, NULL, 0};
	CK_MECHANISM sha = {CKM_SHA256, NULL, 0};
	CK_SESSION_HANDLE h;
	CK_ULONG n;
	size_t want_len;
	unsigned wl;
	int base, warm;
	key_serial_t k;

	(void)state;
	base = hx_afalg_fds().afalg;
	h = open_session(SESSION_SLOT);
	k = add_test_key("logon", "p11test:warm", key32, 32, KEY_SPEC_SESSION_KEYRING);
	for (int i = 0; i < 60; i++) {
		size_t len = 16 * (1 + (size_t)rnd(18));
		bool encrypt = i % 2 == 0;
		struct cipher_calls c = cipher_calls(encrypt);

		RAND_bytes_(iv, sizeof(iv));
		RAND_bytes_(in, len);
		assert_rv(c.init(h, &cbc, (CK_OBJECT_HANDLE)k), CKR_OK);
		if (i == 1)
			warm = hx_afalg_fds().afalg - base;
		n = sizeof(out);
		assert_rv(c.oneshot(h, in, len, out, &n), CKR_OK);
		assert_int_equal(n, len);
		if (encrypt) {
			assert_int_equal(
				openssl_cipher(CKM_AES_CBC, true, key32, 32, iv, in, len, want),
				len);
			assert_memory_equal(out, want, len);
		} else {
			assert_int_equal(
				openssl_cipher(CKM_AES_CBC, true, key32, 32, iv, out, len, want),
				len);
			assert_memory_equal(want, in, len);
		}
	}
	/* One op socket and the key check's probe: 2, whatever the count of operations. */
	print_message("warm sockets: %d descriptors in the session after 60 operations\n",
		      hx_afalg_fds().afalg - base);
	assert_int_equal(warm, 2);
	assert_int_equal(hx_afalg_fds().afalg - base, 2);

	/* A MAC left mid-request (the verify failed on length) is not reused. */
	assert_rv(p11->C_VerifyInit(h, &hmac, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_VerifyUpdate(h, (CK_BYTE_PTR) "abc", 3), CKR_OK);
	assert_rv(p11->C_VerifyFinal(h, out, 31), CKR_SIGNATURE_LEN_RANGE);
	assert_rv(p11->C_SignInit(h, &hmac, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Sign(h, (CK_BYTE_PTR) "xyz", 3, out, &n), CKR_OK);
	want_len = openssl_mac(CKM_SHA256_HMAC, key32, 32, (const uint8_t *)"xyz", 3, want);
	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
	/* A finished one is: the next MAC starts afresh. */
	assert_rv(p11->C_SignInit(h, &hmac, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Sign(h, (CK_BYTE_PTR) "xyz", 3, out, &n), CKR_OK);
	assert_memory_equal(out, want, want_len);
	/* A digest too: abandoned mid-way by an error, then a new one. */
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OK);
	assert_rv(p11->C_DigestUpdate(h, (CK_BYTE_PTR) "abc", 3), CKR_OK);
	assert_rv(p11->C_DigestKey(h, (CK_OBJECT_HANDLE)0x7ffffff0), CKR_KEY_HANDLE_INVALID);
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Digest(h, (CK_BYTE_PTR) "xyz", 3, out, &n), CKR_OK);
	assert_int_equal(EVP_Digest("xyz", 3, want, &wl, EVP_sha256(), NULL), 1);
	assert_memory_equal(out, want, 32);

	/* Every reuse re-checks the key. Not searchable: not permitted; back: works. */
	assert_int_equal(keyctl_setperm(k, 0x37370000), 0);
	assert_rv(p11->C_EncryptInit(h, &cbc, (CK_OBJECT_HANDLE)k), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_rv(p11->C_SignInit(h, &hmac, (CK_OBJECT_HANDLE)k), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(keyctl_setperm(k, 0x3f3f0000), 0);
	assert_rv(p11->C_EncryptInit(h, &cbc, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Encrypt(h, in, 16, out, &n), CKR_OK);
	/* Revoked: gone. */
	assert_int_equal(keyctl_revoke(k), 0);
	assert_rv(p11->C_EncryptInit(h, &cbc, (CK_OBJECT_HANDLE)k), CKR_KEY_HANDLE_INVALID);
	assert_rv(p11->C_SignInit(h, &hmac, (CK_OBJECT_HANDLE)k), CKR_KEY_HANDLE_INVALID);
	drop_key(k);
	/* Closing the session closes them all. */
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	assert_int_equal(hx_afalg_fds().afalg, base);
}

static int
hx_calls_setup(void **state)
{
	CK_ULONG n = 0;

	if (group_setup(state) != 0)
		return -1;
	memset(&hx, 0, sizeof(hx));
	hx_fixture_keys(getenv("KP11_HOSTILE_HOST") == NULL);
	if (p11->C_GetMechanismList(SESSION_SLOT, NULL, &n) != CKR_OK)
		return -1;
	hx.nmech = n;
	hx.ready = true;
	return 0;
}

static int
hx_calls_teardown(void **state)
{
	if (!hx.ready)
		return 0;
	hx_fixture_drop_keys();
	return group_teardown(state);
}

static int
run_hostile_calls_tests(bool host)
{
	const struct CMUnitTest guest_tests[] = {
		cmocka_unit_test(test_hostile_table_complete),
		cmocka_unit_test_teardown(test_hostile_rows, hx_row_teardown),
		cmocka_unit_test(test_hostile_after_finalize),
		cmocka_unit_test(test_hostile_find_skips_foreign),
		cmocka_unit_test(test_hostile_close_from_thread),
		cmocka_unit_test(test_hostile_warm_sockets),
	};
	const struct CMUnitTest host_tests[] = {
		cmocka_unit_test(test_hostile_table_complete),
		cmocka_unit_test_teardown(test_hostile_rows_host, hx_row_teardown),
		cmocka_unit_test(test_hostile_after_finalize),
	};

	if (host) {
		setenv("KP11_HOSTILE_HOST", "1", 1);
		return cmocka_run_group_tests_name("api-hostile-host", host_tests, hx_calls_setup,
						   hx_calls_teardown);
	}
	if (!have_af_alg()) {
		fprintf(stderr, "test-api hostile-calls: this kernel has no AF_ALG; run it in the "
				"guest (make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "test-api hostile-calls: needs root (it adds keys as uid %d)\n",
			HX_UID);
		return 1;
	}
	return cmocka_run_group_tests_name("api-hostile-calls", guest_tests, hx_calls_setup,
					   hx_calls_teardown);
}

/* ------------------------------------------------------------------ fork */

/*
 * The session-keyring token of @f (through p11-kit-proxy its slot id is the
 * proxy's): the slot whose token is "session keyring" by "keyring-pkcs11".
 */
static CK_SLOT_ID
hx_session_slot(const CK_FUNCTION_LIST *f)
{
	CK_SLOT_ID slots[16];
	CK_ULONG n = HX_NELEM(slots);

	if (f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return (CK_SLOT_ID)-1;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO info;

		if (f->C_GetTokenInfo(slots[i], &info) == CKR_OK &&
		    memcmp(info.label, "session keyring ", 16) == 0 &&
		    memcmp(info.manufacturerID, "keyring-pkcs11 ", 15) == 0)
			return slots[i];
	}
	return (CK_SLOT_ID)-1;
}

/* The object labelled @label in session @h, or CK_INVALID_HANDLE. */
static CK_OBJECT_HANDLE
hx_find_label(const CK_FUNCTION_LIST *f, CK_SESSION_HANDLE h, const char *label)
{
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};
	CK_OBJECT_HANDLE o[2];
	CK_ULONG n = 0;

	if (f->C_FindObjectsInit(h, &t, 1) != CKR_OK)
		return CK_INVALID_HANDLE;
	if (f->C_FindObjects(h, o, 2, &n) != CKR_OK)
		n = 0;
	f->C_FindObjectsFinal(h);
	return n == 1 ? o[0] : CK_INVALID_HANDLE;
}

#define HX_FORK_LABEL "p11test:hx-fork"

/*
 * The forked child of hx_fork_scenario. Until C_Initialize every call is
 * refused and touches nothing; then the child works on its own session.
 * Returns the number of failures (printed).
 */
static int
hx_fork_child(const CK_FUNCTION_LIST *f, CK_SLOT_ID slot, CK_SESSION_HANDLE h, bool sweep,
	      const uint8_t *iv, const uint8_t plain[64], const uint8_t want[64])
{
	struct hx_fds fds = hx_afalg_fds();
	CK_MECHANISM cbc = {CKM_AES_CBC, (void *)iv, 16};
	CK_MECHANISM sha = {CKM_SHA256, NULL, 0};
	CK_SESSION_HANDLE mine = CK_INVALID_HANDLE;
	CK_SESSION_INFO si;
	CK_INFO info;
	CK_ULONG n;
	uint8_t out[80];
	CK_OBJECT_HANDLE key;

	hx_child_failures = 0;
	/* The parent's operation socket came along; like every AF_ALG socket, close-on-exec. */
	CHILD_TRUE(fds.afalg >= 1);
	CHILD_TRUE(fds.no_cloexec == 0);
	HX_CHILD_RV(f->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
	n = 0;
	HX_CHILD_RV(f->C_GetSlotList(CK_TRUE, NULL, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
	HX_CHILD_RV(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &mine),
		    CKR_CRYPTOKI_NOT_INITIALIZED);
	HX_CHILD_RV(f->C_GetSessionInfo(h, &si), CKR_CRYPTOKI_NOT_INITIALIZED);
	/* The parent's multi-part encryption, on the inherited session handle. */
	n = sizeof(out);
	HX_CHILD_RV(f->C_EncryptUpdate(h, (CK_BYTE_PTR)plain + 40, 24, out, &n),
		    CKR_CRYPTOKI_NOT_INITIALIZED);
	n = sizeof(out);
	HX_CHILD_RV(f->C_EncryptFinal(h, out, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
	n = sizeof(out);
	HX_CHILD_RV(f->C_Encrypt(h, (CK_BYTE_PTR)plain, 16, out, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
	HX_CHILD_RV(f->C_CloseSession(h), CKR_CRYPTOKI_NOT_INITIALIZED);
	HX_CHILD_RV(f->C_CloseAllSessions(slot), CKR_CRYPTOKI_NOT_INITIALIZED);
	HX_CHILD_RV(f->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
	if (sweep) {
		hx.sess[S_RW] = h;
		hx_child_failures += hx_sweep_uninitialized(f, "forked child");
	}
	/* Nothing above closed or used the inherited socket. */
	CHILD_TRUE(hx_afalg_fds().afalg == fds.afalg);

	HX_CHILD_RV(f->C_Initialize(NULL), CKR_OK);
	/* The inherited sessions are gone, and with them the child's copies of their sockets. */
	HX_CHILD_RV(f->C_GetSessionInfo(h, &si), CKR_SESSION_HANDLE_INVALID);
	CHILD_TRUE(hx_afalg_fds().afalg == 0);
	slot = hx_session_slot(f);
	HX_CHILD_RV(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &mine), CKR_OK);
	key = hx_find_label(f, mine, HX_FORK_LABEL);
	CHILD_TRUE(key != CK_INVALID_HANDLE);
	HX_CHILD_RV(f->C_EncryptInit(mine, &cbc, key), CKR_OK);
	n = sizeof(out);
	HX_CHILD_RV(f->C_Encrypt(mine, (CK_BYTE_PTR)plain, 64, out, &n), CKR_OK);
	CHILD_TRUE(n == 64 && memcmp(out, want, 64) == 0);
	HX_CHILD_RV(f->C_DigestInit(mine, &sha), CKR_OK);
	n = sizeof(out);
	HX_CHILD_RV(f->C_Digest(mine, (CK_BYTE_PTR)plain, 64, out, &n), CKR_OK);
	CHILD_TRUE(n == 32);
	fds = hx_afalg_fds();
	CHILD_TRUE(fds.no_cloexec == 0);
	HX_CHILD_RV(f->C_CloseSession(mine), CKR_OK);
	HX_CHILD_RV(f->C_Finalize(NULL), CKR_OK);
	return hx_child_failures;
}

/*
 * A fork in the middle of a multi-part encryption: the child is refused, then
 * initializes and works; the parent's operation ends with the right
 * ciphertext once the child has finished and exited.
 */
static void
hx_fork_scenario(const CK_FUNCTION_LIST *f, bool sweep)
{
	uint8_t key[32], iv[16], plain[64], want[64], got[96];
	CK_MECHANISM cbc = {CKM_AES_CBC, iv, sizeof(iv)};
	CK_SESSION_HANDLE h;
	CK_OBJECT_HANDLE k;
	CK_SLOT_ID slot;
	CK_ULONG n, done;
	struct hx_fds fds;
	key_serial_t serial;
	pid_t pid;

	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(iv, sizeof(iv));
	RAND_bytes_(plain, sizeof(plain));
	assert_int_equal(openssl_cipher(CKM_AES_CBC, true, key, 32, iv, plain, 64, want), 64);
	serial = add_test_key("logon", HX_FORK_LABEL, key, 32, KEY_SPEC_SESSION_KEYRING);
	slot = hx_session_slot(f);
	assert_true(slot != (CK_SLOT_ID)-1);
	assert_rv(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &h), CKR_OK);
	k = hx_find_label(f, h, HX_FORK_LABEL);
	assert_true(k != CK_INVALID_HANDLE);

	assert_rv(f->C_EncryptInit(h, &cbc, k), CKR_OK);
	n = sizeof(got);
	assert_rv(f->C_EncryptUpdate(h, plain, 40, got, &n), CKR_OK);
	assert_int_equal(n, 32);
	done = n;
	fds = hx_afalg_fds();
	assert_true(fds.afalg >= 1);
	if (fds.no_cloexec != 0)
		fail_msg("%d of the %d AF_ALG descriptors are not close-on-exec", fds.no_cloexec,
			 fds.afalg);

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(hx_fork_child(f, slot, h, sweep, iv, plain, want) != 0 ? 1 : 0);
	hx_wait_child(pid, "the forked child");

	n = sizeof(got) - done;
	assert_rv(f->C_EncryptUpdate(h, plain + 40, 24, got + done, &n), CKR_OK);
	assert_int_equal(n, 32);
	done += n;
	n = sizeof(got) - done;
	assert_rv(f->C_EncryptFinal(h, got + done, &n), CKR_OK);
	assert_int_equal(n, 0);
	assert_memory_equal(got, want, 64);
	assert_rv(f->C_CloseSession(h), CKR_OK);
	drop_key(serial);
}

static void
test_hostile_fork(void **state)
{
	(void)state;
	hx_fork_scenario(p11, true);
}

/*
 * Through p11-kit-proxy.so, which must list this module (KP11_PROXY names the
 * proxy; hostile-fork.test registers the module for it).
 */
static void
test_hostile_fork_proxy(void **state)
{
	const char *path = getenv("KP11_PROXY");
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR);
	CK_FUNCTION_LIST *proxy = NULL;
	void *dl;

	(void)state;
	if (path == NULL || *path == '\0')
		fail_msg("KP11_PROXY is not set: run tests/api/hostile-fork.test, which registers "
			 "the module with p11-kit (in the guest)");
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL)
		fail_msg("dlopen %s: %s", path, dlerror());
	get_list = (CK_RV(*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(dl, "C_GetFunctionList");
	assert_non_null(get_list);
	assert_rv(get_list(&proxy), CKR_OK);
	/* The proxy loads this same module: leave it to the proxy, as a real program would. */
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(proxy->C_Initialize(NULL), CKR_OK);
	if (hx_session_slot(proxy) == (CK_SLOT_ID)-1)
		fail_msg("p11-kit-proxy does not list the keyring-pkcs11 session token");
	hx_fork_scenario(proxy, false);
	assert_rv(proxy->C_Finalize(NULL), CKR_OK);
	dlclose(dl);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

/*
 * Every AF_ALG socket the module holds, in every kind of operation, is
 * close-on-exec: a program exec'd from a fork inherits none.
 */
static void
test_hostile_fork_exec(void **state)
{
	static const uint8_t block[16];
	uint8_t key[32], iv[16], out[64];
	CK_MECHANISM cbc = {CKM_AES_CBC, iv, 16}, sha = {CKM_SHA256, NULL, 0};
	CK_MECHANISM hmac = {CKM_SHA256_HMAC, NULL, 0};
	struct aead_param gcm;
	CK_SESSION_HANDLE h[4];
	key_serial_t serial;
	CK_ULONG n;
	struct hx_fds fds;
	int status, before;
	pid_t pid;

	(void)state;
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(iv, sizeof(iv));
	serial = add_test_key("logon", "p11test:hx-exec", key, 32, KEY_SPEC_SESSION_KEYRING);
	aead_param_init(&gcm, CKM_AES_GCM, iv, 12, NULL, 0, 16, 0, false);
	for (int i = 0; i < 4; i++)
		h[i] = open_session(SESSION_SLOT);
	fds = hx_afalg_fds();
	before = fds.afalg;
	/* Four operations in progress: a cipher, a digest, a MAC and an AEAD. */
	assert_rv(p11->C_EncryptInit(h[0], &cbc, (CK_OBJECT_HANDLE)serial), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h[0], (CK_BYTE_PTR)block, 16, out, &n), CKR_OK);
	assert_rv(p11->C_DigestInit(h[1], &sha), CKR_OK);
	assert_rv(p11->C_DigestUpdate(h[1], (CK_BYTE_PTR)block, 16), CKR_OK);
	assert_rv(p11->C_SignInit(h[2], &hmac, (CK_OBJECT_HANDLE)serial), CKR_OK);
	assert_rv(p11->C_SignUpdate(h[2], (CK_BYTE_PTR)block, 16), CKR_OK);
	assert_rv(p11->C_EncryptInit(h[3], &gcm.mech, (CK_OBJECT_HANDLE)serial), CKR_OK);
	fds = hx_afalg_fds();
	assert_int_equal(fds.afalg, before + 4);
	if (fds.no_cloexec != 0)
		fail_msg("%d of the %d AF_ALG descriptors are not close-on-exec", fds.no_cloexec,
			 fds.afalg);

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/proc/self/exe", "test-api", "hostile-fdcheck", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("%d AF_ALG descriptor(s) survived exec", WEXITSTATUS(status));
	for (int i = 0; i < 4; i++)
		assert_rv(p11->C_CloseSession(h[i]), CKR_OK);
	assert_int_equal(hx_afalg_fds().afalg, before);
	drop_key(serial);
}

static int
run_hostile_fork_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_fork),
		cmocka_unit_test(test_hostile_fork_exec),
		cmocka_unit_test(test_hostile_fork_proxy),
	};

	if (!have_af_alg()) {
		fprintf(stderr, "test-api hostile-fork: this kernel has no AF_ALG; run it in the "
				"guest (make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	return cmocka_run_group_tests_name("api-hostile-fork", tests, group_setup, group_teardown);
}

/* ---------------------------------------------------------------- memory */

/*
 * The promise, tested. A secret is kept here only masked (bytes XOR a random
 * mask), so that the test's own bookkeeping is never what the scanner finds.
 */
struct hx_secret {
	const char *name;
	size_t len;
	uint8_t masked[64], mask[64];
};

static struct hx_secret hx_secrets[16];
static size_t hx_nsecrets;

/* A page of its own for a secret in the clear (not the heap: malloc must not reuse it). */
static uint8_t *
hx_secret_page(void)
{
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	/* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1 */
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void
hx_secret_page_free(uint8_t *p)
{
	explicit_bzero(p, (size_t)sysconf(_SC_PAGESIZE));
	munmap(p, (size_t)sysconf(_SC_PAGESIZE));
}

/* Remember @len bytes at @bytes, masked; the caller wipes its copy. */
static const struct hx_secret *
hx_secret_add(const char *name, const uint8_t *bytes, size_t len)
{
	struct hx_secret *s = &hx_secrets[hx_nsecrets];

	assert_true(hx_nsecrets < HX_NELEM(hx_secrets));
	assert_true(len >= 16 && len <= sizeof(s->mask));
	s->name = name;
	s->len = len;
	assert_int_equal(getrandom(s->mask, len, 0), (ssize_t)len);
	for (size_t i = 0; i < len; i++)
		s->masked[i] = bytes[i] ^ s->mask[i];
	hx_nsecrets++;
	return s;
}

/* Whether @buf holds the secret (compared without unmasking it). */
static bool
hx_secret_equals(const struct hx_secret *s, const uint8_t *buf)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < s->len; i++)
		diff |= (uint8_t)((buf[i] ^ s->mask[i]) ^ s->masked[i]);
	return diff == 0;
}

/* The secret in the clear into @out, byte-reversed if @reversed (for the controls). */
static void
hx_secret_reveal(const struct hx_secret *s, uint8_t *out, bool reversed)
{
	for (size_t i = 0; i < s->len; i++)
		out[reversed ? s->len - 1 - i : i] = s->masked[i] ^ s->mask[i];
}

/* ------------------------------------------------------- the scanner */

/*
 * Every 8-byte window of every secret, forwards and byte-reversed: stricter
 * than 16-byte windows (a 16-byte residue holds nine of them), and it also
 * finds the tail of a key left in a partial block. By chance, one window
 * matches random memory with odds of 2^-64 per byte. A 2-byte prefix bitmap
 * picks candidates; a candidate matches when each byte XOR the mask gives
 * the masked byte.
 */
#define HX_WINDOW 8

struct hx_needle {
	const struct hx_secret *secret;
	uint8_t masked[HX_WINDOW], mask[HX_WINDOW];
	size_t offset;
	bool reversed;
};

struct hx_hit {
	uintptr_t addr;
	const struct hx_needle *needle;
	char region[96];
};

struct hx_scan {
	struct hx_needle needles[2 * 16 * (64 - HX_WINDOW + 1)];
	size_t nneedles;
	uint8_t prefix[65536 / 8];
	size_t hits, regions, unreadable, skipped, bytes;
	struct hx_hit first[64];
	const char *error;
};

static void
hx_scan_prepare(struct hx_scan *sc, const struct hx_secret *const *secrets, size_t n)
{
	memset(sc, 0, sizeof(*sc));
	for (size_t k = 0; k < n; k++) {
		const struct hx_secret *s = secrets[k];

		for (int rev = 0; rev < 2; rev++) {
			for (size_t off = 0; off + HX_WINDOW <= s->len; off++) {
				struct hx_needle *nd = &sc->needles[sc->nneedles++];
				unsigned key;

				assert_true(sc->nneedles <= HX_NELEM(sc->needles));
				nd->secret = s;
				nd->offset = off;
				nd->reversed = rev;
				for (size_t j = 0; j < HX_WINDOW; j++) {
					size_t i = rev ? s->len - 1 - (off + j) : off + j;

					nd->masked[j] = s->masked[i];
					nd->mask[j] = s->mask[i];
				}
				key = (unsigned)(nd->masked[0] ^ nd->mask[0]) |
				      (unsigned)(nd->masked[1] ^ nd->mask[1]) << 8;
				sc->prefix[key >> 3] |= (uint8_t)(1u << (key & 7));
			}
		}
	}
}

static void
hx_scan_chunk(struct hx_scan *sc, const uint8_t *buf, size_t n, uintptr_t addr, const char *region)
{
	for (size_t i = 0; i + HX_WINDOW <= n; i++) {
		unsigned key = (unsigned)buf[i] | (unsigned)buf[i + 1] << 8;

		if (!(sc->prefix[key >> 3] & (1u << (key & 7))))
			continue;
		for (size_t k = 0; k < sc->nneedles; k++) {
			const struct hx_needle *nd = &sc->needles[k];
			uint8_t diff = 0;

			for (size_t j = 0; j < HX_WINDOW; j++)
				diff |= (uint8_t)((buf[i + j] ^ nd->mask[j]) ^ nd->masked[j]);
			if (diff != 0)
				continue;
			if (sc->hits < HX_NELEM(sc->first)) {
				struct hx_hit *h = &sc->first[sc->hits];

				h->addr = addr + i;
				h->needle = nd;
				snprintf(h->region, sizeof(h->region), "%s", region);
			}
			sc->hits++;
		}
	}
}

/*
 * Scan every readable mapping of this process through /proc/self/mem,
 * skipping [vvar], [vvar_vclock] and [vsyscall] (not memory the process can
 * hold data in) and the scanner's own read buffer. Runs on a thread of its
 * own (hx_scan_run), so that its stack frames never overwrite what the
 * module's calls left below the main thread's stack pointer: that stale stack
 * is scanned as it was. No cmocka assert here: failures go to sc->error.
 */
static void *
hx_scan_memory(void *arg)
{
	struct hx_scan *sc = arg;
	const size_t cap = 1 << 20;
	/* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1 */
	uint8_t *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *maps = NULL, *line, *save = NULL;
	size_t maps_len = 0;
	FILE *f;
	int mem;

	if (buf == MAP_FAILED) {
		sc->error = "mmap";
		return NULL;
	}
	/* Read all of /proc/self/maps first: scanning allocates nothing, reading it might. */
	f = fopen("/proc/self/maps", "re");
	if (f == NULL || getdelim(&maps, &maps_len, '\0', f) <= 0) {
		sc->error = "reading /proc/self/maps";
		if (f != NULL)
			fclose(f);
		munmap(buf, cap);
		return NULL;
	}
	fclose(f);
	mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (mem < 0) {
		sc->error = "opening /proc/self/mem";
		free(maps);
		munmap(buf, cap);
		return NULL;
	}
	for (line = strtok_r(maps, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		unsigned long start, end;
		char perms[8], region[96] = "";
		int name = 0;

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms, &name) < 3)
			continue;
		if (name > 0)
			snprintf(region, sizeof(region), "%s", line + name);
		if (perms[0] != 'r' || strcmp(region, "[vvar]") == 0 ||
		    strcmp(region, "[vvar_vclock]") == 0 || strcmp(region, "[vsyscall]") == 0)
			continue;
		if (end - start > (1UL << 30)) {
			sc->skipped++; /* e.g. a sanitizer's shadow: nothing of ours */
			continue;
		}
		sc->regions++;
		/* Chunks overlap by a window, so no match straddles two unseen. */
		for (unsigned long a = start; a < end;) {
			size_t n = end - a < cap ? end - a : cap;
			ssize_t got = pread(mem, buf, n, (off_t)a);

			if (got <= 0) {
				sc->unreadable++;
				break;
			}
			/* The read buffer itself holds copies of what it read: not a finding. */
			if (a < (uintptr_t)buf + cap && a + (size_t)got > (uintptr_t)buf) {
				uintptr_t lo = a > (uintptr_t)buf ? a : (uintptr_t)buf;
				uintptr_t hi = a + (size_t)got < (uintptr_t)buf + cap
						       ? a + (size_t)got
						       : (uintptr_t)buf + cap;

				memset(buf + (lo - a), 0, hi - lo);
			}
			hx_scan_chunk(sc, buf, (size_t)got, a, region);
			sc->bytes += (size_t)got;
			if (a + (size_t)got >= end)
				break;
			a += (size_t)got - (HX_WINDOW - 1);
		}
	}
	close(mem);
	free(maps);
	explicit_bzero(buf, cap);
	munmap(buf, cap);
	return NULL;
}

static void
hx_scan_run(struct hx_scan *sc)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, hx_scan_memory, sc), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (sc->error != NULL)
		fail_msg("memory scan: %s failed", sc->error);
}

/* How many windows of @secrets this process holds; each hit printed. */
static size_t
hx_scan_for(const struct hx_secret *const *secrets, size_t n, const char *when)
{
	struct hx_scan *sc =
		/* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1 */
		mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t hits;

	assert_true(sc != MAP_FAILED);
	hx_scan_prepare(sc, secrets, n);
	hx_scan_run(sc);
	print_message("scan %s: %zu regions, %zu bytes, %zu unreadable, %zu skipped: %zu hit(s)\n",
		      when, sc->regions, sc->bytes, sc->unreadable, sc->skipped, sc->hits);
	for (size_t i = 0; i < sc->hits && i < 8; i++) {
		const struct hx_hit *h = &sc->first[i];

		print_message("  %s window at byte %zu%s found at %#lx in %s\n",
			      h->needle->secret->name, h->needle->offset,
			      h->needle->reversed ? " (byte-reversed)" : "", (unsigned long)h->addr,
			      h->region[0] ? h->region : "[anonymous]");
	}
	hits = sc->hits;
	munmap(sc, sizeof(*sc));
	return hits;
}

static size_t
hx_scan_all(const char *when)
{
	const struct hx_secret *all[HX_NELEM(hx_secrets)];

	for (size_t i = 0; i < hx_nsecrets; i++)
		all[i] = &hx_secrets[i];
	return hx_scan_for(all, hx_nsecrets, when);
}

/* Whether some hit of a scan for @s lies in [@p, @p + @len): checked by rescanning. */
static bool
hx_found_at(const struct hx_secret *s, const void *p, size_t len)
{
	struct hx_scan *sc =
		/* cppcheck-suppress invalidFunctionArg ; MAP_ANONYMOUS takes fd -1 */
		mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool found = false;

	assert_true(sc != MAP_FAILED);
	hx_scan_prepare(sc, &s, 1);
	hx_scan_run(sc);
	for (size_t i = 0; i < sc->hits && i < HX_NELEM(sc->first); i++)
		found |=
			sc->first[i].addr >= (uintptr_t)p && sc->first[i].addr < (uintptr_t)p + len;
	munmap(sc, sizeof(*sc));
	return found;
}

/* ------------------------------------------- references, in a child */

/*
 * OpenSSL computes the expected results in a forked child, which writes them
 * to a pipe: the key never goes near OpenSSL in this process. The child uses
 * no cmocka assert (a failed one would resume the test run in the child).
 */
static long
hx_ossl_cipher(const char *name, const uint8_t *key, const uint8_t *iv, int pad, const uint8_t *in,
	       size_t len, uint8_t *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	long ret = -1;

	if (c != NULL && ctx != NULL && EVP_EncryptInit_ex2(ctx, c, key, iv, NULL) == 1) {
		if (pad >= 0)
			EVP_CIPHER_CTX_set_padding(ctx, pad);
		if (EVP_EncryptUpdate(ctx, out, &n1, in, (int)len) == 1 &&
		    EVP_EncryptFinal_ex(ctx, out + n1, &n2) == 1)
			ret = n1 + n2;
	}
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ret;
}

static long
hx_ossl_gcm(const uint8_t *key, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
	    const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, m = 0;
	long ret = -1;

	if (c != NULL && ctx != NULL && EVP_EncryptInit_ex2(ctx, c, key, iv, NULL) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1 &&
	    EVP_EncryptUpdate(ctx, out, &n, in, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(ctx, out + n, &m) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out + len) == 1)
		ret = (long)len + 16;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ret;
}

static long
hx_ossl_mac(const char *name, const char *param, const char *value, const uint8_t *key,
	    size_t key_len, const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, name, NULL);
	EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string(param, (char *)value, 0),
				OSSL_PARAM_construct_end()};
	size_t n = 0;
	long ret = -1;

	if (ctx != NULL && EVP_MAC_init(ctx, key, key_len, params) == 1 &&
	    EVP_MAC_update(ctx, in, len) == 1 && EVP_MAC_final(ctx, out, &n, 64) == 1)
		ret = (long)n;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ret;
}

static bool
hx_ossl_sha256(const uint8_t *in, size_t len, uint8_t out[32])
{
	unsigned n = 0;

	return EVP_Digest(in, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32;
}

/* Run @fn(@arg, @out) in a child and read its @size bytes of results back. */
static void
hx_in_child(bool (*fn)(const void *arg, void *out), const void *arg, void *out, size_t size)
{
	int fds[2];
	size_t done = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool ok;

		close(fds[0]);
		memset(out, 0, size);
		ok = fn(arg, out);
		for (size_t sent = 0; ok && sent < size;) {
			ssize_t n = write(fds[1], (uint8_t *)out + sent, size - sent);

			if (n <= 0)
				_exit(2);
			sent += (size_t)n;
		}
		_exit(ok ? 0 : 1);
	}
	close(fds[1]);
	while (done < size) {
		ssize_t n = read(fds[0], (uint8_t *)out + done, size - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fds[0]);
	hx_wait_child(pid, "the OpenSSL reference");
	assert_int_equal(done, size);
}

/* ------------------------------------------------ imported keys (C_CreateObject) */

/* Public inputs of the operations: known, not secret. */
static uint8_t hx_plain[64], hx_iv[16], hx_aad[20];

/* Where the secrets are, in the clear, until they are imported. */
struct hx_created_keys {
	const uint8_t *aes;	/* 32 */
	const uint8_t *mac;	/* 48: an HMAC key */
	const uint8_t *wrapped; /* 40: a user key to be wrapped (not whole AES blocks) */
};

struct hx_created_expect {
	uint8_t ecb[64], cbc[64], cbc_pad[80], ctr[64], gcm[80];
	uint8_t cmac[16], hmac[32], hmac_by_wrapped[32], digest_aes[32], kcv[16];
	uint8_t kw[48], kwp[48], cbc_pad_wrap[48], kw_self[40];
};

static bool
hx_created_reference(const void *arg, void *out)
{
	const struct hx_created_keys *k = arg;
	struct hx_created_expect *e = out;
	static const uint8_t zero[16];

	return hx_ossl_cipher("AES-256-ECB", k->aes, NULL, 0, hx_plain, 64, e->ecb) == 64 &&
	       hx_ossl_cipher("AES-256-CBC", k->aes, hx_iv, 0, hx_plain, 64, e->cbc) == 64 &&
	       hx_ossl_cipher("AES-256-CBC", k->aes, hx_iv, 1, hx_plain, 64, e->cbc_pad) == 80 &&
	       hx_ossl_cipher("AES-256-CTR", k->aes, hx_iv, 0, hx_plain, 64, e->ctr) == 64 &&
	       hx_ossl_cipher("AES-256-ECB", k->aes, NULL, 0, zero, 16, e->kcv) == 16 &&
	       hx_ossl_gcm(k->aes, hx_iv, hx_aad, sizeof(hx_aad), hx_plain, 64, e->gcm) == 80 &&
	       hx_ossl_mac("CMAC", OSSL_MAC_PARAM_CIPHER, "AES-256-CBC", k->aes, 32, hx_plain, 64,
			   e->cmac) == 16 &&
	       hx_ossl_mac("HMAC", OSSL_MAC_PARAM_DIGEST, "SHA256", k->mac, 48, hx_plain, 64,
			   e->hmac) == 32 &&
	       hx_ossl_mac("HMAC", OSSL_MAC_PARAM_DIGEST, "SHA256", k->wrapped, 40, hx_plain, 64,
			   e->hmac_by_wrapped) == 32 &&
	       hx_ossl_sha256(k->aes, 32, e->digest_aes) &&
	       hx_ossl_cipher("AES-256-WRAP", k->aes, NULL, -1, k->wrapped, 40, e->kw) == 48 &&
	       hx_ossl_cipher("AES-256-WRAP-PAD", k->aes, NULL, -1, k->wrapped, 40, e->kwp) == 48 &&
	       hx_ossl_cipher("AES-256-CBC", k->aes, hx_iv, 1, k->wrapped, 40, e->cbc_pad_wrap) ==
		       48 &&
	       hx_ossl_cipher("AES-256-WRAP", k->aes, NULL, -1, k->aes, 32, e->kw_self) == 40;
}

/* C_CreateObject of a session secret key: @type, @value, extractable (a user key) or not. */
static CK_OBJECT_HANDLE
hx_import(CK_SESSION_HANDLE h, CK_KEY_TYPE type, const uint8_t *value, size_t len, bool extractable,
	  const char *label)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &hx_secret, sizeof(hx_secret)},
		{CKA_KEY_TYPE, &type, sizeof(type)},
		{CKA_VALUE, (void *)value, len},
		{CKA_TOKEN, &no, 1},
		{CKA_EXTRACTABLE, extractable ? &yes : &no, 1},
		{CKA_LABEL, (void *)label, strlen(label)},
	};
	CK_OBJECT_HANDLE o = CK_INVALID_HANDLE;

	assert_rv(p11->C_CreateObject(h, t, HX_NELEM(t), &o), CKR_OK);
	return o;
}

/* C_UnwrapKey with @mech into a session generic secret; its handle. */
static CK_OBJECT_HANDLE
hx_unwrap(CK_SESSION_HANDLE h, CK_MECHANISM *mech, CK_OBJECT_HANDLE kek, const uint8_t *wrapped,
	  size_t len)
{
	UNWRAP_TEMPLATE(tmpl, &hx_generic);
	CK_OBJECT_HANDLE o = CK_INVALID_HANDLE;

	tmpl[2].pValue = "p11test:hx-unwrapped";
	tmpl[2].ulValueLen = 20;
	assert_rv(
		p11->C_UnwrapKey(h, mech, kek, (CK_BYTE_PTR)wrapped, len, tmpl, HX_NELEM(tmpl), &o),
		CKR_OK);
	return o;
}

static void
hx_expect_wrap(CK_SESSION_HANDLE h, CK_MECHANISM *mech, CK_OBJECT_HANDLE kek, CK_OBJECT_HANDLE key,
	       const uint8_t *want, size_t want_len)
{
	uint8_t out[64];
	CK_ULONG n = sizeof(out);

	assert_rv(p11->C_WrapKey(h, mech, kek, key, out, &n), CKR_OK);
	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);
}

static void
hx_expect_mac(CK_SESSION_HANDLE h, CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, bool pieces,
	      const uint8_t *want, size_t want_len)
{
	CK_MECHANISM m = {type, NULL, 0};
	uint8_t out[64];

	assert_int_equal(module_sign(h, &m, key, pieces, hx_plain, 64, out), want_len);
	assert_memory_equal(out, want, want_len);
	assert_rv(module_verify(h, &m, key, !pieces, hx_plain, 64, want, want_len), CKR_OK);
}

/* Every kind of operation with the imported keys, checked against the references. */
static void
hx_use_created(CK_SESSION_HANDLE h, const struct hx_created_expect *e, CK_OBJECT_HANDLE aes,
	       CK_OBJECT_HANDLE aes_user, CK_OBJECT_HANDLE mac, CK_OBJECT_HANDLE wrapped,
	       const struct hx_secret *aes_secret, bool pieces, bool scan_each)
{
/* With @scan_each, scan right after each kind of operation: what it left is still there. */
#define NO_LEAK_AFTER(what)                                                                        \
	do {                                                                                       \
		if (scan_each)                                                                     \
			assert_int_equal(hx_scan_all("right after " what), 0);                     \
	} while (0)
	static const struct {
		CK_MECHANISM_TYPE mech;
		size_t off, len;
	} ciphers[] = {
		{CKM_AES_ECB, offsetof(struct hx_created_expect, ecb), 64},
		{CKM_AES_CBC, offsetof(struct hx_created_expect, cbc), 64},
		{CKM_AES_CBC_PAD, offsetof(struct hx_created_expect, cbc_pad), 80},
		{CKM_AES_CTR, offsetof(struct hx_created_expect, ctr), 64},
	};
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0}, kwp = {CKM_AES_KEY_WRAP_PAD, NULL, 0};
	CK_MECHANISM cbc_pad = {CKM_AES_CBC_PAD, hx_iv, 16}, sha = {CKM_SHA256, NULL, 0};
	CK_OBJECT_HANDLE unwrapped, copy;
	struct aead_param gcm, ccm;
	uint8_t out[128], back[128], kcv[3];
	CK_ULONG n;

	for (size_t i = 0; i < HX_NELEM(ciphers); i++) {
		const uint8_t *want = (const uint8_t *)e + ciphers[i].off;
		struct mech_param p;
		CK_OBJECT_HANDLE keys[2] = {aes, aes_user};

		mech_param_init(&p, ciphers[i].mech, hx_iv);
		for (int k = 0; k < 2; k++) {
			assert_int_equal(module_cipher(h, &p, keys[k], true, pieces, hx_plain, 64,
						       out, sizeof(out)),
					 ciphers[i].len);
			assert_memory_equal(out, want, ciphers[i].len);
			assert_int_equal(module_cipher(h, &p, keys[k], false, !pieces, out,
						       ciphers[i].len, back, sizeof(back)),
					 64);
			assert_memory_equal(back, hx_plain, 64);
		}
	}
	NO_LEAK_AFTER("ECB, CBC, CBC-PAD and CTR");
	/* AEAD: GCM against OpenSSL, CCM there and back. */
	aead_param_init(&gcm, CKM_AES_GCM, hx_iv, 12, hx_aad, sizeof(hx_aad), 16, 0, false);
	assert_int_equal(module_aead(h, &gcm, aes, true, pieces, hx_plain, 64, out, sizeof(out)),
			 80);
	assert_memory_equal(out, e->gcm, 80);
	assert_int_equal(module_aead(h, &gcm, aes, false, !pieces, out, 80, back, sizeof(back)),
			 64);
	assert_memory_equal(back, hx_plain, 64);
	aead_param_init(&ccm, CKM_AES_CCM, hx_iv, 12, hx_aad, sizeof(hx_aad), 16, 64, false);
	assert_int_equal(module_aead(h, &ccm, aes, true, pieces, hx_plain, 64, out, sizeof(out)),
			 80);
	assert_int_equal(module_aead(h, &ccm, aes, false, pieces, out, 80, back, sizeof(back)), 64);
	assert_memory_equal(back, hx_plain, 64);
	NO_LEAK_AFTER("GCM and CCM");
	/* MACs. */
	hx_expect_mac(h, CKM_AES_CMAC, aes, pieces, e->cmac, 16);
	hx_expect_mac(h, CKM_SHA256_HMAC, mac, pieces, e->hmac, 32);
	NO_LEAK_AFTER("CMAC and HMAC");
	/* C_DigestKey: the user key's bytes pass through the module, the logon key's never. */
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OK);
	assert_rv(p11->C_DigestKey(h, aes_user), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_DigestFinal(h, out, &n), CKR_OK);
	assert_memory_equal(out, e->digest_aes, 32);
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OK);
	assert_rv(p11->C_DigestKey(h, aes), CKR_KEY_INDIGESTIBLE);
	NO_LEAK_AFTER("C_DigestKey");
	/* Wrapping another key with the imported one, and the imported user key itself. */
	hx_expect_wrap(h, &kw, aes, wrapped, e->kw, 48);
	NO_LEAK_AFTER("C_WrapKey AES-KEY-WRAP");
	hx_expect_wrap(h, &kwp, aes, wrapped, e->kwp, 48);
	NO_LEAK_AFTER("C_WrapKey AES-KEY-WRAP-PAD");
	hx_expect_wrap(h, &cbc_pad, aes, wrapped, e->cbc_pad_wrap, 48);
	NO_LEAK_AFTER("C_WrapKey AES-CBC-PAD");
	hx_expect_wrap(h, &kw, aes, aes_user, e->kw_self, 40);
	NO_LEAK_AFTER("C_WrapKey of the imported user key");
	n = sizeof(out);
	assert_rv(p11->C_WrapKey(h, &kw, aes, aes, out, &n), CKR_KEY_UNEXTRACTABLE);
	/* Unwrapping it again: the same key, as its MAC shows. */
	unwrapped = hx_unwrap(h, &kw, aes, e->kw, 48);
	hx_expect_mac(h, CKM_SHA256_HMAC, unwrapped, pieces, e->hmac_by_wrapped, 32);
	assert_rv(p11->C_DestroyObject(h, unwrapped), CKR_OK);
	NO_LEAK_AFTER("C_UnwrapKey");
	/* CKA_CHECK_VALUE, computed in the kernel. */
	assert_int_equal(bytes_attr(h, aes, CKA_CHECK_VALUE, kcv, sizeof(kcv)), 3);
	assert_memory_equal(kcv, e->kcv, 3);
	assert_int_equal(bytes_attr(h, aes_user, CKA_CHECK_VALUE, kcv, sizeof(kcv)), 3);
	assert_memory_equal(kcv, e->kcv, 3);
	/* Attributes: everything but the value, and the user key's value into a page we wipe. */
	for (CK_OBJECT_HANDLE o = 0; o < 4; o++) {
		CK_OBJECT_HANDLE obj = o == 0 ? aes : o == 1 ? aes_user : o == 2 ? mac : wrapped;

		assert_int_equal(ulong_attr(h, obj, CKA_CLASS), CKO_SECRET_KEY);
		(void)ulong_attr(h, obj, CKA_KEY_TYPE);
		(void)ulong_attr(h, obj, CKA_VALUE_LEN);
		(void)bool_attr(h, obj, CKA_SENSITIVE);
		(void)bool_attr(h, obj, CKA_EXTRACTABLE);
		(void)bytes_attr(h, obj, CKA_LABEL, out, sizeof(out));
	}
	{
		uint8_t *page = hx_secret_page();

		assert_int_equal(bytes_attr(h, aes_user, CKA_VALUE, page, 64), 32);
		assert_true(hx_secret_equals(aes_secret, page));
		hx_secret_page_free(page);
	}
	NO_LEAK_AFTER("C_GetAttributeValue");
	/* A copy of the user key (its bytes go through the module) and its destruction. */
	assert_rv(p11->C_CopyObject(h, aes_user, &(CK_ATTRIBUTE){CKA_LABEL, "p11test:hx-copy", 15},
				    1, &copy),
		  CKR_OK);
	assert_rv(p11->C_DestroyObject(h, copy), CKR_OK);
	NO_LEAK_AFTER("C_CopyObject");
#undef NO_LEAK_AFTER
}

static void
test_hostile_scanner_finds(void **state)
{
	uint8_t *page = hx_secret_page(), *heap, *reversed;
	const struct hx_secret *s;

	(void)state;
	assert_int_equal(getrandom(page, 32, 0), 32);
	s = hx_secret_add("control key", page, 32);
	hx_secret_page_free(page);
	assert_int_equal(hx_scan_for(&s, 1, "control: masked only"), 0);

	/* A copy on the heap: found, where it is. */
	heap = malloc(32);
	assert_non_null(heap);
	hx_secret_reveal(s, heap, false);
	assert_true(hx_scan_for(&s, 1, "control: a heap copy") >= 1);
	assert_true(hx_found_at(s, heap, 32));
	/* Only its last 16 bytes, as free() leaves a chunk: found. */
	explicit_bzero(heap, 16);
	assert_true(hx_found_at(s, heap, 32));
	/* Byte-reversed: found too. */
	reversed = malloc(32);
	assert_non_null(reversed);
	hx_secret_reveal(s, reversed, true);
	explicit_bzero(heap, 32);
	assert_true(hx_found_at(s, reversed, 32));
	/* Wiped: gone. */
	explicit_bzero(reversed, 32);
	free(heap);
	free(reversed);
	assert_int_equal(hx_scan_for(&s, 1, "control: wiped"), 0);
	hx_nsecrets--; /* not a secret of the module's */
}

static void
test_hostile_memory_created(void **state)
{
	uint8_t *page = hx_secret_page();
	struct hx_created_keys k = {page, page + 32, page + 80};
	struct hx_created_expect e;
	const struct hx_secret *aes_secret;
	CK_OBJECT_HANDLE aes, aes_user, mac, wrapped;
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t before = hx_nsecrets;

	(void)state;
	assert_int_equal(getrandom(page, 120, 0), 120);
	RAND_bytes_(hx_plain, sizeof(hx_plain));
	RAND_bytes_(hx_iv, sizeof(hx_iv));
	RAND_bytes_(hx_aad, sizeof(hx_aad));
	hx_in_child(hx_created_reference, &k, &e, sizeof(e));

	aes = hx_import(h, CKK_AES, k.aes, 32, false, "p11test:hx-mem-aes");
	aes_user = hx_import(h, CKK_AES, k.aes, 32, true, "p11test:hx-mem-aes-user");
	mac = hx_import(h, CKK_GENERIC_SECRET, k.mac, 48, false, "p11test:hx-mem-mac");
	wrapped = hx_import(h, CKK_GENERIC_SECRET, k.wrapped, 40, true, "p11test:hx-mem-wrapped");
	aes_secret = hx_secret_add("imported AES key", k.aes, 32);
	hx_secret_add("imported HMAC key", k.mac, 48);
	hx_secret_add("imported wrapped key", k.wrapped, 40);
	hx_secret_page_free(page);
	assert_int_equal(hx_scan_all("after C_CreateObject"), 0);

	for (int round = 0; round < 6; round++)
		hx_use_created(h, &e, aes, aes_user, mac, wrapped, aes_secret, round % 2 == 1,
			       round == 0);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	assert_true(hx_nsecrets == before + 3);
	assert_int_equal(hx_scan_all("after every kind of operation with imported keys"), 0);
}

/* C_GenerateKey: the module's getrandom buffer must be wiped. */
static void
test_hostile_memory_generated(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE extractable = {CKA_EXTRACTABLE, &yes, 1};
	CK_MECHANISM cmac = {CKM_AES_CMAC, NULL, 0}, hmac = {CKM_SHA512_HMAC, NULL, 0};
	CK_OBJECT_HANDLE aes, generic;
	uint8_t *page = hx_secret_page(), sig[64];
	struct mech_param p;
	uint8_t out[80], back[80];

	(void)state;
	aes = generate_key(h, CKM_AES_KEY_GEN, 32, "p11test:hx-gen-aes", &extractable, 1);
	generic = generate_key(h, CKM_GENERIC_SECRET_KEY_GEN, 48, "p11test:hx-gen-mac",
			       &extractable, 1);
	/* User keys: the kernel gives their bytes back, to this page only. */
	assert_int_equal(keyctl_read((key_serial_t)aes, (char *)page, 32), 32);
	assert_int_equal(keyctl_read((key_serial_t)generic, (char *)page + 32, 48), 48);
	hx_secret_add("generated AES key", page, 32);
	hx_secret_add("generated HMAC key", page + 32, 48);
	hx_secret_page_free(page);
	assert_int_equal(hx_scan_all("after C_GenerateKey"), 0);

	for (int round = 0; round < 4; round++) {
		mech_param_init(&p, round % 2 ? CKM_AES_CBC_PAD : CKM_AES_CTR, hx_iv);
		assert_int_equal(
			module_cipher(h, &p, aes, true, round > 1, hx_plain, 64, out, sizeof(out)),
			round % 2 ? 80 : 64);
		assert_int_equal(module_cipher(h, &p, aes, false, round > 1, out,
					       round % 2 ? 80 : 64, back, sizeof(back)),
				 64);
		assert_memory_equal(back, hx_plain, 64);
		assert_int_equal(module_sign(h, &cmac, aes, round > 1, hx_plain, 64, sig), 16);
		assert_rv(module_verify(h, &cmac, aes, round < 2, hx_plain, 64, sig, 16), CKR_OK);
		assert_int_equal(module_sign(h, &hmac, generic, round > 1, hx_plain, 64, sig), 64);
		assert_rv(module_verify(h, &hmac, generic, round < 2, hx_plain, 64, sig, 64),
			  CKR_OK);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	assert_int_equal(hx_scan_all("after using the generated keys"), 0);
}

/* C_UnwrapKey: the unwrapped bytes pass through the module once, then must be gone. */
struct hx_unwrap_keys {
	const uint8_t *kek, *key; /* 32 bytes each */
};

struct hx_unwrap_expect {
	uint8_t kw[40], kwp[40], cbc_pad[48], hmac[32];
};

static bool
hx_unwrap_reference(const void *arg, void *out)
{
	const struct hx_unwrap_keys *k = arg;
	struct hx_unwrap_expect *e = out;

	return hx_ossl_cipher("AES-256-WRAP", k->kek, NULL, -1, k->key, 32, e->kw) == 40 &&
	       hx_ossl_cipher("AES-256-WRAP-PAD", k->kek, NULL, -1, k->key, 32, e->kwp) == 40 &&
	       hx_ossl_cipher("AES-256-CBC", k->kek, hx_iv, 1, k->key, 32, e->cbc_pad) == 48 &&
	       hx_ossl_mac("HMAC", OSSL_MAC_PARAM_DIGEST, "SHA256", k->key, 32, hx_plain, 64,
			   e->hmac) == 32;
}

static void
test_hostile_memory_unwrapped(void **state)
{
	uint8_t *page = hx_secret_page();
	struct hx_unwrap_keys k = {page, page + 32};
	struct hx_unwrap_expect e;
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0}, kwp = {CKM_AES_KEY_WRAP_PAD, NULL, 0};
	CK_MECHANISM cbc_pad = {CKM_AES_CBC_PAD, hx_iv, 16};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_OBJECT_HANDLE kek;

	(void)state;
	assert_int_equal(getrandom(page, 64, 0), 64);
	hx_in_child(hx_unwrap_reference, &k, &e, sizeof(e));
	kek = hx_import(h, CKK_AES, k.kek, 32, false, "p11test:hx-mem-kek");
	hx_secret_add("unwrapping key", k.kek, 32);
	hx_secret_add("unwrapped key", k.key, 32);
	hx_secret_page_free(page);

	for (int round = 0; round < 4; round++) {
		CK_MECHANISM *m = round % 3 == 0 ? &kw : round % 3 == 1 ? &kwp : &cbc_pad;
		const uint8_t *wrapped = round % 3 == 0 ? e.kw : round % 3 == 1 ? e.kwp : e.cbc_pad;
		CK_OBJECT_HANDLE key = hx_unwrap(h, m, kek, wrapped, round % 3 == 2 ? 48 : 40);

		if (round < 3)
			assert_int_equal(hx_scan_all("right after C_UnwrapKey"), 0);

		hx_expect_mac(h, CKM_SHA256_HMAC, key, round % 2 == 1, e.hmac, 32);
		assert_rv(p11->C_DestroyObject(h, key), CKR_OK);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	assert_int_equal(hx_scan_all("after C_UnwrapKey"), 0);
}

/* -------------------------------------------------------- the debug log */

static char hx_log_path[64];

static size_t
hx_count_lines(const char *text, size_t len, const char *containing)
{
	size_t n = 0;

	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		if (containing == NULL ||
		    memmem(text + at, end - at, containing, strlen(containing)) != NULL)
			n++;
		at = end + 1;
	}
	return n;
}

static char *
hx_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	assert_non_null(f);
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	*len = n > 0 ? (size_t)n : 0;
	return text;
}

static const char hx_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Whether @text holds @s raw, in hex (either case) or in base64 at any alignment. */
static const char *
hx_text_leaks(const char *text, size_t len, const struct hx_secret *s)
{
	uint8_t key[64];
	char enc[3 * 64 + 8];
	const char *leak = NULL;

	hx_secret_reveal(s, key, false);
	for (size_t off = 0; off + HX_WINDOW <= s->len && leak == NULL; off++) {
		if (memmem(text, len, key + off, HX_WINDOW) != NULL)
			leak = "raw bytes";
		for (int upper = 0; upper < 2 && leak == NULL; upper++) {
			for (size_t j = 0; j < HX_WINDOW; j++)
				snprintf(enc + 2 * j, 3, upper ? "%02X" : "%02x", key[off + j]);
			if (memmem(text, len, enc, 2 * HX_WINDOW) != NULL)
				leak = upper ? "upper-case hex" : "lower-case hex";
		}
	}
	/* base64 of the key after 0, 1 or 2 bytes of anything: its stable middle. */
	for (int shift = 0; shift < 3 && leak == NULL; shift++) {
		uint8_t in[72] = {0};
		size_t n = (size_t)shift + s->len, m = 0;

		memcpy(in + shift, key, s->len);
		for (size_t i = 0; i + 2 < n; i += 3) {
			uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

			for (int c = 3; c >= 0; c--)
				enc[m++] = hx_b64[(v >> (6 * c)) & 63];
		}
		/* Skip the group holding the unknown leading bytes, and the last one. */
		if (m > 12 && memmem(text, len, enc + 4, m - 8) != NULL)
			leak = "base64";
		explicit_bzero(in, sizeof(in));
	}
	explicit_bzero(key, sizeof(key));
	explicit_bzero(enc, sizeof(enc));
	return leak;
}

/*
 * KEYRING_PKCS11_DEBUG=<file> (set for this whole group): one line per call
 * with its CKR name, and no key in any form. Fails until tracing exists.
 */
static void
test_hostile_debug_log(void **state)
{
	uint8_t *page = hx_secret_page();
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	CK_SESSION_HANDLE h;
	CK_OBJECT_HANDLE key;
	CK_INFO info;
	uint8_t out[16], value[32];
	CK_ULONG n = sizeof(out);
	size_t len0, len, added;
	char *text;
	int calls = 0;

	(void)state;
	/* Finalize and initialize around the calls, so a buffered log is flushed. */
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
	text = hx_read_file(hx_log_path, &len0);
	free(text);

	assert_int_equal(getrandom(page, 32, 0), 32);
#define TRACED(call, want)                                                                         \
	do {                                                                                       \
		assert_rv(call, want);                                                             \
		calls++;                                                                           \
	} while (0)
	TRACED(p11->C_GetInfo(&info), CKR_OK);
	TRACED(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
				  &h),
	       CKR_OK);
	key = hx_import(h, CKK_AES, page, 32, false, "p11test:hx-log");
	calls++;
	hx_secret_add("traced key", page, 32);
	hx_secret_page_free(page);
	TRACED(p11->C_EncryptInit(h, &ecb, key), CKR_OK);
	TRACED(p11->C_Encrypt(h, (CK_BYTE_PTR)hx_plain, 16, out, &n), CKR_OK);
	/* cppcheck-suppress legacyUninitvar ; the module writes nothing here */
	TRACED(p11->C_GetAttributeValue(h, key, &(CK_ATTRIBUTE){CKA_VALUE, value, 32}, 1),
	       CKR_ATTRIBUTE_SENSITIVE);
	TRACED(p11->C_DigestInit(h, NULL), CKR_ARGUMENTS_BAD);
	TRACED(p11->C_GenerateRandom(h, NULL, 16), CKR_ARGUMENTS_BAD);
	TRACED(p11->C_CloseSession(h), CKR_OK);
	TRACED(p11->C_Finalize(NULL), CKR_OK);
#undef TRACED
	assert_rv(p11->C_Initialize(NULL), CKR_OK);

	text = hx_read_file(hx_log_path, &len);
	if (len == 0)
		fail_msg("KEYRING_PKCS11_DEBUG=%s: the log is empty after %d calls (no tracing?)",
			 hx_log_path, calls);
	assert_true(len >= len0);
	added = hx_count_lines(text + len0, len - len0, "CKR_");
	if (added < (size_t)calls)
		fail_msg("%zu new log lines name a CKR_ code, for %d calls", added, calls);
	assert_true(hx_count_lines(text + len0, len - len0, "CKR_OK") >= 1);
	assert_true(hx_count_lines(text + len0, len - len0, "CKR_ARGUMENTS_BAD") >= 2);
	for (size_t i = 0; i < hx_nsecrets; i++) {
		const char *leak = hx_text_leaks(text, len, &hx_secrets[i]);

		if (leak != NULL)
			fail_msg("the debug log holds the %s as %s", hx_secrets[i].name, leak);
	}
	explicit_bzero(text, len);
	free(text);
}

static int
hx_memory_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(hx_log_path, sizeof(hx_log_path), "%s/kp11-trace.XXXXXX",
		 tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	fd = mkstemp(hx_log_path);
	if (fd < 0)
		return -1;
	close(fd);
	setenv("KEYRING_PKCS11_DEBUG", hx_log_path, 1);
	unsetenv("KEYRING_PKCS11_MASTER");
	hx_nsecrets = 0;
	return group_setup(state);
}

static int
hx_memory_teardown(void **state)
{
	int ret = group_teardown(state);

	unlink(hx_log_path);
	unsetenv("KEYRING_PKCS11_DEBUG");
	return ret;
}

static int
run_hostile_memory_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_scanner_finds),
		cmocka_unit_test(test_hostile_memory_created),
		cmocka_unit_test(test_hostile_memory_generated),
		cmocka_unit_test(test_hostile_memory_unwrapped),
		cmocka_unit_test(test_hostile_debug_log),
	};

	if (!have_af_alg()) {
		fprintf(stderr, "test-api hostile-memory: this kernel has no AF_ALG; run it in the "
				"guest (make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	return cmocka_run_group_tests_name("api-hostile-memory", tests, hx_memory_setup,
					   hx_memory_teardown);
}

/* "test-api hostile-<group>". */
static int
run_hostile_tests(const char *group)
{
	if (strcmp(group, "hostile-calls") == 0)
		return run_hostile_calls_tests(false);
	if (strcmp(group, "hostile-host") == 0)
		return run_hostile_calls_tests(true);
	if (strcmp(group, "hostile-fork") == 0)
		return run_hostile_fork_tests();
	if (strcmp(group, "hostile-fdcheck") == 0)
		return hx_fdcheck_main();
	if (strcmp(group, "hostile-memory") == 0)
		return run_hostile_memory_tests();
	fprintf(stderr, "unknown group %s\n", group);
	return 2;
}
