/* SPDX-License-Identifier: MIT */
/*
 * Key wrapping with a key-encryption key that stays in the kernel: RFC 3394
 * (CKM_AES_KEY_WRAP) and RFC 5649 (CKM_AES_KEY_WRAP_PAD) built from AES
 * block operations on an ecb(aes) socket keyed by the KEK's serial. (The
 * kernel's kw(aes) cannot wrap through AF_ALG: its integrity value never
 * reaches user space, KERNEL-FACTS.md.)
 */
#ifndef KP11_KEYWRAP_H
#define KP11_KEYWRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/pkcs11.h"

/* Bytes of the wrapping of @len key bytes; 0 when @len cannot be wrapped. */
size_t keywrap_wrapped_len(CK_MECHANISM_TYPE mech, size_t len);

/*
 * keywrap_wrap() - wrap @len bytes of @key under the AES key @kek
 * @out: keywrap_wrapped_len() bytes
 * Return: CKR_OK, or a key-use error for the KEK (CKR_KEY_HANDLE_INVALID,
 * CKR_KEY_SIZE_RANGE, ...), CKR_KEY_SIZE_RANGE for a key length the
 * mechanism cannot wrap.
 */
CK_RV keywrap_wrap(CK_MECHANISM_TYPE mech, int32_t kek, const uint8_t *key, size_t len,
		   uint8_t *out);

/*
 * keywrap_unwrap() - unwrap @len bytes under @kek into @out (@len - 8 bytes)
 * and give the key length in *key_len.
 * Return: CKR_OK, CKR_WRAPPED_KEY_LEN_RANGE, CKR_WRAPPED_KEY_INVALID (the
 * integrity check failed; @out is wiped), or a key-use error for the KEK.
 */
CK_RV keywrap_unwrap(CK_MECHANISM_TYPE mech, int32_t kek, const uint8_t *in, size_t len,
		     uint8_t *out, size_t *key_len);

#endif
