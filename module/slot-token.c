/* SPDX-License-Identifier: MIT */
/* PKCS#11 v2.40 section 5.5: slot and token management. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/ckr.h"
#include "crypto/mechanism.h"
#include "module/module.h"
#include "slots/keyring.h"

CK_RV
module_C_GetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
	CK_ULONG n = 0, have;
	CK_RV rv;

	if (count == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock();
	if (rv != CKR_OK)
		return rv;
	have = *count;
	for (CK_ULONG i = 0; i < slot_count(); i++) {
		struct slot *slot = slot_at(i);

		if (token_present && !slot_token_present(slot))
			continue;
		if (list != NULL && n < have)
			list[n] = slot->id;
		n++;
	}
	rv = output_buffer_check(list, count, n);
	module_unlock();
	return rv;
}

/* Kernel version as "major.minor", for the hardware/firmware version fields. */
static CK_VERSION
kernel_version(void)
{
	CK_VERSION v = {0, 0};
	struct utsname u;
	unsigned major, minor;

	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2) {
		v.major = (CK_BYTE)(major > 255 ? 255 : major);
		v.minor = (CK_BYTE)(minor > 255 ? 255 : minor);
	}
	return v;
}

CK_RV
module_C_GetSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR info)
{
	struct slot *slot;
	CK_RV rv;

	if (info == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_slot(id, false, &slot);
	if (rv != CKR_OK)
		return rv;
	memset(info, 0, sizeof(*info));
	module_pad_string(info->slotDescription, sizeof(info->slotDescription), slot->what);
	module_pad_string(info->manufacturerID, sizeof(info->manufacturerID), "Linux kernel");
	info->flags = slot_token_present(slot) ? CKF_TOKEN_PRESENT : 0;
	info->hardwareVersion = info->firmwareVersion = kernel_version();
	module_unlock();
	return CKR_OK;
}

CK_RV
module_C_GetTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info)
{
	struct keyring_quota quota;
	struct slot *slot;
	char serial[17];
	CK_RV rv;

	if (info == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_slot(id, true, &slot);
	if (rv != CKR_OK)
		return rv;
	memset(info, 0, sizeof(*info));
	module_pad_string(info->label, sizeof(info->label), slot->label);
	module_pad_string(info->manufacturerID, sizeof(info->manufacturerID), "keyring-pkcs11");
	/* "+mk": with a master key, C_GenerateKey makes keys inside the kernel (docs/keys.md). */
	module_pad_string(info->model, sizeof(info->model),
			  module_master_key() ? "Linux keyring+mk" : "Linux keyring");
	/* The keyring's serial: the token is exactly that keyring. */
	snprintf(serial, sizeof(serial), "%016x", (unsigned)slot->keyring);
	memcpy(info->serialNumber, serial, sizeof(info->serialNumber));
	info->flags = CKF_TOKEN_INITIALIZED | CKF_RNG;
	if (!slot_writable(slot))
		info->flags |= CKF_WRITE_PROTECTED;
	info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	info->ulSessionCount = session_count_inlock(slot, false);
	info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	info->ulRwSessionCount = session_count_inlock(slot, true);
	/* Keys are charged to the caller's key quota (bytes), whatever the token. */
	if (keyring_quota(getuid(), &quota) == 0) {
		info->ulTotalPublicMemory = info->ulTotalPrivateMemory = quota.max_bytes;
		info->ulFreePublicMemory = info->ulFreePrivateMemory =
			quota.bytes < quota.max_bytes ? quota.max_bytes - quota.bytes : 0;
	} else {
		info->ulTotalPublicMemory = info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
		info->ulFreePublicMemory = info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	}
	info->hardwareVersion = info->firmwareVersion = kernel_version();
	module_unlock();
	return CKR_OK;
}

CK_RV
module_C_GetMechanismList(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
	const struct mechanism *m;
	struct slot *slot;
	CK_ULONG n = 0, have;
	CK_RV rv;

	if (count == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_slot(id, true, &slot);
	if (rv != CKR_OK)
		return rv;
	have = *count;
	while ((m = mechanism_available_at(n)) != NULL) {
		if (list != NULL && n < have)
			list[n] = m->type;
		n++;
	}
	rv = output_buffer_check(list, count, n);
	module_unlock();
	return rv;
}

CK_RV
module_C_GetMechanismInfo(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info)
{
	const struct mechanism *m;
	struct slot *slot;
	CK_RV rv;

	if (info == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = module_lock_slot(id, true, &slot);
	if (rv != CKR_OK)
		return rv;
	m = mechanism_find(type);
	if (m == NULL) {
		rv = CKR_MECHANISM_INVALID;
	} else {
		info->ulMinKeySize = m->min_key;
		info->ulMaxKeySize = m->max_key;
		info->flags = m->flags;
	}
	module_unlock();
	return rv;
}
