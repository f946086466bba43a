/* SPDX-License-Identifier: MIT */
/*
 * The MAC and AEAD tier of test-api.c (included there, after keys-tests.c,
 * whose template helpers it uses): C_Sign and C_Verify with HMAC and AES-CMAC,
 * C_Encrypt and C_Decrypt with AES-GCM, AES-CCM and ChaCha20-Poly1305, against
 * RFC 2202, RFC 4231, SP 800-38B, the GCM specification, RFC 3610 and RFC 8439
 * vectors and against OpenSSL for random keys, lengths and chunkings.
 *
 * Groups: "mac" (root in the guest) and "mac-limit" (a non-root uid, where
 * the socket send buffer, and so the AEAD message limit, is the default).
 */
#include <openssl/core_names.h>
#include <openssl/params.h>

/* ------------------------------------------------------------------ helpers */

#define HEX_MAX 300

/* A test vector field: hex or, when it starts with '"', a literal string. */
static size_t
vec_decode(const char *s, uint8_t *out)
{
	size_t n;

	if (s == NULL)
		return 0;
	if (s[0] == '"') {
		n = strlen(s + 1);
		memcpy(out, s + 1, n);
		return n;
	}
	assert_true(strlen(s) / 2 <= HEX_MAX);
	hex_decode(s, out, &n);
	return n;
}

/* @n bytes of @byte, as hex (the RFC vectors' repeated keys and data). */
static const char *
hex_repeat(char *buf, uint8_t byte, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", byte);
	buf[2 * n] = '\0';
	return buf;
}

static bool
is_cmac(CK_MECHANISM_TYPE m)
{
	return m == CKM_AES_CMAC || m == CKM_AES_CMAC_GENERAL;
}

static bool
is_general(CK_MECHANISM_TYPE m)
{
	switch (m) {
	case CKM_SHA_1_HMAC_GENERAL:
	case CKM_SHA224_HMAC_GENERAL:
	case CKM_SHA256_HMAC_GENERAL:
	case CKM_SHA384_HMAC_GENERAL:
	case CKM_SHA512_HMAC_GENERAL:
	case CKM_AES_CMAC_GENERAL:
		return true;
	default:
		return false;
	}
}

/* Full MAC size of @m. */
static size_t
mac_size(CK_MECHANISM_TYPE m)
{
	switch (m) {
	case CKM_SHA_1_HMAC:
	case CKM_SHA_1_HMAC_GENERAL:
		return 20;
	case CKM_SHA224_HMAC:
	case CKM_SHA224_HMAC_GENERAL:
		return 28;
	case CKM_SHA256_HMAC:
	case CKM_SHA256_HMAC_GENERAL:
		return 32;
	case CKM_SHA384_HMAC:
	case CKM_SHA384_HMAC_GENERAL:
		return 48;
	case CKM_SHA512_HMAC:
	case CKM_SHA512_HMAC_GENERAL:
		return 64;
	default:
		return 16;
	}
}

static const char *
hmac_digest(CK_MECHANISM_TYPE m)
{
	switch (mac_size(m)) {
	case 20:
		return "SHA1";
	case 28:
		return "SHA224";
	case 32:
		return "SHA256";
	case 48:
		return "SHA384";
	default:
		return "SHA512";
	}
}

/* OpenSSL's full MAC (EVP_MAC "HMAC" or "CMAC") of @in; returns its size. */
static size_t
openssl_mac(CK_MECHANISM_TYPE m, const uint8_t *key, size_t key_len, const uint8_t *in, size_t len,
	    uint8_t out[64])
{
	static const char *aes[] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};
	bool cmac = is_cmac(m);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, cmac ? "CMAC" : "HMAC", NULL);
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	size_t n = 0;

	assert_non_null(mac);
	ctx = EVP_MAC_CTX_new(mac);
	assert_non_null(ctx);
	params[0] = OSSL_PARAM_construct_utf8_string(
		cmac ? OSSL_MAC_PARAM_CIPHER : OSSL_MAC_PARAM_DIGEST,
		(char *)(cmac ? aes[(key_len - 16) / 8] : hmac_digest(m)), 0);
	params[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_MAC_init(ctx, key, key_len, params), 1);
	assert_int_equal(EVP_MAC_update(ctx, len > 0 ? in : (const uint8_t *)"", len), 1);
	assert_int_equal(EVP_MAC_final(ctx, out, &n, 64), 1);
	assert_int_equal(n, mac_size(m));
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return n;
}

/* A MAC mechanism; for _GENERAL ones the parameter is @general_len. */
struct mac_mech {
	CK_MECHANISM mech;
	CK_ULONG len;
};

static void
mac_mech_init(struct mac_mech *p, CK_MECHANISM_TYPE type, CK_ULONG general_len)
{
	memset(p, 0, sizeof(*p));
	p->mech.mechanism = type;
	if (is_general(type)) {
		p->len = general_len;
		p->mech.pParameter = &p->len;
		p->mech.ulParameterLen = sizeof(p->len);
	}
}

/* The module's MAC of @in: C_Sign, or C_SignUpdate in random pieces and C_SignFinal. */
static size_t
module_sign(CK_SESSION_HANDLE h, CK_MECHANISM *m, CK_OBJECT_HANDLE key, bool pieces,
	    const uint8_t *in, size_t len, uint8_t out[64])
{
	CK_ULONG n = 64;

	assert_rv(p11->C_SignInit(h, m, key), CKR_OK);
	if (!pieces) {
		assert_rv(p11->C_Sign(h, (CK_BYTE_PTR)in, len, out, &n), CKR_OK);
		return n;
	}
	for (size_t off = 0; off < len;) {
		size_t piece = rnd(3) == 0 ? rnd(40) : rnd(80000);

		if (piece > len - off)
			piece = len - off;
		assert_rv(p11->C_SignUpdate(h, (CK_BYTE_PTR)in + off, piece), CKR_OK);
		off += piece;
	}
	assert_rv(p11->C_SignFinal(h, out, &n), CKR_OK);
	return n;
}

/* C_Verify, or C_VerifyUpdate in random pieces and C_VerifyFinal. */
static CK_RV
module_verify(CK_SESSION_HANDLE h, CK_MECHANISM *m, CK_OBJECT_HANDLE key, bool pieces,
	      const uint8_t *in, size_t len, const uint8_t *sig, size_t sig_len)
{
	assert_rv(p11->C_VerifyInit(h, m, key), CKR_OK);
	if (!pieces)
		return p11->C_Verify(h, (CK_BYTE_PTR)in, len, (CK_BYTE_PTR)sig, sig_len);
	for (size_t off = 0; off < len;) {
		size_t piece = rnd(3) == 0 ? rnd(40) : rnd(80000);

		if (piece > len - off)
			piece = len - off;
		assert_rv(p11->C_VerifyUpdate(h, (CK_BYTE_PTR)in + off, piece), CKR_OK);
		off += piece;
	}
	return p11->C_VerifyFinal(h, (CK_BYTE_PTR)sig, sig_len);
}

/* ---------------------------------------------------------- MAC vectors */

struct mac_kat {
	const char *name;
	CK_MECHANISM_TYPE mech;
	const char *key, *msg, *mac; /* key NULL: the 0xaa * 131 key of RFC 4231 */
};

#define RFC4231_MSG6 "\"Test Using Larger Than Block-Size Key - Hash Key First"
#define RFC4231_MSG7                                                                               \
	"\"This is a test using a larger than block-size key and a larger than block-size data. "  \
	"The key needs to be hashed before being used by the HMAC algorithm."
#define KEY_0B "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define KEY_AA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define KEY_25 "0102030405060708090a0b0c0d0e0f10111213141516171819"
#define MSG_DD                                                                                     \
	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" \
	"dddddddddddd"
#define MSG_CD                                                                                     \
	"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" \
	"cdcdcdcdcdcd"

