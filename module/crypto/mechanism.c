/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "common/ckr.h"
#include "common/compiler.h"
#include "common/log.h"
#include "crypto/afalg.h"
#include "crypto/mechanism.h"

#define UNKEYED CK_UNAVAILABLE_INFORMATION

#define AES(ckm, name, mode_, iv, ...)                                                             \
	{                                                                                          \
		.type = (ckm), .alg_type = "skcipher", .alg_name = (name), .mode = (mode_),        \
		.key_type = CKK_AES, .min_key = 16, .max_key = 32,                                 \
		.flags = CKF_ENCRYPT | CKF_DECRYPT __VA_ARGS__, .block = 16, .iv_len = (iv),       \
	}
#define DIGEST(ckm, name, len)                                                                     \
	{                                                                                          \
		.type = (ckm), .alg_type = "hash", .alg_name = (name), .mode = MODE_DIGEST,        \
		.key_type = UNKEYED, .flags = CKF_DIGEST, .out_len = (len),                        \
	}

/*
 * HMAC keys: generic secrets, the matching CKK_SHA*_HMAC type, and AES keys
 * (as SoftHSMv2 allows). Any length the kernel takes (a user or logon
 * payload holds up to 32,767 bytes). PKCS#11 v2.40 Current Mechanisms 2.19.
 */
#define HMAC(ckm, name, ktype, len, mode_)                                                         \
	{                                                                                          \
		.type = (ckm), .alg_type = "hash", .alg_name = (name), .mode = (mode_),            \
		.key_type = CKK_GENERIC_SECRET, .alt_key_type = (ktype), .min_key = 1,             \
		.max_key = 32767, .flags = CKF_SIGN | CKF_VERIFY, .out_len = (len),                \
	}
/* AES-CMAC, NIST SP 800-38B; v2.40 Current Mechanisms 2.8.5. */
#define CMAC(ckm, mode_)                                                                           \
	{                                                                                          \
		.type = (ckm), .alg_type = "hash", .alg_name = "cmac(aes)", .mode = (mode_),       \
		.key_type = CKK_AES, .min_key = 16, .max_key = 32, .flags = CKF_SIGN | CKF_VERIFY, \
		.block = 16, .out_len = 16,                                                        \
	}

/* AEAD: PKCS#11 v2.40 Current Mechanisms 2.8.6/2.8.7 (GCM, CCM), v3.0 2.37. */
#define AEAD(ckm, name, mode_, ktype, alt, min, max)                                               \
	{                                                                                          \
		.type = (ckm), .alg_type = "aead", .alg_name = (name), .mode = (mode_),            \
		.key_type = (ktype), .alt_key_type = (alt), .min_key = (min), .max_key = (max),    \
		.flags = CKF_ENCRYPT | CKF_DECRYPT,                                                \
	}

