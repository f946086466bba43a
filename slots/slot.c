/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ckr.h"
#include "common/log.h"
#include "slots/keyring.h"
#include "slots/slot.h"

static struct slot slots[CONFIG_MAX_TOKENS];
static CK_ULONG nslots;

/*
 * The keyring named @name linked directly in @ring (not searched
 * recursively, unlike keyctl_search), or 0 when there is none.
 * Return: its serial, 0, or -errno.
 */
static int32_t
find_named(int32_t ring, const char *name)
{
	struct key_desc *d = malloc(sizeof(*d));
	int32_t *serials = NULL, found = 0;
	int n;

	if (d == NULL)
		return -ENOMEM;
	n = keyring_list(ring, &serials);
	if (n < 0)
		found = n;
	for (int i = 0; i < n && found == 0; i++)
		if (keyring_describe(serials[i], d) == 0 && d->type == KEY_TYPE_KEYRING &&
		    strcmp(d->description, name) == 0)
			found = serials[i];
	free(serials);
	free(d);
	return found;
}

/*
 * A named keyring: searched for first, and added only when absent, because
 * add_key("keyring") with a description already in @u would make a new,
 * empty keyring and unlink the old one with its keys.
 */
static int32_t
resolve_named(const char *name)
{
	int32_t user = keyring_resolve(KEY_SPEC_USER_KEYRING, 1), ring;

	if (user <= 0)
		return user;
	ring = find_named(user, name);
	if (ring == 0)
		ring = keyring_add(KEY_TYPE_KEYRING, name, NULL, 0, user);
	return ring;
}

static int32_t
resolve(struct slot *slot)
{
	switch (slot->source) {
	case CONFIG_SESSION:
		/*
		 * Never create a session keyring: a process without one gets
		 * the user-session keyring (@us) here. Asking the kernel to
		 * create one would give the process an anonymous keyring that
		 * dies with it (KERNEL-FACTS.md, section 3).
		 */
		return keyring_resolve(KEY_SPEC_SESSION_KEYRING, 0);
	case CONFIG_USER:
		return keyring_resolve(KEY_SPEC_USER_KEYRING, 1);
	case CONFIG_PERSISTENT:
		/* Linked in the process keyring: possessed, so its keys are usable. */
		return keyring_get_persistent(KEY_SPEC_PROCESS_KEYRING);
	case CONFIG_KEYRING:
		return resolve_named(slot->name);
	}
	return -EINVAL;
}

static void
slot_configure(struct slot *slot, CK_ULONG i, const struct config_token *t)
{
	static const char *const what[] = {
		[CONFIG_SESSION] = "Linux kernel session keyring",
		[CONFIG_USER] = "Linux kernel user keyring",
		[CONFIG_PERSISTENT] = "Linux kernel persistent keyring",
		[CONFIG_KEYRING] = "Linux kernel keyring ",
	};

	memset(slot, 0, sizeof(*slot));
	slot->id = BASE_SLOT_ID + i;
	slot->source = t->source;
	slot->special = t->source == CONFIG_SESSION ? KEY_SPEC_SESSION_KEYRING
			: t->source == CONFIG_USER  ? KEY_SPEC_USER_KEYRING
						    : 0;
	slot->read_only = t->read_only;
	memcpy(slot->name, t->name, sizeof(slot->name));
	snprintf(slot->label, sizeof(slot->label), "%s", config_token_label(t));
	snprintf(slot->what, sizeof(slot->what), "%s%s", what[t->source], t->name);
}

CK_RV
slot_init_all(const struct config *config)
{
	nslots = config->ntokens <= CONFIG_MAX_TOKENS ? config->ntokens : CONFIG_MAX_TOKENS;
	for (CK_ULONG i = 0; i < nslots; i++) {
		struct slot *slot = &slots[i];

		slot_configure(slot, i, &config->tokens[i]);
		slot->user = (CK_USER_TYPE)-1;
		slot->keyring = resolve(slot);
		if (slot->keyring <= 0)
			continue;
		if (slot->source == CONFIG_SESSION &&
		    slot->keyring == keyring_resolve(KEY_SPEC_USER_SESSION_KEYRING, 0))
			log_msg("no session keyring: token \"%s\" is the user-session keyring "
				"(@us, shared by this uid's processes that have none); run the "
				"program under \"keyctl session -\" or a PAM login (pam_keyinit) "
				"for a keyring of its own",
				slot->label);
		/*
		 * Keys are usable with AF_ALG only when possessed: a session
		 * started with "keyctl session -" does not link @u, so keys
		 * found through @u would give EACCES. Linking @u into the
		 * process keyring (private to this process image, dropped on
		 * exec, not inherited by fork) makes them possessed, exactly
		 * as "keyctl link @u @s" would for the whole session. A named
		 * keyring is linked there itself, for the same reason (the
		 * persistent keyring already is).
		 */
		if (slot->source == CONFIG_USER || slot->source == CONFIG_KEYRING)
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
	struct key_desc *d;
	bool writable;

	if (slot->read_only)
		return false;
	d = malloc(sizeof(*d));
	writable = d != NULL && keyring_describe(slot->keyring, d) == 0 &&
		   (d->perm & PERM_POSSESSOR_WRITE);
	free(d);
	return writable;
}

void
slot_uninit_all(void)
{
	for (CK_ULONG i = 0; i < nslots; i++) {
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
	return nslots;
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
	if (slot->special != 0) {
		/* Without creating anything: as at C_Initialize (slot_init_all). */
		now = keyring_resolve(slot->special, 0);
	} else {
		/*
		 * A persistent or named keyring is found by serial: present
		 * while it is still a live keyring (describe fails with
		 * ENOKEY or EKEYREVOKED once it is invalidated, destroyed or
		 * revoked). One system call; no search of @u on this path.
		 */
		struct key_desc *d = malloc(sizeof(*d));

		if (d == NULL)
			return true; /* a transient failure is no answer */
		now = keyring_describe(slot->keyring, d);
		if (now == 0)
			now = d->type == KEY_TYPE_KEYRING ? slot->keyring : -ENOKEY;
		free(d);
	}
	/*
	 * Another keyring, or the kernel's word that there is none for us. A
	 * transient failure (no memory) is no answer: the token stays.
	 */
	if (now > 0 ? now != slot->keyring
		    : ckr_from_key_read_errno(-now) == CKR_OBJECT_HANDLE_INVALID)
		__atomic_store_n(&slot->removed, true, __ATOMIC_RELEASE);
	return !__atomic_load_n(&slot->removed, __ATOMIC_ACQUIRE);
}