static const struct mac_kat hmac_kats[] = {
	/* RFC 2202 section 3 (HMAC-SHA-1) */
	{"RFC 2202 1", CKM_SHA_1_HMAC, KEY_0B, "\"Hi There",
	 "b617318655057264e28bc0b6fb378c8ef146be00"},
	{"RFC 2202 2", CKM_SHA_1_HMAC, "\"Jefe", "\"what do ya want for nothing?",
	 "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
	{"RFC 2202 3", CKM_SHA_1_HMAC, KEY_AA, MSG_DD, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	{"RFC 2202 6", CKM_SHA_1_HMAC, "aa*80", RFC4231_MSG6,
	 "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
	/* RFC 4231 section 4 */
	{"RFC 4231 1 SHA-224", CKM_SHA224_HMAC, KEY_0B, "\"Hi There",
	 "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"},
	{"RFC 4231 1 SHA-256", CKM_SHA256_HMAC, KEY_0B, "\"Hi There",
	 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	{"RFC 4231 1 SHA-384", CKM_SHA384_HMAC, KEY_0B, "\"Hi There",
	 "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	 "faea9ea9076ede7f4af152e8b2fa9cb6"},
	{"RFC 4231 1 SHA-512", CKM_SHA512_HMAC, KEY_0B, "\"Hi There",
	 "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	 "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
	{"RFC 4231 2 SHA-224", CKM_SHA224_HMAC, "\"Jefe", "\"what do ya want for nothing?",
	 "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44"},
	{"RFC 4231 2 SHA-256", CKM_SHA256_HMAC, "\"Jefe", "\"what do ya want for nothing?",
	 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	{"RFC 4231 2 SHA-384", CKM_SHA384_HMAC, "\"Jefe", "\"what do ya want for nothing?",
	 "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	 "8e2240ca5e69e2c78b3239ecfab21649"},
	{"RFC 4231 2 SHA-512", CKM_SHA512_HMAC, "\"Jefe", "\"what do ya want for nothing?",
	 "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	 "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
	{"RFC 4231 3 SHA-224", CKM_SHA224_HMAC, KEY_AA, MSG_DD,
	 "7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea"},
	{"RFC 4231 3 SHA-256", CKM_SHA256_HMAC, KEY_AA, MSG_DD,
	 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
	{"RFC 4231 3 SHA-384", CKM_SHA384_HMAC, KEY_AA, MSG_DD,
	 "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
	 "2a5ab39dc13814b94e3ab6e101a34f27"},
	{"RFC 4231 3 SHA-512", CKM_SHA512_HMAC, KEY_AA, MSG_DD,
	 "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	 "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
	{"RFC 4231 4 SHA-224", CKM_SHA224_HMAC, KEY_25, MSG_CD,
	 "6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a"},
	{"RFC 4231 4 SHA-256", CKM_SHA256_HMAC, KEY_25, MSG_CD,
	 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
	{"RFC 4231 4 SHA-384", CKM_SHA384_HMAC, KEY_25, MSG_CD,
	 "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
	 "6801dd23c4a7d679ccf8a386c674cffb"},
	{"RFC 4231 4 SHA-512", CKM_SHA512_HMAC, KEY_25, MSG_CD,
	 "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	 "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
	{"RFC 4231 6 SHA-224", CKM_SHA224_HMAC, NULL, RFC4231_MSG6,
	 "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e"},
	{"RFC 4231 6 SHA-256", CKM_SHA256_HMAC, NULL, RFC4231_MSG6,
	 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	{"RFC 4231 6 SHA-384", CKM_SHA384_HMAC, NULL, RFC4231_MSG6,
	 "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	 "0c2ef6ab4030fe8296248df163f44952"},
	{"RFC 4231 6 SHA-512", CKM_SHA512_HMAC, NULL, RFC4231_MSG6,
	 "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	 "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
	{"RFC 4231 7 SHA-224", CKM_SHA224_HMAC, NULL, RFC4231_MSG7,
	 "3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1"},
	{"RFC 4231 7 SHA-256", CKM_SHA256_HMAC, NULL, RFC4231_MSG7,
	 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	{"RFC 4231 7 SHA-384", CKM_SHA384_HMAC, NULL, RFC4231_MSG7,
	 "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	 "a678cc31e799176d3860e6110c46523e"},
	{"RFC 4231 7 SHA-512", CKM_SHA512_HMAC, NULL, RFC4231_MSG7,
	 "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	 "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
	/* NIST SP 800-38B appendix D.1 (AES-128) and D.3 (AES-256) */
	{"SP 800-38B D.1 empty", CKM_AES_CMAC, KEY128, "", "bb1d6929e95937287fa37d129b756746"},
	{"SP 800-38B D.1 16", CKM_AES_CMAC, KEY128, "6bc1bee22e409f96e93d7e117393172a",
	 "070a16b46b4d4144f79bdd9dd04a287c"},
	{"SP 800-38B D.1 40", CKM_AES_CMAC, KEY128,
	 "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411",
	 "dfa66747de9ae63030ca32611497c827"},
	{"SP 800-38B D.1 64", CKM_AES_CMAC, KEY128, SP800_38A_PLAIN,
	 "51f0bebf7e3b9d92fc49741779363cfe"},
	{"SP 800-38B D.3 empty", CKM_AES_CMAC, KEY256, "", "028962f61b7bf89efc6b551f4667d983"},
	{"SP 800-38B D.3 16", CKM_AES_CMAC, KEY256, "6bc1bee22e409f96e93d7e117393172a",
	 "28a7023f452e8f82bd4bf28d8c37c35c"},
	{"SP 800-38B D.3 40", CKM_AES_CMAC, KEY256,
	 "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411",
	 "aaf3d8f1de5640c232f5b169b9c911e6"},
	{"SP 800-38B D.3 64", CKM_AES_CMAC, KEY256, SP800_38A_PLAIN,
	 "e1992190549f6ed5696a2c056c315410"},
};

/* The _GENERAL twin of a full-length MAC mechanism. */
static CK_MECHANISM_TYPE
general_of(CK_MECHANISM_TYPE m)
{
	return m + 1; /* CKM_x_HMAC_GENERAL == CKM_x_HMAC + 1, CKM_AES_CMAC_GENERAL likewise */
}

static void
test_mac_known_answers(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	char buf[2 * HEX_MAX + 1];

	(void)state;
	assert_int_equal(general_of(CKM_SHA_1_HMAC), CKM_SHA_1_HMAC_GENERAL);
	assert_int_equal(general_of(CKM_SHA512_HMAC), CKM_SHA512_HMAC_GENERAL);
	assert_int_equal(general_of(CKM_AES_CMAC), CKM_AES_CMAC_GENERAL);
	for (size_t i = 0; i < sizeof(hmac_kats) / sizeof(hmac_kats[0]); i++) {
		const struct mac_kat *t = &hmac_kats[i];
		uint8_t key[HEX_MAX], msg[HEX_MAX], want[64], got[64], ref[64];
		size_t key_len, msg_len, want_len;
		struct mac_mech p;
		CK_ULONG n;
		key_serial_t k;

		if (t->key == NULL)
			key_len = vec_decode(hex_repeat(buf, 0xaa, 131), key);
		else if (strcmp(t->key, "aa*80") == 0)
			key_len = vec_decode(hex_repeat(buf, 0xaa, 80), key);
		else
			key_len = vec_decode(t->key, key);
		msg_len = vec_decode(t->msg, msg);
		want_len = vec_decode(t->mac, want);
		/* The vector is right: OpenSSL agrees (else the test data is wrong). */
		if (openssl_mac(t->mech, key, key_len, msg, msg_len, ref) != want_len ||
		    memcmp(ref, want, want_len) != 0)
			fail_msg("%s: test vector disagrees with OpenSSL", t->name);
		k = add_test_key(i % 2 ? "logon" : "user", "p11test:mac-kat", key, key_len,
				 KEY_SPEC_SESSION_KEYRING);
		mac_mech_init(&p, t->mech, 0);

		/* One shot, after a length query. */
		assert_rv(p11->C_SignInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		n = 0;
		assert_rv(p11->C_Sign(h, msg, msg_len, NULL, &n), CKR_OK);
		assert_int_equal(n, want_len);
		memset(got, 0, sizeof(got));
		assert_rv(p11->C_Sign(h, msg, msg_len, got, &n), CKR_OK);
		assert_int_equal(n, want_len);
		if (memcmp(got, want, want_len) != 0)
			fail_msg("%s: C_Sign differs from the vector", t->name);
		/* Byte by byte. */
		assert_rv(p11->C_SignInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		for (size_t j = 0; j < msg_len; j++)
			assert_rv(p11->C_SignUpdate(h, msg + j, 1), CKR_OK);
		n = sizeof(got);
		memset(got, 0, sizeof(got));
		assert_rv(p11->C_SignFinal(h, got, &n), CKR_OK);
		assert_int_equal(n, want_len);
		if (memcmp(got, want, want_len) != 0)
			fail_msg("%s: C_SignUpdate/C_SignFinal differs from the vector", t->name);
		/* Verify, one shot and in pieces. */
		assert_rv(module_verify(h, &p.mech, (CK_OBJECT_HANDLE)k, false, msg, msg_len, want,
					want_len),
			  CKR_OK);
		assert_rv(module_verify(h, &p.mech, (CK_OBJECT_HANDLE)k, true, msg, msg_len, want,
					want_len),
			  CKR_OK);
		/* _GENERAL: the leading bytes (RFC 4231 test case 5 truncates likewise). */
		for (CK_ULONG len = 1; len <= want_len; len += 1 + len / 2) {
			mac_mech_init(&p, general_of(t->mech), len);
			memset(got, 0, sizeof(got));
			assert_int_equal(module_sign(h, &p.mech, (CK_OBJECT_HANDLE)k, len % 2 == 0,
						     msg, msg_len, got),
					 len);
			if (memcmp(got, want, len) != 0)
				fail_msg("%s: _GENERAL %lu differs from the vector", t->name, len);
			assert_rv(module_verify(h, &p.mech, (CK_OBJECT_HANDLE)k, len % 2 != 0, msg,
						msg_len, want, len),
				  CKR_OK);
		}
		drop_key(k);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_mac_against_openssl(void **state)
{
	static const CK_MECHANISM_TYPE mechs[] = {
		CKM_SHA_1_HMAC,	 CKM_SHA_1_HMAC_GENERAL,  CKM_SHA224_HMAC, CKM_SHA224_HMAC_GENERAL,
		CKM_SHA256_HMAC, CKM_SHA256_HMAC_GENERAL, CKM_SHA384_HMAC, CKM_SHA384_HMAC_GENERAL,
		CKM_SHA512_HMAC, CKM_SHA512_HMAC_GENERAL, CKM_AES_CMAC,	   CKM_AES_CMAC_GENERAL,
	};
	size_t nmechs = sizeof(mechs) / sizeof(mechs[0]);
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t cap = 300000;
	uint8_t *in = malloc(cap);

	(void)state;
	assert_non_null(in);
	for (int i = 0; i < 12 * (int)nmechs; i++) {
		CK_MECHANISM_TYPE mech = mechs[(size_t)i % nmechs];
		size_t key_len, len, full = mac_size(mech), want_len;
		uint8_t key[256], want[64], got[64];
		bool pieces = (i / (int)nmechs) % 2;
		struct mac_mech p;
		key_serial_t k;

		if (is_cmac(mech))
			key_len = 16 + 8 * (size_t)rnd(3);
		else
			key_len = rnd(4) == 0 ? 16 + 16 * (size_t)rnd(2) : 1 + (size_t)rnd(256);
		len = rnd(3) == 0 ? rnd(70) : rnd(2) ? rnd(1000) : rnd((uint32_t)cap);
		RAND_bytes_(key, key_len);
		RAND_bytes_(in, len);
		k = add_test_key(i % 3 ? "logon" : "user", "p11test:mac-rand", key, key_len,
				 KEY_SPEC_SESSION_KEYRING);
		want_len = is_general(mech) ? 1 + (size_t)rnd((uint32_t)full) : full;
		mac_mech_init(&p, mech, want_len);
		assert_int_equal(openssl_mac(mech, key, key_len, in, len, want), full);

		memset(got, 0, sizeof(got));
		if (module_sign(h, &p.mech, (CK_OBJECT_HANDLE)k, pieces, in, len, got) !=
			    want_len ||
		    memcmp(got, want, want_len) != 0)
			fail_msg("sign mech 0x%lx key %zu len %zu mac %zu pieces %d: differs from "
				 "OpenSSL",
				 mech, key_len, len, want_len, pieces);
		if (module_verify(h, &p.mech, (CK_OBJECT_HANDLE)k, !pieces, in, len, want,
				  want_len) != CKR_OK)
			fail_msg("verify mech 0x%lx key %zu len %zu mac %zu: OpenSSL's MAC refused",
				 mech, key_len, len, want_len);
		/* One bit off anywhere. */
		want[rnd((uint32_t)want_len)] ^= (uint8_t)(1u << rnd(8));
		assert_rv(module_verify(h, &p.mech, (CK_OBJECT_HANDLE)k, pieces, in, len, want,
					want_len),
			  CKR_SIGNATURE_INVALID);
		drop_key(k);
	}
	free(in);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_mac_verify_rules(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t msg[100], mac[64], sig[70];
	struct mac_mech p;
	key_serial_t k;
	CK_OBJECT_HANDLE key;

	(void)state;
	RAND_bytes_(msg, sizeof(msg));
	k = add_test_key("logon", "p11test:verify", key32, 32, KEY_SPEC_SESSION_KEYRING);
	key = (CK_OBJECT_HANDLE)k;
	openssl_mac(CKM_SHA256_HMAC, key32, 32, msg, sizeof(msg), mac);
	mac_mech_init(&p, CKM_SHA256_HMAC, 0);

	/* Wrong lengths: a prefix of the right MAC, or the MAC with a byte more. */
	memcpy(sig, mac, 32);
	sig[32] = 0;
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), sig, 31), CKR_SIGNATURE_LEN_RANGE);
	/* Any error ends the operation. */
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), sig, 32), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), sig, 33), CKR_SIGNATURE_LEN_RANGE);
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), sig, 0), CKR_SIGNATURE_LEN_RANGE);
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_VerifyUpdate(h, msg, 10), CKR_OK);
	assert_rv(p11->C_VerifyFinal(h, sig, 16), CKR_SIGNATURE_LEN_RANGE);
	assert_rv(p11->C_VerifyFinal(h, sig, 32), CKR_OPERATION_NOT_INITIALIZED);

	/* A wrong MAC of the right length; the last byte, the first byte. */
	for (size_t pos = 0; pos < 32; pos += 31) {
		sig[pos] ^= 0x80;
		assert_rv(module_verify(h, &p.mech, key, false, msg, sizeof(msg), sig, 32),
			  CKR_SIGNATURE_INVALID);
		assert_rv(p11->C_Verify(h, msg, sizeof(msg), mac, 32),
			  CKR_OPERATION_NOT_INITIALIZED);
		assert_rv(module_verify(h, &p.mech, key, true, msg, sizeof(msg), sig, 32),
			  CKR_SIGNATURE_INVALID);
		sig[pos] ^= 0x80;
	}
	/* The right MAC over a different message. */
	msg[50] ^= 1;
	assert_rv(module_verify(h, &p.mech, key, false, msg, sizeof(msg), mac, 32),
		  CKR_SIGNATURE_INVALID);
	msg[50] ^= 1;
	assert_rv(module_verify(h, &p.mech, key, false, msg, sizeof(msg), mac, 32), CKR_OK);

	/* C_Verify after C_VerifyUpdate: the multi-part operation stays. */
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_VerifyUpdate(h, msg, 40), CKR_OK);
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), mac, 32), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_VerifyUpdate(h, msg + 40, 60), CKR_OK);
	assert_rv(p11->C_VerifyFinal(h, mac, 32), CKR_OK);
	/* Verify is not Sign, and an empty final. */
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_SignFinal(h, sig, &(CK_ULONG){64}), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_Sign(h, msg, 1, sig, &(CK_ULONG){64}), CKR_OPERATION_NOT_INITIALIZED);
	openssl_mac(CKM_SHA256_HMAC, key32, 32, msg, 0, sig);
	assert_rv(p11->C_VerifyFinal(h, sig, 32), CKR_OK);
	assert_rv(p11->C_VerifyFinal(h, sig, 32), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_VerifyUpdate(h, msg, 1), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_Verify(h, msg, 1, sig, 32), CKR_OPERATION_NOT_INITIALIZED);

	/* _GENERAL: exactly the declared length verifies. */
	mac_mech_init(&p, CKM_SHA256_HMAC_GENERAL, 12);
	assert_rv(module_verify(h, &p.mech, key, false, msg, sizeof(msg), mac, 12), CKR_OK);
	assert_rv(module_verify(h, &p.mech, key, false, msg, sizeof(msg), mac, 32),
		  CKR_SIGNATURE_LEN_RANGE);
	assert_rv(module_verify(h, &p.mech, key, true, msg, sizeof(msg), mac, 11),
		  CKR_SIGNATURE_LEN_RANGE);
	mac[11] ^= 1;
	assert_rv(module_verify(h, &p.mech, key, true, msg, sizeof(msg), mac, 12),
		  CKR_SIGNATURE_INVALID);
	mac[11] ^= 1;
	/* Argument checks. */
	assert_rv(p11->C_VerifyInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_Verify(h, NULL, 5, mac, 12), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), NULL, 12), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_Verify(h, msg, sizeof(msg), mac, 12), CKR_OK);
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_mac_length_protocol(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t msg[77], want[64], got[64];
	struct mac_mech p;
	key_serial_t k;
	CK_OBJECT_HANDLE key;
	CK_ULONG n;

	(void)state;
	RAND_bytes_(msg, sizeof(msg));
	k = add_test_key("user", "p11test:mac-len", key32, 24, KEY_SPEC_SESSION_KEYRING);
	key = (CK_OBJECT_HANDLE)k;
	openssl_mac(CKM_SHA384_HMAC, key32, 24, msg, sizeof(msg), want);
	mac_mech_init(&p, CKM_SHA384_HMAC, 0);

	/* C_Sign: query, too small (the operation stays), then the MAC. */
	assert_rv(p11->C_SignInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), NULL, NULL), CKR_ARGUMENTS_BAD);
	n = 0;
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), NULL, &n), CKR_OK);
	assert_int_equal(n, 48);
	n = 47;
	memset(got, 0x5a, sizeof(got));
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), got, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 48);
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), got, &n), CKR_OK);
	assert_int_equal(n, 48);
	assert_memory_equal(got, want, 48);
	assert_int_equal(got[48], 0x5a); /* nothing past the MAC */
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), got, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* C_SignFinal likewise, after updates; C_Sign is then refused. */
	assert_rv(p11->C_SignInit(h, &p.mech, key), CKR_OK);
	assert_rv(p11->C_SignInit(h, &p.mech, key), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_SignUpdate(h, msg, 30), CKR_OK);
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), got, &n), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_SignUpdate(h, NULL, 0), CKR_OK);
	assert_rv(p11->C_SignUpdate(h, msg + 30, sizeof(msg) - 30), CKR_OK);
	assert_rv(p11->C_SignFinal(h, got, NULL), CKR_ARGUMENTS_BAD);
	n = 0;
	assert_rv(p11->C_SignFinal(h, NULL, &n), CKR_OK);
	assert_int_equal(n, 48);
	n = 1;
	assert_rv(p11->C_SignFinal(h, got, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 48);
	memset(got, 0, sizeof(got));
	assert_rv(p11->C_SignFinal(h, got, &n), CKR_OK);
	assert_int_equal(n, 48);
	assert_memory_equal(got, want, 48);
	assert_rv(p11->C_SignFinal(h, got, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_SignUpdate(h, msg, 1), CKR_OPERATION_NOT_INITIALIZED);

	/* _GENERAL: the length asked for, in the query and the result. */
	mac_mech_init(&p, CKM_SHA384_HMAC_GENERAL, 20);
	assert_rv(p11->C_SignInit(h, &p.mech, key), CKR_OK);
	n = 0;
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), NULL, &n), CKR_OK);
	assert_int_equal(n, 20);
	n = 19;
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), got, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 20);
	memset(got, 0x5a, sizeof(got));
	n = sizeof(got);
	assert_rv(p11->C_Sign(h, msg, sizeof(msg), got, &n), CKR_OK);
	assert_int_equal(n, 20);
	assert_memory_equal(got, want, 20);
	assert_int_equal(got[20], 0x5a);
	/* An empty message, multi-part with no update. */
	mac_mech_init(&p, CKM_SHA384_HMAC, 0);
	openssl_mac(CKM_SHA384_HMAC, key32, 24, msg, 0, want);
	assert_rv(p11->C_SignInit(h, &p.mech, key), CKR_OK);
	n = sizeof(got);
	assert_rv(p11->C_SignFinal(h, got, &n), CKR_OK);
	assert_int_equal(n, 48);
	assert_memory_equal(got, want, 48);
	assert_rv(p11->C_SignInit(h, &p.mech, key), CKR_OK);
	n = sizeof(got);
	assert_rv(p11->C_Sign(h, NULL, 0, got, &n), CKR_OK);
	assert_memory_equal(got, want, 48);
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_mac_keys_and_params(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t msg[33], want[64], got[64], value[48], iv[16] = {0};
	CK_ATTRIBUTE no_sign[] = {A_FALSE(CKA_SIGN), A_TRUE(CKA_VERIFY)};
	CK_ATTRIBUTE no_verify[] = {A_TRUE(CKA_SIGN), A_FALSE(CKA_VERIFY)};
	CK_MECHANISM hmac = {CKM_SHA256_HMAC, NULL, 0}, cmac = {CKM_AES_CMAC, NULL, 0};
	CK_MECHANISM m;
	CK_ULONG big = 33, zero = 0, ok = 32;
	CK_OBJECT_HANDLE o;
	key_serial_t aes, generic;

	(void)state;
	RAND_bytes_(msg, sizeof(msg));
	RAND_bytes_(value, sizeof(value));

	/* CKA_SIGN / CKA_VERIFY FALSE. */
	o = create_key(h, CKK_GENERIC_SECRET, value, 32, "p11test:nosign", no_sign, 2);
	assert_rv(p11->C_SignInit(h, &hmac, o), CKR_KEY_FUNCTION_NOT_PERMITTED);
	openssl_mac(CKM_SHA256_HMAC, value, 32, msg, sizeof(msg), want);
	assert_rv(module_verify(h, &hmac, o, false, msg, sizeof(msg), want, 32), CKR_OK);
	drop_key((key_serial_t)o);
	o = create_key(h, CKK_GENERIC_SECRET, value, 32, "p11test:noverify", no_verify, 2);
	assert_rv(p11->C_VerifyInit(h, &hmac, o), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(module_sign(h, &hmac, o, false, msg, sizeof(msg), got), 32);
	assert_memory_equal(got, want, 32);
	drop_key((key_serial_t)o);

	/* HMAC key types: generic, the matching CKK_SHA*_HMAC, AES; not another HMAC's. */
	o = create_key(h, CKK_SHA256_HMAC, value, 32, "p11test:hmac256", NULL, 0);
	assert_int_equal(module_sign(h, &hmac, o, true, msg, sizeof(msg), got), 32);
	assert_memory_equal(got, want, 32);
	m = (CK_MECHANISM){CKM_SHA_1_HMAC, NULL, 0};
	assert_rv(p11->C_SignInit(h, &m, o), CKR_KEY_TYPE_INCONSISTENT);
	drop_key((key_serial_t)o);
	o = create_key(h, CKK_AES, value, 32, "p11test:aes-hmac", NULL, 0);
	assert_int_equal(module_sign(h, &hmac, o, false, msg, sizeof(msg), got), 32);
	assert_memory_equal(got, want, 32);
	/* The same AES key also does CMAC. */
	openssl_mac(CKM_AES_CMAC, value, 32, msg, sizeof(msg), want);
	assert_int_equal(module_sign(h, &cmac, o, false, msg, sizeof(msg), got), 16);
	assert_memory_equal(got, want, 16);
	drop_key((key_serial_t)o);
	/* A plain 16-byte key is AES: HMAC takes it too. */
	aes = add_test_key("logon", "p11test:plain-aes", value, 16, KEY_SPEC_SESSION_KEYRING);
	openssl_mac(CKM_SHA256_HMAC, value, 16, msg, sizeof(msg), want);
	assert_int_equal(module_sign(h, &hmac, (CK_OBJECT_HANDLE)aes, false, msg, sizeof(msg), got),
			 32);
	assert_memory_equal(got, want, 32);
	/* AES-192 CMAC. */
	drop_key(aes);
	aes = add_test_key("user", "p11test:plain-aes", value, 24, KEY_SPEC_SESSION_KEYRING);
	openssl_mac(CKM_AES_CMAC, value, 24, msg, sizeof(msg), want);
	assert_int_equal(module_sign(h, &cmac, (CK_OBJECT_HANDLE)aes, true, msg, sizeof(msg), got),
			 16);
	assert_memory_equal(got, want, 16);

	/* CMAC wants an AES key: not a generic secret, whatever its size. */
	generic = add_test_key("logon", "p11test:generic", value, 10, KEY_SPEC_SESSION_KEYRING);
	assert_rv(p11->C_SignInit(h, &cmac, (CK_OBJECT_HANDLE)generic), CKR_KEY_TYPE_INCONSISTENT);
	o = create_key(h, CKK_GENERIC_SECRET, value, 16, "p11test:generic16", NULL, 0);
	assert_rv(p11->C_SignInit(h, &cmac, o), CKR_KEY_TYPE_INCONSISTENT);
	assert_rv(p11->C_VerifyInit(h, &cmac, o), CKR_KEY_TYPE_INCONSISTENT);
	m = (CK_MECHANISM){CKM_AES_CMAC_GENERAL, &ok, sizeof(ok)};
	ok = 8;
	assert_rv(p11->C_SignInit(h, &m, o), CKR_KEY_TYPE_INCONSISTENT);
	drop_key((key_serial_t)o);
	/* ...but HMAC takes a 10-byte generic secret. */
	openssl_mac(CKM_SHA256_HMAC, value, 10, msg, sizeof(msg), want);
	assert_int_equal(
		module_sign(h, &hmac, (CK_OBJECT_HANDLE)generic, false, msg, sizeof(msg), got), 32);
	assert_memory_equal(got, want, 32);

	/* Mechanism parameters. */
	m = (CK_MECHANISM){CKM_SHA256_HMAC, &ok, sizeof(ok)};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, NULL, 0};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, NULL, sizeof(CK_ULONG)};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, &ok, 4};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, &zero, sizeof(zero)};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, &big, sizeof(big)};
	assert_rv(p11->C_VerifyInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_PARAM_INVALID);
	ok = 32;
	m = (CK_MECHANISM){CKM_SHA256_HMAC_GENERAL, &ok, sizeof(ok)};
	assert_int_equal(
		module_sign(h, &m, (CK_OBJECT_HANDLE)generic, false, msg, sizeof(msg), got), 32);
	assert_memory_equal(got, want, 32);
	big = 17;
	m = (CK_MECHANISM){CKM_AES_CMAC_GENERAL, &big, sizeof(big)};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)aes), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_CMAC, iv, 16};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)aes), CKR_MECHANISM_PARAM_INVALID);

	/* MACs are not ciphers, ciphers not MACs. */
	assert_rv(p11->C_EncryptInit(h, &hmac, (CK_OBJECT_HANDLE)generic), CKR_MECHANISM_INVALID);
	assert_rv(p11->C_DecryptInit(h, &cmac, (CK_OBJECT_HANDLE)aes), CKR_MECHANISM_INVALID);
	assert_rv(p11->C_DigestInit(h, &hmac), CKR_MECHANISM_INVALID);
	m = (CK_MECHANISM){CKM_AES_CBC, iv, 16};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)aes), CKR_MECHANISM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256, NULL, 0};
	assert_rv(p11->C_SignInit(h, &m, (CK_OBJECT_HANDLE)aes), CKR_MECHANISM_INVALID);
	assert_rv(p11->C_SignInit(h, NULL, (CK_OBJECT_HANDLE)aes), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_SignInit(h, &hmac, 0), CKR_KEY_HANDLE_INVALID);
	/* One operation per session: a sign blocks an encrypt and a verify. */
	assert_rv(p11->C_SignInit(h, &hmac, (CK_OBJECT_HANDLE)generic), CKR_OK);
	assert_rv(p11->C_VerifyInit(h, &hmac, (CK_OBJECT_HANDLE)generic), CKR_OPERATION_ACTIVE);
	m = (CK_MECHANISM){CKM_AES_ECB, NULL, 0};
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)aes), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_VerifyFinal(h, want, 32), CKR_OPERATION_NOT_INITIALIZED);
	drop_key(aes);
	drop_key(generic);
	/* Closing with a sign operation open is clean. */
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* --------------------------------------------------------------- AEAD */

