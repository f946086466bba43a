/* SPDX-License-Identifier: MIT */
/*
 * The key-lifecycle tier of test-api.c (included there, after crypto-tests.c):
 * C_CreateObject, C_GenerateKey, C_DestroyObject, C_CopyObject,
 * C_SetAttributeValue and C_GetObjectSize against docs/keys.md, checked
 * through the module and, independently, through keyctl(2): the kernel is
 * the only store, so what the module says must be what the kernel holds.
 */

/* ------------------------------------------------------------------ helpers */

static CK_BBOOL v_true = CK_TRUE, v_false = CK_FALSE;
static uint8_t v_bool2[2] = {1, 0};
static CK_OBJECT_CLASS v_secret = CKO_SECRET_KEY, v_data = CKO_DATA;
static CK_KEY_TYPE v_aes = CKK_AES, v_generic = CKK_GENERIC_SECRET;
static CK_ULONG v_len16 = 16, v_len15 = 15, v_len0 = 0;
static CK_MECHANISM_TYPE v_aes_gen = CKM_AES_KEY_GEN;
static uint8_t v_check[3] = {1, 2, 3};
static char big_label[5000];

/* Template entries (kept on one line each: they are read as a table). */
/* clang-format off */
#define A_BOOL(type, v) {(type), (v) ? &v_true : &v_false, sizeof(CK_BBOOL)}
#define A_TRUE(type) {(type), &v_true, sizeof(CK_BBOOL)}
#define A_FALSE(type) {(type), &v_false, sizeof(CK_BBOOL)}
#define A_STR(type, s) {(type), (void *)(s), sizeof(s) - 1}
#define A_CLASS {CKA_CLASS, &v_secret, sizeof(CK_OBJECT_CLASS)}
#define A_AES {CKA_KEY_TYPE, &v_aes, sizeof(CK_KEY_TYPE)}
#define A_VALUE16 {CKA_VALUE, (void *)key32, 16}
#define A_LABEL A_STR(CKA_LABEL, "p11test:tmpl")
#define A_LEN16 {CKA_VALUE_LEN, &v_len16, sizeof(CK_ULONG)}
/* clang-format on */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The usage attributes in the order of the description's "u" letters. */
static const CK_ATTRIBUTE_TYPE usage_types[7] = {
	CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE,
};
static const char usage_letters[] = "edsvwux";
#define USE_E 0x01
#define USE_D 0x02
#define USE_ALL 0x7f

/* Seven explicit usage attributes into @t: bit i of @mask is usage_types[i]. */
static CK_ULONG
usage_attrs(CK_ATTRIBUTE *t, unsigned mask)
{
	for (unsigned i = 0; i < 7; i++)
		t[i] = (CK_ATTRIBUTE)A_BOOL(usage_types[i], mask & (1u << i));
	return 7;
}

/* The kernel's view of a key: type, perm and description. */
struct kkey {
	char type[32];
	char perm[16];
	char desc[4200];
	size_t desc_len;
};

/* False (errno set) when the kernel no longer has @k or will not describe it. */
static bool
kernel_key(key_serial_t k, struct kkey *out)
{
	char *d = NULL, *field[5];
	int n = keyctl_describe_alloc(k, &d);

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return false;
	/* "type;uid;gid;perm;description"; the description may hold ';'. */
	field[0] = d;
	for (int i = 1; i < 5; i++) {
		field[i] = strchr(field[i - 1], ';');
		if (field[i] == NULL)
			fail_msg("keyctl_describe(%d): malformed '%s'", k, d);
		*field[i]++ = '\0';
	}
	snprintf(out->type, sizeof(out->type), "%s", field[0]);
	snprintf(out->perm, sizeof(out->perm), "%s", field[3]);
	out->desc_len = strlen(field[4]);
	if (out->desc_len >= sizeof(out->desc))
		fail_msg("description of %d too long: %zu", k, out->desc_len);
	memcpy(out->desc, field[4], out->desc_len + 1);
	free(d);
	return true;
}

static bool
key_alive(key_serial_t k)
{
	struct kkey kk;

	return kernel_key(k, &kk);
}

/*
 * The live keys linked in @ring (up to @max into @out, if not NULL); returns
 * the count. An invalidated key stays linked until the kernel's garbage
 * collector runs, later: it is not counted (keyctl_describe fails on it).
 */
static size_t
ring_keys(key_serial_t ring, key_serial_t *out, size_t max)
{
	key_serial_t *keys = NULL;
	long n = keyctl_read_alloc(ring, (void **)&keys);
	size_t count = 0;

	if (n < 0)
		fail_msg("keyctl_read(%d): %s", ring, strerror(errno));
	for (size_t i = 0; i < (size_t)n / sizeof(key_serial_t); i++) {
		if (!key_alive(keys[i]))
			continue;
		if (out != NULL && count < max)
			out[count] = keys[i];
		count++;
	}
	free(keys);
	return count;
}

static bool
ring_has(key_serial_t ring, key_serial_t k)
{
	key_serial_t keys[512];
	size_t n = ring_keys(ring, keys, NELEM(keys));

	assert_true(n <= NELEM(keys));
	for (size_t i = 0; i < n; i++)
		if (keys[i] == k)
			return true;
	return false;
}

/*
 * The value of field @name of a module description ("k", "l", "u", "f",
 * "id", "s"), NUL-terminated into @out; false when absent. Only the part
 * before ";label=" is searched: the label may hold anything.
 */
static bool
desc_field(const char *desc, const char *name, char *out, size_t cap)
{
	char pat[16];
	const char *end = strstr(desc, ";label="), *p, *q;

	snprintf(pat, sizeof(pat), ";%s=", name);
	p = strstr(desc, pat);
	if (end == NULL || p == NULL || p >= end)
		return false;
	p += strlen(pat);
	q = strchr(p, ';');
	snprintf(out, cap, "%.*s", (int)(q - p), p);
	return true;
}

/*
 * Assert that @k is a kernel key of @type with a module description
 * "pkcs11:n=<16 lowercase hex>;...;label=<label>" and return it in @kk.
 */
static void
expect_module_key(key_serial_t k, const char *type, const void *label, size_t label_len,
		  struct kkey *kk)
{
	char suffix[5200];
	size_t slen;

	if (!kernel_key(k, kk))
		fail_msg("key %d: keyctl_describe: %s", k, strerror(errno));
	if (strcmp(kk->type, type) != 0)
		fail_msg("key %d: kernel type '%s', want '%s' (%s)", k, kk->type, type, kk->desc);
	if (strncmp(kk->desc, "pkcs11:n=", 9) != 0 || kk->desc_len < 9 + 16 + 1 ||
	    strspn(kk->desc + 9, "0123456789abcdef") != 16 || kk->desc[25] != ';')
		fail_msg("key %d: description '%s' does not start with pkcs11:n=<16 hex>;", k,
			 kk->desc);
	assert_true(label_len < 5000);
	memcpy(suffix, ";label=", 7);
	memcpy(suffix + 7, label, label_len);
	slen = 7 + label_len;
	if (kk->desc_len < slen || memcmp(kk->desc + kk->desc_len - slen, suffix, slen) != 0)
		fail_msg("key %d: description '%s' does not end with ';label=%.*s'", k, kk->desc,
			 (int)label_len, (const char *)label);
}

static void
expect_field(const struct kkey *kk, const char *name, const char *want)
{
	char got[256];

	if (!desc_field(kk->desc, name, got, sizeof(got)))
		fail_msg("description '%s' has no field %s=", kk->desc, name);
	if (strcmp(got, want) != 0)
		fail_msg("description '%s': %s=%s, want %s=%s", kk->desc, name, got, name, want);
}

/* C_CreateObject of a secret key: class, @type, @value and @label (if not NULL), then @extra. */
static CK_RV
create_rv(CK_SESSION_HANDLE h, CK_KEY_TYPE type, const void *value, size_t len, const char *label,
	  const CK_ATTRIBUTE *extra, CK_ULONG n_extra, CK_OBJECT_HANDLE *obj)
{
	CK_ATTRIBUTE t[40] = {
		{CKA_CLASS, &v_secret, sizeof(v_secret)},
		{CKA_KEY_TYPE, &type, sizeof(type)},
		{CKA_VALUE, (void *)value, len},
	};
	CK_ULONG n = 3;

	if (label != NULL)
		t[n++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
	assert_true(n + n_extra <= NELEM(t));
	if (n_extra > 0)
		memcpy(t + n, extra, n_extra * sizeof(*extra));
	*obj = CK_INVALID_HANDLE;
	return p11->C_CreateObject(h, t, n + n_extra, obj);
}

static CK_OBJECT_HANDLE
create_key(CK_SESSION_HANDLE h, CK_KEY_TYPE type, const void *value, size_t len, const char *label,
	   const CK_ATTRIBUTE *extra, CK_ULONG n_extra)
{
	CK_OBJECT_HANDLE obj;

	assert_rv(create_rv(h, type, value, len, label, extra, n_extra, &obj), CKR_OK);
	assert_true(obj != CK_INVALID_HANDLE && obj <= INT32_MAX);
	return obj;
}

/* C_GenerateKey with @mech, CKA_VALUE_LEN @len, @label (if not NULL), then @extra. */
static CK_RV
generate_rv(CK_SESSION_HANDLE h, CK_MECHANISM_TYPE mech, CK_ULONG len, const char *label,
	    const CK_ATTRIBUTE *extra, CK_ULONG n_extra, CK_OBJECT_HANDLE *obj)
{
	CK_MECHANISM m = {mech, NULL, 0};
	CK_ATTRIBUTE t[40] = {{CKA_VALUE_LEN, &len, sizeof(len)}};
	CK_ULONG n = 1;

	if (label != NULL)
		t[n++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
	assert_true(n + n_extra <= NELEM(t));
	if (n_extra > 0)
		memcpy(t + n, extra, n_extra * sizeof(*extra));
	*obj = CK_INVALID_HANDLE;
	return p11->C_GenerateKey(h, &m, t, n + n_extra, obj);
}

static CK_OBJECT_HANDLE
generate_key(CK_SESSION_HANDLE h, CK_MECHANISM_TYPE mech, CK_ULONG len, const char *label,
	     const CK_ATTRIBUTE *extra, CK_ULONG n_extra)
{
	CK_OBJECT_HANDLE obj;

	assert_rv(generate_rv(h, mech, len, label, extra, n_extra, &obj), CKR_OK);
	assert_true(obj != CK_INVALID_HANDLE && obj <= INT32_MAX);
	return obj;
}

/* A byte-string attribute into @buf (length query first); returns its length. */
static CK_ULONG
bytes_attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, void *buf, size_t cap)
{
	CK_ATTRIBUTE a = {type, NULL, 0};
	CK_ULONG len;

	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_OK);
	len = a.ulValueLen;
	assert_true(len <= cap);
	a.pValue = buf;
	a.ulValueLen = cap;
	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, len);
	return len;
}

static void
expect_bytes_attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, const void *want,
		  size_t want_len)
{
	uint8_t buf[5000];
	CK_ULONG len = bytes_attr(h, o, type, buf, sizeof(buf));

	if (len != want_len || memcmp(buf, want, want_len) != 0)
		fail_msg("attribute 0x%lx of %lu: %lu bytes, want %zu ('%.*s')", type, o, len,
			 want_len, (int)want_len, (const char *)want);
}

static void
expect_sensitive_value(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o)
{
	uint8_t buf[64];
	CK_ATTRIBUTE a = {CKA_VALUE, buf, sizeof(buf)};

	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	a = (CK_ATTRIBUTE){CKA_VALUE, NULL, 0};
	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
}

