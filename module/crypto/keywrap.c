/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "common/ckr.h"
#include "crypto/afalg.h"
#include "crypto/keywrap.h"

#define SEMIBLOCK 8
static const uint8_t rfc3394_iv[SEMIBLOCK] = {0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6};
static const uint8_t rfc5649_prefix[4] = {0xa6, 0x59, 0x59, 0xa6};

size_t
keywrap_wrapped_len(CK_MECHANISM_TYPE mech, size_t len)
{
	if (mech == CKM_AES_KEY_WRAP)
		return (len >= 16 && len % SEMIBLOCK == 0) ? len + SEMIBLOCK : 0;
	/* RFC 5649: padded to whole semiblocks, plus the integrity semiblock. */
	return len >= 1 && len <= 0xffffffffUL ? (len + 7) / 8 * 8 + SEMIBLOCK : 0;
}

/* One AES block through the ecb(aes) op socket @fd. */
static CK_RV
block(int fd, bool encrypt, uint8_t b[16])
{
	int ret = afalg_cipher(fd, encrypt, NULL, 0, b, 16, b);

	return ret < 0 ? ckr_from_crypto_errno(-ret) : CKR_OK;
}

static void
xor_counter(uint8_t a[SEMIBLOCK], uint64_t t)
{
	for (int k = SEMIBLOCK - 1; k >= 0; k--, t >>= 8)
		a[k] ^= (uint8_t)t;
}

/* RFC 3394 section 2.2.1 W(): @r holds n semiblocks, @a the initial value. */
static CK_RV
wrap_w(int fd, uint8_t a[SEMIBLOCK], uint8_t *r, size_t n)
{
	uint8_t b[16];
	CK_RV rv = CKR_OK;

	for (uint64_t j = 0; j <= 5 && rv == CKR_OK; j++) {
		for (size_t i = 1; i <= n && rv == CKR_OK; i++) {
			memcpy(b, a, SEMIBLOCK);
			memcpy(b + SEMIBLOCK, r + (i - 1) * SEMIBLOCK, SEMIBLOCK);
			rv = block(fd, true, b);
			memcpy(a, b, SEMIBLOCK);
			xor_counter(a, n * j + i);
			memcpy(r + (i - 1) * SEMIBLOCK, b + SEMIBLOCK, SEMIBLOCK);
		}
	}
	explicit_bzero(b, sizeof(b));
	return rv;
}

/* RFC 3394 section 2.2.2 W^-1(). */
static CK_RV
unwrap_w(int fd, uint8_t a[SEMIBLOCK], uint8_t *r, size_t n)
{
	uint8_t b[16];
	CK_RV rv = CKR_OK;

	for (int64_t j = 5; j >= 0 && rv == CKR_OK; j--) {
		for (size_t i = n; i >= 1 && rv == CKR_OK; i--) {
			memcpy(b, a, SEMIBLOCK);
			xor_counter(b, n * (uint64_t)j + i);
			memcpy(b + SEMIBLOCK, r + (i - 1) * SEMIBLOCK, SEMIBLOCK);
			rv = block(fd, false, b);
			memcpy(a, b, SEMIBLOCK);
			memcpy(r + (i - 1) * SEMIBLOCK, b + SEMIBLOCK, SEMIBLOCK);
		}
	}
	explicit_bzero(b, sizeof(b));
	return rv;
}

static int
open_kek(int32_t kek)
{
	return afalg_open("skcipher", "ecb(aes)", kek);
}

CK_RV
keywrap_wrap(CK_MECHANISM_TYPE mech, int32_t kek, const uint8_t *key, size_t len, uint8_t *out)
{
	size_t wrapped = keywrap_wrapped_len(mech, len), n;
	uint8_t a[SEMIBLOCK];
	CK_RV rv;
	int fd;

	if (wrapped == 0)
		return CKR_KEY_SIZE_RANGE;
	n = wrapped / SEMIBLOCK - 1;
	fd = open_kek(kek);
	if (fd < 0)
		return ckr_from_key_use_errno(-fd);
	if (mech == CKM_AES_KEY_WRAP) {
		memcpy(a, rfc3394_iv, SEMIBLOCK);
	} else {
		/* RFC 5649: A6 59 59 A6 || 32-bit big-endian message length. */
		memcpy(a, rfc5649_prefix, 4);
		for (int k = 0; k < 4; k++)
			a[4 + k] = (uint8_t)(len >> (24 - 8 * k));
	}
	memset(out + SEMIBLOCK, 0, wrapped - SEMIBLOCK);
	memcpy(out + SEMIBLOCK, key, len);
	if (n == 1) {
		/* RFC 5649 section 4.1: one semiblock is a single AES block. */
		memcpy(out, a, SEMIBLOCK);
		rv = block(fd, true, out);
	} else {
		rv = wrap_w(fd, a, out + SEMIBLOCK, n);
		memcpy(out, a, SEMIBLOCK);
	}
	if (rv != CKR_OK)
		explicit_bzero(out, wrapped);
	afalg_close(fd);
	return rv;
}

CK_RV
keywrap_unwrap(CK_MECHANISM_TYPE mech, int32_t kek, const uint8_t *in, size_t len, uint8_t *out,
	       size_t *key_len)
{
	size_t n = len / SEMIBLOCK - 1, mli = 0;
	uint8_t a[SEMIBLOCK], b[16], bad = 0;
	CK_RV rv;
	int fd;

	if (len % SEMIBLOCK != 0 || len < 16 || (mech == CKM_AES_KEY_WRAP && len < 24))
		return CKR_WRAPPED_KEY_LEN_RANGE;
	fd = open_kek(kek);
	if (fd < 0)
		return ckr_from_key_use_errno(-fd);
	if (n == 1) {
		memcpy(b, in, 16);
		rv = block(fd, false, b);
		memcpy(a, b, SEMIBLOCK);
		memcpy(out, b + SEMIBLOCK, SEMIBLOCK);
		explicit_bzero(b, sizeof(b));
	} else {
		memcpy(a, in, SEMIBLOCK);
		memcpy(out, in + SEMIBLOCK, len - SEMIBLOCK);
		rv = unwrap_w(fd, a, out, n);
	}
	afalg_close(fd);
	if (rv != CKR_OK)
		goto out;
	/* The integrity checks, without early exit on the data. */
	if (mech == CKM_AES_KEY_WRAP) {
		for (int k = 0; k < SEMIBLOCK; k++)
			bad |= a[k] ^ rfc3394_iv[k];
		mli = len - SEMIBLOCK;
	} else {
		for (int k = 0; k < 4; k++) {
			bad |= a[k] ^ rfc5649_prefix[k];
			mli = mli << 8 | a[4 + k];
		}
		if (mli <= 8 * (n - 1) || mli > 8 * n)
			bad = 1;
		else
			for (size_t k = mli; k < 8 * n; k++)
				bad |= out[k];
	}
	if (bad)
		rv = CKR_WRAPPED_KEY_INVALID;
	else
		*key_len = mli;
out:
	if (rv != CKR_OK)
		explicit_bzero(out, len - SEMIBLOCK);
	return rv;
}
