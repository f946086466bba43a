/* SPDX-License-Identifier: MIT */
/*
 * Slots: each slot is one kernel keyring presented as a token.
 * Slot 0x12 is the caller's session keyring, 0x13 its user keyring.
 */
#ifndef KP11_SLOT_H
#define KP11_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pkcs11.h"

/* Initial slot id: non-zero and non-one, so a caller's hard-coded 0 or 1 fails loudly. */
#define BASE_SLOT_ID 0x12

struct slot {
	CK_SLOT_ID id;
	int32_t special;   /* KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING */
	int32_t keyring;   /* serial resolved at C_Initialize; <= 0: unavailable */
	const char *label; /* token label */
	const char *what;  /* slot description prefix */
	CK_USER_TYPE user; /* logged-in user type, or (CK_USER_TYPE)-1 */
};

/* Resolve the keyrings behind every slot. Return: CKR_OK (always: a keyring
 * that cannot be resolved leaves its token not present). */
CK_RV slot_init_all(void);
void slot_uninit_all(void);

CK_ULONG slot_count(void);
/* Slot by index, 0 <= i < slot_count(). */
struct slot *slot_at(CK_ULONG i);
/* Slot by id, or NULL. */
struct slot *slot_find(CK_SLOT_ID id);
bool slot_token_present(const struct slot *slot);

#endif
