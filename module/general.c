/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.4: general-purpose functions, and the global lock. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "crypto/mechanism.h"
#include "module/module.h"

#define MANUFACTURER "keyring-pkcs11"
#define LIBRARY_DESCRIPTION "Linux kernel keyrings via AF_ALG"
#define LIBRARY_VERSION_MAJOR 0
#define LIBRARY_VERSION_MINOR 1

/* The global lock: OS locking, or the application's callbacks. */
static struct {
	bool initialized;
	bool forked;	/* a child of fork(): inherited sessions to drop */
	bool app_locks; /* use the CK_C_INITIALIZE_ARGS callbacks */
	CK_C_INITIALIZE_ARGS args;
	void *app_mutex;
	pthread_mutex_t os_mutex;
	char master[256]; /* KEYRING_PKCS11_MASTER, or empty */
} module = {.os_mutex = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/*
 * A forked child must call C_Initialize again (PKCS#11 v2.40 section 6.7.1):
 * until then everything fails with CKR_CRYPTOKI_NOT_INITIALIZED. The
 * inherited sessions are dropped at that C_Initialize (not here: an atfork
 * handler should not free memory); closing the child's copies of their
 * sockets leaves the parent's operations untouched.
 */
static void
atfork_child(void)
{
	module.forked = module.initialized || module.forked;
	module.initialized = false;
	module.app_locks = false;
	pthread_mutex_init(&module.os_mutex, NULL);
}

static void
atfork_register(void)
{
	pthread_atfork(NULL, NULL, atfork_child);
}

/*
 * KEYRING_PKCS11_MASTER=user:<description> names the master key of in-kernel
 * key generation (docs/keys.md). Read at C_Initialize; a malformed value
 * fails it with CKR_ARGUMENTS_BAD rather than being ignored.
 */
static CK_RV
read_master_key(void)
{
	const char *v = getenv("KEYRING_PKCS11_MASTER");

	module.master[0] = '\0';
	if (v == NULL || *v == '\0')
		return CKR_OK;
	if (strncmp(v, "user:", 5) != 0 || v[5] == '\0' || strlen(v) >= sizeof(module.master) ||
	    strpbrk(v, " \t\n") != NULL)
		return CKR_ARGUMENTS_BAD;
	strcpy(module.master, v);
	return CKR_OK;
}

const char *
module_master_key(void)
{
	return module.master[0] != '\0' ? module.master : NULL;
}

CK_RV
module_lock(void)
{
	if (!module.initialized)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (module.app_locks)
		return module.args.LockMutex(module.app_mutex) == CKR_OK ? CKR_OK
									 : CKR_GENERAL_ERROR;
	pthread_mutex_lock(&module.os_mutex);
	return CKR_OK;
}

void
module_unlock(void)
{
	if (module.app_locks)
		module.args.UnlockMutex(module.app_mutex);
	else
		pthread_mutex_unlock(&module.os_mutex);
}

CK_RV
module_lock_session(CK_SESSION_HANDLE handle, struct session **session)
{
	CK_RV rv = module_lock();

	if (rv != CKR_OK)
		return rv;
	*session = session_lookup_inlock(handle);
	if (*session == NULL) {
		module_unlock();
		return CKR_SESSION_HANDLE_INVALID;
	}
	return CKR_OK;
}

CK_RV
module_lock_slot(CK_SLOT_ID id, bool need_token, struct slot **slot)
{
	CK_RV rv = module_lock();

	if (rv != CKR_OK)
		return rv;
	*slot = slot_find(id);
	if (*slot == NULL)
		rv = CKR_SLOT_ID_INVALID;
	else if (need_token && !slot_token_present(*slot))
		rv = CKR_TOKEN_NOT_PRESENT;
	if (rv != CKR_OK)
		module_unlock();
	return rv;
}

void
module_pad_string(CK_UTF8CHAR *field, size_t width, const char *value)
{
	size_t len = strlen(value);

	if (len > width)
		len = width;
	memset(field, ' ', width);
	memcpy(field, value, len);
}

/*
 * CK_C_INITIALIZE_ARGS (v2.40 section 5.4, C_Initialize): the four callbacks
 * are all given or all NULL. With CKF_OS_LOCKING_OK the module uses its own
 * locks; without it, given callbacks must be used. pReserved must be NULL by
 * the letter of the spec, but NSS and p11-kit pass configuration strings
 * there, so it is accepted and ignored.
 */
static CK_RV
parse_init_args(const CK_C_INITIALIZE_ARGS *args)
{
	int given;

	module.app_locks = false;
	if (args == NULL)
		return CKR_OK;
	given = (args->CreateMutex != NULL) + (args->DestroyMutex != NULL) +
		(args->LockMutex != NULL) + (args->UnlockMutex != NULL);
	if (given != 0 && given != 4)
		return CKR_ARGUMENTS_BAD;
	if (given == 4 && !(args->flags & CKF_OS_LOCKING_OK)) {
		module.args = *args;
		module.app_locks = true;
	}
	return CKR_OK;
}

CK_RV
module_C_Initialize(CK_VOID_PTR init_args)
{
	CK_RV rv;

	pthread_once(&atfork_once, atfork_register);
	if (module.initialized)
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	rv = parse_init_args(init_args);
	if (rv == CKR_OK)
		rv = read_master_key();
	if (rv != CKR_OK)
		return rv;
	if (module.app_locks) {
		rv = module.args.CreateMutex(&module.app_mutex);
		if (rv != CKR_OK) {
			module.app_locks = false;
			return rv == CKR_HOST_MEMORY ? rv : CKR_CANT_LOCK;
		}
	}
	/* First forget the parent's keyrings, then drop its sessions. */
	rv = slot_init_all();
	if (rv != CKR_OK)
		goto out;
	if (module.forked) {
		session_close_all_inlock(NULL);
		module.forked = false;
	}
	mechanism_probe();
	module.initialized = true;
out:
	if (rv != CKR_OK && module.app_locks) {
		module.args.DestroyMutex(module.app_mutex);
		module.app_locks = false;
	}
	return rv;
}

CK_RV
module_C_Finalize(CK_VOID_PTR reserved)
{
	CK_RV rv;

	if (reserved != NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock();
	if (rv != CKR_OK)
		return rv;
	session_close_all_inlock(NULL);
	mechanism_forget();
	slot_uninit_all();
	module.initialized = false;
	module_unlock();
	if (module.app_locks) {
		module.args.DestroyMutex(module.app_mutex);
		module.app_locks = false;
	}
	return CKR_OK;
}

CK_RV
module_C_GetInfo(CK_INFO_PTR info)
{
	if (!module.initialized)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (info == NULL)
		return CKR_ARGUMENTS_BAD;
	memset(info, 0, sizeof(*info));
	info->cryptokiVersion.major = CRYPTOKI_VERSION_MAJOR;
	info->cryptokiVersion.minor = CRYPTOKI_VERSION_MINOR;
	module_pad_string(info->manufacturerID, sizeof(info->manufacturerID), MANUFACTURER);
	module_pad_string(info->libraryDescription, sizeof(info->libraryDescription),
			  LIBRARY_DESCRIPTION);
	info->libraryVersion.major = LIBRARY_VERSION_MAJOR;
	info->libraryVersion.minor = LIBRARY_VERSION_MINOR;
	return CKR_OK;
}