/* One-shot ECB or CBC (16-byte IV) through the module; the output is @len bytes. */
static void
key_crypt(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mech, bool encrypt,
	  const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	struct mech_param p;
	CK_ULONG n = len;

	mech_param_init(&p, mech, iv);
	if (encrypt) {
		assert_rv(p11->C_EncryptInit(h, &p.mech, key), CKR_OK);
		assert_rv(p11->C_Encrypt(h, (CK_BYTE_PTR)in, len, out, &n), CKR_OK);
	} else {
		assert_rv(p11->C_DecryptInit(h, &p.mech, key), CKR_OK);
		assert_rv(p11->C_Decrypt(h, (CK_BYTE_PTR)in, len, out, &n), CKR_OK);
	}
	assert_int_equal(n, len);
}

/* The module's AES-CBC with @key equals OpenSSL's with @value. */
static void
expect_encrypts_as(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, const uint8_t *value, size_t len)
{
	uint8_t iv[16], in[64], want[64], got[64];

	RAND_bytes_(iv, sizeof(iv));
	RAND_bytes_(in, sizeof(in));
	assert_int_equal(openssl_cipher(CKM_AES_CBC, true, value, len, iv, in, 64, want), 64);
	key_crypt(h, key, CKM_AES_CBC, true, iv, in, 64, got);
	if (memcmp(got, want, 64) != 0)
		fail_msg("key %lu: AES-CBC through the module differs from OpenSSL", key);
}

/* Encrypt then decrypt 64 random bytes with @key (CBC): the plaintext comes back. */
static void
expect_round_trip(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key)
{
	uint8_t iv[16], in[64], ct[64], back[64];

	RAND_bytes_(iv, sizeof(iv));
	RAND_bytes_(in, sizeof(in));
	key_crypt(h, key, CKM_AES_CBC, true, iv, in, 64, ct);
	assert_memory_not_equal(ct, in, 64);
	key_crypt(h, key, CKM_AES_CBC, false, iv, ct, 64, back);
	assert_memory_equal(back, in, 64);
}

/* The module's AES-ECB of a zero block with @key. */
static void
zero_block(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, uint8_t out[16])
{
	static const uint8_t zero[16];

	key_crypt(h, key, CKM_AES_ECB, true, NULL, zero, 16, out);
}

static void
expect_check_value(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key, const uint8_t want[3])
{
	uint8_t got[16];

	assert_int_equal(bytes_attr(h, key, CKA_CHECK_VALUE, got, sizeof(got)), 3);
	if (memcmp(got, want, 3) != 0)
		fail_msg("key %lu: CKA_CHECK_VALUE %02x%02x%02x, want %02x%02x%02x", key, got[0],
			 got[1], got[2], want[0], want[1], want[2]);
}

static CK_ULONG
find_label(CK_SESSION_HANDLE h, const char *label, CK_OBJECT_HANDLE *out, CK_ULONG max)
{
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};

	return find(h, &t, 1, out, max);
}

/* Waits for @pid; fails with the step the child reported. */
static void
expect_child_ok(pid_t pid, const char *what)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("%s: child died (status 0x%x)", what, status);
	if (WEXITSTATUS(status) != 0)
		fail_msg("%s: child failed at step %d", what, WEXITSTATUS(status));
}

/* In a forked child (no cmocka there): exit with @step when @cond is false. */
#define CHILD_CHECK(step, cond)                                                                    \
	do {                                                                                       \
		if (!(cond))                                                                       \
			_exit(step);                                                               \
	} while (0)

static CK_ULONG
child_find_label(CK_SESSION_HANDLE h, const char *label, CK_OBJECT_HANDLE *out, CK_ULONG max)
{
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};
	CK_ULONG got = 0;

	if (p11->C_FindObjectsInit(h, &t, 1) != CKR_OK)
		return (CK_ULONG)-1;
	if (p11->C_FindObjects(h, out, max, &got) != CKR_OK)
		got = (CK_ULONG)-1;
	if (p11->C_FindObjectsFinal(h) != CKR_OK)
		got = (CK_ULONG)-1;
	return got;
}

static CK_ULONG
child_ulong(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	CK_ULONG v = 0xdead;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};

	return p11->C_GetAttributeValue(h, o, &a, 1) == CKR_OK ? v : 0xdead;
}

static int
child_bool(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = 0x55;
	CK_ATTRIBUTE a = {type, &v, sizeof(v)};

	return p11->C_GetAttributeValue(h, o, &a, 1) == CKR_OK && a.ulValueLen == 1 ? v : -1;
}

/* ------------------------------------------------------- C_CreateObject */

static void
test_create_aes(void **state)
{
	static const uint8_t id[] = {0x01, 0xab, 0x00, 0xff};
	static const uint8_t zero[16];
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t len = 16; len <= 32; len += 8) {
		char label[64];
		uint8_t key[32], want_check[16];
		CK_ATTRIBUTE extra[9] = {{CKA_ID, (void *)id, sizeof(id)}};
		CK_ULONG n = 1 + usage_attrs(extra + 1, USE_E | USE_D);
		CK_OBJECT_HANDLE o;
		struct kkey kk;
		char l[8];

		snprintf(label, sizeof(label), "p11test:create aes-%zu", len * 8);
		RAND_bytes_(key, len);
		o = create_key(h, CKK_AES, key, len, label, extra, n);

		/* The handle is the serial of a logon key in the session keyring. */
		assert_true(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o));
		expect_module_key((key_serial_t)o, "logon", label, strlen(label), &kk);
		snprintf(l, sizeof(l), "%zu", len);
		expect_field(&kk, "k", "aes");
		expect_field(&kk, "l", l);
		expect_field(&kk, "u", "ed");
		expect_field(&kk, "id", "01ab00ff");

		assert_int_equal(ulong_attr(h, o, CKA_CLASS), CKO_SECRET_KEY);
		assert_int_equal(ulong_attr(h, o, CKA_KEY_TYPE), CKK_AES);
		assert_int_equal(ulong_attr(h, o, CKA_VALUE_LEN), len);
		expect_bytes_attr(h, o, CKA_LABEL, label, strlen(label));
		expect_bytes_attr(h, o, CKA_ID, id, sizeof(id));
		assert_int_equal(bool_attr(h, o, CKA_ENCRYPT), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_DECRYPT), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_SIGN), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_VERIFY), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_WRAP), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_UNWRAP), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_DERIVE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_SENSITIVE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_EXTRACTABLE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_ALWAYS_SENSITIVE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_NEVER_EXTRACTABLE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_LOCAL), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_TOKEN), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_MODIFIABLE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_COPYABLE), CK_FALSE); /* a logon key */
		assert_int_equal(bool_attr(h, o, CKA_DESTROYABLE), CK_TRUE);
		assert_int_equal(ulong_attr(h, o, CKA_KEY_GEN_MECHANISM),
				 CK_UNAVAILABLE_INFORMATION);
		expect_sensitive_value(h, o);

		expect_encrypts_as(h, o, key, len);
		assert_int_equal(
			openssl_cipher(CKM_AES_ECB, true, key, len, NULL, zero, 16, want_check),
			16);
		expect_check_value(h, o, want_check);
		drop_key((key_serial_t)o);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* A label is stored verbatim, whatever its bytes (but NUL). */
static void
test_create_label_bytes(void **state)
{
	static const char *labels[] = {"", "p11test:a;b=c;label=x;id=00", "p11test:\n: 32\xff\x01"};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	for (size_t i = 0; i < NELEM(labels); i++) {
		CK_OBJECT_HANDLE o = create_key(h, CKK_AES, key32, 16, labels[i], NULL, 0);
		struct kkey kk;

		expect_module_key((key_serial_t)o, "logon", labels[i], strlen(labels[i]), &kk);
		expect_bytes_attr(h, o, CKA_LABEL, labels[i], strlen(labels[i]));
		expect_field(&kk, "id", "");
		expect_bytes_attr(h, o, CKA_ID, "", 0);
		assert_int_equal(ulong_attr(h, o, CKA_VALUE_LEN), 16);
		drop_key((key_serial_t)o);
	}
	/* No CKA_LABEL at all: an empty label. */
	{
		CK_OBJECT_HANDLE o = create_key(h, CKK_AES, key32, 24, NULL, NULL, 0);
		struct kkey kk;

		expect_module_key((key_serial_t)o, "logon", "", 0, &kk);
		expect_bytes_attr(h, o, CKA_LABEL, "", 0);
		drop_key((key_serial_t)o);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_create_extractable(void **state)
{
	const struct {
		const char *label;
		CK_ATTRIBUTE extra[2];
		CK_ULONG n;
	} cases[] = {
		{"p11test:ext both", {A_FALSE(CKA_SENSITIVE), A_TRUE(CKA_EXTRACTABLE)}, 2},
		{"p11test:ext extractable", {A_TRUE(CKA_EXTRACTABLE)}, 1},
		{"p11test:ext not sensitive", {A_FALSE(CKA_SENSITIVE)}, 1},
	};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE bad[] = {A_TRUE(CKA_SENSITIVE), A_TRUE(CKA_EXTRACTABLE)};
	CK_ATTRIBUTE logon_clear[] = {A_FALSE(CKA_SENSITIVE), A_FALSE(CKA_EXTRACTABLE)};
	CK_OBJECT_HANDLE o;
	size_t before;
	struct kkey kk;

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		uint8_t key[32], got[32];

		RAND_bytes_(key, sizeof(key));
		o = create_key(h, CKK_AES, key, 32, cases[i].label, cases[i].extra, cases[i].n);
		expect_module_key((key_serial_t)o, "user", cases[i].label, strlen(cases[i].label),
				  &kk);
		assert_int_equal(bool_attr(h, o, CKA_SENSITIVE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_EXTRACTABLE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_ALWAYS_SENSITIVE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_NEVER_EXTRACTABLE), CK_FALSE);
		assert_int_equal(bytes_attr(h, o, CKA_VALUE, got, sizeof(got)), 32);
		assert_memory_equal(got, key, 32);
		/* What the kernel holds is the value, nothing else. */
		assert_int_equal(keyctl_read((key_serial_t)o, (char *)got, sizeof(got)), 32);
		assert_memory_equal(got, key, 32);
		expect_encrypts_as(h, o, key, 32);
		drop_key((key_serial_t)o);
	}

	/* CKA_SENSITIVE=FALSE but not extractable: a logon key that says so. */
	o = create_key(h, CKK_AES, key32, 16, "p11test:ext no", logon_clear, 2);
	expect_module_key((key_serial_t)o, "logon", "p11test:ext no", 14, &kk);
	assert_int_equal(bool_attr(h, o, CKA_SENSITIVE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_EXTRACTABLE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_ALWAYS_SENSITIVE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_NEVER_EXTRACTABLE), CK_TRUE);
	expect_sensitive_value(h, o);
	drop_key((key_serial_t)o);

	before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);
	assert_rv(create_rv(h, CKK_AES, key32, 16, "p11test:ext bad", bad, 2, &o),
		  CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_create_generic_and_hmac(void **state)
{
	static const struct {
		CK_KEY_TYPE type;
		const char *k;
		size_t len;
	} cases[] = {
		{CKK_GENERIC_SECRET, "generic", 1},    {CKK_GENERIC_SECRET, "generic", 16},
		{CKK_GENERIC_SECRET, "generic", 100},  {CKK_SHA_1_HMAC, "sha1-hmac", 20},
		{CKK_SHA224_HMAC, "sha224-hmac", 28},  {CKK_SHA256_HMAC, "sha256-hmac", 32},
		{CKK_SHA256_HMAC, "sha256-hmac", 7},   {CKK_SHA384_HMAC, "sha384-hmac", 48},
		{CKK_SHA512_HMAC, "sha512-hmac", 200},
	};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t value[200], iv[16] = {0};
	CK_MECHANISM cbc = {CKM_AES_CBC, iv, 16};
	CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE)};

	(void)state;
	RAND_bytes_(value, sizeof(value));
	for (size_t i = 0; i < NELEM(cases); i++) {
		CK_OBJECT_HANDLE o;
		struct kkey kk;
		char l[8];

		o = create_key(h, cases[i].type, value, cases[i].len, "p11test:generic", NULL, 0);
		expect_module_key((key_serial_t)o, "logon", "p11test:generic", 15, &kk);
		snprintf(l, sizeof(l), "%zu", cases[i].len);
		expect_field(&kk, "k", cases[i].k);
		expect_field(&kk, "l", l);
		assert_int_equal(ulong_attr(h, o, CKA_KEY_TYPE), cases[i].type);
		assert_int_equal(ulong_attr(h, o, CKA_VALUE_LEN), cases[i].len);
		/* The key type is the description's, not guessed from the size:
		 * a 16-byte generic secret is no AES key. */
		assert_rv(p11->C_EncryptInit(h, &cbc, o), CKR_KEY_TYPE_INCONSISTENT);
		drop_key((key_serial_t)o);
	}
	/* Extractable: the value reads back. */
	{
		CK_OBJECT_HANDLE o =
			create_key(h, CKK_SHA256_HMAC, value, 45, "p11test:hmac-x", ext, 1);
		uint8_t got[64];

		assert_int_equal(ulong_attr(h, o, CKA_KEY_TYPE), CKK_SHA256_HMAC);
		assert_int_equal(bytes_attr(h, o, CKA_VALUE, got, sizeof(got)), 45);
		assert_memory_equal(got, value, 45);
		drop_key((key_serial_t)o);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* Two keys with one label and ID: two objects, nothing replaced. */
static void
test_duplicate_labels(void **state)
{
	static const uint8_t id[] = {0x42};
	static const uint8_t zero[16];
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE extra[] = {{CKA_ID, (void *)id, 1}};
	uint8_t a[16], b[16], ca[16], cb[16], want[16];
	CK_OBJECT_HANDLE oa, ob, found[8];
	struct kkey ka, kb;
	CK_ULONG n;

	(void)state;
	RAND_bytes_(a, 16);
	RAND_bytes_(b, 16);
	oa = create_key(h, CKK_AES, a, 16, "p11test:dup", extra, 1);
	ob = create_key(h, CKK_AES, b, 16, "p11test:dup", extra, 1);
	assert_true(oa != ob);
	assert_true(key_alive((key_serial_t)oa));
	assert_true(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)oa));
	assert_true(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)ob));
	expect_module_key((key_serial_t)oa, "logon", "p11test:dup", 11, &ka);
	expect_module_key((key_serial_t)ob, "logon", "p11test:dup", 11, &kb);
	assert_string_not_equal(ka.desc, kb.desc);

	zero_block(h, oa, ca);
	zero_block(h, ob, cb);
	assert_int_equal(openssl_cipher(CKM_AES_ECB, true, a, 16, NULL, zero, 16, want), 16);
	assert_memory_equal(ca, want, 16);
	assert_int_equal(openssl_cipher(CKM_AES_ECB, true, b, 16, NULL, zero, 16, want), 16);
	assert_memory_equal(cb, want, 16);
	assert_memory_not_equal(ca, cb, 16);

	n = find_label(h, "p11test:dup", found, NELEM(found));
	assert_int_equal(n, 2);
	assert_true(contains(found, n, oa));
	assert_true(contains(found, n, ob));
	{
		CK_ATTRIBUTE t[] = {A_STR(CKA_LABEL, "p11test:dup"), {CKA_ID, (void *)id, 1}};

		assert_int_equal(find(h, t, 2, found, NELEM(found)), 2);
	}
	drop_key((key_serial_t)oa);
	drop_key((key_serial_t)ob);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* What C_CreateObject stored is all in the kernel: another process, and
 * this one after C_Finalize, read the same object. */
