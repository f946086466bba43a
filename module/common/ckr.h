/* SPDX-License-Identifier: MIT */
/*
 * errno -> CK_RV. The only mapping in the module: one function per context,
 * because the same errno means different things when listing keys, using a
 * key for crypto, or talking to AF_ALG without a key.
 */
#ifndef KP11_CKR_H
#define KP11_CKR_H

#include <stddef.h>

#include "common/pkcs11.h"

/* Looking up or reading a key or keyring (describe, list, read). */
CK_RV ckr_from_key_read_errno(int err);
/* Creating, linking, unlinking or invalidating a key. */
CK_RV ckr_from_key_write_errno(int err);
/* Reading the bytes of a key found and described (C_WrapKey, C_DigestKey):
 * gone is CKR_KEY_HANDLE_INVALID, unreadable CKR_KEY_UNEXTRACTABLE. */
CK_RV ckr_from_key_extract_errno(int err);
/* Keying an AF_ALG transform by serial (ALG_SET_KEY_BY_KEY_SERIAL). */
CK_RV ckr_from_key_use_errno(int err);
/* Any other kernel call in the crypto path (socket, sendmsg, read). */
CK_RV ckr_from_crypto_errno(int err);

/*
 * PKCS#11 v2.40 section 5.2, the convention for functions returning output
 * in a variable-length buffer. NULL @out asks for the size: *out_len = needed,
 * CKR_OK. A short buffer: *out_len = needed, CKR_BUFFER_TOO_SMALL. Otherwise
 * CKR_OK and the caller writes the output. Returns CKR_ARGUMENTS_BAD for a
 * NULL @out_len.
 */
CK_RV output_buffer_check(const void *out, CK_ULONG *out_len, size_t needed);

/* "CKR_OK", "CKR_ARGUMENTS_BAD", ... or NULL for an unknown value. */
const char *ckr_name(CK_RV rv);

#endif
