/* SPDX-License-Identifier: MIT */
/*
 * The crypto tier of test-api.c (included there): every mechanism through
 * the module against published vectors and OpenSSL, in a kernel with AF_ALG.
 */

/* Known-answer vectors: NIST SP 800-38A appendix F, FIPS 180-2 appendix B. */
#define SP800_38A_PLAIN                                                                            \
	"6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"                         \
	"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
#define KEY128 "2b7e151628aed2a6abf7158809cf4f3c"
#define KEY256 "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
#define IV_CBC "000102030405060708090a0b0c0d0e0f"
#define IV_CTR "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

struct aes_kat {
	const char *name;
	CK_MECHANISM_TYPE mech;
	const char *key, *iv, *cipher;
};

static const struct aes_kat aes_kats[] = {
	{"F.1.1 ECB-AES128", CKM_AES_ECB, KEY128, NULL,
	 "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
	 "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"},
	{"F.1.5 ECB-AES256", CKM_AES_ECB, KEY256, NULL,
	 "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870"
	 "b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"},
	{"F.2.1 CBC-AES128", CKM_AES_CBC, KEY128, IV_CBC,
	 "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	 "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
	{"F.2.5 CBC-AES256", CKM_AES_CBC, KEY256, IV_CBC,
	 "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	 "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
	{"F.5.1 CTR-AES128", CKM_AES_CTR, KEY128, IV_CTR,
	 "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
	 "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
	{"F.5.5 CTR-AES256", CKM_AES_CTR, KEY256, IV_CTR,
	 "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
	 "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
};

/* The mechanism parameter for @mech with IV/counter block @iv. */
struct mech_param {
	CK_MECHANISM mech;
	CK_AES_CTR_PARAMS ctr;
	uint8_t iv[16];
};

static void
mech_param_init(struct mech_param *p, CK_MECHANISM_TYPE type, const uint8_t *iv)
{
	memset(p, 0, sizeof(*p));
	p->mech.mechanism = type;
	if (type == CKM_AES_CTR) {
		p->ctr.ulCounterBits = 128;
		memcpy(p->ctr.cb, iv, 16);
		p->mech.pParameter = &p->ctr;
		p->mech.ulParameterLen = sizeof(p->ctr);
	} else if (type != CKM_AES_ECB) {
		memcpy(p->iv, iv, 16);
		p->mech.pParameter = p->iv;
		p->mech.ulParameterLen = 16;
	}
}

static void
test_aes_known_answers(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t i = 0; i < sizeof(aes_kats) / sizeof(aes_kats[0]); i++) {
		const struct aes_kat *t = &aes_kats[i];
		uint8_t key[32], iv[16] = {0}, plain[64], want[64], got[64];
		size_t key_len, iv_len, plain_len, want_len;
		CK_ULONG got_len = sizeof(got);
		struct mech_param p;
		key_serial_t k;

		hex_decode(t->key, key, &key_len);
		if (t->iv != NULL)
			hex_decode(t->iv, iv, &iv_len);
		hex_decode(SP800_38A_PLAIN, plain, &plain_len);
		hex_decode(t->cipher, want, &want_len);
		k = add_test_key("logon", "p11test:kat", key, key_len, KEY_SPEC_SESSION_KEYRING);
		mech_param_init(&p, t->mech, iv);

		assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		assert_rv(p11->C_Encrypt(h, plain, plain_len, got, &got_len), CKR_OK);
		assert_int_equal(got_len, want_len);
		if (memcmp(got, want, want_len) != 0)
			fail_msg("%s: encryption differs from SP 800-38A", t->name);
		got_len = sizeof(got);
		assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		assert_rv(p11->C_Decrypt(h, want, want_len, got, &got_len), CKR_OK);
		assert_int_equal(got_len, plain_len);
		if (memcmp(got, plain, plain_len) != 0)
			fail_msg("%s: decryption differs from SP 800-38A", t->name);
		drop_key(k);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

struct sha_kat {
	CK_MECHANISM_TYPE mech;
	const char *msg, *digest;
};

#define MSG2 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
static const struct sha_kat sha_kats[] = {
	{CKM_SHA_1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
	{CKM_SHA_1, MSG2, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
	{CKM_SHA224, "abc", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"},
	{CKM_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{CKM_SHA256, MSG2, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	{CKM_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{CKM_SHA384, "abc",
	 "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	 "8086072ba1e7cc2358baeca134c825a7"},
	{CKM_SHA512, "abc",
	 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
};

static void
test_sha_known_answers(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t i = 0; i < sizeof(sha_kats) / sizeof(sha_kats[0]); i++) {
		const struct sha_kat *t = &sha_kats[i];
		CK_MECHANISM m = {t->mech, NULL, 0};
		uint8_t want[64], got[64];
		size_t want_len, msg_len = strlen(t->msg);
		CK_ULONG got_len = 0;

		hex_decode(t->digest, want, &want_len);
		/* One shot, with the length query first. */
		assert_rv(p11->C_DigestInit(h, &m), CKR_OK);
		assert_rv(p11->C_Digest(h, (CK_BYTE_PTR)t->msg, msg_len, NULL, &got_len), CKR_OK);
		assert_int_equal(got_len, want_len);
		got_len = want_len - 1;
		assert_rv(p11->C_Digest(h, (CK_BYTE_PTR)t->msg, msg_len, got, &got_len),
			  CKR_BUFFER_TOO_SMALL);
		assert_int_equal(got_len, want_len);
		assert_rv(p11->C_Digest(h, (CK_BYTE_PTR)t->msg, msg_len, got, &got_len), CKR_OK);
		assert_memory_equal(got, want, want_len);
		/* Byte by byte through DigestUpdate. */
		assert_rv(p11->C_DigestInit(h, &m), CKR_OK);
		for (size_t j = 0; j < msg_len; j++)
			assert_rv(p11->C_DigestUpdate(h, (CK_BYTE_PTR)t->msg + j, 1), CKR_OK);
		got_len = sizeof(got);
		assert_rv(p11->C_DigestFinal(h, got, &got_len), CKR_OK);
		assert_int_equal(got_len, want_len);
		assert_memory_equal(got, want, want_len);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* OpenSSL's answer for @mech (the reference). Returns the output length. */
static size_t
openssl_cipher(CK_MECHANISM_TYPE mech, bool encrypt, const uint8_t *key, size_t key_len,
	       const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	static const char *names[][3] = {
		{"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"},
		{"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"},
		{"AES-128-CTR", "AES-192-CTR", "AES-256-CTR"},
	};
	int row = mech == CKM_AES_ECB ? 0 : mech == CKM_AES_CTR ? 2 : 1;
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, names[row][(key_len - 16) / 8], NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;

	assert_non_null(c);
	assert_non_null(ctx);
	assert_int_equal(EVP_CipherInit_ex2(ctx, c, key, mech == CKM_AES_ECB ? NULL : iv,
					    encrypt ? 1 : 0, NULL),
			 1);
	EVP_CIPHER_CTX_set_padding(ctx, mech == CKM_AES_CBC_PAD);
	assert_int_equal(EVP_CipherUpdate(ctx, out, &n1, in, (int)len), 1);
	assert_int_equal(EVP_CipherFinal_ex(ctx, out + n1, &n2), 1);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return (size_t)(n1 + n2);
}

static uint32_t rng_state = 12345;
static uint32_t
rnd(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* The four entry points of one direction (encrypt or decrypt). */
struct cipher_calls {
	CK_RV (*init)(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
	CK_RV (*oneshot)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
	CK_RV (*update)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
	CK_RV (*final)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR);
};

static struct cipher_calls
cipher_calls(bool encrypt)
{
	if (encrypt)
		return (struct cipher_calls){p11->C_EncryptInit, p11->C_Encrypt,
					     p11->C_EncryptUpdate, p11->C_EncryptFinal};
	return (struct cipher_calls){p11->C_DecryptInit, p11->C_Decrypt, p11->C_DecryptUpdate,
				     p11->C_DecryptFinal};
}

/* Run @in through the module, one shot or in random pieces. */
static size_t
module_cipher(CK_SESSION_HANDLE h, const struct mech_param *p, CK_OBJECT_HANDLE key, bool encrypt,
	      bool pieces, const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	struct cipher_calls c = cipher_calls(encrypt);
	CK_ULONG n, done = 0;

	assert_rv(c.init(h, (CK_MECHANISM_PTR)&p->mech, key), CKR_OK);
	if (!pieces) {
		n = cap;
		assert_rv(c.oneshot(h, (CK_BYTE_PTR)in, len, out, &n), CKR_OK);
		return n;
	}
	for (size_t off = 0; off < len;) {
		size_t piece = rnd(3) == 0 ? rnd(40) : rnd(5000);

		if (piece > len - off)
			piece = len - off;
		n = cap - done;
		assert_rv(c.update(h, (CK_BYTE_PTR)in + off, piece, out + done, &n), CKR_OK);
		done += n;
		off += piece;
	}
	n = cap - done;
	assert_rv(c.final(h, out + done, &n), CKR_OK);
	return done + n;
}

static void
test_ciphers_against_openssl(void **state)
{
	static const CK_MECHANISM_TYPE mechs[] = {CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD,
						  CKM_AES_CTR};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t cap = 70000;
	uint8_t *in = malloc(cap), *want = malloc(cap + 16), *got = malloc(cap + 16);

	(void)state;
	for (int i = 0; i < 240; i++) {
		CK_MECHANISM_TYPE mech = mechs[i % 4];
		size_t key_len = 16 + 8 * (size_t)rnd(3), len, want_len, got_len;
		uint8_t key[32], iv[16];
		struct mech_param p;
		bool pieces = (i / 4) % 2;
		key_serial_t k;

		len = rnd(2) ? rnd(100) : rnd((uint32_t)cap - 16);
		if (mech == CKM_AES_ECB || mech == CKM_AES_CBC)
			len -= len % 16;
		RAND_bytes_(key, sizeof(key));
		RAND_bytes_(iv, sizeof(iv));
		RAND_bytes_(in, len);
		/* Half the keys are logon keys, half user keys. */
		k = add_test_key(i % 3 ? "logon" : "user", "p11test:rand", key, key_len,
				 KEY_SPEC_SESSION_KEYRING);
		mech_param_init(&p, mech, iv);

		want_len = openssl_cipher(mech, true, key, key_len, iv, in, len, want);
		got_len = module_cipher(h, &p, (CK_OBJECT_HANDLE)k, true, pieces, in, len, got,
					cap + 16);
		if (got_len != want_len || memcmp(got, want, want_len) != 0)
			fail_msg(
				"encrypt mech 0x%lx key %zu len %zu pieces %d: differs from OpenSSL",
				mech, key_len, len, pieces);
		got_len = module_cipher(h, &p, (CK_OBJECT_HANDLE)k, false, !pieces, want, want_len,
					got, cap + 16);
		if (got_len != len || memcmp(got, in, len) != 0)
			fail_msg("decrypt mech 0x%lx key %zu len %zu: no round trip", mech, key_len,
				 len);
		drop_key(k);
	}
	free(in);
	free(want);
	free(got);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_digests_against_openssl(void **state)
{
	static const struct {
		CK_MECHANISM_TYPE mech;
		const char *name;
	} digests[] = {
		{CKM_SHA_1, "SHA1"},	{CKM_SHA224, "SHA224"}, {CKM_SHA256, "SHA256"},
		{CKM_SHA384, "SHA384"}, {CKM_SHA512, "SHA512"},
	};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t cap = 300000;
	uint8_t *in = malloc(cap);

	(void)state;
	for (int i = 0; i < 40; i++) {
		CK_MECHANISM m = {digests[i % 5].mech, NULL, 0};
		uint8_t want[64], got[64];
		unsigned want_len;
		size_t len = rnd(2) ? rnd(300) : rnd((uint32_t)cap);
		CK_ULONG got_len = sizeof(got);

		RAND_bytes_(in, len);
		assert_int_equal(EVP_Digest(in, len, want, &want_len,
					    EVP_get_digestbyname(digests[i % 5].name), NULL),
				 1);
		assert_rv(p11->C_DigestInit(h, &m), CKR_OK);
		if (i % 2) {
			assert_rv(p11->C_Digest(h, in, len, got, &got_len), CKR_OK);
		} else {
			for (size_t off = 0; off < len;) {
				size_t piece = rnd(70000);

				if (piece > len - off)
					piece = len - off;
				assert_rv(p11->C_DigestUpdate(h, in + off, piece), CKR_OK);
				off += piece;
			}
			assert_rv(p11->C_DigestFinal(h, got, &got_len), CKR_OK);
		}
		assert_int_equal(got_len, want_len);
		assert_memory_equal(got, want, want_len);
	}
	free(in);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* A megabyte in one call: several socket-buffer-sized requests inside. */
static void
test_large_message(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	size_t len = 1 << 20;
	uint8_t *in = malloc(len), *want = malloc(len + 16), *got = malloc(len + 16), key[32],
		iv[16];
	struct mech_param p;
	key_serial_t k;
	CK_ULONG got_len = len + 16;

	(void)state;
	RAND_bytes_(in, len);
	RAND_bytes_(key, 32);
	RAND_bytes_(iv, 16);
	k = add_test_key("logon", "p11test:big", key, 32, KEY_SPEC_SESSION_KEYRING);
	mech_param_init(&p, CKM_AES_CBC_PAD, iv);
	assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Encrypt(h, in, len, got, &got_len), CKR_OK);
	assert_int_equal(got_len, len + 16);
	assert_int_equal(openssl_cipher(CKM_AES_CBC_PAD, true, key, 32, iv, in, len, want),
			 len + 16);
	assert_memory_equal(got, want, len + 16);
	/* In place: output over input. */
	assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Decrypt(h, got, len + 16, got, &got_len), CKR_OK);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, in, len);
	drop_key(k);
	free(in);
	free(want);
	free(got);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_length_protocol(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t plain[17] = "seventeen bytes!!", ct[32], pt[32], iv[16] = {1};
	struct mech_param p;
	CK_ULONG n;
	key_serial_t k;

	(void)state;
	k = add_test_key("logon", "p11test:len", key32, 16, KEY_SPEC_SESSION_KEYRING);
	mech_param_init(&p, CKM_AES_CBC_PAD, iv);
	assert_rv(p11->C_EncryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Encrypt(h, plain, 17, NULL, NULL), CKR_ARGUMENTS_BAD);
	n = 0;
	assert_rv(p11->C_Encrypt(h, plain, 17, NULL, &n), CKR_OK);
	assert_int_equal(n, 32);
	n = 31;
	assert_rv(p11->C_Encrypt(h, plain, 17, ct, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 32);
	assert_rv(p11->C_Encrypt(h, plain, 17, ct, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_rv(p11->C_Encrypt(h, plain, 17, ct, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* Decryption reports the exact plaintext length, before and after a short buffer. */
	assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = 0;
	assert_rv(p11->C_Decrypt(h, ct, 32, NULL, &n), CKR_OK);
	assert_int_equal(n, 17);
	n = 16;
	assert_rv(p11->C_Decrypt(h, ct, 32, pt, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 17);
	assert_rv(p11->C_Decrypt(h, ct, 32, pt, &n), CKR_OK);
	assert_int_equal(n, 17);
	assert_memory_equal(pt, plain, 17);

	/* Update and Final follow the same rules. */
	assert_rv(p11->C_DecryptInit(h, &p.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = 0;
	assert_rv(p11->C_DecryptUpdate(h, ct, 32, NULL, &n), CKR_OK);
	assert_int_equal(n, 16); /* the last block waits for Final */
	n = 15;
	assert_rv(p11->C_DecryptUpdate(h, ct, 32, pt, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 16);
	assert_rv(p11->C_DecryptUpdate(h, ct, 32, pt, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_rv(p11->C_Decrypt(h, ct, 32, pt, &n), CKR_OPERATION_ACTIVE);
	n = 0;
	assert_rv(p11->C_DecryptFinal(h, pt + 16, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 1);
	assert_rv(p11->C_DecryptFinal(h, pt + 16, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_memory_equal(pt, plain, 17);
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_bad_lengths_and_padding(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t buf[64] = {0}, out[64], iv[16] = {0};
	struct mech_param ecb, cbc, pad;
	CK_ULONG n = sizeof(out);
	key_serial_t k;

	(void)state;
	k = add_test_key("logon", "p11test:bad", key32, 32, KEY_SPEC_SESSION_KEYRING);
	mech_param_init(&ecb, CKM_AES_ECB, iv);
	mech_param_init(&cbc, CKM_AES_CBC, iv);
	mech_param_init(&pad, CKM_AES_CBC_PAD, iv);

	assert_rv(p11->C_EncryptInit(h, &ecb.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Encrypt(h, buf, 15, out, &n), CKR_DATA_LEN_RANGE);
	/* The error ended the operation. */
	assert_rv(p11->C_Encrypt(h, buf, 16, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_DecryptInit(h, &cbc.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Decrypt(h, buf, 17, out, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
	assert_rv(p11->C_DecryptInit(h, &pad.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Decrypt(h, buf, 0, out, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
	/* Multi-part: a ragged total is caught at Final. */
	assert_rv(p11->C_EncryptInit(h, &cbc.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, buf, 20, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	n = sizeof(out);
	assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* Decrypting garbage with CBC-PAD: bad padding, never silent garbage. */
	for (int i = 0; i < 32; i++) {
		uint8_t ct[32];
		CK_RV rv;

		RAND_bytes_(ct, sizeof(ct));
		n = sizeof(out);
		assert_rv(p11->C_DecryptInit(h, &pad.mech, (CK_OBJECT_HANDLE)k), CKR_OK);
		rv = p11->C_Decrypt(h, ct, 32, out, &n);
		if (rv == CKR_OK) {
			/* Valid padding by chance: then OpenSSL agrees on the result. */
			uint8_t want[32];

			assert_int_equal(
				openssl_cipher(CKM_AES_CBC_PAD, false, key32, 32, iv, ct, 32, want),
				n);
			assert_memory_equal(out, want, n);
		} else {
			assert_rv(rv, CKR_ENCRYPTED_DATA_INVALID);
		}
	}
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_bad_mechanisms(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t iv[17] = {0};
	CK_AES_CTR_PARAMS ctr = {0, {0}};
	CK_MECHANISM m;
	key_serial_t k;
	CK_OBJECT_HANDLE key;

	(void)state;
	k = add_test_key("logon", "p11test:mech", key32, 16, KEY_SPEC_SESSION_KEYRING);
	key = (CK_OBJECT_HANDLE)k;
	assert_rv(p11->C_EncryptInit(h, NULL, key), CKR_ARGUMENTS_BAD);
	m = (CK_MECHANISM){CKM_AES_CBC, iv, 15};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_CBC, iv, 17};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_CBC_PAD, NULL, 16};
	assert_rv(p11->C_DecryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_ECB, iv, 16};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_CTR, &ctr, sizeof(ctr)};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID); /* 0 bits */
	ctr.ulCounterBits = 129;
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_AES_CTR, iv, 16};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_PARAM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256, NULL, 0};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_INVALID);
	m = (CK_MECHANISM){CKM_AES_ECB, NULL, 0};
	assert_rv(p11->C_DigestInit(h, &m), CKR_MECHANISM_INVALID);
	m = (CK_MECHANISM){CKM_DES3_CBC, iv, 8};
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_MECHANISM_INVALID);
	m = (CK_MECHANISM){CKM_SHA256, iv, 4};
	assert_rv(p11->C_DigestInit(h, &m), CKR_MECHANISM_PARAM_INVALID);

	/* Operation rules: one at a time, of the kind that was started. */
	m = (CK_MECHANISM){CKM_AES_ECB, NULL, 0};
	assert_rv(p11->C_Encrypt(h, iv, 16, iv, &(CK_ULONG){16}), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_OK);
	assert_rv(p11->C_EncryptInit(h, &m, key), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_DigestInit(h, &(CK_MECHANISM){CKM_SHA256, NULL, 0}), CKR_OPERATION_ACTIVE);
	assert_rv(p11->C_Decrypt(h, iv, 16, iv, &(CK_ULONG){16}), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_DigestFinal(h, iv, &(CK_ULONG){16}), CKR_OPERATION_NOT_INITIALIZED);
	/* Closing the session with an operation in progress is clean. */
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	drop_key(k);
}

static void
test_bad_keys(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t iv[16] = {0};
	CK_MECHANISM m = {CKM_AES_CBC, iv, 16};
	key_serial_t generic, revoked, ring, inner, gone, expired;

	(void)state;
	generic = add_test_key("logon", "p11test:generic", key32, 10, KEY_SPEC_SESSION_KEYRING);
	revoked = add_test_key("logon", "p11test:revoked", key32, 16, KEY_SPEC_SESSION_KEYRING);
	ring = add_test_key("keyring", "p11test-sub", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	inner = add_test_key("logon", "p11test:inner", key32, 16, ring);
	gone = add_test_key("logon", "p11test:gone", key32, 16, KEY_SPEC_SESSION_KEYRING);
	expired = add_test_key("logon", "p11test:expired", key32, 16, KEY_SPEC_SESSION_KEYRING);

	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)generic), CKR_KEY_TYPE_INCONSISTENT);
	assert_rv(p11->C_EncryptInit(h, &m, 0), CKR_KEY_HANDLE_INVALID);
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)ring), CKR_KEY_HANDLE_INVALID);
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)inner), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(keyctl_revoke(revoked), 0);
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)revoked), CKR_KEY_HANDLE_INVALID);
	/* Unlinked from the token's keyring, though still alive in another. */
	assert_int_equal(keyctl_link(gone, ring), 0);
	assert_int_equal(keyctl_unlink(gone, KEY_SPEC_SESSION_KEYRING), 0);
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)gone), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(keyctl_set_timeout(expired, 1), 0);
	sleep(2);
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)expired), CKR_KEY_HANDLE_INVALID);
	/* A key in the user keyring belongs to the user token only. */
	{
		key_serial_t u =
			add_test_key("logon", "p11test:u", key32, 16, KEY_SPEC_USER_KEYRING);
		CK_SESSION_HANDLE hu = open_session(USER_SLOT);
		uint8_t out[16], want[16];
		CK_ULONG n = sizeof(out);

		assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)u), CKR_KEY_HANDLE_INVALID);
		/* Usable from the user token though this session keyring does not link @u. */
		assert_rv(p11->C_EncryptInit(hu, &m, (CK_OBJECT_HANDLE)u), CKR_OK);
		assert_rv(p11->C_Encrypt(hu, iv, 16, out, &n), CKR_OK);
		assert_int_equal(openssl_cipher(CKM_AES_CBC, true, key32, 16, iv, iv, 16, want),
				 16);
		assert_memory_equal(out, want, 16);
		keyctl_unlink(u, KEY_SPEC_USER_KEYRING);
		assert_rv(p11->C_CloseSession(hu), CKR_OK);
	}
	drop_key(generic);
	drop_key(inner);
	drop_key(ring);
	drop_key(gone);
	drop_key(revoked);
	drop_key(expired);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/*
 * CTR with a 32-bit counter: PKCS#11 wraps within the counter bits, the
 * kernel carries into the nonce. The module must refuse the message that
 * would wrap rather than return a result that differs from the standard.
 */
static void
test_ctr_counter_wrap(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_AES_CTR_PARAMS ctr = {32, {0}};
	CK_MECHANISM m = {CKM_AES_CTR, &ctr, sizeof(ctr)};
	uint8_t in[48] = {0}, out[48], want[48];
	CK_ULONG n = sizeof(out);
	key_serial_t k;

	(void)state;
	k = add_test_key("logon", "p11test:ctr", key32, 16, KEY_SPEC_SESSION_KEYRING);
	memset(ctr.cb + 12, 0xff, 4); /* last counter value before the wrap */
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)k), CKR_OK);
	assert_rv(p11->C_Encrypt(h, in, 17, out, &n), CKR_DATA_LEN_RANGE);
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Encrypt(h, in, 16, out, &n), CKR_OK);
	assert_int_equal(openssl_cipher(CKM_AES_CTR, true, key32, 16, ctr.cb, in, 16, want), 16);
	assert_memory_equal(out, want, 16);
	/* Multi-part: the second block is refused at Update. */
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, in, 16, out, &n), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, in, 16, out, &n), CKR_DATA_LEN_RANGE);
	/* 128 counter bits: the whole block counts, as in the kernel. */
	ctr.ulCounterBits = 128;
	assert_rv(p11->C_EncryptInit(h, &m, (CK_OBJECT_HANDLE)k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Encrypt(h, in, 48, out, &n), CKR_OK);
	assert_int_equal(openssl_cipher(CKM_AES_CTR, true, key32, 16, ctr.cb, in, 48, want), 48);
	assert_memory_equal(out, want, 48);
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/*
 * PKCS#11 v3.0 C_SessionCancel of running operations: the named one ends (its
 * next call finds none), others stay, and the session starts the next one
 * clean (its output equals OpenSSL's).
 */
static void
test_session_cancel_operations(void **state)
{
	static const uint8_t iv[16] = "fedcba9876543210";
	uint8_t in[48], out[64], want[64];
	CK_MECHANISM cbc = {CKM_AES_CBC_PAD, (void *)iv, 16}, sha = {CKM_SHA256, NULL, 0};
	CK_MECHANISM hmac = {CKM_SHA256_HMAC, NULL, 0};
	CK_RV (*get)(CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS);
	CK_VERSION v30 = {3, 0};
	CK_INTERFACE *iface = NULL;
	CK_FUNCTION_LIST_3_0 *l30;
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT), other = open_session(SESSION_SLOT);
	CK_ULONG n;
	unsigned want_len;
	size_t mac_len;
	key_serial_t k;

	(void)state;
	*(void **)&get = dlsym(module_handle, "C_GetInterface");
	assert_non_null(get);
	assert_rv(get((CK_UTF8CHAR_PTR) "PKCS 11", &v30, &iface, 0), CKR_OK);
	l30 = iface->pFunctionList;
	RAND_bytes_(in, sizeof(in));
	k = add_test_key("logon", "p11test:cancel-aes", key32, 32, KEY_SPEC_SESSION_KEYRING);

	/* An encryption half done: other flags, and another session's cancel, leave it. */
	assert_rv(p11->C_EncryptInit(h, &cbc, k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, in, 20, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_rv(l30->C_SessionCancel(h, CKF_DECRYPT | CKF_DIGEST | CKF_SIGN | CKF_FIND_OBJECTS),
		  CKR_OK);
	assert_rv(l30->C_SessionCancel(other, CKF_ENCRYPT), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, in + 20, 12, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	/* CKF_ENCRYPT ends it. */
	assert_rv(l30->C_SessionCancel(h, CKF_ENCRYPT), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_EncryptUpdate(h, in, 16, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	n = sizeof(out);
	assert_rv(p11->C_EncryptFinal(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* The next encryption owes nothing to the cancelled one. */
	assert_rv(p11->C_EncryptInit(h, &cbc, k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Encrypt(h, in, sizeof(in), out, &n), CKR_OK);
	assert_int_equal(openssl_cipher(CKM_AES_CBC_PAD, true, key32, 32, iv, in, sizeof(in), want),
			 n);
	assert_memory_equal(out, want, n);

	/* A decryption, by CKF_DECRYPT. */
	assert_rv(p11->C_DecryptInit(h, &cbc, k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_DecryptUpdate(h, want, 16, out, &n), CKR_OK);
	assert_rv(l30->C_SessionCancel(h, CKF_DECRYPT), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_DecryptFinal(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* A digest, by CKF_DIGEST; then SHA-256 of the whole input, as OpenSSL has it. */
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OK);
	assert_rv(p11->C_DigestUpdate(h, in, 7), CKR_OK);
	assert_rv(l30->C_SessionCancel(h, CKF_ENCRYPT), CKR_OK);
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OPERATION_ACTIVE);
	assert_rv(l30->C_SessionCancel(h, CKF_DIGEST), CKR_OK);
	assert_rv(p11->C_DigestUpdate(h, in, 7), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_DigestInit(h, &sha), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Digest(h, in, sizeof(in), out, &n), CKR_OK);
	assert_int_equal(EVP_Digest(in, sizeof(in), want, &want_len, EVP_sha256(), NULL), 1);
	assert_int_equal(n, want_len);
	assert_memory_equal(out, want, want_len);

	/* An HMAC, by CKF_SIGN; a verification, by CKF_VERIFY. */
	assert_rv(p11->C_SignInit(h, &hmac, k), CKR_OK);
	assert_rv(p11->C_SignUpdate(h, in, 5), CKR_OK);
	assert_rv(l30->C_SessionCancel(h, CKF_SIGN), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_SignFinal(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_SignInit(h, &hmac, k), CKR_OK);
	n = sizeof(out);
	assert_rv(p11->C_Sign(h, in, sizeof(in), out, &n), CKR_OK);
	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key32, 32, in, sizeof(in),
				  want, sizeof(want), &mac_len));
	assert_int_equal(n, mac_len);
	assert_memory_equal(out, want, mac_len);
	assert_rv(p11->C_VerifyInit(h, &hmac, k), CKR_OK);
	assert_rv(p11->C_VerifyUpdate(h, in, 5), CKR_OK);
	assert_rv(l30->C_SessionCancel(h, CKF_VERIFY), CKR_OK);
	assert_rv(p11->C_VerifyFinal(h, want, mac_len), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_VerifyInit(h, &hmac, k), CKR_OK);
	assert_rv(p11->C_Verify(h, in, sizeof(in), want, mac_len), CKR_OK);

	drop_key(k);
	assert_rv(p11->C_CloseSession(other), CKR_OK);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static int
run_crypto_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes_known_answers),
		cmocka_unit_test(test_sha_known_answers),
		cmocka_unit_test(test_ciphers_against_openssl),
		cmocka_unit_test(test_digests_against_openssl),
		cmocka_unit_test(test_large_message),
		cmocka_unit_test(test_length_protocol),
		cmocka_unit_test(test_bad_lengths_and_padding),
		cmocka_unit_test(test_bad_mechanisms),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_ctr_counter_wrap),
		cmocka_unit_test(test_session_cancel_operations),
	};

	if (!have_af_alg()) {
		fprintf(stderr, "test-api crypto: this kernel has no AF_ALG; run it in the guest "
				"(make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	return cmocka_run_group_tests_name("api-crypto", tests, group_setup, group_teardown);
}