static void
test_attributes_persist(void **state)
{
	static const uint8_t id[] = {0xc0, 0xff, 0xee};
	static const char label[] = "p11test:persist";
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE extra[9] = {{CKA_ID, (void *)id, sizeof(id)}};
	CK_ULONG n = 1 + usage_attrs(extra + 1, USE_E);
	uint8_t key[32], plain[32], want[32];
	CK_OBJECT_HANDLE o, found[8];
	pid_t pid;

	(void)state;
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(plain, sizeof(plain));
	assert_int_equal(openssl_cipher(CKM_AES_ECB, true, key, 32, NULL, plain, 32, want), 32);
	o = create_key(h, CKK_AES, key, 32, label, extra, n);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
		CK_SESSION_HANDLE c;
		CK_OBJECT_HANDLE cf[8];
		uint8_t buf[64];
		CK_ATTRIBUTE a;
		CK_ULONG len;

		CHILD_CHECK(1, p11->C_Initialize(NULL) == CKR_OK);
		CHILD_CHECK(2, p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL,
						  &c) == CKR_OK);
		CHILD_CHECK(3, child_find_label(c, label, cf, 8) == 1 && cf[0] == o);
		a = (CK_ATTRIBUTE){CKA_LABEL, buf, sizeof(buf)};
		CHILD_CHECK(4, p11->C_GetAttributeValue(c, o, &a, 1) == CKR_OK &&
				       a.ulValueLen == strlen(label) &&
				       memcmp(buf, label, strlen(label)) == 0);
		a = (CK_ATTRIBUTE){CKA_ID, buf, sizeof(buf)};
		CHILD_CHECK(5, p11->C_GetAttributeValue(c, o, &a, 1) == CKR_OK &&
				       a.ulValueLen == sizeof(id) &&
				       memcmp(buf, id, sizeof(id)) == 0);
		CHILD_CHECK(6, child_ulong(c, o, CKA_KEY_TYPE) == CKK_AES);
		CHILD_CHECK(7, child_ulong(c, o, CKA_VALUE_LEN) == 32);
		CHILD_CHECK(8, child_bool(c, o, CKA_ENCRYPT) == CK_TRUE);
		CHILD_CHECK(9, child_bool(c, o, CKA_DECRYPT) == CK_FALSE);
		CHILD_CHECK(10, child_bool(c, o, CKA_SIGN) == CK_FALSE);
		CHILD_CHECK(11, child_bool(c, o, CKA_SENSITIVE) == CK_TRUE);
		CHILD_CHECK(12, child_bool(c, o, CKA_TOKEN) == CK_TRUE);
		CHILD_CHECK(13, p11->C_EncryptInit(c, &ecb, o) == CKR_OK);
		len = sizeof(buf);
		CHILD_CHECK(14, p11->C_Encrypt(c, plain, 32, buf, &len) == CKR_OK && len == 32 &&
					memcmp(buf, want, 32) == 0);
		CHILD_CHECK(15, p11->C_DecryptInit(c, &ecb, o) == CKR_KEY_FUNCTION_NOT_PERMITTED);
		CHILD_CHECK(16, p11->C_Finalize(NULL) == CKR_OK);
		_exit(0);
	}
	expect_child_ok(pid, "second process");

	/* C_Finalize and C_Initialize: the same object, read from the kernel. */
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
	h = open_session(SESSION_SLOT);
	assert_int_equal(find_label(h, label, found, NELEM(found)), 1);
	assert_int_equal(found[0], o);
	expect_bytes_attr(h, o, CKA_ID, id, sizeof(id));
	assert_int_equal(bool_attr(h, o, CKA_ENCRYPT), CK_TRUE);
	assert_int_equal(bool_attr(h, o, CKA_DECRYPT), CK_FALSE);
	{
		uint8_t got[32];

		key_crypt(h, o, CKM_AES_ECB, true, NULL, plain, 32, got);
		assert_memory_equal(got, want, 32);
	}
	drop_key((key_serial_t)o);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* --------------------------------------------------------- template errors */

struct tmpl_case {
	const char *what;
	CK_MECHANISM_TYPE mech; /* 0: C_CreateObject; else C_GenerateKey with it */
	CK_ATTRIBUTE t[8];
	CK_ULONG n;
	CK_RV want;
};

