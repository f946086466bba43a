/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "slots/keyring.h"
#include "slots/slot.h"

static struct slot slots[] = {
	{
		.id = BASE_SLOT_ID,
		.special = KEY_SPEC_SESSION_KEYRING,
		.label = "session keyring",
		.what = "Linux kernel session keyring",
	},
	{
		.id = BASE_SLOT_ID + 1,
		.special = KEY_SPEC_USER_KEYRING,
		.label = "user keyring",
		.what = "Linux kernel user keyring",
	},
};

CK_RV
slot_init_all(void)
{
	for (CK_ULONG i = 0; i < slot_count(); i++) {
		struct slot *slot = &slots[i];
		/*
		 * Never create a session keyring: a process without one gets
		 * the user-session keyring (@us) here. Asking the kernel to
		 * create one would give the process an anonymous keyring that
		 * dies with it (KERNEL-FACTS.md, section 3).
		 */
		int create = slot->special == KEY_SPEC_USER_KEYRING;

		slot->user = (CK_USER_TYPE)-1;
		slot->keyring = keyring_resolve(slot->special, create);
		if (slot->keyring <= 0)
			continue;
		/*
		 * Keys are usable with AF_ALG only when possessed: a session
		 * started with "keyctl session -" does not link @u, so keys
		 * found through @u would give EACCES. Linking @u into the
		 * process keyring (private to this process image, dropped on
		 * exec, not inherited by fork) makes them possessed, exactly
		 * as "keyctl link @u @s" would for the whole session.
		 */
		if (slot->special == KEY_SPEC_USER_KEYRING)
			(void)keyring_link(slot->keyring, KEY_SPEC_PROCESS_KEYRING);
	}
	return CKR_OK;
}

void
slot_uninit_all(void)
{
	for (CK_ULONG i = 0; i < slot_count(); i++) {
		slots[i].keyring = 0;
		slots[i].user = (CK_USER_TYPE)-1;
	}
}

CK_ULONG
slot_count(void)
{
	return sizeof(slots) / sizeof(slots[0]);
}

struct slot *
slot_at(CK_ULONG i)
{
	return i < slot_count() ? &slots[i] : NULL;
}

struct slot *
slot_find(CK_SLOT_ID id)
{
	for (CK_ULONG i = 0; i < slot_count(); i++)
		if (slots[i].id == id)
			return &slots[i];
	return NULL;
}

bool
slot_token_present(const struct slot *slot)
{
	return slot->keyring > 0;
}
