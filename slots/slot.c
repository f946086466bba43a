/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/ckr.h"
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
		slot->removed = false;
		/* Forget, without touching, a ring inherited across fork(). */
		slot->session_ring = 0;
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

/* Possessor-only: other processes of the same user cannot even view it. */
#define SESSION_RING_PERM 0x3f000000

/*
 * Made under the module's global lock (@create is only passed there), but
 * read without it from the crypto path, which holds only a session's lock:
 * hence the atomic load and store.
 */
int32_t
slot_session_ring(struct slot *slot, bool create)
{
	char name[64];
	int32_t ring;
	int ret;

	ring = __atomic_load_n(&slot->session_ring, __ATOMIC_ACQUIRE);
	if (ring > 0 || !create)
		return ring;
	snprintf(name, sizeof(name), "pkcs11:session-objects:%lu", slot->id);
	ring = keyring_add(KEY_TYPE_KEYRING, name, NULL, 0, KEY_SPEC_PROCESS_KEYRING);
	if (ring < 0)
		return ring;
	ret = keyring_setperm(ring, SESSION_RING_PERM);
	if (ret < 0) {
		keyring_invalidate(ring);
		return ret;
	}
	__atomic_store_n(&slot->session_ring, ring, __ATOMIC_RELEASE);
	return ring;
}

void
slot_session_ring_drop(struct slot *slot)
{
	if (slot->session_ring > 0)
		keyring_invalidate(slot->session_ring);
	slot->session_ring = 0;
}

/* Possessor write permission (the module possesses both token keyrings). */
#define PERM_POSSESSOR_WRITE 0x04000000

bool
slot_writable(const struct slot *slot)
{
	struct key_desc *d = malloc(sizeof(*d));
	bool writable;

	writable = d != NULL && keyring_describe(slot->keyring, d) == 0 &&
		   (d->perm & PERM_POSSESSOR_WRITE);
	free(d);
	return writable;
}

void
slot_uninit_all(void)
{
	for (CK_ULONG i = 0; i < slot_count(); i++) {
		/* C_Finalize destroys the session objects of this process. */
		if (slots[i].session_ring > 0)
			keyring_invalidate(slots[i].session_ring);
		slots[i].session_ring = 0;
		slots[i].keyring = 0;
		slots[i].user = (CK_USER_TYPE)-1;
		slots[i].removed = false;
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
slot_token_present(struct slot *slot)
{
	int32_t now;

	/* Also called from the crypto path, without the global lock: atomics. */
	if (slot->keyring <= 0 || __atomic_load_n(&slot->removed, __ATOMIC_ACQUIRE))
		return false;
	/* Without creating anything: as at C_Initialize (slot_init_all). */
	now = keyring_resolve(slot->special, 0);
	/*
	 * Another keyring, or the kernel's word that there is none for us. A
	 * transient failure (no memory) is no answer: the token stays.
	 */
	if (now > 0 ? now != slot->keyring
		    : ckr_from_key_read_errno(-now) == CKR_OBJECT_HANDLE_INVALID)
		__atomic_store_n(&slot->removed, true, __ATOMIC_RELEASE);
	return !__atomic_load_n(&slot->removed, __ATOMIC_ACQUIRE);
}