static const struct tmpl_case tmpl_cases[] = {
	/* Controls: the base templates are valid. */
	{"create: valid", 0, {A_CLASS, A_AES, A_VALUE16, A_LABEL}, 4, CKR_OK},
	{"generate: valid", CKM_AES_KEY_GEN, {A_LEN16, A_LABEL}, 2, CKR_OK},
	{"generate: valid with class and key type",
	 CKM_AES_KEY_GEN,
	 {A_CLASS, A_AES, A_LEN16, A_LABEL},
	 4,
	 CKR_OK},
	{"create: CKA_MODIFIABLE=FALSE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_FALSE(CKA_MODIFIABLE)},
	 5,
	 CKR_OK},
	{"create: the same attribute twice, same value",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_LABEL},
	 5,
	 CKR_OK},

	{"create: CKA_MODULUS",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, {CKA_MODULUS, (void *)key32, 16}},
	 5,
	 CKR_ATTRIBUTE_TYPE_INVALID},
	{"create: vendor-defined type",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, {CKA_VENDOR_DEFINED | 0x1234, &v_true, 1}},
	 5,
	 CKR_ATTRIBUTE_TYPE_INVALID},
	{"generate: CKA_MODULUS",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, {CKA_MODULUS, (void *)key32, 16}},
	 3,
	 CKR_ATTRIBUTE_TYPE_INVALID},

	{"create: CK_BBOOL of 2 bytes",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, {CKA_ENCRYPT, v_bool2, 2}},
	 5,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: CKA_CLASS of 4 bytes",
	 0,
	 {{CKA_CLASS, &v_secret, 4}, A_AES, A_VALUE16, A_LABEL},
	 4,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: label with a NUL byte",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_STR(CKA_LABEL, "p11test\0nul")},
	 4,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: AES value of 15 bytes",
	 0,
	 {A_CLASS, A_AES, {CKA_VALUE, (void *)key32, 15}, A_LABEL},
	 4,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: AES value of 33 bytes",
	 0,
	 {A_CLASS, A_AES, {CKA_VALUE, big_label, 33}, A_LABEL},
	 4,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: generic value of 0 bytes",
	 0,
	 {A_CLASS,
	  {CKA_KEY_TYPE, &v_generic, sizeof(CK_KEY_TYPE)},
	  {CKA_VALUE, (void *)key32, 0},
	  A_LABEL},
	 4,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: CKA_MODIFIABLE=TRUE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_TRUE(CKA_MODIFIABLE)},
	 5,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"generate: CKA_MODIFIABLE=TRUE",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, A_TRUE(CKA_MODIFIABLE)},
	 3,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"generate: AES CKA_VALUE_LEN 15",
	 CKM_AES_KEY_GEN,
	 {{CKA_VALUE_LEN, &v_len15, sizeof(CK_ULONG)}, A_LABEL},
	 2,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"generate: CKA_VALUE_LEN of 4 bytes",
	 CKM_AES_KEY_GEN,
	 {{CKA_VALUE_LEN, &v_len16, 4}, A_LABEL},
	 2,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"generate generic: CKA_VALUE_LEN 0",
	 CKM_GENERIC_SECRET_KEY_GEN,
	 {{CKA_VALUE_LEN, &v_len0, sizeof(CK_ULONG)}, A_LABEL},
	 2,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"generate: label with a NUL byte",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_STR(CKA_LABEL, "p11test\0nul")},
	 2,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: CKA_ID of 2100 bytes (4200 hex digits)",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, {CKA_ID, big_label, 2100}},
	 5,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"create: label of 5000 bytes",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, {CKA_LABEL, big_label, sizeof(big_label)}},
	 4,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"generate: label of 5000 bytes",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, {CKA_LABEL, big_label, sizeof(big_label)}},
	 2,
	 CKR_ATTRIBUTE_VALUE_INVALID},

	{"create: CKA_LOCAL",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_TRUE(CKA_LOCAL)},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"create: CKA_CHECK_VALUE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, {CKA_CHECK_VALUE, v_check, 3}},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"create: CKA_ALWAYS_SENSITIVE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_TRUE(CKA_ALWAYS_SENSITIVE)},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"create: CKA_NEVER_EXTRACTABLE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_TRUE(CKA_NEVER_EXTRACTABLE)},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"create: CKA_KEY_GEN_MECHANISM",
	 0,
	 {A_CLASS,
	  A_AES,
	  A_VALUE16,
	  A_LABEL,
	  {CKA_KEY_GEN_MECHANISM, &v_aes_gen, sizeof(CK_MECHANISM_TYPE)}},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"generate: CKA_VALUE",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, A_VALUE16},
	 3,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"generate: CKA_LOCAL",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, A_TRUE(CKA_LOCAL)},
	 3,
	 CKR_ATTRIBUTE_READ_ONLY},

	{"create: no CKA_VALUE", 0, {A_CLASS, A_AES, A_LABEL}, 3, CKR_TEMPLATE_INCOMPLETE},
	{"create: no CKA_KEY_TYPE", 0, {A_CLASS, A_VALUE16, A_LABEL}, 3, CKR_TEMPLATE_INCOMPLETE},
	{"create: no CKA_CLASS", 0, {A_AES, A_VALUE16, A_LABEL}, 3, CKR_TEMPLATE_INCOMPLETE},
	{"generate: no CKA_VALUE_LEN", CKM_AES_KEY_GEN, {A_LABEL}, 1, CKR_TEMPLATE_INCOMPLETE},
	{"generate generic: no CKA_VALUE_LEN",
	 CKM_GENERIC_SECRET_KEY_GEN,
	 {A_LABEL},
	 1,
	 CKR_TEMPLATE_INCOMPLETE},

	{"create: CKO_DATA",
	 0,
	 {{CKA_CLASS, &v_data, sizeof(CK_OBJECT_CLASS)}, A_AES, A_VALUE16, A_LABEL},
	 4,
	 CKR_TEMPLATE_INCONSISTENT},
	{"create: CKA_VALUE_LEN",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_LEN16},
	 5,
	 CKR_TEMPLATE_INCONSISTENT},
	{"create: the same label twice, different values",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_STR(CKA_LABEL, "p11test:other")},
	 5,
	 CKR_TEMPLATE_INCONSISTENT},
	{"create: CKA_ENCRYPT TRUE then FALSE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_TRUE(CKA_ENCRYPT), A_FALSE(CKA_ENCRYPT)},
	 6,
	 CKR_TEMPLATE_INCONSISTENT},
	{"create: SENSITIVE with EXTRACTABLE",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_TRUE(CKA_SENSITIVE), A_TRUE(CKA_EXTRACTABLE)},
	 6,
	 CKR_TEMPLATE_INCONSISTENT},
	{"generate: SENSITIVE with EXTRACTABLE",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, A_TRUE(CKA_SENSITIVE), A_TRUE(CKA_EXTRACTABLE)},
	 4,
	 CKR_TEMPLATE_INCONSISTENT},
	{"generate AES: CKK_GENERIC_SECRET",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, {CKA_KEY_TYPE, &v_generic, sizeof(CK_KEY_TYPE)}},
	 3,
	 CKR_TEMPLATE_INCONSISTENT},
	{"generate generic: CKK_AES",
	 CKM_GENERIC_SECRET_KEY_GEN,
	 {A_LEN16, A_LABEL, A_AES},
	 3,
	 CKR_TEMPLATE_INCONSISTENT},
	{"generate: CKO_DATA",
	 CKM_AES_KEY_GEN,
	 {A_LEN16, A_LABEL, {CKA_CLASS, &v_data, sizeof(CK_OBJECT_CLASS)}},
	 3,
	 CKR_TEMPLATE_INCONSISTENT},

	/* Template order: the first error wins. */
	{"order: CKA_LOCAL before CKA_MODULUS",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, A_TRUE(CKA_LOCAL), {CKA_MODULUS, (void *)key32, 16}},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
	{"order: CKA_MODULUS before CKA_LOCAL",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, {CKA_MODULUS, (void *)key32, 16}, A_TRUE(CKA_LOCAL)},
	 5,
	 CKR_ATTRIBUTE_TYPE_INVALID},
	{"order: bad CK_BBOOL before CKA_MODULUS",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, {CKA_TOKEN, v_bool2, 2}, {CKA_MODULUS, (void *)key32, 16}},
	 5,
	 CKR_ATTRIBUTE_VALUE_INVALID},
	{"order: CKA_CHECK_VALUE before a bad CK_BBOOL",
	 0,
	 {A_CLASS, A_AES, A_VALUE16, {CKA_CHECK_VALUE, v_check, 3}, {CKA_TOKEN, v_bool2, 2}},
	 5,
	 CKR_ATTRIBUTE_READ_ONLY},
};

static void
test_template_errors(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	memset(big_label, 'x', sizeof(big_label));
	for (size_t i = 0; i < NELEM(tmpl_cases); i++) {
		const struct tmpl_case *c = &tmpl_cases[i];
		CK_MECHANISM m = {c->mech, NULL, 0};
		CK_ATTRIBUTE t[8];
		CK_OBJECT_HANDLE o = CK_INVALID_HANDLE;
		size_t before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), after;
		CK_RV rv;

		memcpy(t, c->t, sizeof(t));
		rv = c->mech == 0 ? p11->C_CreateObject(h, t, c->n, &o)
				  : p11->C_GenerateKey(h, &m, t, c->n, &o);
		if (rv != c->want)
			fail_msg("%s:\n  got  %s (0x%lx)\n  want %s (0x%lx)", c->what, rv_name(rv),
				 rv, rv_name(c->want), c->want);
		after = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);
		if (c->want == CKR_OK) {
			if (after != before + 1 ||
			    !ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o))
				fail_msg("%s: %zu keys, then %zu", c->what, before, after);
			drop_key((key_serial_t)o);
		} else if (after != before) {
			fail_msg("%s: failed, but the session keyring went from %zu keys to %zu",
				 c->what, before, after);
		}
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/*
 * A description of exactly 4095 bytes is fine; one more byte is not. A
 * session object's description is longer (its "s=" field): the limit holds
 * for it too, and for C_CopyObject's new description.
 */
static void
test_description_limit(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);

	(void)state;
	memset(big_label, 'y', sizeof(big_label));
	for (int token = 1; token >= 0; token--) {
		CK_ATTRIBUTE t[] = {A_CLASS,
				    A_AES,
				    A_VALUE16,
				    {CKA_LABEL, big_label, 1},
				    A_BOOL(CKA_TOKEN, token)};
		CK_OBJECT_HANDLE o;
		size_t overhead, before;
		struct kkey kk;

		assert_rv(p11->C_CreateObject(h, t, 5, &o), CKR_OK);
		expect_module_key((key_serial_t)o, "logon", big_label, 1, &kk);
		overhead = kk.desc_len - 1;
		drop_key((key_serial_t)o);

		t[3].ulValueLen = 4095 - overhead;
		assert_rv(p11->C_CreateObject(h, t, 5, &o), CKR_OK);
		expect_module_key((key_serial_t)o, "logon", big_label, 4095 - overhead, &kk);
		assert_int_equal(kk.desc_len, 4095);
		expect_bytes_attr(h, o, CKA_LABEL, big_label, 4095 - overhead);
		assert_int_equal(bool_attr(h, o, CKA_TOKEN), token ? CK_TRUE : CK_FALSE);
		drop_key((key_serial_t)o);

		before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);
		t[3].ulValueLen = 4096 - overhead;
		assert_rv(p11->C_CreateObject(h, t, 5, &o), CKR_ATTRIBUTE_VALUE_INVALID);
		assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
		{
			CK_OBJECT_HANDLE found[4];
			CK_ATTRIBUTE by_len[] = {{CKA_LABEL, big_label, 4096 - overhead}};

			assert_int_equal(find(h, by_len, 1, found, 4), 0);
		}
	}
	/* C_CopyObject: the copy's description is bounded too. */
	{
		CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE)};
		CK_ATTRIBUTE relabel[] = {{CKA_LABEL, big_label, 4095}};
		CK_ATTRIBUTE nul[] = {A_STR(CKA_LABEL, "p11test\0nul")};
		CK_OBJECT_HANDLE o = create_key(h, CKK_AES, key32, 16, "p11test:limit", ext, 1),
				 copy;
		size_t before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);

		assert_rv(p11->C_CopyObject(h, o, relabel, 1, &copy), CKR_ATTRIBUTE_VALUE_INVALID);
		assert_rv(p11->C_CopyObject(h, o, nul, 1, &copy), CKR_ATTRIBUTE_VALUE_INVALID);
		assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
		drop_key((key_serial_t)o);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* The PKCS#11 boundary rules of the new entry points (v2.40 section 5). */
static void
test_key_argument_checks(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT), ro;
	CK_ATTRIBUTE t[] = {A_CLASS, A_AES, A_VALUE16, A_LABEL};
	CK_ATTRIBUTE gen[] = {A_LEN16, A_LABEL};
	CK_ATTRIBUTE session_obj[] = {A_CLASS, A_AES, A_VALUE16, A_LABEL, A_FALSE(CKA_TOKEN)};
	CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0}, bad = {CKM_DES3_KEY_GEN, NULL, 0};
	CK_OBJECT_HANDLE o;
	CK_ULONG size;
	size_t before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);

	(void)state;
	assert_rv(p11->C_CreateObject(h, NULL, 4, &o), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_CreateObject(h, t, 4, NULL), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_CreateObject(h + 1000, t, 4, &o), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_GenerateKey(h, NULL, gen, 2, &o), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GenerateKey(h, &m, NULL, 2, &o), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GenerateKey(h, &m, gen, 2, NULL), CKR_ARGUMENTS_BAD);
	assert_rv(p11->C_GenerateKey(h, &bad, gen, 2, &o), CKR_MECHANISM_INVALID);
	assert_rv(p11->C_GenerateKey(h + 1000, &m, gen, 2, &o), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_DestroyObject(h + 1000, 1), CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_DestroyObject(h, 0), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_GetObjectSize(h, 0, &size), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);

	/* A read-only session makes session objects, never token objects. */
	assert_rv(p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	assert_rv(p11->C_CreateObject(ro, t, 4, &o), CKR_SESSION_READ_ONLY);
	assert_rv(p11->C_GenerateKey(ro, &m, gen, 2, &o), CKR_SESSION_READ_ONLY);
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
	assert_rv(p11->C_CreateObject(ro, session_obj, 5, &o), CKR_OK);
	assert_int_equal(bool_attr(ro, o, CKA_TOKEN), CK_FALSE);
	assert_rv(p11->C_DestroyObject(ro, o), CKR_OK);
	/* Nor destroys or copies token objects. */
	{
		CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE)};
		CK_OBJECT_HANDLE tok = create_key(h, CKK_AES, key32, 16, "p11test:ro", ext, 1),
				 copy;

		before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);
		assert_rv(p11->C_DestroyObject(ro, tok), CKR_SESSION_READ_ONLY);
		assert_true(key_alive((key_serial_t)tok));
		assert_rv(p11->C_CopyObject(ro, tok, NULL, 0, &copy), CKR_SESSION_READ_ONLY);
		assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
		assert_rv(p11->C_CopyObject(h, tok, NULL, 0, NULL), CKR_ARGUMENTS_BAD);
		assert_rv(p11->C_CopyObject(h, tok, NULL, 1, &copy), CKR_ARGUMENTS_BAD);
		drop_key((key_serial_t)tok);
	}
	assert_rv(p11->C_CloseSession(ro), CKR_OK);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* -------------------------------------------------------- C_GenerateKey */

