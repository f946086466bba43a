/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "common/compiler.h"
#include "crypto/afalg.h"
#include "crypto/mechanism.h"

#define UNKEYED CK_UNAVAILABLE_INFORMATION

#define AES(ckm, name, mode_, iv)                                                                  \
	{                                                                                          \
		.type = (ckm), .alg_type = "skcipher", .alg_name = (name), .mode = (mode_),        \
		.key_type = CKK_AES, .min_key = 16, .max_key = 32,                                 \
		.flags = CKF_ENCRYPT | CKF_DECRYPT, .block = 16, .iv_len = (iv),                   \
	}
#define DIGEST(ckm, name, len)                                                                     \
	{                                                                                          \
		.type = (ckm), .alg_type = "hash", .alg_name = (name), .mode = MODE_DIGEST,        \
		.key_type = UNKEYED, .flags = CKF_DIGEST, .out_len = (len),                        \
	}

/* Key generation runs in keyctl, not AF_ALG: always available. */
#define KEYGEN(ckm, min, max)                                                                      \
	{                                                                                          \
		.type = (ckm), .mode = MODE_KEYGEN, .key_type = UNKEYED, .min_key = (min),         \
		.max_key = (max), .flags = CKF_GENERATE,                                           \
	}

/* PKCS#11 v2.40 Current Mechanisms, sections 2.8 (AES), 2.16 (SHA), 2.35 (generic). */
static const struct mechanism mechanisms[] = {
	KEYGEN(CKM_AES_KEY_GEN, 16, 32),
	KEYGEN(CKM_GENERIC_SECRET_KEY_GEN, 1, 4096),
	AES(CKM_AES_ECB, "ecb(aes)", MODE_ECB, 0),
	AES(CKM_AES_CBC, "cbc(aes)", MODE_CBC, 16),
	AES(CKM_AES_CBC_PAD, "cbc(aes)", MODE_CBC_PAD, 16),
	AES(CKM_AES_CTR, "ctr(aes)", MODE_CTR, 16),
	DIGEST(CKM_SHA_1, "sha1", 20),
	DIGEST(CKM_SHA224, "sha224", 28),
	DIGEST(CKM_SHA256, "sha256", 32),
	DIGEST(CKM_SHA384, "sha384", 48),
	DIGEST(CKM_SHA512, "sha512", 64),
};

static bool available[ARRAY_SIZE(mechanisms)];

void
mechanism_probe(void)
{
	bool by_serial = afalg_probe_key_serial() == 0;

	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++) {
		const struct mechanism *m = &mechanisms[i];

		/* A keyed mechanism is useless where keys cannot be set by serial. */
		if (m->alg_type == NULL)
			available[i] = true;
		else
			available[i] = (m->key_type == UNKEYED || by_serial) &&
				       afalg_probe(m->alg_type, m->alg_name) == 0;
	}
}

void
mechanism_forget(void)
{
	memset(available, 0, sizeof(available));
}

const struct mechanism *
mechanism_find(CK_MECHANISM_TYPE type)
{
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++)
		if (mechanisms[i].type == type && available[i])
			return &mechanisms[i];
	return NULL;
}

const struct mechanism *
mechanism_available_at(size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++)
		if (available[i] && n-- == 0)
			return &mechanisms[i];
	return NULL;
}

CK_RV
mechanism_check_param(const struct mechanism *m, const CK_MECHANISM *mech, unsigned char iv[16],
		      CK_ULONG *counter_bits)
{
	const CK_AES_CTR_PARAMS *ctr;

	*counter_bits = 128;
	memset(iv, 0, 16);
	switch (m->mode) {
	case MODE_KEYGEN:
	case MODE_DIGEST:
	case MODE_ECB:
		/* No parameter; tolerate a NULL pointer with any zero length. */
		if (mech->ulParameterLen != 0)
			return CKR_MECHANISM_PARAM_INVALID;
		return CKR_OK;
	case MODE_CBC:
	case MODE_CBC_PAD:
		if (mech->pParameter == NULL || mech->ulParameterLen != m->iv_len)
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(iv, mech->pParameter, m->iv_len);
		return CKR_OK;
	case MODE_CTR:
		if (mech->pParameter == NULL || mech->ulParameterLen != sizeof(CK_AES_CTR_PARAMS))
			return CKR_MECHANISM_PARAM_INVALID;
		ctr = mech->pParameter;
		if (ctr->ulCounterBits == 0 || ctr->ulCounterBits > 128)
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(iv, ctr->cb, 16);
		*counter_bits = ctr->ulCounterBits;
		return CKR_OK;
	}
	return CKR_MECHANISM_PARAM_INVALID;
}
