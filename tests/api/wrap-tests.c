/* SPDX-License-Identifier: MIT */
/*
 * The wrap tier of test-api.c (included there): C_WrapKey/C_UnwrapKey with
 * RFC 3394, RFC 5649 and CBC-PAD, against the RFCs' vectors and OpenSSL.
 */
#include <openssl/evp.h>

struct wrap_kat {
	const char *name;
	CK_MECHANISM_TYPE mech;
	const char *kek, *key, *wrapped;
};

static const struct wrap_kat wrap_kats[] = {
	{"RFC 3394 4.1", CKM_AES_KEY_WRAP, "000102030405060708090a0b0c0d0e0f",
	 "00112233445566778899aabbccddeeff", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"},
	{"RFC 3394 4.6", CKM_AES_KEY_WRAP,
	 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	 "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
	 "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"},
	{"RFC 5649 6 (20 bytes)", CKM_AES_KEY_WRAP_PAD,
	 "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
	 "c37b7e6492584340bed12207808941155068f738",
	 "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
	{"RFC 5649 6 (7 bytes)", CKM_AES_KEY_WRAP_PAD,
	 "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "466f7250617369",
	 "afbeb0f07dfbf5419200f2ccb50bb24f"},
};

/* An unwrap template: a session-keyring secret key of @type. */
#define UNWRAP_TEMPLATE(name, type_ptr)                                                            \
	CK_OBJECT_CLASS name##_class = CKO_SECRET_KEY;                                             \
	CK_ATTRIBUTE name[] = {                                                                    \
		{CKA_CLASS, &name##_class, sizeof(name##_class)},                                  \
		{CKA_KEY_TYPE, (type_ptr), sizeof(CK_KEY_TYPE)},                                   \
		{CKA_LABEL, "p11test:unwrapped", 17},                                              \
	}

static void
test_wrap_known_answers(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_KEY_TYPE generic = CKK_GENERIC_SECRET;

	(void)state;
	for (size_t i = 0; i < sizeof(wrap_kats) / sizeof(wrap_kats[0]); i++) {
		const struct wrap_kat *t = &wrap_kats[i];
		uint8_t kek[32], key[64], want[80], got[80];
		size_t kek_len, key_len, want_len;
		CK_MECHANISM m = {t->mech, NULL, 0};
		CK_ULONG n = 0;
		CK_OBJECT_HANDLE unwrapped;
		key_serial_t k, v;
		UNWRAP_TEMPLATE(tmpl, &generic);

		hex_decode(t->kek, kek, &kek_len);
		hex_decode(t->key, key, &key_len);
		hex_decode(t->wrapped, want, &want_len);
		k = add_test_key("logon", "p11test:kek", kek, kek_len, KEY_SPEC_SESSION_KEYRING);
		v = add_test_key("user", "p11test:data", key, key_len, KEY_SPEC_SESSION_KEYRING);
		assert_rv(p11->C_WrapKey(h, &m, (CK_OBJECT_HANDLE)k, (CK_OBJECT_HANDLE)v, NULL, &n),
			  CKR_OK);
		assert_int_equal(n, want_len);
		n = want_len - 1;
		assert_rv(p11->C_WrapKey(h, &m, (CK_OBJECT_HANDLE)k, (CK_OBJECT_HANDLE)v, got, &n),
			  CKR_BUFFER_TOO_SMALL);
		assert_int_equal(n, want_len);
		assert_rv(p11->C_WrapKey(h, &m, (CK_OBJECT_HANDLE)k, (CK_OBJECT_HANDLE)v, got, &n),
			  CKR_OK);
		assert_int_equal(n, want_len);
		if (memcmp(got, want, want_len) != 0)
			fail_msg("%s: wrapping differs from the RFC", t->name);
		/* Unwrap into a new (logon) key; read it back through a CBC encryption? It is
		 * a generic key: compare by wrapping it again with the same KEK. It is not
		 * extractable, so wrapping it must be refused. */
		assert_rv(p11->C_UnwrapKey(h, &m, (CK_OBJECT_HANDLE)k, want, want_len, tmpl, 3,
					   &unwrapped),
			  CKR_OK);
		assert_int_equal(ulong_attr(h, unwrapped, CKA_VALUE_LEN), key_len);
		assert_int_equal(bool_attr(h, unwrapped, CKA_SENSITIVE), CK_TRUE);
		n = sizeof(got);
		assert_rv(p11->C_WrapKey(h, &m, (CK_OBJECT_HANDLE)k, unwrapped, got, &n),
			  CKR_KEY_UNEXTRACTABLE);
		/* A flipped bit fails the integrity check. */
		want[want_len - 1] ^= 1;
		assert_rv(p11->C_UnwrapKey(h, &m, (CK_OBJECT_HANDLE)k, want, want_len, tmpl, 3,
					   &unwrapped),
			  CKR_WRAPPED_KEY_INVALID);
		drop_key(k);
		drop_key(v);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* OpenSSL's RFC 3394/5649 wrapping, the reference for random keys. */
static size_t
openssl_wrap(CK_MECHANISM_TYPE mech, const uint8_t *kek, size_t kek_len, const uint8_t *in,
	     size_t len, uint8_t *out)
{
	static const char *names[2][3] = {
		{"AES-128-WRAP", "AES-192-WRAP", "AES-256-WRAP"},
		{"AES-128-WRAP-PAD", "AES-192-WRAP-PAD", "AES-256-WRAP-PAD"},
	};
	EVP_CIPHER *c = EVP_CIPHER_fetch(
		NULL, names[mech == CKM_AES_KEY_WRAP_PAD][(kek_len - 16) / 8], NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;

	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex2(ctx, c, kek, NULL, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out, &n1, in, (int)len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + n1, &n2), 1);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return (size_t)(n1 + n2);
}

static void
test_wrap_against_openssl(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_KEY_TYPE aes = CKK_AES, generic = CKK_GENERIC_SECRET;

	(void)state;
	for (int i = 0; i < 60; i++) {
		CK_MECHANISM_TYPE mech = i % 3 == 0   ? CKM_AES_KEY_WRAP
					 : i % 3 == 1 ? CKM_AES_KEY_WRAP_PAD
						      : CKM_AES_CBC_PAD;
		size_t kek_len = 16 + 8 * (size_t)rnd(3), key_len, want_len;
		uint8_t kek[32], key[72], iv[16], want[96], got[96];
		CK_MECHANISM m = {mech, NULL, 0};
		CK_ULONG n = sizeof(got);
		CK_OBJECT_HANDLE unwrapped, again;
		key_serial_t k, v;
		UNWRAP_TEMPLATE(tmpl, &generic);

		key_len = mech == CKM_AES_KEY_WRAP ? 16 + 8 * (size_t)rnd(7) : 1 + rnd(64);
		RAND_bytes_(kek, sizeof(kek));
		RAND_bytes_(key, key_len);
		RAND_bytes_(iv, sizeof(iv));
		if (mech == CKM_AES_CBC_PAD) {
			m.pParameter = iv;
			m.ulParameterLen = 16;
			want_len = openssl_cipher(CKM_AES_CBC_PAD, true, kek, kek_len, iv, key,
						  key_len, want);
		} else {
			want_len = openssl_wrap(mech, kek, kek_len, key, key_len, want);
		}
		k = add_test_key("logon", "p11test:kek", kek, kek_len, KEY_SPEC_SESSION_KEYRING);
		v = add_test_key("user", "p11test:data", key, key_len, KEY_SPEC_SESSION_KEYRING);
		assert_rv(p11->C_WrapKey(h, &m, (CK_OBJECT_HANDLE)k, (CK_OBJECT_HANDLE)v, got, &n),
			  CKR_OK);
		assert_int_equal(n, want_len);
		if (memcmp(got, want, want_len) != 0)
			fail_msg("mech 0x%lx kek %zu key %zu: differs from OpenSSL", mech, kek_len,
				 key_len);
		/* Unwrap as an extractable key, then wrap that again: the same bytes. */
		{
			CK_BBOOL yes = CK_TRUE;
			CK_ATTRIBUTE x[] = {tmpl[0], tmpl[1], tmpl[2], {CKA_EXTRACTABLE, &yes, 1}};

			assert_rv(p11->C_UnwrapKey(h, &m, (CK_OBJECT_HANDLE)k, want, want_len, x, 4,
						   &unwrapped),
				  CKR_OK);
		}
		n = sizeof(got);
		assert_rv(p11->C_WrapKey(h, &m, (CK_OBJECT_HANDLE)k, unwrapped, got, &n), CKR_OK);
		assert_int_equal(n, want_len);
		assert_memory_equal(got, want, want_len);
		/* An AES template for a length AES cannot have is inconsistent. */
		if (key_len != 16 && key_len != 24 && key_len != 32) {
			UNWRAP_TEMPLATE(bad, &aes);

			assert_rv(p11->C_UnwrapKey(h, &m, (CK_OBJECT_HANDLE)k, want, want_len, bad,
						   3, &again),
				  CKR_TEMPLATE_INCONSISTENT);
		}
		assert_rv(p11->C_DestroyObject(h, unwrapped), CKR_OK);
		drop_key(k);
		drop_key(v);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_wrap_refusals(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0}, ecb = {CKM_AES_ECB, NULL, 0};
	CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
	uint8_t out[64];
	CK_ULONG n = sizeof(out);
	CK_OBJECT_HANDLE x;
	key_serial_t kek, logon, user, odd, hmac;
	UNWRAP_TEMPLATE(tmpl, &generic);

	(void)state;
	kek = add_test_key("logon", "p11test:kek", key32, 16, KEY_SPEC_SESSION_KEYRING);
	logon = add_test_key("logon", "p11test:secret", key32, 32, KEY_SPEC_SESSION_KEYRING);
	user = add_test_key("user", "p11test:plain", key32, 32, KEY_SPEC_SESSION_KEYRING);
	odd = add_test_key("user", "p11test:odd", key32, 20, KEY_SPEC_SESSION_KEYRING);
	hmac = add_test_key("logon", "p11test:generic-kek", key32, 20, KEY_SPEC_SESSION_KEYRING);

	/* A logon key's bytes never leave the kernel. */
	assert_rv(p11->C_WrapKey(h, &kw, (CK_OBJECT_HANDLE)kek, (CK_OBJECT_HANDLE)logon, out, &n),
		  CKR_KEY_UNEXTRACTABLE);
	/* RFC 3394 wraps whole semiblocks only; RFC 5649 pads. */
	assert_rv(p11->C_WrapKey(h, &kw, (CK_OBJECT_HANDLE)kek, (CK_OBJECT_HANDLE)odd, out, &n),
		  CKR_KEY_SIZE_RANGE);
	assert_rv(p11->C_WrapKey(h, &ecb, (CK_OBJECT_HANDLE)kek, (CK_OBJECT_HANDLE)user, out, &n),
		  CKR_MECHANISM_INVALID);
	assert_rv(p11->C_WrapKey(h, &kw, 0, (CK_OBJECT_HANDLE)user, out, &n),
		  CKR_WRAPPING_KEY_HANDLE_INVALID);
	assert_rv(p11->C_WrapKey(h, &kw, (CK_OBJECT_HANDLE)hmac, (CK_OBJECT_HANDLE)user, out, &n),
		  CKR_WRAPPING_KEY_TYPE_INCONSISTENT);
	assert_rv(p11->C_WrapKey(h, &kw, (CK_OBJECT_HANDLE)kek, 0, out, &n),
		  CKR_KEY_HANDLE_INVALID);
	assert_rv(p11->C_UnwrapKey(h, &kw, (CK_OBJECT_HANDLE)kek, out, 12, tmpl, 3, &x),
		  CKR_WRAPPED_KEY_LEN_RANGE);
	assert_rv(p11->C_UnwrapKey(h, &kw, 0, out, 24, tmpl, 3, &x),
		  CKR_UNWRAPPING_KEY_HANDLE_INVALID);
	/* A KEK without CKA_WRAP (made with CKA_WRAP=FALSE) may not wrap. */
	{
		CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
		CK_KEY_TYPE aes = CKK_AES;
		CK_BBOOL no = CK_FALSE;
		CK_ATTRIBUTE t[] = {
			{CKA_CLASS, &klass, sizeof(klass)},
			{CKA_KEY_TYPE, &aes, sizeof(aes)},
			{CKA_VALUE, (void *)key32, 16},
			{CKA_WRAP, &no, 1},
			{CKA_UNWRAP, &no, 1},
		};
		CK_OBJECT_HANDLE nowrap;

		assert_rv(p11->C_CreateObject(h, t, 5, &nowrap), CKR_OK);
		assert_rv(p11->C_WrapKey(h, &kw, nowrap, (CK_OBJECT_HANDLE)user, out, &n),
			  CKR_KEY_FUNCTION_NOT_PERMITTED);
		assert_rv(p11->C_UnwrapKey(h, &kw, nowrap, out, 24, tmpl, 3, &x),
			  CKR_KEY_FUNCTION_NOT_PERMITTED);
		assert_rv(p11->C_DestroyObject(h, nowrap), CKR_OK);
	}
	drop_key(kek);
	drop_key(logon);
	drop_key(user);
	drop_key(odd);
	drop_key(hmac);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* C_DigestKey: a user key's bytes join the digest; a logon key's cannot. */
static void
test_digest_key(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_MECHANISM m = {CKM_SHA256, NULL, 0};
	uint8_t msg[23 + 20], want[32], got[32];
	unsigned want_len;
	CK_ULONG n = sizeof(got);
	key_serial_t user, logon;

	(void)state;
	user = add_test_key("user", "p11test:digestible", key32, 20, KEY_SPEC_SESSION_KEYRING);
	logon = add_test_key("logon", "p11test:indigestible", key32, 20, KEY_SPEC_SESSION_KEYRING);
	memcpy(msg, "data before the key:  ", 23);
	memcpy(msg + 23, key32, 20);
	assert_int_equal(EVP_Digest(msg, sizeof(msg), want, &want_len, EVP_sha256(), NULL), 1);
	assert_rv(p11->C_DigestKey(h, (CK_OBJECT_HANDLE)user), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_DigestInit(h, &m), CKR_OK);
	assert_rv(p11->C_DigestUpdate(h, msg, 23), CKR_OK);
	assert_rv(p11->C_DigestKey(h, (CK_OBJECT_HANDLE)user), CKR_OK);
	assert_rv(p11->C_DigestFinal(h, got, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_memory_equal(got, want, 32);
	assert_rv(p11->C_DigestInit(h, &m), CKR_OK);
	assert_rv(p11->C_DigestKey(h, (CK_OBJECT_HANDLE)logon), CKR_KEY_INDIGESTIBLE);
	assert_rv(p11->C_DigestFinal(h, got, &n), CKR_OPERATION_NOT_INITIALIZED);
	drop_key(user);
	drop_key(logon);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static int
run_wrap_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_known_answers),
		cmocka_unit_test(test_wrap_against_openssl),
		cmocka_unit_test(test_wrap_refusals),
		cmocka_unit_test(test_digest_key),
	};

	if (!have_af_alg()) {
		fprintf(stderr, "test-api wrap: this kernel has no AF_ALG; run it in the guest "
				"(make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	return cmocka_run_group_tests_name("api-wrap", tests, group_setup, group_teardown);
}