static void
test_generate(void **state)
{
	static const uint8_t id[] = {0x07};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE extra[] = {{CKA_ID, (void *)id, 1}};
	CK_OBJECT_HANDLE keys[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		CK_ULONG len = 16 + 8 * (CK_ULONG)i;
		uint8_t zb[16];
		CK_OBJECT_HANDLE o;
		struct kkey kk;
		char l[8], f[16];

		o = generate_key(h, CKM_AES_KEY_GEN, len, "p11test:gen", extra, 1);
		keys[i] = o;
		assert_true(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o));
		/* No master key: a logon key. */
		expect_module_key((key_serial_t)o, "logon", "p11test:gen", 11, &kk);
		snprintf(l, sizeof(l), "%lu", len);
		expect_field(&kk, "k", "aes");
		expect_field(&kk, "l", l);
		expect_field(&kk, "id", "07");
		assert_true(desc_field(kk.desc, "f", f, sizeof(f)));
		if (strchr(f, 'l') == NULL || strchr(f, 'x') != NULL)
			fail_msg("generated key: f=%s", f);

		assert_int_equal(ulong_attr(h, o, CKA_CLASS), CKO_SECRET_KEY);
		assert_int_equal(ulong_attr(h, o, CKA_KEY_TYPE), CKK_AES);
		assert_int_equal(ulong_attr(h, o, CKA_VALUE_LEN), len);
		assert_int_equal(bool_attr(h, o, CKA_LOCAL), CK_TRUE);
		assert_int_equal(ulong_attr(h, o, CKA_KEY_GEN_MECHANISM), CKM_AES_KEY_GEN);
		assert_int_equal(bool_attr(h, o, CKA_SENSITIVE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_EXTRACTABLE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_ALWAYS_SENSITIVE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_NEVER_EXTRACTABLE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_TOKEN), CK_TRUE);
		expect_bytes_attr(h, o, CKA_LABEL, "p11test:gen", 11);
		expect_bytes_attr(h, o, CKA_ID, id, 1);
		expect_sensitive_value(h, o);
		expect_round_trip(h, o);
		zero_block(h, o, zb);
		expect_check_value(h, o, zb);
	}
	/* Random keys: no two alike. */
	{
		CK_OBJECT_HANDLE o = generate_key(h, CKM_AES_KEY_GEN, 32, "p11test:gen", NULL, 0);
		uint8_t a[16], b[16];

		zero_block(h, keys[2], a);
		zero_block(h, o, b);
		assert_memory_not_equal(a, b, 16);
		drop_key((key_serial_t)o);
	}
	for (int i = 0; i < 3; i++)
		drop_key((key_serial_t)keys[i]);

	/* A generic secret. */
	{
		CK_OBJECT_HANDLE o =
			generate_key(h, CKM_GENERIC_SECRET_KEY_GEN, 64, "p11test:gen-g", NULL, 0);
		struct kkey kk;

		expect_module_key((key_serial_t)o, "logon", "p11test:gen-g", 13, &kk);
		expect_field(&kk, "k", "generic");
		expect_field(&kk, "l", "64");
		assert_int_equal(ulong_attr(h, o, CKA_KEY_TYPE), CKK_GENERIC_SECRET);
		assert_int_equal(ulong_attr(h, o, CKA_VALUE_LEN), 64);
		assert_int_equal(bool_attr(h, o, CKA_LOCAL), CK_TRUE);
		assert_int_equal(ulong_attr(h, o, CKA_KEY_GEN_MECHANISM),
				 CKM_GENERIC_SECRET_KEY_GEN);
		expect_sensitive_value(h, o);
		drop_key((key_serial_t)o);
	}
	/* Extractable: a user key, and its value is the key the kernel uses. */
	{
		CK_ATTRIBUTE ext[] = {A_FALSE(CKA_SENSITIVE)};
		CK_OBJECT_HANDLE o = generate_key(h, CKM_AES_KEY_GEN, 16, "p11test:gen-x", ext, 1);
		uint8_t value[32];
		struct kkey kk;

		expect_module_key((key_serial_t)o, "user", "p11test:gen-x", 13, &kk);
		assert_int_equal(bool_attr(h, o, CKA_LOCAL), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_EXTRACTABLE), CK_TRUE);
		assert_int_equal(bool_attr(h, o, CKA_ALWAYS_SENSITIVE), CK_FALSE);
		assert_int_equal(bool_attr(h, o, CKA_NEVER_EXTRACTABLE), CK_FALSE);
		assert_int_equal(bytes_attr(h, o, CKA_VALUE, value, sizeof(value)), 16);
		expect_encrypts_as(h, o, value, 16);
		drop_key((key_serial_t)o);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static key_serial_t master_key;

static int
master_teardown(void **state)
{
	(void)state;
	unsetenv("KEYRING_PKCS11_MASTER");
	p11->C_Finalize(NULL);
	if (master_key > 0)
		drop_key(master_key);
	master_key = 0;
	return p11->C_Initialize(NULL) == CKR_OK ? 0 : -1;
}

/* The blob `keyctl pipe` gives for an encrypted key: never the key itself. */
static void
expect_wrapped(key_serial_t k, const char *prefix, size_t key_len)
{
	void *blob = NULL;
	long n = keyctl_read_alloc(k, &blob);

	if (n < 0)
		fail_msg("keyctl_read(encrypted %d): %s", k, strerror(errno));
	if ((size_t)n <= strlen(prefix) + 2 * key_len || strncmp(blob, prefix, strlen(prefix)) != 0)
		fail_msg("encrypted key %d: blob '%.*s' does not start with '%s'", k, (int)n,
			 (char *)blob, prefix);
	free(blob);
}

static void
test_generate_with_master(void **state)
{
	uint8_t kmk[32], zb[16], iv[16] = {0}, plain[32], ct[32];
	CK_TOKEN_INFO info;
	CK_SESSION_HANDLE h;
	CK_OBJECT_HANDLE o256, o192, o128, og, ox, copy, found[8];
	CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE)};
	CK_ATTRIBUTE relabel[] = {A_STR(CKA_LABEL, "p11test:kmk copy")};
	struct kkey kk;

	(void)state;
	assert_rv(p11->C_GetTokenInfo(SESSION_SLOT, &info), CKR_OK);
	assert_memory_equal(info.model, "Linux keyring   ", 16);
	RAND_bytes_(kmk, sizeof(kmk));
	master_key = add_test_key("user", "kmk", kmk, 32, KEY_SPEC_SESSION_KEYRING);
	assert_int_equal(setenv("KEYRING_PKCS11_MASTER", "user:kmk", 1), 0);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
	assert_rv(p11->C_GetTokenInfo(SESSION_SLOT, &info), CKR_OK);
	if (memcmp(info.model, "Linux keyring+mk", 16) != 0)
		fail_msg("model '%.16s' with a master key", info.model);
	h = open_session(SESSION_SLOT);

	/* AES-256: made and kept wrapped in the kernel. */
	o256 = generate_key(h, CKM_AES_KEY_GEN, 32, "p11test:kmk 256", NULL, 0);
	expect_module_key((key_serial_t)o256, "encrypted", "p11test:kmk 256", 15, &kk);
	expect_field(&kk, "k", "aes");
	expect_field(&kk, "l", "32");
	expect_wrapped((key_serial_t)o256, "default user:kmk 32 ", 32);
	assert_true(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o256));
	assert_int_equal(find_label(h, "p11test:kmk 256", found, NELEM(found)), 1);
	assert_int_equal(found[0], o256);
	assert_int_equal(ulong_attr(h, o256, CKA_KEY_TYPE), CKK_AES);
	assert_int_equal(ulong_attr(h, o256, CKA_VALUE_LEN), 32);
	assert_int_equal(bool_attr(h, o256, CKA_LOCAL), CK_TRUE);
	assert_int_equal(ulong_attr(h, o256, CKA_KEY_GEN_MECHANISM), CKM_AES_KEY_GEN);
	assert_int_equal(bool_attr(h, o256, CKA_SENSITIVE), CK_TRUE);
	assert_int_equal(bool_attr(h, o256, CKA_EXTRACTABLE), CK_FALSE);
	expect_sensitive_value(h, o256);
	expect_round_trip(h, o256);
	zero_block(h, o256, zb);
	expect_check_value(h, o256, zb);
	RAND_bytes_(plain, sizeof(plain));
	key_crypt(h, o256, CKM_AES_CBC, true, iv, plain, 32, ct);

	/* AES-192 fits an encrypted key too; AES-128 cannot, and is logon. */
	o192 = generate_key(h, CKM_AES_KEY_GEN, 24, "p11test:kmk 192", NULL, 0);
	expect_module_key((key_serial_t)o192, "encrypted", "p11test:kmk 192", 15, &kk);
	expect_wrapped((key_serial_t)o192, "default user:kmk 24 ", 24);
	expect_round_trip(h, o192);
	o128 = generate_key(h, CKM_AES_KEY_GEN, 16, "p11test:kmk 128", NULL, 0);
	expect_module_key((key_serial_t)o128, "logon", "p11test:kmk 128", 15, &kk);
	expect_round_trip(h, o128);
	assert_int_equal(bool_attr(h, o128, CKA_LOCAL), CK_TRUE);

	/* A generic secret of 64 bytes: encrypted. */
	og = generate_key(h, CKM_GENERIC_SECRET_KEY_GEN, 64, "p11test:kmk g", NULL, 0);
	expect_module_key((key_serial_t)og, "encrypted", "p11test:kmk g", 13, &kk);
	expect_wrapped((key_serial_t)og, "default user:kmk 64 ", 64);
	assert_int_equal(ulong_attr(h, og, CKA_VALUE_LEN), 64);
	assert_int_equal(ulong_attr(h, og, CKA_KEY_TYPE), CKK_GENERIC_SECRET);

	/* Extractable: a user key even with a master. */
	ox = generate_key(h, CKM_AES_KEY_GEN, 32, "p11test:kmk x", ext, 1);
	expect_module_key((key_serial_t)ox, "user", "p11test:kmk x", 13, &kk);
	{
		uint8_t value[32];

		assert_int_equal(bytes_attr(h, ox, CKA_VALUE, value, sizeof(value)), 32);
		expect_encrypts_as(h, ox, value, 32);
	}

	/* Copying an encrypted key: pipe and load under the same master. */
	assert_rv(p11->C_CopyObject(h, o256, relabel, 1, &copy), CKR_OK);
	assert_true(copy != o256);
	expect_module_key((key_serial_t)copy, "encrypted", "p11test:kmk copy", 16, &kk);
	expect_bytes_attr(h, copy, CKA_LABEL, "p11test:kmk copy", 16);
	{
		uint8_t got[32];

		key_crypt(h, copy, CKM_AES_CBC, true, iv, plain, 32, got);
		assert_memory_equal(got, ct, 32);
	}

	/* Without the master configured, the encrypted key still works. */
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	unsetenv("KEYRING_PKCS11_MASTER");
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
	h = open_session(SESSION_SLOT);
	{
		uint8_t got[32];

		key_crypt(h, o256, CKM_AES_CBC, true, iv, plain, 32, got);
		assert_memory_equal(got, ct, 32);
	}
	drop_key((key_serial_t)o256);
	drop_key((key_serial_t)o192);
	drop_key((key_serial_t)o128);
	drop_key((key_serial_t)og);
	drop_key((key_serial_t)ox);
	drop_key((key_serial_t)copy);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ---------------------------------------------------------------- usage */