struct aead_param {
	CK_MECHANISM mech;
	CK_GCM_PARAMS gcm;
	struct kp11_gcm_params_v240 gcm240;
	struct kp11_ccm_params ccm;
	struct kp11_chacha20_poly1305_params chacha;
	uint8_t nonce[16];
};

/* @aad stays the caller's; @data_len is CCM's; @v240: GCM in the v2.40 layout. */
static void
aead_param_init(struct aead_param *p, CK_MECHANISM_TYPE type, const uint8_t *nonce,
		size_t nonce_len, const uint8_t *aad, size_t aad_len, size_t tag_len,
		size_t data_len, bool v240)
{
	memset(p, 0, sizeof(*p));
	assert_true(nonce_len <= sizeof(p->nonce));
	memcpy(p->nonce, nonce, nonce_len);
	p->mech.mechanism = type;
	switch (type) {
	case CKM_AES_GCM:
		if (v240) {
			p->gcm240 = (struct kp11_gcm_params_v240){
				p->nonce, nonce_len, (uint8_t *)aad, aad_len, tag_len * 8};
			p->mech.pParameter = &p->gcm240;
			p->mech.ulParameterLen = sizeof(p->gcm240);
		} else {
			p->gcm.pIv = p->nonce;
			p->gcm.ulIvLen = nonce_len;
			p->gcm.ulIvBits = nonce_len * 8;
			p->gcm.pAAD = (uint8_t *)aad;
			p->gcm.ulAADLen = aad_len;
			p->gcm.ulTagBits = tag_len * 8;
			p->mech.pParameter = &p->gcm;
			p->mech.ulParameterLen = sizeof(p->gcm);
		}
		break;
	case CKM_AES_CCM:
		p->ccm = (struct kp11_ccm_params){data_len,	  p->nonce, nonce_len,
						  (uint8_t *)aad, aad_len,  tag_len};
		p->mech.pParameter = &p->ccm;
		p->mech.ulParameterLen = sizeof(p->ccm);
		break;
	default:
		p->chacha = (struct kp11_chacha20_poly1305_params){p->nonce, nonce_len,
								   (uint8_t *)aad, aad_len};
		p->mech.pParameter = &p->chacha;
		p->mech.ulParameterLen = sizeof(p->chacha);
		break;
	}
}

