/* SPDX-License-Identifier: MIT */
/*
 * Slots: each slot is one kernel keyring presented as a token, in the order
 * of the configuration (slots/config.h): slot 0x12 is the first token. By
 * default 0x12 is the caller's session keyring, 0x13 its user keyring.
 */
#ifndef KP11_SLOT_H
#define KP11_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pkcs11.h"
#include "slots/config.h"

/* Initial slot id: non-zero and non-one, so a caller's hard-coded 0 or 1 fails loudly. */
#define BASE_SLOT_ID 0x12

struct slot {
	CK_SLOT_ID id;
	enum config_source source;
	int32_t special;		/* KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING, or 0 */
	int32_t keyring;		/* serial resolved at C_Initialize; <= 0: unavailable */
	bool read_only;			/* configured read-only: no token object is written */
	char name[CONFIG_NAME_MAX + 1]; /* CONFIG_KEYRING: the keyring's description */
	char label[CONFIG_LABEL_MAX + 1]; /* token label */
	char what[65];			  /* slot description (64 bytes in CK_SLOT_INFO) */
	CK_USER_TYPE user;		  /* logged-in user type, or (CK_USER_TYPE)-1 */
	int32_t session_ring;		  /* this process's session objects, or 0 (atomic) */
	bool removed;			  /* the keyring went away after C_Initialize (atomic) */
};

/*
 * slot_init_all() - make the slot table from @config and resolve its keyrings
 * A named keyring absent from @u is created there. Return: CKR_OK (always: a
 * keyring that cannot be resolved or created leaves its token not present).
 */
CK_RV slot_init_all(const struct config *config);
void slot_uninit_all(void);

/*
 * slot_session_ring() - the keyring of this process's session objects
 * A keyring in the process keyring with possessor-only permissions, made on
 * first use when @create. Return: its serial, 0 if none, or -errno.
 */
int32_t slot_session_ring(struct slot *slot, bool create);
/* Invalidate the session ring (made for a key that then failed to be added). */
void slot_session_ring_drop(struct slot *slot);

/* Whether this process may add keys to the token's keyring: not when the
 * token is configured read-only, nor when the kernel would refuse. */
bool slot_writable(const struct slot *slot);

CK_ULONG slot_count(void);
/* Slot by index, 0 <= i < slot_count(). */
struct slot *slot_at(CK_ULONG i);
/* Slot by id, or NULL. */
struct slot *slot_find(CK_SLOT_ID id);
/*
 * slot_token_present() - whether the slot's token is there
 *
 * The token is the keyring resolved at C_Initialize. It is present while the
 * slot's special keyring (@s or @u) still resolves to that same keyring, and
 * for a persistent or named keyring while that keyring (by serial) is still a
 * live keyring. Once it is not (the keyring was revoked, invalidated or
 * destroyed, the session keyring was replaced, the uid changed), the token is
 * removed for good: it stays removed until slot_init_all() resolves the
 * keyrings again.
 */
bool slot_token_present(struct slot *slot);

#endif