static void
test_usage_enforcement(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	uint8_t iv[16] = {0}, buf[16] = {0}, out[16];
	CK_MECHANISM cbc = {CKM_AES_CBC, iv, 16};
	CK_ATTRIBUTE t[8];
	CK_OBJECT_HANDLE o;
	struct kkey kk;

	(void)state;
	/* Each usage alone, none, and all: the "u" letters and the attributes. */
	for (unsigned mask = 0; mask <= 0x80; mask = mask ? mask << 1 : 1) {
		unsigned m = mask == 0x80 ? USE_ALL : mask;
		char want[8];
		size_t n = 0;

		for (unsigned i = 0; i < 7; i++)
			if (m & (1u << i))
				want[n++] = usage_letters[i];
		want[n] = '\0';
		o = create_key(h, CKK_AES, key32, 16, "p11test:usage", t, usage_attrs(t, m));
		expect_module_key((key_serial_t)o, "logon", "p11test:usage", 13, &kk);
		expect_field(&kk, "u", want);
		for (unsigned i = 0; i < 7; i++)
			if (bool_attr(h, o, usage_types[i]) !=
			    ((m & (1u << i)) ? CK_TRUE : CK_FALSE))
				fail_msg("usage mask 0x%x: attribute 0x%lx wrong", m,
					 usage_types[i]);
		drop_key((key_serial_t)o);
	}

	/* No encrypt: C_EncryptInit refuses; decryption still works. */
	o = create_key(h, CKK_AES, key32, 16, "p11test:no-encrypt", t, usage_attrs(t, USE_D));
	assert_rv(p11->C_EncryptInit(h, &cbc, o), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* CKA_CHECK_VALUE is an attribute, not a use of the key: still there. */
	{
		static const uint8_t zero[16];
		uint8_t kcv[16];

		assert_int_equal(openssl_cipher(CKM_AES_ECB, true, key32, 16, NULL, zero, 16, kcv),
				 16);
		expect_check_value(h, o, kcv);
	}
	assert_rv(p11->C_Encrypt(h, buf, 16, out, &(CK_ULONG){16}), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_DecryptInit(h, &cbc, o), CKR_OK);
	assert_rv(p11->C_Decrypt(h, buf, 16, out, &(CK_ULONG){16}), CKR_OK);
	drop_key((key_serial_t)o);

	/* No decrypt: the other way round. */
	o = create_key(h, CKK_AES, key32, 16, "p11test:no-decrypt", t, usage_attrs(t, USE_E));
	assert_rv(p11->C_DecryptInit(h, &cbc, o), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_rv(p11->C_Decrypt(h, buf, 16, out, &(CK_ULONG){16}), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_EncryptInit(h, &cbc, o), CKR_OK);
	assert_rv(p11->C_Encrypt(h, buf, 16, out, &(CK_ULONG){16}), CKR_OK);
	drop_key((key_serial_t)o);

	/* Generated keys obey their template too. */
	{
		CK_ATTRIBUTE g[] = {A_FALSE(CKA_ENCRYPT), A_TRUE(CKA_DECRYPT)};

		o = generate_key(h, CKM_AES_KEY_GEN, 32, "p11test:gen-no-encrypt", g, 2);
		assert_rv(p11->C_EncryptInit(h, &cbc, o), CKR_KEY_FUNCTION_NOT_PERMITTED);
		assert_rv(p11->C_DecryptInit(h, &cbc, o), CKR_OK);
		assert_rv(p11->C_Decrypt(h, buf, 16, out, &(CK_ULONG){16}), CKR_OK);
		drop_key((key_serial_t)o);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* The "f" letters: CKA_PRIVATE, COPYABLE, DESTROYABLE, SENSITIVE, EXTRACTABLE, LOCAL. */
static void
test_flags(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE logon[] = {A_TRUE(CKA_PRIVATE), A_TRUE(CKA_DESTROYABLE),
				A_TRUE(CKA_SENSITIVE)};
	CK_ATTRIBUTE user[] = {A_FALSE(CKA_PRIVATE), A_TRUE(CKA_COPYABLE), A_FALSE(CKA_DESTROYABLE),
			       A_TRUE(CKA_EXTRACTABLE)};
	CK_OBJECT_HANDLE o;
	struct kkey kk;

	(void)state;
	/* PKCS#11 wants a logged-in user for private objects: log in (any PIN). */
	assert_rv(p11->C_Login(h, CKU_USER, (CK_UTF8CHAR_PTR) "0000", 4), CKR_OK);
	o = create_key(h, CKK_AES, key32, 16, "p11test:flags", logon, NELEM(logon));
	expect_module_key((key_serial_t)o, "logon", "p11test:flags", 13, &kk);
	expect_field(&kk, "f", "pds");
	assert_int_equal(bool_attr(h, o, CKA_PRIVATE), CK_TRUE);
	assert_int_equal(bool_attr(h, o, CKA_DESTROYABLE), CK_TRUE);
	assert_int_equal(bool_attr(h, o, CKA_COPYABLE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_LOCAL), CK_FALSE);
	drop_key((key_serial_t)o);

	o = create_key(h, CKK_AES, key32, 16, "p11test:flags", user, NELEM(user));
	expect_module_key((key_serial_t)o, "user", "p11test:flags", 13, &kk);
	expect_field(&kk, "f", "cx");
	assert_int_equal(bool_attr(h, o, CKA_PRIVATE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_COPYABLE), CK_TRUE);
	assert_int_equal(bool_attr(h, o, CKA_DESTROYABLE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_SENSITIVE), CK_FALSE);
	assert_int_equal(bool_attr(h, o, CKA_EXTRACTABLE), CK_TRUE);
	drop_key((key_serial_t)o);

	o = generate_key(h, CKM_AES_KEY_GEN, 16, "p11test:flags", logon, NELEM(logon));
	expect_module_key((key_serial_t)o, "logon", "p11test:flags", 13, &kk);
	expect_field(&kk, "f", "pdsl");
	drop_key((key_serial_t)o);
	assert_rv(p11->C_Logout(h), CKR_OK);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ------------------------------------------------------ C_DestroyObject */

static void
test_destroy(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE keep[] = {A_FALSE(CKA_DESTROYABLE)};
	key_serial_t plain, other;
	CK_OBJECT_HANDLE o;
	CK_ULONG klass;
	CK_ATTRIBUTE a = {CKA_CLASS, &klass, sizeof(klass)};
	struct kkey kk;
	char f[16];

	(void)state;
	/* A key the module made: invalidated. */
	o = create_key(h, CKK_AES, key32, 32, "p11test:destroy", NULL, 0);
	assert_true(key_alive((key_serial_t)o));
	assert_rv(p11->C_DestroyObject(h, o), CKR_OK);
	if (key_alive((key_serial_t)o))
		fail_msg("destroyed key %lu still in the kernel", o);
	assert_false(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o));
	assert_rv(p11->C_GetAttributeValue(h, o, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_DestroyObject(h, o), CKR_OBJECT_HANDLE_INVALID);

	/* A generated one too. */
	o = generate_key(h, CKM_AES_KEY_GEN, 16, "p11test:destroy", NULL, 0);
	assert_rv(p11->C_DestroyObject(h, o), CKR_OK);
	assert_false(key_alive((key_serial_t)o));

	/* A plain key linked elsewhere too: only unlinked from the token. */
	other = add_test_key("keyring", "p11test-other", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	plain = add_test_key("logon", "svc:x", key32, 16, KEY_SPEC_SESSION_KEYRING);
	assert_int_equal(keyctl_link(plain, other), 0);
	assert_rv(p11->C_DestroyObject(h, (CK_OBJECT_HANDLE)plain), CKR_OK);
	assert_false(ring_has(KEY_SPEC_SESSION_KEYRING, plain));
	assert_true(ring_has(other, plain));
	if (!key_alive(plain))
		fail_msg("the plain key was invalidated, not unlinked");
	assert_rv(p11->C_GetAttributeValue(h, (CK_OBJECT_HANDLE)plain, &a, 1),
		  CKR_OBJECT_HANDLE_INVALID);
	drop_key(plain);
	drop_key(other);

	/* CKA_DESTROYABLE=FALSE. */
	o = create_key(h, CKK_AES, key32, 16, "p11test:keep", keep, 1);
	assert_int_equal(bool_attr(h, o, CKA_DESTROYABLE), CK_FALSE);
	expect_module_key((key_serial_t)o, "logon", "p11test:keep", 12, &kk);
	assert_true(desc_field(kk.desc, "f", f, sizeof(f)));
	assert_null(strchr(f, 'd'));
	assert_rv(p11->C_DestroyObject(h, o), CKR_ACTION_PROHIBITED);
	assert_true(key_alive((key_serial_t)o));
	assert_true(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o));
	assert_int_equal(ulong_attr(h, o, CKA_CLASS), CKO_SECRET_KEY);
	drop_key((key_serial_t)o);

	/* A token's object is not another token's. */
	{
		CK_SESSION_HANDLE hu = open_session(USER_SLOT);

		o = create_key(h, CKK_AES, key32, 16, "p11test:not-user", NULL, 0);
		assert_rv(p11->C_DestroyObject(hu, o), CKR_OBJECT_HANDLE_INVALID);
		assert_true(key_alive((key_serial_t)o));
		drop_key((key_serial_t)o);
		/* And the user token keeps its keys in the user keyring. */
		o = create_key(hu, CKK_AES, key32, 16, "p11test:in-user", NULL, 0);
		assert_true(ring_has(KEY_SPEC_USER_KEYRING, (key_serial_t)o));
		assert_false(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o));
		assert_rv(p11->C_DestroyObject(h, o), CKR_OBJECT_HANDLE_INVALID);
		assert_rv(p11->C_DestroyObject(hu, o), CKR_OK);
		assert_false(key_alive((key_serial_t)o));
		assert_rv(p11->C_CloseSession(hu), CKR_OK);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ------------------------------------------------------ session objects */

static void
expect_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, size_t payload)
{
	struct kkey kk;
	CK_ULONG size = 0;

	assert_true(kernel_key((key_serial_t)o, &kk));
	assert_rv(p11->C_GetObjectSize(h, o, &size), CKR_OK);
	if (size != kk.desc_len + 1 + payload)
		fail_msg("C_GetObjectSize(%lu) = %lu, want %zu + 1 + %zu", o, size, kk.desc_len,
			 payload);
}

/* The keyring in the process keyring that holds @k, or 0. */
static key_serial_t
session_ring_of(key_serial_t k)
{
	key_serial_t rings[64];
	size_t n;

	if (keyctl_get_keyring_ID(KEY_SPEC_PROCESS_KEYRING, 0) < 0)
		return 0;
	n = ring_keys(KEY_SPEC_PROCESS_KEYRING, rings, NELEM(rings));
	for (size_t i = 0; i < n && i < NELEM(rings); i++) {
		struct kkey kk;

		if (kernel_key(rings[i], &kk) && strcmp(kk.type, "keyring") == 0 &&
		    ring_has(rings[i], k))
			return rings[i];
	}
	return 0;
}

static void
test_session_objects(void **state)
{
	CK_SESSION_HANDLE a = open_session(SESSION_SLOT), b = open_session(SESSION_SLOT), hu;
	CK_ATTRIBUTE st[] = {A_FALSE(CKA_TOKEN)};
	static const char label[] = "p11test:session object";
	CK_OBJECT_HANDLE o, found[8];
	uint8_t key[16], plain[16], want[16], got[16];
	key_serial_t ring;
	struct kkey kk, rk;
	pid_t pid;

	(void)state;
	RAND_bytes_(key, sizeof(key));
	RAND_bytes_(plain, sizeof(plain));
	assert_int_equal(openssl_cipher(CKM_AES_ECB, true, key, 16, NULL, plain, 16, want), 16);
	o = create_key(a, CKK_AES, key, 16, label, st, 1);

	assert_int_equal(bool_attr(a, o, CKA_TOKEN), CK_FALSE);
	assert_false(ring_has(KEY_SPEC_SESSION_KEYRING, (key_serial_t)o));
	expect_module_key((key_serial_t)o, "logon", label, strlen(label), &kk);
	if (strstr(kk.desc, ";s=") == NULL || strstr(kk.desc, ";s=") > strstr(kk.desc, ";label="))
		fail_msg("session object description without s=: '%s'", kk.desc);
	/* In a possessor-only keyring of this process. */
	ring = session_ring_of((key_serial_t)o);
	if (ring == 0)
		fail_msg("session object %lu is in no keyring of the process keyring", o);
	assert_true(kernel_key(ring, &rk));
	assert_string_equal(rk.perm, "3f000000");

	/* Every session of the slot sees it and can use it. */
	assert_int_equal(find_label(b, label, found, NELEM(found)), 1);
	assert_int_equal(found[0], o);
	assert_int_equal(bool_attr(b, o, CKA_TOKEN), CK_FALSE);
	key_crypt(b, o, CKM_AES_ECB, true, NULL, plain, 16, got);
	assert_memory_equal(got, want, 16);
	{
		CK_ATTRIBUTE by_token[] = {A_FALSE(CKA_TOKEN), A_STR(CKA_LABEL, label)};
		CK_ATTRIBUTE token_only[] = {A_TRUE(CKA_TOKEN), A_STR(CKA_LABEL, label)};

		assert_int_equal(find(b, by_token, 2, found, NELEM(found)), 1);
		assert_int_equal(find(b, token_only, 2, found, NELEM(found)), 0);
	}
	expect_size(b, o, 16);
	/* The other slot does not, and closing its sessions leaves it alone. */
	hu = open_session(USER_SLOT);
	assert_int_equal(find_label(hu, label, found, NELEM(found)), 0);
	assert_rv(p11->C_CloseAllSessions(USER_SLOT), CKR_OK);
	assert_true(key_alive((key_serial_t)o));

	/* Another process does not. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		CK_SESSION_HANDLE c;
		CK_OBJECT_HANDLE cf[8];
		CK_ULONG klass;
		CK_ATTRIBUTE ca = {CKA_CLASS, &klass, sizeof(klass)};
		CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};

		CHILD_CHECK(1, p11->C_Initialize(NULL) == CKR_OK);
		CHILD_CHECK(2, p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL,
						  &c) == CKR_OK);
		CHILD_CHECK(3, child_find_label(c, label, cf, 8) == 0);
		CHILD_CHECK(4, p11->C_GetAttributeValue(c, o, &ca, 1) == CKR_OBJECT_HANDLE_INVALID);
		CHILD_CHECK(5, p11->C_EncryptInit(c, &ecb, o) == CKR_KEY_HANDLE_INVALID);
		CHILD_CHECK(6, p11->C_Finalize(NULL) == CKR_OK);
		_exit(0);
	}
	expect_child_ok(pid, "session object in another process");

	/* Destroyed when the session that made it closes, not before. */
	assert_rv(p11->C_CloseSession(b), CKR_OK);
	assert_true(key_alive((key_serial_t)o));
	b = open_session(SESSION_SLOT);
	assert_rv(p11->C_CloseSession(a), CKR_OK);
	{
		CK_ULONG klass;
		CK_ATTRIBUTE ca = {CKA_CLASS, &klass, sizeof(klass)};

		assert_rv(p11->C_GetAttributeValue(b, o, &ca, 1), CKR_OBJECT_HANDLE_INVALID);
	}
	if (key_alive((key_serial_t)o))
		fail_msg("session object %lu outlived its session", o);
	assert_int_equal(find_label(b, label, found, NELEM(found)), 0);

	/* Another session may destroy it explicitly. */
	a = open_session(SESSION_SLOT);
	o = create_key(a, CKK_AES, key, 16, label, st, 1);
	assert_rv(p11->C_DestroyObject(b, o), CKR_OK);
	assert_false(key_alive((key_serial_t)o));

	/* C_CloseAllSessions and C_Finalize end them too. */
	o = generate_key(a, CKM_AES_KEY_GEN, 16, label, st, 1);
	assert_int_equal(bool_attr(a, o, CKA_LOCAL), CK_TRUE);
	assert_rv(p11->C_CloseAllSessions(SESSION_SLOT), CKR_OK);
	assert_false(key_alive((key_serial_t)o));
	a = open_session(SESSION_SLOT);
	o = create_key(a, CKK_AES, key, 16, label, st, 1);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_false(key_alive((key_serial_t)o));
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

/* ------------------------------ C_GetObjectSize, C_SetAttributeValue, C_CopyObject */

static void
test_object_size(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE)};
	CK_OBJECT_HANDLE o;
	key_serial_t k;
	CK_ULONG size;

	(void)state;
	o = create_key(h, CKK_AES, key32, 32, "p11test:size", NULL, 0);
	expect_size(h, o, 32);
	assert_rv(p11->C_GetObjectSize(h, o, NULL), CKR_ARGUMENTS_BAD);
	drop_key((key_serial_t)o);
	o = create_key(h, CKK_GENERIC_SECRET, key32, 10, "p11test:size user", ext, 1);
	expect_size(h, o, 10);
	drop_key((key_serial_t)o);
	o = generate_key(h, CKM_GENERIC_SECRET_KEY_GEN, 100, "p11test:size gen", NULL, 0);
	expect_size(h, o, 100);
	drop_key((key_serial_t)o);
	k = add_test_key("logon", "svc:size", key32, 24, KEY_SPEC_SESSION_KEYRING);
	assert_rv(p11->C_GetObjectSize(h, (CK_OBJECT_HANDLE)k, &size), CKR_OK);
	assert_int_equal(size, 8 + 1 + 24);
	drop_key(k);
	assert_rv(p11->C_GetObjectSize(h, (CK_OBJECT_HANDLE)k, &size), CKR_OBJECT_HANDLE_INVALID);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_set_attribute_value(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE same[] = {A_STR(CKA_LABEL, "p11test:set")};
	CK_ATTRIBUTE same_many[] = {A_STR(CKA_LABEL, "p11test:set"), A_TRUE(CKA_ENCRYPT),
				    A_FALSE(CKA_MODIFIABLE)};
	CK_ATTRIBUTE relabel[] = {A_STR(CKA_LABEL, "p11test:renamed")};
	CK_ATTRIBUTE disable[] = {A_FALSE(CKA_ENCRYPT)};
	CK_ATTRIBUTE class_data[] = {{CKA_CLASS, &v_data, sizeof(CK_OBJECT_CLASS)}};
	CK_ATTRIBUTE t[8];
	CK_OBJECT_HANDLE o;
	struct kkey before, after;

	(void)state;
	o = create_key(h, CKK_AES, key32, 16, "p11test:set", t, usage_attrs(t, USE_ALL));
	assert_true(kernel_key((key_serial_t)o, &before));
	assert_rv(p11->C_SetAttributeValue(h, o, same, 1), CKR_OK);
	assert_rv(p11->C_SetAttributeValue(h, o, same_many, 3), CKR_OK);
	assert_rv(p11->C_SetAttributeValue(h, o, relabel, 1), CKR_ACTION_PROHIBITED);
	assert_rv(p11->C_SetAttributeValue(h, o, disable, 1), CKR_ACTION_PROHIBITED);
	assert_rv(p11->C_SetAttributeValue(h, o, class_data, 1), CKR_ATTRIBUTE_READ_ONLY);
	/* Nothing changed, not even the serial. */
	assert_true(kernel_key((key_serial_t)o, &after));
	assert_string_equal(before.desc, after.desc);
	expect_bytes_attr(h, o, CKA_LABEL, "p11test:set", 11);
	assert_int_equal(bool_attr(h, o, CKA_ENCRYPT), CK_TRUE);
	assert_rv(p11->C_SetAttributeValue(h, o, NULL, 1), CKR_ARGUMENTS_BAD);
	{
		CK_ATTRIBUTE no_id[] = {{CKA_ID, NULL, 0}};
		CK_ATTRIBUTE new_id[] = {A_STR(CKA_ID, "\x01")};

		assert_rv(p11->C_SetAttributeValue(h, o, no_id, 1), CKR_OK);
		assert_rv(p11->C_SetAttributeValue(h, o, new_id, 1), CKR_ACTION_PROHIBITED);
		expect_bytes_attr(h, o, CKA_ID, "", 0);
	}
	drop_key((key_serial_t)o);
	assert_rv(p11->C_SetAttributeValue(h, o, same, 1), CKR_OBJECT_HANDLE_INVALID);
	/* A plain key: its label is its description, which cannot change either. */
	{
		key_serial_t k =
			add_test_key("logon", "svc:set", key32, 16, KEY_SPEC_SESSION_KEYRING);
		CK_ATTRIBUTE plain_same[] = {A_STR(CKA_LABEL, "svc:set")};

		assert_rv(p11->C_SetAttributeValue(h, (CK_OBJECT_HANDLE)k, plain_same, 1), CKR_OK);
		assert_rv(p11->C_SetAttributeValue(h, (CK_OBJECT_HANDLE)k, relabel, 1),
			  CKR_ACTION_PROHIBITED);
		assert_true(kernel_key(k, &after));
		assert_string_equal(after.desc, "svc:set");
		drop_key(k);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

static void
test_copy_object(void **state)
{
	static const uint8_t id[] = {0x5e};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE), {CKA_ID, (void *)id, 1}};
	CK_ATTRIBUTE relabel[] = {A_STR(CKA_LABEL, "p11test:copied")};
	uint8_t key[32], got[32];
	CK_OBJECT_HANDLE o, copy, logon;
	key_serial_t plain;
	struct kkey kk;
	size_t before;

	(void)state;
	RAND_bytes_(key, sizeof(key));
	o = create_key(h, CKK_AES, key, 32, "p11test:original", ext, 2);
	assert_int_equal(bool_attr(h, o, CKA_COPYABLE), CK_TRUE);
	assert_rv(p11->C_CopyObject(h, o, relabel, 1, &copy), CKR_OK);
	assert_true(copy != o);
	expect_module_key((key_serial_t)copy, "user", "p11test:copied", 14, &kk);
	expect_bytes_attr(h, copy, CKA_LABEL, "p11test:copied", 14);
	expect_bytes_attr(h, copy, CKA_ID, id, 1);
	assert_int_equal(ulong_attr(h, copy, CKA_KEY_TYPE), CKK_AES);
	assert_int_equal(bytes_attr(h, copy, CKA_VALUE, got, sizeof(got)), 32);
	assert_memory_equal(got, key, 32);
	expect_encrypts_as(h, copy, key, 32);
	/* The original is untouched. */
	expect_bytes_attr(h, o, CKA_LABEL, "p11test:original", 16);
	expect_encrypts_as(h, o, key, 32);
	drop_key((key_serial_t)copy);
	/* A new ID, the label kept. */
	{
		CK_ATTRIBUTE new_id[] = {A_STR(CKA_ID, "\x77\x88")};

		assert_rv(p11->C_CopyObject(h, o, new_id, 1, &copy), CKR_OK);
		expect_module_key((key_serial_t)copy, "user", "p11test:original", 16, &kk);
		expect_field(&kk, "id", "7788");
		expect_bytes_attr(h, copy, CKA_ID, "\x77\x88", 2);
		expect_encrypts_as(h, copy, key, 32);
		drop_key((key_serial_t)copy);
	}
	drop_key((key_serial_t)o);

	/* A plain user key is copyable; the copy is the module's. */
	plain = add_test_key("user", "svc:copyme", key, 24, KEY_SPEC_SESSION_KEYRING);
	assert_int_equal(bool_attr(h, (CK_OBJECT_HANDLE)plain, CKA_COPYABLE), CK_TRUE);
	assert_rv(p11->C_CopyObject(h, (CK_OBJECT_HANDLE)plain, relabel, 1, &copy), CKR_OK);
	expect_module_key((key_serial_t)copy, "user", "p11test:copied", 14, &kk);
	expect_field(&kk, "l", "24");
	expect_encrypts_as(h, copy, key, 24);
	drop_key((key_serial_t)copy);
	drop_key(plain);

	/* A logon key cannot be copied, made by the module or by hand. */
	logon = create_key(h, CKK_AES, key, 16, "p11test:logon", NULL, 0);
	plain = add_test_key("logon", "svc:nocopy", key, 16, KEY_SPEC_SESSION_KEYRING);
	before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);
	assert_rv(p11->C_CopyObject(h, logon, relabel, 1, &copy), CKR_ACTION_PROHIBITED);
	assert_rv(p11->C_CopyObject(h, logon, NULL, 0, &copy), CKR_ACTION_PROHIBITED);
	assert_rv(p11->C_CopyObject(h, (CK_OBJECT_HANDLE)plain, relabel, 1, &copy),
		  CKR_ACTION_PROHIBITED);
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
	drop_key((key_serial_t)logon);
	drop_key(plain);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ----------------------------------------------------------- plain keys */

static void
test_plain_key_defaults(void **state)
{
	static const CK_ATTRIBUTE_TYPE all_true[] = {
		CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN,	   CKA_VERIFY, CKA_WRAP,
		CKA_UNWRAP,  CKA_DERIVE,  CKA_DESTROYABLE, CKA_TOKEN,  CKA_SENSITIVE,
	};
	static const CK_ATTRIBUTE_TYPE all_false[] = {
		CKA_PRIVATE, CKA_LOCAL, CKA_COPYABLE, CKA_MODIFIABLE, CKA_EXTRACTABLE,
	};
	/* Not quite the module's form: plain keys, the description is the label. */
	static const char *not_parsed[] = {
		"pkcs11:n=0123456789ABCDEF;k=aes;l=32;u=e;f=ds;id=0a;label=upper",
		"pkcs11:n=0123456789abcde;k=aes;l=32;u=e;f=ds;id=0a;label=short nonce",
		"pkcs11:n=0123456789abcdef;l=32;k=aes;u=e;f=ds;id=0a;label=order",
		"pkcs11:n=0123456789abcdef;k=aes;l=32;u=de;f=ds;id=0a;label=letters",
		"pkcs11:n=0123456789abcdef;k=aes;l=032;u=e;f=ds;id=0a;label=zero",
		"pkcs11:n=0123456789abcdef;k=aes;l=32;u=e;f=ds;id=0;label=odd id",
		"pkcs11:n=0123456789abcdef;k=aes;l=32;u=e;f=ds;id=0A;label=upper id",
		"pkcs11:n=0123456789abcdef;k=des;l=32;u=e;f=ds;id=0a;label=type",
		"pkcs11:n=0123456789abcdef;k=aes;l=32;u=e;f=ds;id=0a",
		"PKCS11:n=0123456789abcdef;k=aes;l=32;u=e;f=ds;id=0a;label=prefix",
	};
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	key_serial_t k, u;
	uint8_t key[32];

	(void)state;
	RAND_bytes_(key, sizeof(key));
	k = add_test_key("logon", "svc:web-key", key, 32, KEY_SPEC_SESSION_KEYRING);
	expect_bytes_attr(h, k, CKA_LABEL, "svc:web-key", 11);
	expect_bytes_attr(h, k, CKA_ID, "", 0);
	assert_int_equal(ulong_attr(h, k, CKA_KEY_TYPE), CKK_AES);
	assert_int_equal(ulong_attr(h, k, CKA_VALUE_LEN), 32);
	assert_int_equal(ulong_attr(h, k, CKA_KEY_GEN_MECHANISM), CK_UNAVAILABLE_INFORMATION);
	for (size_t i = 0; i < NELEM(all_true); i++)
		if (bool_attr(h, k, all_true[i]) != CK_TRUE)
			fail_msg("plain logon key: attribute 0x%lx is not TRUE", all_true[i]);
	for (size_t i = 0; i < NELEM(all_false); i++)
		if (bool_attr(h, k, all_false[i]) != CK_FALSE)
			fail_msg("plain logon key: attribute 0x%lx is not FALSE", all_false[i]);
	expect_encrypts_as(h, k, key, 32);
	{
		static const uint8_t zero[16];
		uint8_t kcv[16];

		assert_int_equal(openssl_cipher(CKM_AES_ECB, true, key, 32, NULL, zero, 16, kcv),
				 16);
		expect_check_value(h, k, kcv);
	}
	drop_key(k);

	u = add_test_key("user", "svc:user-key", key, 20, KEY_SPEC_SESSION_KEYRING);
	assert_int_equal(ulong_attr(h, u, CKA_KEY_TYPE), CKK_GENERIC_SECRET);
	assert_int_equal(bool_attr(h, u, CKA_COPYABLE), CK_TRUE);
	assert_int_equal(bool_attr(h, u, CKA_DESTROYABLE), CK_TRUE);
	assert_int_equal(bool_attr(h, u, CKA_DERIVE), CK_TRUE);
	assert_int_equal(bool_attr(h, u, CKA_SENSITIVE), CK_FALSE);
	drop_key(u);

	for (size_t i = 0; i < NELEM(not_parsed); i++) {
		k = add_test_key("logon", not_parsed[i], key, 32, KEY_SPEC_SESSION_KEYRING);
		expect_bytes_attr(h, k, CKA_LABEL, not_parsed[i], strlen(not_parsed[i]));
		expect_bytes_attr(h, k, CKA_ID, "", 0);
		if (bool_attr(h, k, CKA_DECRYPT) != CK_TRUE)
			fail_msg("'%s' was parsed", not_parsed[i]);
		drop_key(k);
	}

	/* A description in the module's form is parsed, whoever added the key. */
	k = add_test_key("logon", "pkcs11:n=0123456789abcdef;k=aes;l=32;u=e;f=ds;id=0a;label=hand",
			 key, 32, KEY_SPEC_SESSION_KEYRING);
	expect_bytes_attr(h, k, CKA_LABEL, "hand", 4);
	expect_bytes_attr(h, k, CKA_ID, "\x0a", 1);
	assert_int_equal(bool_attr(h, k, CKA_ENCRYPT), CK_TRUE);
	assert_int_equal(bool_attr(h, k, CKA_DECRYPT), CK_FALSE);
	assert_int_equal(bool_attr(h, k, CKA_DERIVE), CK_FALSE);
	assert_int_equal(bool_attr(h, k, CKA_COPYABLE), CK_FALSE);
	assert_int_equal(bool_attr(h, k, CKA_DESTROYABLE), CK_TRUE);
	assert_int_equal(bool_attr(h, k, CKA_LOCAL), CK_FALSE);
	{
		uint8_t iv[16] = {0};
		CK_MECHANISM cbc = {CKM_AES_CBC, iv, 16};

		assert_rv(p11->C_DecryptInit(h, &cbc, (CK_OBJECT_HANDLE)k),
			  CKR_KEY_FUNCTION_NOT_PERMITTED);
	}
	drop_key(k);
	/* On a user key the kernel has the last word: never sensitive. */
	u = add_test_key("user", "pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=ds;id=;label=u", key,
			 16, KEY_SPEC_SESSION_KEYRING);
	expect_bytes_attr(h, u, CKA_LABEL, "u", 1);
	assert_int_equal(bool_attr(h, u, CKA_SENSITIVE), CK_FALSE);
	assert_int_equal(bool_attr(h, u, CKA_EXTRACTABLE), CK_TRUE);
	drop_key(u);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ---------------------------------------------------------------- quota */

/*
 * Run as a non-root uid (keys-quota.test): the default quota is 200 keys or
 * 20,000 bytes. Creation fails cleanly with CKR_DEVICE_MEMORY and leaves no
 * key behind.
 */
static void
test_quota(void **state)
{
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE ext[] = {A_TRUE(CKA_EXTRACTABLE)};
	CK_ATTRIBUTE st[] = {A_FALSE(CKA_TOKEN)};
	CK_OBJECT_HANDLE made[300], src, o;
	size_t before, n = 0;
	CK_RV rv = CKR_OK;

	(void)state;
	if (getuid() == 0)
		fail_msg("the quota test must run as a non-root uid (root's quota is huge)");
	/* A user key to copy once the quota is gone. */
	src = create_key(h, CKK_AES, key32, 16, "p11test:quota-src", ext, 1);
	before = ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0);
	for (int i = 0; i < 300; i++) {
		uint8_t key[16];

		RAND_bytes_(key, sizeof(key));
		rv = create_rv(h, CKK_AES, key, 16, "p11test:quota", NULL, 0, &made[n]);
		if (rv != CKR_OK)
			break;
		n++;
	}
	if (rv != CKR_DEVICE_MEMORY)
		fail_msg("after %zu keys: got %s (0x%lx), want CKR_DEVICE_MEMORY", n, rv_name(rv),
			 rv);
	assert_true(n > 0);
	/* Nothing half-created: exactly the keys that were reported. */
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before + n);
	{
		CK_OBJECT_HANDLE found[300];

		assert_int_equal(find_label(h, "p11test:quota", found, NELEM(found)), n);
	}
	/* A generated key, a copy and a session object fail the same way. */
	assert_rv(generate_rv(h, CKM_AES_KEY_GEN, 16, "p11test:quota", NULL, 0, &o),
		  CKR_DEVICE_MEMORY);
	assert_rv(p11->C_CopyObject(h, src, NULL, 0, &o), CKR_DEVICE_MEMORY);
	assert_rv(create_rv(h, CKK_AES, key32, 16, "p11test:quota-session", st, 1, &o),
		  CKR_DEVICE_MEMORY);
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before + n);
	{
		CK_OBJECT_HANDLE found[4];

		assert_int_equal(find_label(h, "p11test:quota-session", found, 4), 0);
		assert_int_equal(find_label(h, "p11test:quota-src", found, 4), 1);
	}
	for (size_t i = 0; i < n; i++) {
		assert_rv(p11->C_DestroyObject(h, made[i]), CKR_OK);
		assert_false(key_alive((key_serial_t)made[i]));
	}
	assert_int_equal(ring_keys(KEY_SPEC_SESSION_KEYRING, NULL, 0), before);
	assert_rv(p11->C_DestroyObject(h, src), CKR_OK);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* ------------------------------------------------------------------ groups */

static int
keys_group_setup(void **state)
{
	/* Generation without a master key unless a test configures one. */
	unsetenv("KEYRING_PKCS11_MASTER");
	return group_setup(state);
}

static int
run_keys_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_aes),
		cmocka_unit_test(test_create_label_bytes),
		cmocka_unit_test(test_create_extractable),
		cmocka_unit_test(test_create_generic_and_hmac),
		cmocka_unit_test(test_duplicate_labels),
		cmocka_unit_test(test_attributes_persist),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_description_limit),
		cmocka_unit_test(test_key_argument_checks),
		cmocka_unit_test(test_generate),
		cmocka_unit_test_teardown(test_generate_with_master, master_teardown),
		cmocka_unit_test(test_usage_enforcement),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_destroy),
		cmocka_unit_test(test_session_objects),
		cmocka_unit_test(test_object_size),
		cmocka_unit_test(test_set_attribute_value),
		cmocka_unit_test(test_copy_object),
		cmocka_unit_test(test_plain_key_defaults),
	};

	if (!have_af_alg()) {
		fprintf(stderr, "test-api keys: this kernel has no AF_ALG; run it in the guest "
				"(make check-vm). This is a failure, not a skip.\n");
		return 1;
	}
	return cmocka_run_group_tests_name("api-keys", tests, keys_group_setup, group_teardown);
}

static int
run_keys_quota_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quota),
	};

	return cmocka_run_group_tests_name("api-keys-quota", tests, keys_group_setup,
					   group_teardown);
}