/*
 * OpenSSL's AEAD. Encrypt: @out = ciphertext || tag, returns its length.
 * Decrypt: @in = ciphertext || tag; returns the plaintext length, or -1 when
 * the tag is wrong.
 */
static long
openssl_aead(CK_MECHANISM_TYPE mech, bool encrypt, const uint8_t *key, size_t key_len,
	     const uint8_t *nonce, size_t nonce_len, const uint8_t *aad, size_t aad_len,
	     size_t tag_len, const uint8_t *in, size_t len, uint8_t *out)
{
	static const char *gcm[] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
	static const char *ccm[] = {"AES-128-CCM", "AES-192-CCM", "AES-256-CCM"};
	const char *name = mech == CKM_AES_GCM	 ? gcm[(key_len - 16) / 8]
			   : mech == CKM_AES_CCM ? ccm[(key_len - 16) / 8]
						 : "ChaCha20-Poly1305";
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t text = encrypt ? len : len - tag_len;
	const uint8_t *tag = in + text;
	static const uint8_t empty[1];
	int n = 0, ok = 1;
	long ret;

	assert_non_null(c);
	assert_non_null(ctx);
	assert_true(encrypt || len >= tag_len);
	assert_int_equal(EVP_CipherInit_ex2(ctx, c, NULL, NULL, encrypt, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonce_len, NULL),
			 1);
	if (mech == CKM_AES_CCM || !encrypt)
		assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len,
						     encrypt ? NULL : (void *)tag),
				 1);
	assert_int_equal(EVP_CipherInit_ex2(ctx, NULL, key, nonce, encrypt, NULL), 1);
	if (mech == CKM_AES_CCM)
		assert_int_equal(EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)text), 1);
	if (aad_len > 0)
		assert_int_equal(EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len), 1);
	if (mech == CKM_AES_CCM && !encrypt) {
		ok = EVP_CipherUpdate(ctx, out, &n, text > 0 ? in : empty, (int)text) == 1;
	} else {
		assert_int_equal(EVP_CipherUpdate(ctx, out, &n, text > 0 ? in : empty, (int)text),
				 1);
		assert_int_equal((size_t)n, text);
		if (mech != CKM_AES_CCM)
			ok = EVP_CipherFinal_ex(ctx, out + n, &n) == 1;
	}
	if (encrypt) {
		assert_true(ok);
		assert_int_equal(
			EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag_len, out + text),
			1);
		ret = (long)(text + tag_len);
	} else {
		ret = ok ? (long)text : -1;
	}
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ret;
}

/*
 * Through the module: C_Encrypt/C_Decrypt, or Update in random pieces (each
 * of which must output nothing) and Final.
 */
static size_t
module_aead(CK_SESSION_HANDLE h, const struct aead_param *p, CK_OBJECT_HANDLE key, bool encrypt,
	    bool pieces, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct cipher_calls c = cipher_calls(encrypt);
	CK_ULONG n;

	assert_rv(c.init(h, (CK_MECHANISM_PTR)&p->mech, key), CKR_OK);
	if (!pieces) {
		n = cap;
		assert_rv(c.oneshot(h, (CK_BYTE_PTR)in, len, out, &n), CKR_OK);
		return n;
	}
	for (size_t off = 0; off < len;) {
		size_t piece = rnd(3) == 0 ? rnd(40) : rnd(20000);

		if (piece > len - off)
			piece = len - off;
		n = cap;
		assert_rv(c.update(h, (CK_BYTE_PTR)in + off, piece, out, &n), CKR_OK);
		assert_int_equal(n, 0);
		off += piece;
	}
	n = cap;
	assert_rv(c.final(h, out, &n), CKR_OK);
	return n;
}

struct aead_kat {
	const char *name;
	CK_MECHANISM_TYPE mech;
	const char *key, *nonce, *aad, *plain, *cipher, *tag;
};

