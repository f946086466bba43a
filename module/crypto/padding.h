/* SPDX-License-Identifier: MIT */
/* PKCS#7 padding for CKM_AES_CBC_PAD: the kernel's cbc(aes) does not pad. */
#ifndef KP11_PADDING_H
#define KP11_PADDING_H

#include <stddef.h>
#include <stdint.h>

/* Pad the @len (< @block) bytes at the start of @buf to one full @block. */
void pkcs7_pad(uint8_t *buf, size_t len, size_t block);

/*
 * pkcs7_unpad_len() - data length of one final padded @block
 * Checks every padding byte without branching on the data.
 * Return: bytes of data in @buf (0..block-1), or -1 for bad padding.
 */
long pkcs7_unpad_len(const uint8_t *buf, size_t block);

#endif
