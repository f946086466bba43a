/* SPDX-License-Identifier: MIT */
/* Unit tests of the pure parts: parsers, the length protocol, padding, tables. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/ckr.h"
#include "crypto/mechanism.h"
#include "crypto/padding.h"
#include "module/module.h"
#include "objects/attrs.h"
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
	};

	return cmocka_run_group_tests_name("unit", tests, NULL, NULL);
}
