/* SPDX-License-Identifier: MIT */
/* Unit tests of the pure parts: parsers, the length protocol, padding, tables. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/ckr.h"
#include "crypto/mechanism.h"
#include "crypto/padding.h"
#include "module/module.h"
#include "objects/attrs.h"
#include "objects/template.h"
#include "slots/key-desc.h"
#include "slots/keyring.h"

static void
test_describe_parse(void **state)
{
	struct key_desc d;
	static const char ok[] = "logon;0;0;3d010000;p11:semi;colon;x";

	(void)state;
	assert_int_equal(keyring_parse_description(ok, sizeof(ok), &d), 0); /* with NUL */
	assert_int_equal(d.type, KEY_TYPE_LOGON);
	assert_int_equal(d.uid, 0);
	assert_int_equal(d.perm, 0x3d010000);
	assert_int_equal(d.description_len, strlen("p11:semi;colon;x"));
	assert_string_equal(d.description, "p11:semi;colon;x");
	assert_int_equal(keyring_parse_description("user;1000;1000;3f010000;a\nb", 27, &d), 0);
	assert_int_equal(d.type, KEY_TYPE_USER);
	assert_int_equal(d.uid, 1000);
	assert_int_equal(d.description_len, 3);
	assert_int_equal(keyring_parse_description("asymmetric;0;0;39010000;x", 25, &d), 0);
	assert_int_equal(d.type, KEY_TYPE_OTHER);
}