#define GCM_K3 "feffe9928665731c6d6a8f9467308308"
#define GCM_IV3 "cafebabefacedbaddecaf888"
#define GCM_P3                                                                                     \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                         \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_P4                                                                                     \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                         \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A4 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define ZERO16 "00000000000000000000000000000000"
#define ZERO12 "000000000000000000000000"

static const struct aead_kat aead_kats[] = {
	/* McGrew and Viega, The Galois/Counter Mode of Operation, appendix B */
	{"GCM test case 2", CKM_AES_GCM, ZERO16, ZERO12, NULL, ZERO16,
	 "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
	{"GCM test case 3", CKM_AES_GCM, GCM_K3, GCM_IV3, NULL, GCM_P3,
	 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	 "4d5c2af327cd64a62cf35abd2ba6fab4"},
	{"GCM test case 4", CKM_AES_GCM, GCM_K3, GCM_IV3, GCM_A4, GCM_P4,
	 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	 "5bc94fbc3221a5db94fae95ae7121a47"},
	{"GCM test case 14", CKM_AES_GCM, ZERO16 ZERO16, ZERO12, NULL, ZERO16,
	 "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
	{"GCM test case 15", CKM_AES_GCM, GCM_K3 GCM_K3, GCM_IV3, NULL, GCM_P3,
	 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	 "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	 "b094dac5d93471bdec1a502270e3cc6c"},
	{"GCM test case 16", CKM_AES_GCM, GCM_K3 GCM_K3, GCM_IV3, GCM_A4, GCM_P4,
	 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	 "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	 "76fc6ece0f4e1768cddf8853bb2d551b"},
	/* RFC 3610 section 8, packet vector #1: 8 header bytes are the AAD. */
	{"RFC 3610 #1", CKM_AES_CCM, "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
	 "00000003020100a0a1a2a3a4a5", "0001020304050607",
	 "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
	 "588c979a61c663d2f066d0c2c0f989806d5f6b61dac384", "17e8d12cfdf926e0"},
	/* RFC 8439 section 2.8.2 */
	{"RFC 8439 2.8.2", CKM_CHACHA20_POLY1305,
	 "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	 "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
	 "\"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
	 "future, sunscreen would be it.",
	 "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	 "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	 "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	 "3ff4def08e4b7a9de576d26586cec64b6116",
	 "1ae10b594f09e26a7e902ecbd0600691"},
};

static void
test_aead_known_answers(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t i = 0; i < sizeof(aead_kats) / sizeof(aead_kats[0]); i++) {
		const struct aead_kat *t = &aead_kats[i];
		uint8_t key[32], nonce[16], aad[64], plain[HEX_MAX], want[HEX_MAX], got[HEX_MAX],
			ref[HEX_MAX];
		size_t key_len, nonce_len, aad_len, plain_len, ct_len, tag_len;
		struct aead_param p;
		key_serial_t k;

		key_len = vec_decode(t->key, key);
		nonce_len = vec_decode(t->nonce, nonce);
		aad_len = vec_decode(t->aad, aad);
		plain_len = vec_decode(t->plain, plain);
		ct_len = vec_decode(t->cipher, want);
		tag_len = vec_decode(t->tag, want + ct_len);
		assert_int_equal(ct_len, plain_len);
		if (openssl_aead(t->mech, true, key, key_len, nonce, nonce_len, aad, aad_len,
				 tag_len, plain, plain_len, ref) != (long)(ct_len + tag_len) ||
		    memcmp(ref, want, ct_len + tag_len) != 0)
			fail_msg("%s: test vector disagrees with OpenSSL", t->name);
		k = add_test_key(i % 2 ? "logon" : "user", "p11test:aead-kat", key, key_len,
				 KEY_SPEC_SESSION_KEYRING);
		for (int variant = 0; variant < 4; variant++) {
			bool pieces = variant & 1, v240 = variant & 2;

			aead_param_init(&p, t->mech, nonce, nonce_len, aad, aad_len, tag_len,
					plain_len, v240);
			memset(got, 0, sizeof(got));
			if (module_aead(h, &p, (CK_OBJECT_HANDLE)k, true, pieces, plain, plain_len,
					got, sizeof(got)) != ct_len + tag_len ||
			    memcmp(got, want, ct_len + tag_len) != 0)
				fail_msg("%s (pieces %d, v2.40 layout %d): encryption differs from "
					 "the vector",
					 t->name, pieces, v240);
			memset(got, 0, sizeof(got));
			if (module_aead(h, &p, (CK_OBJECT_HANDLE)k, false, !pieces, want,
					ct_len + tag_len, got, sizeof(got)) != plain_len ||
			    memcmp(got, plain, plain_len) != 0)
				fail_msg("%s (pieces %d, v2.40 layout %d): decryption differs from "
					 "the vector",
					 t->name, !pieces, v240);
			if (t->mech != CKM_AES_GCM && variant == 1)
				break; /* the layouts are GCM's */
		}
		drop_key(k);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_aead_against_openssl(void **state)
{
	static const CK_MECHANISM_TYPE mechs[] = {CKM_AES_GCM, CKM_AES_CCM, CKM_CHACHA20_POLY1305};
	static const size_t gcm_tags[] = {4, 8, 12, 13, 14, 15, 16};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t cap = 70000;
	uint8_t *in = malloc(cap), *want = malloc(cap + 16), *got = malloc(cap + 16);

	(void)state;
	assert_true(in != NULL && want != NULL && got != NULL);
	for (int i = 0; i < 150; i++) {
		CK_MECHANISM_TYPE mech = mechs[i % 3];
		size_t key_len, nonce_len, tag_len, aad_len, len;
		uint8_t key[32], nonce[13], aad[600];
		bool pieces = (i / 3) % 2, v240 = (i / 6) % 2;
		struct aead_param p;
		key_serial_t k;
		long ref;

		switch (mech) {
		case CKM_AES_GCM:
			key_len = 16 + 8 * (size_t)rnd(3);
			nonce_len = 12;
			tag_len = gcm_tags[rnd(7)];
			break;
		case CKM_AES_CCM:
			key_len = 16 + 8 * (size_t)rnd(3);
			nonce_len = 7 + (size_t)rnd(7);
			tag_len = 4 + 2 * (size_t)rnd(7);
			break;
		default:
			key_len = 32;
			nonce_len = 12;
			tag_len = 16;
			break;
		}
		len = rnd(3) == 0 ? rnd(40) : rnd(2) ? rnd(1000) : rnd((uint32_t)cap - 16);
		if (mech == CKM_AES_CCM && nonce_len == 13 && len > 65535)
			len = 65535; /* L = 2 bytes of length */
		aad_len = rnd(3) == 0 ? 0 : rnd(2) ? rnd(40) : rnd(sizeof(aad));
		RAND_bytes_(key, key_len);
		RAND_bytes_(nonce, nonce_len);
		RAND_bytes_(aad, aad_len);
		RAND_bytes_(in, len);
		k = add_test_key(i % 4 ? "logon" : "user", "p11test:aead-rand", key, key_len,
				 KEY_SPEC_SESSION_KEYRING);
		aead_param_init(&p, mech, nonce, nonce_len, aad, aad_len, tag_len, len, v240);

		ref = openssl_aead(mech, true, key, key_len, nonce, nonce_len, aad, aad_len,
				   tag_len, in, len, want);
		assert_int_equal(ref, len + tag_len);
		if (module_aead(h, &p, (CK_OBJECT_HANDLE)k, true, pieces, in, len, got, cap + 16) !=
			    len + tag_len ||
		    memcmp(got, want, len + tag_len) != 0)
			fail_msg("encrypt mech 0x%lx key %zu nonce %zu tag %zu aad %zu len %zu "
				 "pieces %d: differs from OpenSSL",
				 mech, key_len, nonce_len, tag_len, aad_len, len, pieces);
		memset(got, 0, len);
		if (module_aead(h, &p, (CK_OBJECT_HANDLE)k, false, !pieces, want, len + tag_len,
				got, cap + 16) != len ||
		    memcmp(got, in, len) != 0)
			fail_msg("decrypt mech 0x%lx key %zu nonce %zu tag %zu aad %zu len %zu: no "
				 "round trip",
				 mech, key_len, nonce_len, tag_len, aad_len, len);
		drop_key(k);
	}
	free(in);
	free(want);
	free(got);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* C_Decrypt (or Update+Final) of a bad message: an error and not a byte written. */
static void
expect_decrypt_fails(CK_SESSION_HANDLE h, const struct aead_param *p, CK_OBJECT_HANDLE key,
		     bool pieces, const uint8_t *in, size_t len, CK_RV want, const char *what)
{
	uint8_t out[512];
	CK_ULONG n = sizeof(out);
	CK_RV rv;

	assert_true(len <= sizeof(out));
	memset(out, 0xa5, sizeof(out));
	assert_rv(p11->C_DecryptInit(h, (CK_MECHANISM_PTR)&p->mech, key), CKR_OK);
	if (pieces) {
		assert_rv(p11->C_DecryptUpdate(h, (CK_BYTE_PTR)in, len / 2, out, &n), CKR_OK);
		assert_int_equal(n, 0);
		n = sizeof(out);
		assert_rv(
			p11->C_DecryptUpdate(h, (CK_BYTE_PTR)in + len / 2, len - len / 2, out, &n),
			CKR_OK);
		assert_int_equal(n, 0);
		n = sizeof(out);
		rv = p11->C_DecryptFinal(h, out, &n);
	} else {
		rv = p11->C_Decrypt(h, (CK_BYTE_PTR)in, len, out, &n);
	}
	if (rv != want)
		fail_msg("mech 0x%lx, %s (pieces %d): got %s, want %s", p->mech.mechanism, what,
			 pieces, rv_name(rv), rv_name(want));
	for (size_t i = 0; i < sizeof(out); i++)
		if (out[i] != 0xa5)
			fail_msg("mech 0x%lx, %s (pieces %d): output byte %zu written",
				 p->mech.mechanism, what, pieces, i);
	/* The error ended the operation. */
	n = sizeof(out);
	assert_rv(p11->C_DecryptFinal(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);
}

static void
test_aead_tampering(void **state)
{
	static const CK_MECHANISM_TYPE mechs[] = {CKM_AES_GCM, CKM_AES_CCM, CKM_CHACHA20_POLY1305};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint8_t key[32], nonce[12], aad[20], plain[100], ct[116];
		size_t tag_len = mechs[i] == CKM_AES_CCM ? 10 : 16, ct_len = 100 + tag_len;
		struct aead_param p;
		key_serial_t k;
		CK_OBJECT_HANDLE key_h;

		RAND_bytes_(key, 32);
		RAND_bytes_(nonce, 12);
		RAND_bytes_(aad, sizeof(aad));
		RAND_bytes_(plain, sizeof(plain));
		k = add_test_key("logon", "p11test:tamper", key, 32, KEY_SPEC_SESSION_KEYRING);
		key_h = (CK_OBJECT_HANDLE)k;
		aead_param_init(&p, mechs[i], nonce, 12, aad, sizeof(aad), tag_len, 100, false);
		assert_int_equal(openssl_aead(mechs[i], true, key, 32, nonce, 12, aad, sizeof(aad),
					      tag_len, plain, 100, ct),
				 ct_len);
		for (int pieces = 0; pieces < 2; pieces++) {
			ct[ct_len - 1] ^= 0x01;
			expect_decrypt_fails(h, &p, key_h, pieces, ct, ct_len,
					     CKR_ENCRYPTED_DATA_INVALID, "tampered tag");
			ct[ct_len - 1] ^= 0x01;
			ct[0] ^= 0x80;
			expect_decrypt_fails(h, &p, key_h, pieces, ct, ct_len,
					     CKR_ENCRYPTED_DATA_INVALID, "tampered ciphertext");
			ct[0] ^= 0x80;
			ct[57] ^= 0x10;
			expect_decrypt_fails(h, &p, key_h, pieces, ct, ct_len,
					     CKR_ENCRYPTED_DATA_INVALID, "tampered ciphertext");
			ct[57] ^= 0x10;
			aad[3] ^= 0x04;
			expect_decrypt_fails(h, &p, key_h, pieces, ct, ct_len,
					     CKR_ENCRYPTED_DATA_INVALID, "tampered AAD");
			aad[3] ^= 0x04;
			/* Truncated: the tag is then wrong too. */
			if (mechs[i] != CKM_AES_CCM)
				expect_decrypt_fails(h, &p, key_h, pieces, ct, ct_len - 1,
						     CKR_ENCRYPTED_DATA_INVALID, "truncated");
			/* Shorter than a tag. */
			expect_decrypt_fails(h, &p, key_h, pieces, ct, tag_len - 1,
					     CKR_ENCRYPTED_DATA_LEN_RANGE, "shorter than the tag");
		}
		/* Another nonce. */
		nonce[0] ^= 1;
		aead_param_init(&p, mechs[i], nonce, 12, aad, sizeof(aad), tag_len, 100, false);
		expect_decrypt_fails(h, &p, key_h, false, ct, ct_len, CKR_ENCRYPTED_DATA_INVALID,
				     "other nonce");
		nonce[0] ^= 1;
		/* And untouched, it decrypts. */
		aead_param_init(&p, mechs[i], nonce, 12, aad, sizeof(aad), tag_len, 100, false);
		{
			uint8_t out[100];

			assert_int_equal(module_aead(h, &p, key_h, false, false, ct, ct_len, out,
						     sizeof(out)),
					 100);
			assert_memory_equal(out, plain, 100);
		}
		drop_key(k);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_aead_params(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t nonce[16] = {1, 2, 3}, aad[8] = {0}, buf[64] = {0}, out[96], value[32];
	struct aead_param p;
	CK_MECHANISM m;
	CK_OBJECT_HANDLE aes, aes16, generic, o;
	key_serial_t k, k16, kg;
	CK_ULONG n;

	(void)state;
	RAND_bytes_(value, sizeof(value));
	k = add_test_key("logon", "p11test:aead-param", value, 32, KEY_SPEC_SESSION_KEYRING);
	k16 = add_test_key("logon", "p11test:aead-param16", value, 16, KEY_SPEC_SESSION_KEYRING);
	kg = add_test_key("logon", "p11test:aead-generic", value, 20, KEY_SPEC_SESSION_KEYRING);
	aes = (CK_OBJECT_HANDLE)k;
	aes16 = (CK_OBJECT_HANDLE)k16;
	generic = (CK_OBJECT_HANDLE)kg;

	/* GCM: 12-byte IVs only, tags of 4, 8, 12..16 bytes, both layouts. */
	for (int v240 = 0; v240 < 2; v240++) {
		static const size_t bad_iv[] = {0, 1, 8, 11, 13, 16};
		static const size_t bad_tag[] = {0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 17, 32};
		static const size_t good_tag[] = {4, 8, 12, 13, 14, 15, 16};

		for (size_t i = 0; i < sizeof(bad_iv) / sizeof(bad_iv[0]); i++) {
			aead_param_init(&p, CKM_AES_GCM, nonce, bad_iv[i], aad, 8, 16, 0, v240);
			assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
			assert_rv(p11->C_DecryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
		}
		for (size_t i = 0; i < sizeof(bad_tag) / sizeof(bad_tag[0]); i++) {
			aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, bad_tag[i], 0, v240);
			assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
		}
		for (size_t i = 0; i < sizeof(good_tag) / sizeof(good_tag[0]); i++) {
			aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, good_tag[i], 0, v240);
			assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
			n = sizeof(out);
			assert_rv(p11->C_Encrypt(h, buf, 10, out, &n), CKR_OK);
			assert_int_equal(n, 10 + good_tag[i]);
		}
		/* Tag bits not a whole number of bytes. */
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, 16, 0, v240);
		if (v240)
			p.gcm240.tag_bits = 100;
		else
			p.gcm.ulTagBits = 100;
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
		/* A NULL IV, and NULL AAD with a length. */
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, NULL, 8, 16, 0, v240);
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, 16, 0, v240);
		if (v240)
			p.gcm240.iv = NULL;
		else
			p.gcm.pIv = NULL;
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
		/* NULL AAD of length 0 is fine. */
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, NULL, 0, 16, 0, v240);
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
		n = sizeof(out);
		assert_rv(p11->C_Encrypt(h, buf, 16, out, &n), CKR_OK);
		assert_int_equal(n, 32);
	}
	/* ulIvBits: 0 (not given) or the IV length in bits. */
	aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, 16, 0, false);
	p.gcm.ulIvBits = 0;
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	assert_rv(p11->C_EncryptFinal(h, out, &(CK_ULONG){sizeof(out)}), CKR_OK);
	p.gcm.ulIvBits = 64;
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
	/* A parameter of neither size. */
	m = (CK_MECHANISM){CKM_AES_GCM, &p.gcm, sizeof(p.gcm) - 1};
	assert_rv(p11->C_EncryptInit(h, &m, aes), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_GCM, NULL, 0};
	assert_rv(p11->C_EncryptInit(h, &m, aes), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_GCM, nonce, 12};
	assert_rv(p11->C_EncryptInit(h, &m, aes), CKR_MECHANISM_PARAM_INVALID);

	/* CCM: nonce 7..13, MAC 4..16 even, data_len fitting the length field. */
	for (size_t len = 0; len <= 16; len++) {
		aead_param_init(&p, CKM_AES_CCM, nonce, len, aad, 8, 8, 10, false);
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes),
			  len >= 7 && len <= 13 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID);
		if (len >= 7 && len <= 13) {
			n = sizeof(out);
			assert_rv(p11->C_Encrypt(h, buf, 10, out, &n), CKR_OK);
			assert_int_equal(n, 18);
		}
		aead_param_init(&p, CKM_AES_CCM, nonce, 12, aad, 8, len, 10, false);
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes),
			  len >= 4 && len % 2 == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID);
		if (len >= 4 && len % 2 == 0) {
			n = sizeof(out);
			assert_rv(p11->C_Encrypt(h, buf, 10, out, &n), CKR_OK);
			assert_int_equal(n, 10 + len);
		}
	}
	aead_param_init(&p, CKM_AES_CCM, nonce, 13, aad, 8, 8, 65536, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
	aead_param_init(&p, CKM_AES_CCM, nonce, 13, aad, 8, 8, 65535, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	assert_rv(p11->C_EncryptFinal(h, out, &(CK_ULONG){sizeof(out)}), CKR_DATA_LEN_RANGE);
	aead_param_init(&p, CKM_AES_CCM, nonce, 12, aad, 8, 8, 1 << 24, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
	aead_param_init(&p, CKM_AES_CCM, nonce, 12, aad, 8, 8, (1 << 24) - 1, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	assert_rv(p11->C_EncryptFinal(h, NULL, &n), CKR_DATA_LEN_RANGE);
	m = (CK_MECHANISM){CKM_AES_CCM, &p.ccm, sizeof(p.ccm) - 1};
	assert_rv(p11->C_EncryptInit(h, &m, aes), CKR_MECHANISM_PARAM_INVALID);
	aead_param_init(&p, CKM_AES_CCM, nonce, 12, aad, 8, 8, 10, false);
	p.ccm.nonce = NULL;
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_MECHANISM_PARAM_INVALID);
	/* CCM: the message must be data_len long, one shot or in parts. */
	aead_param_init(&p, CKM_AES_CCM, nonce, 12, aad, 8, 8, 10, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Encrypt(h, buf, 11, out, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_Encrypt(h, buf, 10, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Encrypt(h, buf, 9, out, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, buf, 6, out, &n), CKR_OK);
	assert_rv(p11->C_EncryptUpdate(h, buf, 6, out, &n), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, buf, 4, out, &n), CKR_OK);
	assert_rv(p11->C_EncryptUpdate(h, buf + 4, 6, out, &n), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OK);
	assert_int_equal(n, 18);
	{
		uint8_t want[18];

		assert_int_equal(openssl_aead(CKM_AES_CCM, true, value, 32, nonce, 12, aad, 8, 8,
					      buf, 10, want),
				 18);
		assert_memory_equal(out, want, 18);
	}
	/* Decrypting: data_len counts the plaintext, without the MAC. */
	assert_rv(p11->C_DecryptInit(h, &p.mech, aes), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Decrypt(h, out, 10, buf, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
	assert_rv(p11->C_DecryptInit(h, &p.mech, aes), CKR_OK);
	n = sizeof(buf);
	assert_rv(p11->C_Decrypt(h, out, 18, buf, &n), CKR_OK);
	assert_int_equal(n, 10);

	/* ChaCha20-Poly1305: a 96-bit nonce, a 32-byte key. */
	for (size_t len = 0; len <= 16; len++) {
		aead_param_init(&p, CKM_CHACHA20_POLY1305, nonce, len, aad, 8, 16, 0, false);
		assert_rv(p11->C_EncryptInit(h, &p.mech, aes),
			  len == 12 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID);
		if (len == 12) {
			n = sizeof(out);
			assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OK);
			assert_int_equal(n, 16);
		}
	}
	m = (CK_MECHANISM){CKM_CHACHA20_POLY1305, &p.chacha, sizeof(p.chacha) + 8};
	assert_rv(p11->C_EncryptInit(h, &m, aes), CKR_MECHANISM_PARAM_INVALID);
	aead_param_init(&p, CKM_CHACHA20_POLY1305, nonce, 12, aad, 8, 16, 0, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, aes16), CKR_KEY_SIZE_RANGE);
	/* Key types: ChaCha20 takes a 32-byte generic secret; GCM and CCM do not. */
	o = create_key(h, CKK_GENERIC_SECRET, value, 32, "p11test:chacha-generic", NULL, 0);
	{
		uint8_t want[26];

		assert_int_equal(openssl_aead(CKM_CHACHA20_POLY1305, true, value, 32, nonce, 12,
					      aad, 8, 16, buf, 10, want),
				 26);
		assert_rv(p11->C_EncryptInit(h, &p.mech, o), CKR_OK);
		n = sizeof(out);
		assert_rv(p11->C_Encrypt(h, buf, 10, out, &n), CKR_OK);
		assert_int_equal(n, 26);
		assert_memory_equal(out, want, 26);
	}
	aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, 16, 0, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, o), CKR_KEY_TYPE_INCONSISTENT);
	assert_rv(p11->C_EncryptInit(h, &p.mech, generic), CKR_KEY_TYPE_INCONSISTENT);
	aead_param_init(&p, CKM_AES_CCM, nonce, 12, aad, 8, 16, 0, false);
	assert_rv(p11->C_DecryptInit(h, &p.mech, o), CKR_KEY_TYPE_INCONSISTENT);
	drop_key((key_serial_t)o);
	aead_param_init(&p, CKM_CHACHA20_POLY1305, nonce, 12, aad, 8, 16, 0, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, generic), CKR_KEY_SIZE_RANGE);
	/* CKA_ENCRYPT FALSE. */
	{
		CK_ATTRIBUTE no_encrypt[] = {A_FALSE(CKA_ENCRYPT), A_TRUE(CKA_DECRYPT)};

		o = create_key(h, CKK_AES, value, 16, "p11test:noenc", no_encrypt, 2);
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, 16, 0, false);
		assert_rv(p11->C_EncryptInit(h, &p.mech, o), CKR_KEY_FUNCTION_NOT_PERMITTED);
		assert_rv(p11->C_DecryptInit(h, &p.mech, o), CKR_OK);
		n = sizeof(out);
		assert_rv(p11->C_Decrypt(h, buf, 16, out, &n), CKR_ENCRYPTED_DATA_INVALID);
		drop_key((key_serial_t)o);
	}
	/* AEAD mechanisms do not sign. */
	aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, 8, 16, 0, false);
	assert_rv(p11->C_SignInit(h, &p.mech, aes), CKR_MECHANISM_INVALID);
	drop_key(k);
	drop_key(k16);
	drop_key(kg);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_aead_length_protocol(void **state)
{
	static const CK_MECHANISM_TYPE mechs[] = {CKM_AES_GCM, CKM_AES_CCM, CKM_CHACHA20_POLY1305};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint8_t key[32], nonce[12], aad[9], plain[37], want[64], out[64];
		size_t tag_len = mechs[i] == CKM_AES_GCM ? 12 : mechs[i] == CKM_AES_CCM ? 6 : 16;
		size_t ct_len = sizeof(plain) + tag_len;
		struct aead_param p;
		key_serial_t k;
		CK_OBJECT_HANDLE key_h;
		CK_ULONG n;

		RAND_bytes_(key, 32);
		RAND_bytes_(nonce, 12);
		RAND_bytes_(aad, sizeof(aad));
		RAND_bytes_(plain, sizeof(plain));
		k = add_test_key("user", "p11test:aead-len", key, 32, KEY_SPEC_SESSION_KEYRING);
		key_h = (CK_OBJECT_HANDLE)k;
		aead_param_init(&p, mechs[i], nonce, 12, aad, sizeof(aad), tag_len, sizeof(plain),
				false);
		assert_int_equal(openssl_aead(mechs[i], true, key, 32, nonce, 12, aad, sizeof(aad),
					      tag_len, plain, sizeof(plain), want),
				 ct_len);

		/* C_Encrypt: query, too small, then the result. */
		assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_OK);
		assert_rv(p11->C_Encrypt(h, plain, sizeof(plain), out, NULL), CKR_ARGUMENTS_BAD);
		n = 0;
		assert_rv(p11->C_Encrypt(h, plain, sizeof(plain), NULL, &n), CKR_OK);
		assert_int_equal(n, ct_len);
		n = ct_len - 1;
		memset(out, 0x5a, sizeof(out));
		assert_rv(p11->C_Encrypt(h, plain, sizeof(plain), out, &n), CKR_BUFFER_TOO_SMALL);
		assert_int_equal(n, ct_len);
		assert_int_equal(out[0], 0x5a);
		assert_rv(p11->C_Encrypt(h, plain, sizeof(plain), out, &n), CKR_OK);
		assert_int_equal(n, ct_len);
		assert_memory_equal(out, want, ct_len);
		assert_int_equal(out[ct_len], 0x5a);
		assert_rv(p11->C_Encrypt(h, plain, sizeof(plain), out, &n),
			  CKR_OPERATION_NOT_INITIALIZED);

		/* Update outputs nothing; C_EncryptFinal follows the same rules. A
		 * size query (NULL output, v2.40 5.2) only answers: the caller then
		 * sends the same input with its buffer, and it counts once
		 * (fuzz/corpus/api/crash-aead-update-size-query). */
		assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_OK);
		n = 0;
		assert_rv(p11->C_EncryptUpdate(h, plain, 20, NULL, &n), CKR_OK);
		assert_int_equal(n, 0);
		assert_rv(p11->C_Encrypt(h, plain, sizeof(plain), out, &n), CKR_OPERATION_ACTIVE);
		n = 0;
		assert_rv(p11->C_EncryptUpdate(h, plain, 20, out, &n), CKR_OK);
		assert_int_equal(n, 0);
		n = 0;
		assert_rv(p11->C_EncryptUpdate(h, plain + 20, sizeof(plain) - 20, out, &n), CKR_OK);
		assert_int_equal(n, 0);
		assert_rv(p11->C_EncryptUpdate(h, plain, 0, out, NULL), CKR_ARGUMENTS_BAD);
		n = 0;
		assert_rv(p11->C_EncryptFinal(h, NULL, &n), CKR_OK);
		assert_int_equal(n, ct_len);
		n = 3;
		assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_BUFFER_TOO_SMALL);
		assert_int_equal(n, ct_len);
		memset(out, 0, sizeof(out));
		assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OK);
		assert_int_equal(n, ct_len);
		assert_memory_equal(out, want, ct_len);
		assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);

		/* C_Decrypt: the plaintext length, before and after a short buffer. */
		assert_rv(p11->C_DecryptInit(h, &p.mech, key_h), CKR_OK);
		n = 0;
		assert_rv(p11->C_Decrypt(h, want, ct_len, NULL, &n), CKR_OK);
		assert_int_equal(n, sizeof(plain));
		n = sizeof(plain) - 1;
		memset(out, 0x5a, sizeof(out));
		assert_rv(p11->C_Decrypt(h, want, ct_len, out, &n), CKR_BUFFER_TOO_SMALL);
		assert_int_equal(n, sizeof(plain));
		assert_int_equal(out[0], 0x5a);
		assert_rv(p11->C_Decrypt(h, want, ct_len, out, &n), CKR_OK);
		assert_int_equal(n, sizeof(plain));
		assert_memory_equal(out, plain, sizeof(plain));
		/* C_DecryptFinal likewise. */
		assert_rv(p11->C_DecryptInit(h, &p.mech, key_h), CKR_OK);
		n = sizeof(out);
		assert_rv(p11->C_DecryptUpdate(h, want, ct_len, out, &n), CKR_OK);
		assert_int_equal(n, 0);
		n = 0;
		assert_rv(p11->C_DecryptFinal(h, NULL, &n), CKR_OK);
		assert_int_equal(n, sizeof(plain));
		n = 1;
		assert_rv(p11->C_DecryptFinal(h, out, &n), CKR_BUFFER_TOO_SMALL);
		assert_int_equal(n, sizeof(plain));
		memset(out, 0, sizeof(out));
		assert_rv(p11->C_DecryptFinal(h, out, &n), CKR_OK);
		assert_int_equal(n, sizeof(plain));
		assert_memory_equal(out, plain, sizeof(plain));
		/* In place. */
		memcpy(out, want, ct_len);
		assert_rv(p11->C_DecryptInit(h, &p.mech, key_h), CKR_OK);
		n = sizeof(out);
		assert_rv(p11->C_Decrypt(h, out, ct_len, out, &n), CKR_OK);
		assert_int_equal(n, sizeof(plain));
		assert_memory_equal(out, plain, sizeof(plain));
		drop_key(k);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* The module keeps its own copy of the AAD: the caller's may change after Init. */
