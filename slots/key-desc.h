/* SPDX-License-Identifier: MIT */
/*
 * The description of a key made by the module carries its PKCS#11
 * attributes (docs/keys.md):
 *
 *   pkcs11:n=<16 hex>;k=<type>;l=<len>;u=<edsvwux>;f=<pcdsxl>;id=<hex>;[s=<session>;]label=<label>
 *
 * Pure functions, no kernel calls.
 */
#ifndef KP11_KEY_DESC_H
#define KP11_KEY_DESC_H

#include <stddef.h>

#include "objects/key-attrs.h"

/*
 * key_desc_encode() - the description for @attrs
 * @out: receives a NUL-terminated description; @cap bytes
 * Return: its length, or -EINVAL when it would exceed 4095 bytes, the label
 * holds a NUL, the key type has no name or the value length is not 1-32767
 * (what key_desc_decode() refuses); -ENOSPC when @cap is too small.
 */
int key_desc_encode(const struct key_attrs *attrs, char *out, size_t cap);

/*
 * key_desc_decode() - the attributes in description @desc (@len bytes)
 * Strict: every field present in order, canonical letters, lowercase hex,
 * decimal numbers without leading zeros.
 * Return: 0, or -EINVAL when @desc is not a module description (then the key
 * is a plain key; @attrs is undefined).
 */
int key_desc_decode(const char *desc, size_t len, struct key_attrs *attrs);

#endif
