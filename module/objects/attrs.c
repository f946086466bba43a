/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "objects/attrs.h"

CK_RV
attr_fill(CK_ATTRIBUTE *attr, const void *value, size_t len)
{
	if (attr->pValue == NULL) {
		attr->ulValueLen = len;
		return CKR_OK;
	}
	if (attr->ulValueLen < len) {
		attr->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		return CKR_BUFFER_TOO_SMALL;
	}
	if (len > 0)
		memcpy(attr->pValue, value, len);
	attr->ulValueLen = len;
	return CKR_OK;
}

CK_RV
attr_unavailable(CK_ATTRIBUTE *attr, CK_RV rv)
{
	attr->ulValueLen = CK_UNAVAILABLE_INFORMATION;
	return rv;
}

bool
attr_equals(const CK_ATTRIBUTE *attr, const void *value, size_t len)
{
	if (attr->ulValueLen != len)
		return false;
	if (len == 0)
		return true;
	return attr->pValue != NULL && memcmp(attr->pValue, value, len) == 0;
}