static void
test_aead_aad_copied(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t key[16], nonce[12], aad[32], plain[50], want[66], out[66];
	struct aead_param p;
	key_serial_t k;
	CK_ULONG n;

	(void)state;
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(nonce, sizeof(nonce));
	RAND_bytes_(aad, sizeof(aad));
	RAND_bytes_(plain, sizeof(plain));
	k = add_test_key("logon", "p11test:aad", key, 16, KEY_SPEC_SESSION_KEYRING);
	assert_int_equal(openssl_aead(CKM_AES_GCM, true, key, 16, nonce, 12, aad, sizeof(aad), 16,
				      plain, sizeof(plain), want),
			 66);
	aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, sizeof(aad), 16, 0, false);
	assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	memset(aad, 0, sizeof(aad));
	memset(&p, 0, sizeof(p));
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, plain, 10, out, &n), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, plain + 10, 40, out, &n), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OK);
	assert_int_equal(n, 66);
	assert_memory_equal(out, want, 66);
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* The first offset where @a and @b differ, or @n. */
static size_t
first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * GCM messages around and well past the socket's default buffer sizes
 * (net.core.[rw]mem_default, 212,992 bytes), all below the 32 MiB send buffer
 * the module forces as root: each must match OpenSSL, or fail loudly.
 */