/* RFC 3394 / RFC 5649 from AES blocks on ecb(aes): v2.40 Current Mechanisms 2.14. */
#define KEYWRAP(ckm)                                                                               \
	{                                                                                          \
		.type = (ckm), .alg_type = "skcipher", .alg_name = "ecb(aes)",                     \
		.mode = MODE_KEYWRAP, .key_type = CKK_AES, .min_key = 16, .max_key = 32,           \
		.flags = CKF_WRAP | CKF_UNWRAP, .block = 16,                                       \
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
	AES(CKM_AES_CBC_PAD, "cbc(aes)", MODE_CBC_PAD, 16, | CKF_WRAP | CKF_UNWRAP),
	AES(CKM_AES_CTR, "ctr(aes)", MODE_CTR, 16),
	DIGEST(CKM_SHA_1, "sha1", 20),
	DIGEST(CKM_SHA224, "sha224", 28),
	DIGEST(CKM_SHA256, "sha256", 32),
	DIGEST(CKM_SHA384, "sha384", 48),
	DIGEST(CKM_SHA512, "sha512", 64),
	HMAC(CKM_SHA_1_HMAC, "hmac(sha1)", CKK_SHA_1_HMAC, 20, MODE_MAC),
	HMAC(CKM_SHA_1_HMAC_GENERAL, "hmac(sha1)", CKK_SHA_1_HMAC, 20, MODE_MAC_GENERAL),
	HMAC(CKM_SHA224_HMAC, "hmac(sha224)", CKK_SHA224_HMAC, 28, MODE_MAC),
	HMAC(CKM_SHA224_HMAC_GENERAL, "hmac(sha224)", CKK_SHA224_HMAC, 28, MODE_MAC_GENERAL),
	HMAC(CKM_SHA256_HMAC, "hmac(sha256)", CKK_SHA256_HMAC, 32, MODE_MAC),
	HMAC(CKM_SHA256_HMAC_GENERAL, "hmac(sha256)", CKK_SHA256_HMAC, 32, MODE_MAC_GENERAL),
	HMAC(CKM_SHA384_HMAC, "hmac(sha384)", CKK_SHA384_HMAC, 48, MODE_MAC),
	HMAC(CKM_SHA384_HMAC_GENERAL, "hmac(sha384)", CKK_SHA384_HMAC, 48, MODE_MAC_GENERAL),
	HMAC(CKM_SHA512_HMAC, "hmac(sha512)", CKK_SHA512_HMAC, 64, MODE_MAC),
	HMAC(CKM_SHA512_HMAC_GENERAL, "hmac(sha512)", CKK_SHA512_HMAC, 64, MODE_MAC_GENERAL),
	CMAC(CKM_AES_CMAC, MODE_MAC),
	CMAC(CKM_AES_CMAC_GENERAL, MODE_MAC_GENERAL),
	KEYWRAP(CKM_AES_KEY_WRAP),
	KEYWRAP(CKM_AES_KEY_WRAP_PAD),
	AEAD(CKM_AES_GCM, "gcm(aes)", MODE_GCM, CKK_AES, 0, 16, 32),
	AEAD(CKM_AES_CCM, "ccm(aes)", MODE_CCM, CKK_AES, 0, 16, 32),
	AEAD(CKM_CHACHA20_POLY1305, "rfc7539(chacha20,poly1305)", MODE_CHACHA20_POLY1305,
	     CKK_CHACHA20, CKK_GENERIC_SECRET, 32, 32),
};

/*
 * What the probe at C_Initialize found for each row. A probe that failed for
 * lack of memory or descriptors (EMFILE, ENFILE, ENOMEM, ENOBUFS) is no
 * answer: the row is PROBE_LATER, offered, and probed again on the next
 * lookup, so an initialisation under descriptor pressure does not lose
 * mechanisms for the life of the module. (Without AF_ALG at all, socket()
 * answers EAFNOSUPPORT before it needs a descriptor: that is an answer.)
 */
enum probe_state { PROBE_ABSENT, PROBE_PRESENT, PROBE_LATER };
static enum probe_state state[ARRAY_SIZE(mechanisms)];
static enum probe_state by_serial;
static bool pending; /* some row or by_serial is PROBE_LATER */
/* Lookups may run concurrently: re-probing takes this. */
static pthread_mutex_t reprobe_lock = PTHREAD_MUTEX_INITIALIZER;

static enum probe_state
probe_result(int ret)
{
	if (ret == 0)
		return PROBE_PRESENT;
	return ckr_from_crypto_errno(-ret) == CKR_HOST_MEMORY ? PROBE_LATER : PROBE_ABSENT;
}

static enum probe_state
probe_row(const struct mechanism *m)
{
	enum probe_state alg;

	if (m->alg_type == NULL)
		return PROBE_PRESENT;
	/* A keyed mechanism is useless where keys cannot be set by serial. */
	if (m->key_type != UNKEYED && by_serial == PROBE_ABSENT)
		return PROBE_ABSENT;
	alg = probe_result(afalg_probe(m->alg_type, m->alg_name));
	if (alg == PROBE_PRESENT && m->key_type != UNKEYED)
		return by_serial;
	return alg;
}

/* Probe every row (@all), or only the rows still PROBE_LATER. */
static void
probe_rows(bool all)
{
	bool later;

	if (all || by_serial == PROBE_LATER)
		by_serial = probe_result(afalg_probe_key_serial());
	later = by_serial == PROBE_LATER;
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++) {
		enum probe_state now = state[i];

		if (all || now == PROBE_LATER)
			now = probe_row(&mechanisms[i]);
		__atomic_store_n(&state[i], now, __ATOMIC_RELEASE);
		later |= now == PROBE_LATER;
	}
	__atomic_store_n(&pending, later, __ATOMIC_RELEASE);
}

