/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.4: general-purpose functions, and the module's locks. */
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
	char master[CONFIG_MASTER_MAX + 1]; /* the configured master key, or empty */
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

const char *
module_master_key(void)
{
	return module.master[0] != '\0' ? module.master : NULL;
}

static bool
module_initialized(void)
{
	return __atomic_load_n(&module.initialized, __ATOMIC_ACQUIRE);
}

/*
 * The global lock guards the session table, the slots' login state and the
 * object calls. The crypto path takes it only to look a session up
 * (module_session_enter); the work runs under that session's own lock.
 * Lock order: a session's lock, then the global lock; never the reverse.
 */
CK_RV
module_lock(void)
{
	if (!module_initialized())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (module.app_locks) {
		if (module.args.LockMutex(module.app_mutex) != CKR_OK)
			return CKR_GENERAL_ERROR;
	} else {
		pthread_mutex_lock(&module.os_mutex);
	}
	if (!module.initialized) { /* C_Finalize got there first */
		module_unlock();
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
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
module_mutex_init(struct module_mutex *m)
{
	m->app = module.app_locks;
	if (m->app)
		return module.args.CreateMutex(&m->app_mutex) == CKR_OK ? CKR_OK : CKR_HOST_MEMORY;
	return pthread_mutex_init(&m->os, NULL) == 0 ? CKR_OK : CKR_HOST_MEMORY;
}

CK_RV
module_mutex_lock(struct module_mutex *m)
{
	if (m->app)
		return module.args.LockMutex(m->app_mutex) == CKR_OK ? CKR_OK : CKR_GENERAL_ERROR;
	pthread_mutex_lock(&m->os);
	return CKR_OK;
}

void
module_mutex_unlock(struct module_mutex *m)
{
	if (m->app)
		module.args.UnlockMutex(m->app_mutex);
	else
		pthread_mutex_unlock(&m->os);
}

void
module_mutex_destroy(struct module_mutex *m)
{
	if (m->app)
		module.args.DestroyMutex(m->app_mutex);
	else
		pthread_mutex_destroy(&m->os);
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
module_session_enter(CK_SESSION_HANDLE handle, struct session **session)
{
	struct session *s;
	CK_RV rv = module_lock();

	if (rv != CKR_OK)
		return rv;
	s = session_lookup_inlock(handle);
	if (s != NULL)
		session_get(s);
	module_unlock();
	if (s == NULL)
		return CKR_SESSION_HANDLE_INVALID;
	rv = module_mutex_lock(&s->lock);
	if (rv == CKR_OK && s->closed) {
		/* Closed by another thread while this one waited (v2.40 5.1). */
		module_mutex_unlock(&s->lock);
		rv = CKR_SESSION_CLOSED;
	}
	if (rv != CKR_OK) {
		session_put(s);
		return rv;
	}
	*session = s;
	return CKR_OK;
}

void
module_session_leave(struct session *session)
{
	module_mutex_unlock(&session->lock);
	session_put(session);
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
 * there: it is read as configuration (module/config-load.c), NSS's ignored.
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

/*
 * The configuration: built-in defaults, the file, pReserved, the environment
 * (module/config-load.c). Sets the master key; the slots take the rest.
 */
static CK_RV
load_config(const CK_C_INITIALIZE_ARGS *args, struct config **config)
{
	CK_RV rv;

	*config = malloc(sizeof(**config));
	if (*config == NULL)
		return CKR_HOST_MEMORY;
	rv = module_config_load(args != NULL ? args->pReserved : NULL, *config);
	if (rv == CKR_OK)
		memcpy(module.master, (*config)->master, sizeof(module.master));
	return rv;
}

CK_RV
module_C_Initialize(CK_VOID_PTR init_args)
{
	struct config *config = NULL;
	CK_RV rv;

	pthread_once(&atfork_once, atfork_register);
	if (module_initialized())
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	rv = parse_init_args(init_args);
	if (rv == CKR_OK)
		rv = load_config(init_args, &config);
	if (rv != CKR_OK) {
		free(config);
		return rv;
	}
	if (module.app_locks) {
		rv = module.args.CreateMutex(&module.app_mutex);
		if (rv != CKR_OK) {
			module.app_locks = false;
			return rv == CKR_HOST_MEMORY ? rv : CKR_CANT_LOCK;
		}
	}
	/* First forget the parent's keyrings, then drop its sessions. */
	rv = slot_init_all(config);
	if (rv != CKR_OK)
		goto out;
	if (module.forked) {
		session_forget_all_forked();
		module.forked = false;
	}
	mechanism_probe();
	__atomic_store_n(&module.initialized, true, __ATOMIC_RELEASE);
out:
	free(config);
	if (rv != CKR_OK && module.app_locks) {
		module.args.DestroyMutex(module.app_mutex);
		module.app_locks = false;
	}
	return rv;
}

/*
 * Sessions are detached under the global lock and new calls fail from then
 * on; each is then retired under its own lock, which waits for a call still
 * running in it. The spec leaves C_Finalize racing other calls undefined;
 * here they end with CKR_CRYPTOKI_NOT_INITIALIZED or CKR_SESSION_CLOSED.
 */
CK_RV
module_C_Finalize(CK_VOID_PTR reserved)
{
	struct session *detached;
	CK_RV rv;

	if (reserved != NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock();
	if (rv != CKR_OK)
		return rv;
	detached = session_detach_all_inlock(NULL);
	__atomic_store_n(&module.initialized, false, __ATOMIC_RELEASE);
	module_unlock();
	session_retire_all(detached);

	/* No session is left, and no new call passes module_lock(). */
	if (module.app_locks)
		module.args.LockMutex(module.app_mutex);
	else
		pthread_mutex_lock(&module.os_mutex);
	mechanism_forget();
	slot_uninit_all();
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
	if (!module_initialized())
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