static void
test_aead_sizes(void **state)
{
	static const size_t sizes[] = {200000, 212992 - 100 - 16, 212992 - 100, 212992, 300000};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t *in = malloc(300000), *want = malloc(300016), *got = malloc(300016), key[16],
		nonce[12], aad[100];
	char report[1024] = "";
	size_t used = 0;
	key_serial_t k;

	(void)state;
	assert_true(in != NULL && want != NULL && got != NULL);
	RAND_bytes_(in, 300000);
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(nonce, sizeof(nonce));
	RAND_bytes_(aad, sizeof(aad));
	k = add_test_key("logon", "p11test:aead-sizes", key, 16, KEY_SPEC_SESSION_KEYRING);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t len = sizes[i], d;
		struct aead_param p;
		CK_ULONG n = len + 16;
		CK_RV rv;

		aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, sizeof(aad), 16, 0, false);
		assert_int_equal(openssl_aead(CKM_AES_GCM, true, key, 16, nonce, 12, aad,
					      sizeof(aad), 16, in, len, want),
				 len + 16);
		assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		memset(got, 0, len + 16);
		rv = p11->C_Encrypt(h, in, len, got, &n);
		d = first_diff(got, want, len + 16);
		if (rv != CKR_OK || n != len + 16 || d != len + 16)
			used += (size_t)snprintf(report + used, sizeof(report) - used,
						 "\n  aad 100 + %zu bytes: encrypt %s, n %lu, "
						 "first wrong byte %zu",
						 len, rv_name(rv), n, d);
		assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		n = len + 16;
		rv = p11->C_Decrypt(h, want, len + 16, got, &n);
		if (rv != CKR_OK || n != len || memcmp(got, in, len) != 0)
			used += (size_t)snprintf(report + used, sizeof(report) - used,
						 "\n  aad 100 + %zu bytes: decrypt of OpenSSL's "
						 "ciphertext %s, n %lu",
						 len, rv_name(rv), n);
		assert_true(used < sizeof(report));
	}
	if (used > 0)
		fail_msg("GCM differs from OpenSSL:%s", report);
	drop_key(k);
	free(in);
	free(want);
	free(got);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* Large AEAD messages, as root (the module raises the send buffer). */
