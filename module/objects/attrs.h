/* SPDX-License-Identifier: MIT */
/*
 * Helpers for CK_ATTRIBUTE arrays: the per-attribute length/buffer protocol
 * of C_GetAttributeValue and template matching. Pure; no kernel calls.
 */
#ifndef KP11_ATTRS_H
#define KP11_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/pkcs11.h"

/*
 * attr_fill() - answer one attribute of a C_GetAttributeValue template
 *
 * PKCS#11 v2.40 C_GetAttributeValue: NULL pValue gets the length; a short
 * buffer gets ulValueLen = CK_UNAVAILABLE_INFORMATION and CKR_BUFFER_TOO_SMALL;
 * otherwise the value is copied.
 */
CK_RV attr_fill(CK_ATTRIBUTE *attr, const void *value, size_t len);

/* Mark @attr as unavailable and return @rv (ATTRIBUTE_SENSITIVE/TYPE_INVALID). */
CK_RV attr_unavailable(CK_ATTRIBUTE *attr, CK_RV rv);

/*
 * Fold one attribute's result into the call's result: the first error wins,
 * later attributes are still processed (v2.40 C_GetAttributeValue).
 */
static inline CK_RV
attr_result(CK_RV sofar, CK_RV this_one)
{
	return sofar != CKR_OK ? sofar : this_one;
}

/*
 * A caller's template: NULL only when empty, and no longer than any array
 * can be (see LEN_IMPOSSIBLE), so that walking it never runs off its end.
 */
static inline bool
attr_template_ok(const CK_ATTRIBUTE *tmpl, CK_ULONG count)
{
	return (tmpl != NULL || count == 0) && count <= PTRDIFF_MAX / sizeof(CK_ATTRIBUTE);
}

/* True when @attr holds exactly @len bytes equal to @value. */
bool attr_equals(const CK_ATTRIBUTE *attr, const void *value, size_t len);

#endif