static void
test_describe_parse_rejects(void **state)
{
	static const char *bad[] = {
		"",
		"user",
		"user;0;0;3f010000",		 /* no description field */
		"user;0;0;3f010000;",		 /* empty description */
		";0;0;3f010000;x",		 /* empty type */
		"user;-1;0;3f010000;x",		 /* signed uid */
		"user;0;0;3f01000;x",		 /* 7 hex digits */
		"user;0;0;3f0100000;x",		 /* 9 hex digits */
		"user;0;0;3g010000;x",		 /* not hex */
		"user;99999999999;0;3f010000;x", /* uid overflow */
		"user;;0;3f010000;x",		 /* empty uid */
	};
	struct key_desc d;
	char big[KEYRING_DESC_MAX + 64];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (keyring_parse_description(bad[i], strlen(bad[i]), &d) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	/* A NUL inside the description. */
	assert_int_equal(keyring_parse_description("user;0;0;3f010000;a\0b", 21, &d), -EINVAL);
	/* 4095 bytes of description is the most the kernel allows. */
	n = snprintf(big, sizeof(big), "user;0;0;3f010000;");
	memset(big + n, 'x', 4095);
	assert_int_equal(keyring_parse_description(big, (size_t)n + 4095, &d), 0);
	assert_int_equal(d.description_len, 4095);
	big[n + 4095] = 'x';
	assert_int_equal(keyring_parse_description(big, (size_t)n + 4096, &d), -EINVAL);
}

static void
test_output_buffer_check(void **state)
{
	uint8_t buf[8] = {0};
	CK_ULONG len;

	(void)state;
	assert_int_equal(output_buffer_check(buf, NULL, 4), CKR_ARGUMENTS_BAD);
	len = 0;
	assert_int_equal(output_buffer_check(NULL, &len, 32), CKR_OK);
	assert_int_equal(len, 32);
	len = 7;
	assert_int_equal(output_buffer_check(buf, &len, 8), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(len, 8);
	len = 8;
	assert_int_equal(output_buffer_check(buf, &len, 8), CKR_OK);
	len = 100;
	assert_int_equal(output_buffer_check(buf, &len, 0), CKR_OK);
	assert_int_equal(len, 0);
}

static void
test_pkcs7(void **state)
{
	uint8_t b[16];

	(void)state;
	for (size_t len = 0; len < 16; len++) {
		memset(b, 0xee, sizeof(b));
		pkcs7_pad(b, len, 16);
		assert_int_equal(b[15], 16 - len);
		assert_int_equal(pkcs7_unpad_len(b, 16), (long)len);
	}
	memset(b, 16, 16);
	assert_int_equal(pkcs7_unpad_len(b, 16), 0);
	b[15] = 0;
	assert_int_equal(pkcs7_unpad_len(b, 16), -1);
	b[15] = 17;
	assert_int_equal(pkcs7_unpad_len(b, 16), -1);
	memset(b, 3, 16);
	b[13] = 2; /* one bad padding byte */
	assert_int_equal(pkcs7_unpad_len(b, 16), -1);
	b[12] = 9; /* a data byte may be anything */
	b[13] = 3;
	assert_int_equal(pkcs7_unpad_len(b, 16), 13);
}

static void
test_attr_fill(void **state)
{
	CK_ULONG v = 7, out = 0;
	CK_ATTRIBUTE a = {CKA_CLASS, NULL, 0};

	(void)state;
	assert_int_equal(attr_fill(&a, &v, sizeof(v)), CKR_OK);
	assert_int_equal(a.ulValueLen, sizeof(v));
	a.pValue = &out;
	a.ulValueLen = 1;
	assert_int_equal(attr_fill(&a, &v, sizeof(v)), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(out, 0);
	a.ulValueLen = sizeof(out);
	assert_int_equal(attr_fill(&a, &v, sizeof(v)), CKR_OK);
	assert_int_equal(out, 7);
	assert_int_equal(attr_result(CKR_OK, CKR_ATTRIBUTE_SENSITIVE), CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(attr_result(CKR_BUFFER_TOO_SMALL, CKR_ATTRIBUTE_SENSITIVE),
			 CKR_BUFFER_TOO_SMALL);
}

static void
test_errno_mapping(void **state)
{
	(void)state;
	assert_int_equal(ckr_from_key_use_errno(ENOKEY), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(ckr_from_key_use_errno(EKEYREVOKED), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(ckr_from_key_use_errno(EKEYEXPIRED), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(ckr_from_key_use_errno(EACCES), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(ckr_from_key_use_errno(ENOPROTOOPT), CKR_KEY_TYPE_INCONSISTENT);
	assert_int_equal(ckr_from_key_use_errno(EINVAL), CKR_KEY_SIZE_RANGE);
	assert_int_equal(ckr_from_key_use_errno(EDQUOT), CKR_DEVICE_MEMORY);
	assert_int_equal(ckr_from_key_use_errno(ENOMEM), CKR_HOST_MEMORY);
	assert_int_equal(ckr_from_key_read_errno(ENOKEY), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(ckr_from_key_read_errno(EACCES), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(ckr_from_key_extract_errno(EKEYREVOKED), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(ckr_from_key_extract_errno(EACCES), CKR_KEY_UNEXTRACTABLE);
	assert_int_equal(ckr_from_key_extract_errno(EMFILE), CKR_HOST_MEMORY);
	assert_int_equal(ckr_from_crypto_errno(EBADMSG), CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(ckr_from_crypto_errno(EIO), CKR_DEVICE_ERROR);
	assert_string_equal(ckr_name(CKR_BUFFER_TOO_SMALL), "CKR_BUFFER_TOO_SMALL");
	assert_null(ckr_name(0x7fffffffUL));
}

/* Without probing, no mechanism is available: fail closed. */
static void
test_mechanisms_unprobed(void **state)
{
	(void)state;
	mechanism_forget();
	assert_null(mechanism_find(CKM_AES_CBC));
	assert_null(mechanism_available_at(0));
}

static void
test_key_desc_round_trip(void **state)
{
	static struct key_attrs a, b;
	char desc[KEY_DESC_MAX + 1];
	int n;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.key_type = CKK_SHA256_HMAC;
	a.value_len = 48;
	a.usage = USAGE_SIGN | USAGE_VERIFY;
	a.flags = FLAG_DESTROYABLE | FLAG_SENSITIVE | FLAG_LOCAL;
	memcpy(a.nonce, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	a.id[0] = 0x00;
	a.id[1] = 0xff;
	a.id_len = 2;
	a.label_len = 15;
	memcpy(a.label, "a;label=b\nc: 32", 16);
	n = key_desc_encode(&a, desc, sizeof(desc));
	assert_true(n > 0);
	assert_string_equal(desc, "pkcs11:n=0123456789abcdef;k=sha256-hmac;l=48;u=sv;f=dsl;id=00ff;"
				  "label=a;label=b\nc: 32");
	assert_int_equal(key_desc_decode(desc, (size_t)n, &b), 0);
	assert_int_equal(b.key_type, a.key_type);
	assert_int_equal(b.value_len, 48);
	assert_int_equal(b.usage, a.usage);
	assert_int_equal(b.flags, a.flags);
	assert_memory_equal(b.nonce, a.nonce, 8);
	assert_int_equal(b.id_len, 2);
	assert_memory_equal(b.id, a.id, 2);
	assert_int_equal(b.label_len, 15);
	assert_memory_equal(b.label, a.label, 15);
	assert_int_equal(b.session, 0);
	/* A session object records its session before the label. */
	a.session = 42;
	n = key_desc_encode(&a, desc, sizeof(desc));
	assert_non_null(strstr(desc, ";s=42;label="));
	assert_int_equal(key_desc_decode(desc, (size_t)n, &b), 0);
	assert_int_equal(b.session, 42);
	/* Any session handle, 20 digits too (fuzz/corpus/key-desc/crash-encode-session-20-digits).
	 */
	a.session = ULONG_MAX;
	n = key_desc_encode(&a, desc, sizeof(desc));
	assert_int_equal(key_desc_decode(desc, (size_t)n, &b), 0);
	assert_true(b.session == ULONG_MAX);
	a.session = 42;
	/* Never a description the decoder refuses (fuzz/corpus/key-desc/crash-encode-value-len-0).
	 */
	a.value_len = 0;
	assert_int_equal(key_desc_encode(&a, desc, sizeof(desc)), -EINVAL);
	a.value_len = 32768;
	assert_int_equal(key_desc_encode(&a, desc, sizeof(desc)), -EINVAL);
	a.value_len = 48;
	/* Too long for the kernel. */
	a.label_len = KEY_DESC_MAX;
	memset(a.label, 'x', KEY_DESC_MAX);
	assert_int_equal(key_desc_encode(&a, desc, sizeof(desc)), -EINVAL);
}

static void
test_key_desc_rejects(void **state)
{
	static const char *bad[] = {
		"svc:web-key",
		"pkcs11:",
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=cd;id=;",		  /* no label */
		"pkcs11:n=0123456789ABCDEF;k=aes;l=16;u=ed;f=cd;id=;label=x",	  /* upper hex */
		"pkcs11:n=0123456789abcde;k=aes;l=16;u=ed;f=cd;id=;label=x",	  /* 15 digits */
		"pkcs11:n=0123456789abcdef;k=des;l=16;u=ed;f=cd;id=;label=x",	  /* type */
		"pkcs11:n=0123456789abcdef;k=aes;l=016;u=ed;f=cd;id=;label=x",	  /* leading 0 */
		"pkcs11:n=0123456789abcdef;k=aes;l=0;u=ed;f=cd;id=;label=x",	  /* empty key */
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=de;f=cd;id=;label=x",	  /* order */
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=ee;f=cd;id=;label=x",	  /* twice */
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=cdq;id=;label=x",	  /* letter */
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=cd;id=0;label=x",	  /* odd hex */
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=cd;id=;s=0;label=x", /* session 0 */
		"pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=cd;id=;s=18446744073709551616;label=x",
		"pkcs11:n=0123456789abcdef;k=aes;l=32768;u=ed;f=cd;id=;label=x",
		"pkcs11:n=0123456789abcdef;l=16;k=aes;u=ed;f=cd;id=;label=x", /* order */
	};
	struct key_attrs *a = malloc(sizeof(*a));
	static const char ok[] = "pkcs11:n=0123456789abcdef;k=aes;l=16;u=;f=;id=;label=";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (key_desc_decode(bad[i], strlen(bad[i]), a) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	assert_int_equal(key_desc_decode(ok, strlen(ok), a), 0);
	assert_int_equal(a->usage, 0);
	assert_int_equal(a->label_len, 0);
	free(a);
}

static void
test_template_rules(void **state)
{
	static struct key_template t;
	CK_OBJECT_CLASS secret = CKO_SECRET_KEY, data = CKO_DATA;
	CK_KEY_TYPE aes = CKK_AES, generic = CKK_GENERIC_SECRET;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG len32 = 32, len15 = 15;
	uint8_t value[32] = {0};
	CK_ATTRIBUTE base[] = {
		{CKA_CLASS, &secret, sizeof(secret)},
		{CKA_KEY_TYPE, &aes, sizeof(aes)},
		{CKA_VALUE, value, 32},
		{CKA_LABEL, "k", 1},
	};

	(void)state;
	assert_int_equal(template_new_key(base, 4, TEMPLATE_CREATE, 0, &t), CKR_OK);
	assert_int_equal(t.storage, STORE_LOGON);
	assert_true(t.token);
	assert_int_equal(t.attrs.value_len, 32);
	assert_int_equal(t.attrs.usage, USAGE_ALL);
	assert_true(t.attrs.flags & FLAG_SENSITIVE);
	assert_false(t.attrs.flags & FLAG_EXTRACTABLE);
	assert_int_equal(template_new_key(base, 3, TEMPLATE_CREATE, 0, &t), CKR_OK);
	/* An empty label as NULL (fuzz/corpus/template/crash-label-null-empty: UBSan). */
	base[3].pValue = NULL;
	base[3].ulValueLen = 0;
	assert_int_equal(template_new_key(base, 4, TEMPLATE_CREATE, 0, &t), CKR_OK);
	assert_int_equal(t.attrs.label_len, 0);
	base[3].pValue = "k";
	base[3].ulValueLen = 1;
	assert_int_equal(template_new_key(base + 1, 3, TEMPLATE_CREATE, 0, &t),
			 CKR_TEMPLATE_INCOMPLETE);
	{
		CK_ATTRIBUTE x[] = {base[0], base[1], base[2], {CKA_EXTRACTABLE, &yes, 1}};

		assert_int_equal(template_new_key(x, 4, TEMPLATE_CREATE, 0, &t), CKR_OK);
		assert_int_equal(t.storage, STORE_USER);
		assert_false(t.attrs.flags & FLAG_SENSITIVE);
	}
	{
		CK_ATTRIBUTE x[] = {base[0],
				    base[1],
				    base[2],
				    {CKA_EXTRACTABLE, &yes, 1},
				    {CKA_SENSITIVE, &yes, 1}};

		assert_int_equal(template_new_key(x, 5, TEMPLATE_CREATE, 0, &t),
				 CKR_TEMPLATE_INCONSISTENT);
	}
	{
		CK_ATTRIBUTE x[] = {base[0], base[1], {CKA_VALUE, value, 15}};

		assert_int_equal(template_new_key(x, 3, TEMPLATE_CREATE, 0, &t),
				 CKR_ATTRIBUTE_VALUE_INVALID);
	}
	{
		CK_ATTRIBUTE x[] = {{CKA_CLASS, &data, sizeof(data)}, base[1], base[2]};

		assert_int_equal(template_new_key(x, 3, TEMPLATE_CREATE, 0, &t),
				 CKR_TEMPLATE_INCONSISTENT);
	}
	{
		CK_ATTRIBUTE x[] = {base[0], base[1], base[2], {CKA_LOCAL, &no, 1}};

		assert_int_equal(template_new_key(x, 4, TEMPLATE_CREATE, 0, &t),
				 CKR_ATTRIBUTE_READ_ONLY);
	}
	{
		CK_ATTRIBUTE x[] = {base[0], base[1], base[2], {CKA_TOKEN, &yes, 2}};

		assert_int_equal(template_new_key(x, 4, TEMPLATE_CREATE, 0, &t),
				 CKR_ATTRIBUTE_VALUE_INVALID);
	}
	{
		CK_ATTRIBUTE x[] = {base[0], base[1], base[2], {CKA_MODULUS, value, 4}};

		assert_int_equal(template_new_key(x, 4, TEMPLATE_CREATE, 0, &t),
				 CKR_ATTRIBUTE_TYPE_INVALID);
	}
	{
		CK_ATTRIBUTE x[] = {base[0], base[1], base[2], {CKA_LABEL, "a\0b", 3}};

		assert_int_equal(template_new_key(x, 4, TEMPLATE_CREATE, 0, &t),
				 CKR_ATTRIBUTE_VALUE_INVALID);
	}
	{
		CK_ATTRIBUTE x[] = {
			base[0], base[1], base[2], {CKA_TOKEN, &yes, 1}, {CKA_TOKEN, &no, 1}};

		assert_int_equal(template_new_key(x, 5, TEMPLATE_CREATE, 0, &t),
				 CKR_TEMPLATE_INCONSISTENT);
	}
	/* Generation. */
	{
		CK_ATTRIBUTE x[] = {{CKA_VALUE_LEN, &len32, sizeof(len32)}};
		CK_ATTRIBUTE y[] = {{CKA_VALUE_LEN, &len15, sizeof(len15)}};
		CK_ATTRIBUTE z[] = {{CKA_VALUE_LEN, &len32, sizeof(len32)},
				    {CKA_KEY_TYPE, &generic, sizeof(generic)}};
		CK_ATTRIBUTE v[] = {{CKA_VALUE_LEN, &len32, sizeof(len32)}, base[2]};

		assert_int_equal(template_new_key(x, 1, TEMPLATE_GENERATE, CKM_AES_KEY_GEN, &t),
				 CKR_OK);
		assert_int_equal(t.attrs.key_type, CKK_AES);
		assert_true(t.attrs.flags & FLAG_LOCAL);
		assert_int_equal(template_new_key(y, 1, TEMPLATE_GENERATE, CKM_AES_KEY_GEN, &t),
				 CKR_ATTRIBUTE_VALUE_INVALID);
		assert_int_equal(template_new_key(z, 2, TEMPLATE_GENERATE, CKM_AES_KEY_GEN, &t),
				 CKR_TEMPLATE_INCONSISTENT);
		assert_int_equal(
			template_new_key(z, 2, TEMPLATE_GENERATE, CKM_GENERIC_SECRET_KEY_GEN, &t),
			CKR_OK);
		assert_int_equal(template_new_key(v, 2, TEMPLATE_GENERATE, CKM_AES_KEY_GEN, &t),
				 CKR_ATTRIBUTE_READ_ONLY);
		assert_int_equal(template_new_key(NULL, 0, TEMPLATE_GENERATE, CKM_AES_KEY_GEN, &t),
				 CKR_TEMPLATE_INCOMPLETE);
	}
}

static void
test_template_change(void **state)
{
	static struct key_template cur, t;
	CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
	CK_KEY_TYPE aes = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	uint8_t value[16] = {0};
	CK_ATTRIBUTE create[] = {
		{CKA_CLASS, &secret, sizeof(secret)},
		{CKA_KEY_TYPE, &aes, sizeof(aes)},
		{CKA_VALUE, value, 16},
		{CKA_SENSITIVE, &no, 1},
		{CKA_LABEL, "old", 3},
	};
	CK_ATTRIBUTE same[] = {{CKA_LABEL, "old", 3}};
	CK_ATTRIBUTE relabel[] = {{CKA_LABEL, "new", 3}};
	CK_ATTRIBUTE klass[] = {{CKA_CLASS, &secret, sizeof(secret)}};
	CK_ATTRIBUTE protect[] = {{CKA_SENSITIVE, &yes, 1}};
	CK_ATTRIBUTE expose[] = {{CKA_EXTRACTABLE, &yes, 1}};
	CK_ATTRIBUTE both[] = {{CKA_SENSITIVE, &yes, 1}, {CKA_EXTRACTABLE, &yes, 1}};

	(void)state;
	assert_int_equal(template_new_key(create, 5, TEMPLATE_CREATE, 0, &cur), CKR_OK);
	assert_int_equal(cur.storage, STORE_USER);
	assert_int_equal(template_change_key(&cur, same, 1, TEMPLATE_SET, &t), CKR_OK);
	assert_true(template_same_key(&cur, &t));
	assert_int_equal(template_change_key(&cur, relabel, 1, TEMPLATE_SET, &t), CKR_OK);
	assert_false(template_same_key(&cur, &t));
	assert_int_equal(template_change_key(&cur, klass, 1, TEMPLATE_SET, &t),
			 CKR_ATTRIBUTE_READ_ONLY);
	/* A copy may become sensitive: then it is a logon key. */
	assert_int_equal(template_change_key(&cur, protect, 1, TEMPLATE_COPY, &t), CKR_OK);
	assert_int_equal(t.storage, STORE_LOGON);
	assert_true(t.attrs.flags & FLAG_SENSITIVE);
	/* ...but a sensitive key never becomes extractable. */
	assert_int_equal(template_change_key(&t, expose, 1, TEMPLATE_COPY, &cur),
			 CKR_ATTRIBUTE_READ_ONLY);
	/* Asked to be both: refused, as for a new key, not silently made a logon key
	 * (fuzz/corpus/api/crash-copy-sensitive-and-extractable). */
	assert_int_equal(template_new_key(create, 5, TEMPLATE_CREATE, 0, &cur), CKR_OK);
	assert_int_equal(template_change_key(&cur, both, 2, TEMPLATE_COPY, &t),
			 CKR_TEMPLATE_INCONSISTENT);
}

#include "config-tests.c"

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_parse),
		cmocka_unit_test(test_describe_parse_rejects),
		cmocka_unit_test(test_output_buffer_check),
		cmocka_unit_test(test_pkcs7),
		cmocka_unit_test(test_attr_fill),
		cmocka_unit_test(test_errno_mapping),
		cmocka_unit_test(test_mechanisms_unprobed),
		cmocka_unit_test(test_key_desc_round_trip),
		cmocka_unit_test(test_key_desc_rejects),
		cmocka_unit_test(test_template_rules),
		cmocka_unit_test(test_template_change),
		cmocka_unit_test(test_config_parse_good),
		cmocka_unit_test(test_config_parse_bad),
		cmocka_unit_test(test_config_parse_limits),
		cmocka_unit_test(test_config_sources),
	};

	return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