static void
test_aead_large(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t len = 1 << 20;
	uint8_t *in = malloc(len), *want = malloc(len + 16), *got = malloc(len + 16), key[32],
		nonce[12], aad[100];
	struct aead_param p;
	key_serial_t k;
	CK_ULONG n;

	(void)state;
	assert_true(in != NULL && want != NULL && got != NULL);
	RAND_bytes_(in, len);
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(nonce, sizeof(nonce));
	RAND_bytes_(aad, sizeof(aad));
	k = add_test_key("logon", "p11test:aead-big", key, 32, KEY_SPEC_SESSION_KEYRING);
	aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, sizeof(aad), 16, 0, false);
	assert_int_equal(openssl_aead(CKM_AES_GCM, true, key, 32, nonce, 12, aad, sizeof(aad), 16,
				      in, len, want),
			 len + 16);
	/* One shot. */
	assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = len + 16;
	assert_rv(p11->C_Encrypt(h, in, len, got, &n), CKR_OK);
	assert_int_equal(n, len + 16);
	if (memcmp(got, want, len + 16) != 0)
		fail_msg("1 MiB GCM encryption differs from OpenSSL from byte %zu on",
			 first_diff(got, want, len + 16));
	/* Multi-part, in 64 KiB pieces. */
	memset(got, 0, len + 16);
	assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	for (size_t off = 0; off < len; off += 65536) {
		n = 0;
		assert_rv(p11->C_EncryptUpdate(h, in + off, 65536, got, &n), CKR_OK);
		assert_int_equal(n, 0);
	}
	n = len + 16;
	assert_rv(p11->C_EncryptFinal(h, got, &n), CKR_OK);
	assert_int_equal(n, len + 16);
	if (memcmp(got, want, len + 16) != 0)
		fail_msg("1 MiB GCM multi-part encryption differs from OpenSSL from byte %zu on",
			 first_diff(got, want, len + 16));
	/* Decrypt in place. */
	assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = len + 16;
	assert_rv(p11->C_Decrypt(h, got, len + 16, got, &n), CKR_OK);
	assert_int_equal(n, len);
	if (memcmp(got, in, len) != 0)
		fail_msg("1 MiB GCM decryption: no round trip");
	/* ... and a tampered one, with nothing written. */
	want[len / 2] ^= 1;
	memset(got, 0xa5, len);
	assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = len + 16;
	assert_rv(p11->C_Decrypt(h, want, len + 16, got, &n), CKR_ENCRYPTED_DATA_INVALID);
	for (size_t i = 0; i < len; i++)
		if (got[i] != 0xa5)
			fail_msg("tampered 1 MiB GCM message: output byte %zu written", i);
	drop_key(k);
	free(in);
	free(want);
	free(got);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_mac_aead_mechanism_info(void **state)
{
	static const struct {
		CK_MECHANISM_TYPE mech;
		CK_ULONG min, max;
		CK_FLAGS flags;
	} want[] = {
		{CKM_SHA_1_HMAC, 1, 32767, CKF_SIGN | CKF_VERIFY},
		{CKM_SHA256_HMAC_GENERAL, 1, 32767, CKF_SIGN | CKF_VERIFY},
		{CKM_SHA512_HMAC, 1, 32767, CKF_SIGN | CKF_VERIFY},
		{CKM_AES_CMAC, 16, 32, CKF_SIGN | CKF_VERIFY},
		{CKM_AES_CMAC_GENERAL, 16, 32, CKF_SIGN | CKF_VERIFY},
		{CKM_AES_GCM, 16, 32, CKF_ENCRYPT | CKF_DECRYPT},
		{CKM_AES_CCM, 16, 32, CKF_ENCRYPT | CKF_DECRYPT},
		{CKM_CHACHA20_POLY1305, 32, 32, CKF_ENCRYPT | CKF_DECRYPT},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CK_MECHANISM_INFO info;

		assert_rv(p11->C_GetMechanismInfo(SESSION_SLOT, want[i].mech, &info), CKR_OK);
		assert_int_equal(info.ulMinKeySize, want[i].min);
		assert_int_equal(info.ulMaxKeySize, want[i].max);
		assert_int_equal(info.flags, want[i].flags);
	}
}

static int
run_mac_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_aead_mechanism_info),
		cmocka_unit_test(test_mac_known_answers),
		cmocka_unit_test(test_mac_against_openssl),
		cmocka_unit_test(test_mac_verify_rules),
		cmocka_unit_test(test_mac_length_protocol),
		cmocka_unit_test(test_mac_keys_and_params),
		cmocka_unit_test(test_aead_known_answers),
		cmocka_unit_test(test_aead_against_openssl),
		cmocka_unit_test(test_aead_tampering),
		cmocka_unit_test(test_aead_params),
		cmocka_unit_test(test_aead_length_protocol),
		cmocka_unit_test(test_aead_aad_copied),
		cmocka_unit_test(test_aead_sizes),
		cmocka_unit_test(test_aead_large),
	};

	if (!have_af_alg()) {
		fprintf(stderr, "test-api mac: this kernel has no AF_ALG; run it in the guest "
				"(make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	return cmocka_run_group_tests_name("api-mac", tests, keys_group_setup, group_teardown);
}

/* ------------------------------------------------------ mac-limit group */

/*
 * The AEAD message limit as a non-root uid: SO_*BUFFORCE is refused, so the
 * send and receive buffers are SO_*BUF clamped to net.core.[wr]mem_max,
 * doubled by the kernel. AAD + ciphertext + tag up to the smaller one works
 * both ways; one byte more is CKR_DATA_LEN_RANGE.
 */
static size_t
sysctl_max(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long v = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lu", &v), 1);
	fclose(f);
	if (v > (16ul << 20))
		v = 16ul << 20;
	return 2 * v;
}

static size_t
unprivileged_limit(void)
{
	size_t snd = sysctl_max("/proc/sys/net/core/wmem_max");
	size_t rcv = sysctl_max("/proc/sys/net/core/rmem_max");

	return snd < rcv ? snd : rcv;
}

static void
test_aead_limit(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t limit = unprivileged_limit(), aad_len = 64, len;
	uint8_t *in, *want, *got, key[16], nonce[12], aad[64];
	struct aead_param p;
	key_serial_t k;
	CK_OBJECT_HANDLE key_h;
	CK_ULONG n;

	(void)state;
	if (geteuid() == 0)
		fail_msg("the mac-limit group must run as a non-root uid");
	in = malloc(limit + 16);
	want = malloc(limit + 32);
	got = malloc(limit + 32);
	assert_true(in != NULL && want != NULL && got != NULL);
	RAND_bytes_(in, limit + 16);
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(nonce, sizeof(nonce));
	RAND_bytes_(aad, sizeof(aad));
	k = add_test_key("logon", "p11test:limit", key, 16, KEY_SPEC_SESSION_KEYRING);
	key_h = (CK_OBJECT_HANDLE)k;
	aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, aad_len, 16, 0, false);

	/* One byte over: one shot, its length query, and multi-part at Update. */
	len = limit - aad_len - 16 + 1;
	assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_OK);
	n = 0;
	assert_rv(p11->C_Encrypt(h, in, len, NULL, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_OK);
	n = len + 32;
	assert_rv(p11->C_Encrypt(h, in, len, got, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_OK);
	n = 0;
	assert_rv(p11->C_EncryptUpdate(h, in, len - 1, got, &n), CKR_OK);
	n = 0;
	assert_rv(p11->C_EncryptUpdate(h, in, 1, got, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptFinal(h, got, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* AAD alone over the limit: refused at Init. */
	{
		uint8_t *big_aad = calloc(1, limit + 1);

		assert_non_null(big_aad);
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, big_aad, limit + 1, 16, 0, false);
		assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_MECHANISM_PARAM_INVALID);
		free(big_aad);
		aead_param_init(&p, CKM_AES_GCM, nonce, 12, aad, aad_len, 16, 0, false);
	}
	/* AAD, message and tag filling the limit exactly: both ways work, as
	 * OpenSSL does it; one more ciphertext byte does not decrypt. */
	len = limit - aad_len - 16;
	assert_int_equal(openssl_aead(CKM_AES_GCM, true, key, 16, nonce, 12, aad, aad_len, 16, in,
				      len + 1, want),
			 len + 17);
	assert_rv(p11->C_DecryptInit(h, &p.mech, key_h), CKR_OK);
	n = len + 32;
	assert_rv(p11->C_Decrypt(h, want, len + 17, got, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
	assert_int_equal(openssl_aead(CKM_AES_GCM, true, key, 16, nonce, 12, aad, aad_len, 16, in,
				      len, want),
			 len + 16);
	assert_rv(p11->C_EncryptInit(h, &p.mech, key_h), CKR_OK);
	n = len + 32;
	assert_rv(p11->C_Encrypt(h, in, len, got, &n), CKR_OK);
	assert_int_equal(n, len + 16);
	if (memcmp(got, want, len + 16) != 0)
		fail_msg("GCM of %zu bytes (the limit) differs from OpenSSL from byte %zu on", len,
			 first_diff(got, want, len + 16));
	assert_rv(p11->C_DecryptInit(h, &p.mech, key_h), CKR_OK);
	n = len + 32;
	assert_rv(p11->C_Decrypt(h, want, len + 16, got, &n), CKR_OK);
	assert_int_equal(n, len);
	if (memcmp(got, in, len) != 0)
		fail_msg("GCM decryption of %zu bytes: no round trip", len);
	drop_key(k);
	free(in);
	free(want);
	free(got);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static int
run_mac_limit_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aead_limit),
	};

	return cmocka_run_group_tests_name("api-mac-limit", tests, keys_group_setup,
					   group_teardown);
}