void
mechanism_probe(void)
{
	size_t n = 0;
	int ret;

	probe_rows(true);
	if (!log_enabled())
		return;
	/* Probed once more, only for the log: say what the kernel lacks. */
	ret = afalg_probe_key_serial();
	if (ret == -EAFNOSUPPORT)
		log_msg("this kernel has no AF_ALG (CONFIG_CRYPTO_USER_API): no mechanism is offered");
	else if (ret == -ENOPROTOOPT)
		log_msg("this kernel cannot key AF_ALG by key serial (Linux 6.2 or later needed): "
			"only digests are offered");
	else if (ret < 0)
		log_msg("probing AF_ALG keyed by serial failed: %s", strerror(-ret));
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++)
		n += state[i] != PROBE_ABSENT;
	log_msg("%zu of %zu mechanisms offered", n, ARRAY_SIZE(mechanisms));
}

void
mechanism_forget(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++)
		state[i] = PROBE_ABSENT;
	by_serial = PROBE_ABSENT;
	pending = false;
}

/* Row @i is offered: present, or not yet known (optimistically). */
static bool
offered(size_t i)
{
	if (__atomic_load_n(&pending, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&reprobe_lock);
		if (pending)
			probe_rows(false);
		pthread_mutex_unlock(&reprobe_lock);
	}
	return __atomic_load_n(&state[i], __ATOMIC_ACQUIRE) != PROBE_ABSENT;
}

const struct mechanism *
mechanism_find(CK_MECHANISM_TYPE type)
{
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++)
		if (mechanisms[i].type == type && offered(i))
			return &mechanisms[i];
	return NULL;
}

const struct mechanism *
mechanism_available_at(size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(mechanisms); i++)
		if (offered(i) && n-- == 0)
			return &mechanisms[i];
	return NULL;
}

bool
mechanism_accepts_key(const struct mechanism *m, CK_KEY_TYPE type)
{
	if (type == m->key_type)
		return true;
	/*
	 * HMAC and ChaCha20-Poly1305 rows: also their own key type, and AES
	 * keys, because a plain 32-byte key added by hand is typed CKK_AES
	 * (docs/keys.md) and must still serve as an HMAC or ChaCha20 key.
	 */
	return m->alt_key_type != 0 && (type == m->alt_key_type || type == CKK_AES);
}

/* A caller's (pointer, length) pair: NULL only when empty. */
static bool
buffer_ok(const void *p, CK_ULONG len)
{
	return p != NULL || len == 0;
}

/*
 * CK_GCM_PARAMS in either layout. The kernel's gcm(aes) takes only 96-bit
 * IVs (KERNEL-FACTS.md fact 9) and tags of 4, 8 or 12-16 bytes.
 */
