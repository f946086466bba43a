/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "crypto/padding.h"

void
pkcs7_pad(uint8_t *buf, size_t len, size_t block)
{
	memset(buf + len, (int)(block - len), block - len);
}

long
pkcs7_unpad_len(const uint8_t *buf, size_t block)
{
	unsigned pad = buf[block - 1];
	unsigned bad = (pad == 0) | (pad > block);

	for (size_t i = 0; i < block; i++) {
		/* in_pad is 1 for the last @pad bytes, computed without a branch. */
		unsigned in_pad = (unsigned)((block - 1 - i) < pad);

		bad |= in_pad & (buf[i] != pad);
	}
	return bad ? -1 : (long)(block - pad);
}
