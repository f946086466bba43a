/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.15: random numbers, from getrandom(2). */
#include <errno.h>
#include <sys/random.h>

#include "common/ckr.h"
#include "common/compiler.h"
#include "module/module.h"

CK_RV
module_C_GenerateRandom(CK_SESSION_HANDLE handle, CK_BYTE_PTR out, CK_ULONG len)
{
	struct session *session;
	CK_ULONG done = 0;
	CK_RV rv;

	if ((out == NULL && len != 0) || LEN_IMPOSSIBLE(len))
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	module_unlock(); /* getrandom needs no module state */
	while (done < len) {
		ssize_t n = getrandom(out + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return CKR_DEVICE_ERROR;
		}
		done += (CK_ULONG)n;
	}
	return CKR_OK;
}

/* The kernel's pool takes no seed from us: it is seeded better than we could. */
CK_RV
module_C_SeedRandom(CK_SESSION_HANDLE handle, CK_BYTE_PTR seed, CK_ULONG len)
{
	struct session *session;
	CK_RV rv;

	if (seed == NULL && len != 0)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_session(handle, &session);
	if (rv != CKR_OK)
		return rv;
	module_unlock();
	return CKR_RANDOM_SEED_NOT_SUPPORTED;
}