static CK_RV
gcm_param(const CK_MECHANISM *mech, struct mech_params *p)
{
	const struct kp11_gcm_params_v240 *old = mech->pParameter;
	const CK_GCM_PARAMS *cur = mech->pParameter;
	const unsigned char *iv, *aad;
	CK_ULONG iv_len, aad_len, tag_bits;

	if (mech->pParameter == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	if (mech->ulParameterLen == sizeof(*cur)) {
		iv = cur->pIv, iv_len = cur->ulIvLen, aad = cur->pAAD;
		aad_len = cur->ulAADLen, tag_bits = cur->ulTagBits;
		if (cur->ulIvBits != 0 && cur->ulIvBits != iv_len * 8)
			return CKR_MECHANISM_PARAM_INVALID;
	} else if (mech->ulParameterLen == sizeof(*old)) {
		iv = old->iv, iv_len = old->iv_len, aad = old->aad;
		aad_len = old->aad_len, tag_bits = old->tag_bits;
	} else {
		return CKR_MECHANISM_PARAM_INVALID;
	}
	if (iv == NULL || iv_len != 12 || !buffer_ok(aad, aad_len) || tag_bits % 8 != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	p->tag_len = tag_bits / 8;
	if (p->tag_len != 4 && p->tag_len != 8 && (p->tag_len < 12 || p->tag_len > 16))
		return CKR_MECHANISM_PARAM_INVALID;
	memcpy(p->iv, iv, 12);
	p->iv_len = 12;
	p->aad = aad;
	p->aad_len = aad_len;
	return CKR_OK;
}

/* CK_CCM_PARAMS: nonce 7-13 bytes, MAC 4-16 bytes, even (RFC 3610). */
static CK_RV
ccm_param(const CK_MECHANISM *mech, struct mech_params *p)
{
	const struct kp11_ccm_params *c = mech->pParameter;
	size_t l;

	if (c == NULL || mech->ulParameterLen != sizeof(*c) || c->nonce == NULL ||
	    c->nonce_len < 7 || c->nonce_len > 13 || !buffer_ok(c->aad, c->aad_len) ||
	    c->mac_len < 4 || c->mac_len > 16 || c->mac_len % 2 != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	/* The length field must hold the message length: L = 15 - nonce bytes. */
	l = 15 - c->nonce_len;
	if (l < 8 && c->data_len >> (8 * l) != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	/* The kernel's ccm(aes) IV: L' = L - 1, the nonce, then zeros. */
	p->iv[0] = (unsigned char)(l - 1);
	memcpy(p->iv + 1, c->nonce, c->nonce_len);
	p->iv_len = 16;
	p->tag_len = c->mac_len;
	p->aad = c->aad;
	p->aad_len = c->aad_len;
	p->data_len = c->data_len;
	return CKR_OK;
}

/* RFC 8439: a 96-bit nonce, a 16-byte tag. */
static CK_RV
chacha20_poly1305_param(const CK_MECHANISM *mech, struct mech_params *p)
{
	const struct kp11_chacha20_poly1305_params *c = mech->pParameter;

	if (c == NULL || mech->ulParameterLen != sizeof(*c) || c->nonce == NULL ||
	    c->nonce_len != 12 || !buffer_ok(c->aad, c->aad_len))
		return CKR_MECHANISM_PARAM_INVALID;
	memcpy(p->iv, c->nonce, 12);
	p->iv_len = 12;
	p->tag_len = 16;
	p->aad = c->aad;
	p->aad_len = c->aad_len;
	return CKR_OK;
}

CK_RV
mechanism_check_param(const struct mechanism *m, const CK_MECHANISM *mech, struct mech_params *p)
{
	const CK_AES_CTR_PARAMS *ctr;
	CK_ULONG mac_len;

	memset(p, 0, sizeof(*p));
	p->counter_bits = 128;
	switch (m->mode) {
	case MODE_KEYGEN:
	case MODE_KEYWRAP: /* the default IVs of RFC 3394 and RFC 5649 only */
	case MODE_DIGEST:
	case MODE_ECB:
		/* No parameter; tolerate a NULL pointer with any zero length. */
		return mech->ulParameterLen == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
	case MODE_MAC:
		p->mac_len = m->out_len;
		return mech->ulParameterLen == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
	case MODE_MAC_GENERAL:
		/* CK_MAC_GENERAL_PARAMS: the MAC length, 1 to the full size. */
		if (mech->pParameter == NULL || mech->ulParameterLen != sizeof(CK_ULONG))
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(&mac_len, mech->pParameter, sizeof(mac_len));
		if (mac_len == 0 || mac_len > m->out_len)
			return CKR_MECHANISM_PARAM_INVALID;
		p->mac_len = mac_len;
		return CKR_OK;
	case MODE_GCM:
		return gcm_param(mech, p);
	case MODE_CCM:
		return ccm_param(mech, p);
	case MODE_CHACHA20_POLY1305:
		return chacha20_poly1305_param(mech, p);
	case MODE_CBC:
	case MODE_CBC_PAD:
		if (mech->pParameter == NULL || mech->ulParameterLen != m->iv_len)
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(p->iv, mech->pParameter, m->iv_len);
		return CKR_OK;
	case MODE_CTR:
		if (mech->pParameter == NULL || mech->ulParameterLen != sizeof(CK_AES_CTR_PARAMS))
			return CKR_MECHANISM_PARAM_INVALID;
		ctr = mech->pParameter;
		if (ctr->ulCounterBits == 0 || ctr->ulCounterBits > 128)
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(p->iv, ctr->cb, 16);
		p->counter_bits = ctr->ulCounterBits;
		return CKR_OK;
	}
	return CKR_MECHANISM_PARAM_INVALID;
}
