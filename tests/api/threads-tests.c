/* SPDX-License-Identifier: MIT */
/*
 * The threads tier (included by test-api.c): many threads, each with its own
 * session, doing mixed work whose every result is checked against OpenSSL;
 * threads sharing one session; C_CloseSession and C_Finalize racing active
 * operations; application mutex callbacks; and proof that a long operation
 * in one session does not hold up another session. Needs AF_ALG.
 *
 * cmocka's assertions are not thread-safe: workers record their first
 * failure, and the main thread asserts on it.
 */
#include <pthread.h>
#include <time.h>

#include <openssl/hmac.h>

#define STRESS_THREADS 8
#define STRESS_OPS 10000 /* per thread; KP11_STRESS_OPS overrides (TSan tier) */

struct worker {
	int id;
	CK_SESSION_HANDLE h;
	CK_OBJECT_HANDLE aes, hmac;
	uint8_t aes_key[32], hmac_key[32];
	char label[32];
	unsigned long ops, limit;
	uint32_t rng;
	bool failed;
	char msg[256];
	CK_RV last_rv; /* of the first failure (CKR_OK: a wrong result) */
};

static void
worker_fail(struct worker *w, int line, const char *what, CK_RV rv)
{
	if (w->failed)
		return;
	w->failed = true;
	w->last_rv = rv;
	snprintf(w->msg, sizeof(w->msg), "thread %d, op %lu, line %d: %s (%s)", w->id, w->ops, line,
		 what, rv_name(rv));
}

#define W_RV(w, call, want)                                                                        \
	do {                                                                                       \
		CK_RV rv_ = (call);                                                                \
		if (rv_ != (want)) {                                                               \
			worker_fail((w), __LINE__, #call, rv_);                                    \
			return;                                                                    \
		}                                                                                  \
	} while (0)
#define W_TRUE(w, cond)                                                                            \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			worker_fail((w), __LINE__, #cond, CKR_OK);                                 \
			return;                                                                    \
		}                                                                                  \
	} while (0)

static uint32_t
w_rnd(struct worker *w, uint32_t n)
{
	w->rng = w->rng * 1103515245u + 12345u;
	return (w->rng >> 8) % n;
}

static void
w_bytes(struct worker *w, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)w_rnd(w, 256);
}

/* OpenSSL's AES-256 in @mode ("CBC", "CTR"), with or without padding. */
static size_t
ref_aes(const char *name, bool encrypt, bool pad, const uint8_t *key, const uint8_t *iv,
	const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	bool ok = c != NULL && ctx != NULL &&
		  EVP_CipherInit_ex2(ctx, c, key, iv, encrypt ? 1 : 0, NULL) == 1 &&
		  EVP_CIPHER_CTX_set_padding(ctx, pad) == 1 &&
		  EVP_CipherUpdate(ctx, out, &n1, in, (int)len) == 1 &&
		  EVP_CipherFinal_ex(ctx, out + n1, &n2) == 1;

	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok ? (size_t)(n1 + n2) : (size_t)-1;
}

static CK_RV
create_secret(CK_SESSION_HANDLE h, CK_KEY_TYPE type, const char *label, const uint8_t *value,
	      CK_ULONG len, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},	  {CKA_KEY_TYPE, &type, sizeof(type)},
		{CKA_TOKEN, &no, sizeof(no)},	  {CKA_LABEL, (void *)label, strlen(label)},
		{CKA_VALUE, (void *)value, len},  {CKA_ENCRYPT, &yes, sizeof(yes)},
		{CKA_DECRYPT, &yes, sizeof(yes)}, {CKA_SIGN, &yes, sizeof(yes)},
		{CKA_VERIFY, &yes, sizeof(yes)},
	};

	return p11->C_CreateObject(h, t, sizeof(t) / sizeof(t[0]), key);
}

/* A session and two session-object keys whose bytes the worker knows. */
static void
worker_setup(struct worker *w, int id)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->rng = 0x9e3779b9u * (uint32_t)(id + 1);
	w->limit = STRESS_OPS;
	if (getenv("KP11_STRESS_OPS") != NULL)
		w->limit = strtoul(getenv("KP11_STRESS_OPS"), NULL, 10);
	snprintf(w->label, sizeof(w->label), "thread-%d-aes", id);
	w_bytes(w, w->aes_key, sizeof(w->aes_key));
	w_bytes(w, w->hmac_key, sizeof(w->hmac_key));
	w->h = open_session(SESSION_SLOT);
	assert_rv(create_secret(w->h, CKK_AES, w->label, w->aes_key, 32, &w->aes), CKR_OK);
	assert_rv(create_secret(w->h, CKK_GENERIC_SECRET, "thread-hmac", w->hmac_key, 32, &w->hmac),
		  CKR_OK);
}

/* AES-CBC one shot, against OpenSSL. */
static void
op_cbc_encrypt(struct worker *w)
{
	uint8_t iv[16], in[1024], out[1024], ref[1040];
	CK_MECHANISM m = {CKM_AES_CBC, iv, sizeof(iv)};
	CK_ULONG len = 16 * (1 + w_rnd(w, 64)), n = sizeof(out);

	w_bytes(w, iv, sizeof(iv));
	w_bytes(w, in, len);
	W_RV(w, p11->C_EncryptInit(w->h, &m, w->aes), CKR_OK);
	W_RV(w, p11->C_Encrypt(w->h, in, len, out, &n), CKR_OK);
	W_TRUE(w, ref_aes("AES-256-CBC", true, false, w->aes_key, iv, in, len, ref) == n);
	W_TRUE(w, n == len && memcmp(out, ref, n) == 0);
}

/* AES-CBC-PAD decryption of OpenSSL's ciphertext, in two parts. */
static void
op_cbc_pad_decrypt(struct worker *w)
{
	uint8_t iv[16], in[600], ct[640], out[640];
	CK_MECHANISM m = {CKM_AES_CBC_PAD, iv, sizeof(iv)};
	size_t len = w_rnd(w, sizeof(in)), ct_len, cut;
	CK_ULONG n1 = sizeof(out), n2;

	w_bytes(w, iv, sizeof(iv));
	w_bytes(w, in, len);
	ct_len = ref_aes("AES-256-CBC", true, true, w->aes_key, iv, in, len, ct);
	W_TRUE(w, ct_len != (size_t)-1);
	cut = w_rnd(w, (uint32_t)ct_len + 1);
	W_RV(w, p11->C_DecryptInit(w->h, &m, w->aes), CKR_OK);
	W_RV(w, p11->C_DecryptUpdate(w->h, ct, cut, out, &n1), CKR_OK);
	n2 = sizeof(out) - n1;
	W_RV(w, p11->C_DecryptUpdate(w->h, ct + cut, ct_len - cut, out + n1, &n2), CKR_OK);
	n1 += n2;
	n2 = sizeof(out) - n1;
	W_RV(w, p11->C_DecryptFinal(w->h, out + n1, &n2), CKR_OK);
	W_TRUE(w, n1 + n2 == len && memcmp(out, in, len) == 0);
}

/* AES-CTR in three updates, against OpenSSL. */
static void
op_ctr_parts(struct worker *w)
{
	uint8_t in[700], out[700], ref[700];
	CK_AES_CTR_PARAMS p = {.ulCounterBits = 64};
	CK_MECHANISM m = {CKM_AES_CTR, &p, sizeof(p)};
	size_t len = 1 + w_rnd(w, sizeof(in)), a = w_rnd(w, (uint32_t)len + 1), done = 0;
	size_t parts[3] = {a, (len - a) / 2, len - a - (len - a) / 2};
	CK_ULONG n;

	w_bytes(w, p.cb, 8);
	memset(p.cb + 8, 0, 8);
	w_bytes(w, in, len);
	W_RV(w, p11->C_EncryptInit(w->h, &m, w->aes), CKR_OK);
	for (int i = 0, off = 0; i < 3; off += (int)parts[i], i++) {
		n = sizeof(out) - done;
		W_RV(w, p11->C_EncryptUpdate(w->h, in + off, parts[i], out + done, &n), CKR_OK);
		done += n;
	}
	n = sizeof(out) - done;
	W_RV(w, p11->C_EncryptFinal(w->h, out + done, &n), CKR_OK);
	done += n;
	W_TRUE(w, ref_aes("AES-256-CTR", true, false, w->aes_key, p.cb, in, len, ref) == len);
	W_TRUE(w, done == len && memcmp(out, ref, len) == 0);
}

/* SHA-256 in two updates, against OpenSSL. */
static void
op_digest(struct worker *w)
{
	CK_MECHANISM m = {CKM_SHA256, NULL, 0};
	uint8_t in[2000], md[32], ref[32];
	size_t len = w_rnd(w, sizeof(in)), a = w_rnd(w, (uint32_t)len + 1);
	CK_ULONG n = sizeof(md);

	w_bytes(w, in, len);
	W_RV(w, p11->C_DigestInit(w->h, &m), CKR_OK);
	W_RV(w, p11->C_DigestUpdate(w->h, in, a), CKR_OK);
	W_RV(w, p11->C_DigestUpdate(w->h, in + a, len - a), CKR_OK);
	W_RV(w, p11->C_DigestFinal(w->h, md, &n), CKR_OK);
	W_TRUE(w, EVP_Digest(in, len, ref, NULL, EVP_sha256(), NULL) == 1);
	W_TRUE(w, n == 32 && memcmp(md, ref, 32) == 0);
}

/* HMAC-SHA256: sign against OpenSSL, verify it, and refuse a flipped MAC. */
static void
op_hmac(struct worker *w)
{
	CK_MECHANISM m = {CKM_SHA256_HMAC, NULL, 0};
	uint8_t in[500], mac[32], ref[32];
	size_t len = w_rnd(w, sizeof(in));
	unsigned ref_len = 0;
	CK_ULONG n = sizeof(mac);

	w_bytes(w, in, len);
	W_RV(w, p11->C_SignInit(w->h, &m, w->hmac), CKR_OK);
	W_RV(w, p11->C_Sign(w->h, in, len, mac, &n), CKR_OK);
	W_TRUE(w, HMAC(EVP_sha256(), w->hmac_key, 32, in, len, ref, &ref_len) != NULL);
	W_TRUE(w, n == 32 && ref_len == 32 && memcmp(mac, ref, 32) == 0);
	W_RV(w, p11->C_VerifyInit(w->h, &m, w->hmac), CKR_OK);
	W_RV(w, p11->C_Verify(w->h, in, len, mac, n), CKR_OK);
	mac[w_rnd(w, 32)] ^= 1;
	W_RV(w, p11->C_VerifyInit(w->h, &m, w->hmac), CKR_OK);
	W_RV(w, p11->C_Verify(w->h, in, len, mac, n), CKR_SIGNATURE_INVALID);
}

/* Find the worker's AES key by label: exactly that one handle. */
static void
op_find(struct worker *w)
{
	CK_ATTRIBUTE t[] = {{CKA_LABEL, w->label, strlen(w->label)}};
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0;

	W_RV(w, p11->C_FindObjectsInit(w->h, t, 1), CKR_OK);
	W_RV(w, p11->C_FindObjects(w->h, found, 4, &n), CKR_OK);
	W_RV(w, p11->C_FindObjectsFinal(w->h), CKR_OK);
	W_TRUE(w, n == 1 && found[0] == w->aes);
}

/* Create a session key, read an attribute back, destroy it: then it is gone. */
static void
op_create_destroy(struct worker *w)
{
	uint8_t value[16];
	CK_OBJECT_HANDLE k = CK_INVALID_HANDLE;
	CK_ULONG value_len = 0;
	CK_ATTRIBUTE get = {CKA_VALUE_LEN, &value_len, sizeof(value_len)};

	w_bytes(w, value, sizeof(value));
	W_RV(w, create_secret(w->h, CKK_AES, "thread-temp", value, sizeof(value), &k), CKR_OK);
	W_RV(w, p11->C_GetAttributeValue(w->h, k, &get, 1), CKR_OK);
	W_TRUE(w, value_len == 16);
	W_RV(w, p11->C_DestroyObject(w->h, k), CKR_OK);
	W_RV(w, p11->C_GetAttributeValue(w->h, k, &get, 1), CKR_OBJECT_HANDLE_INVALID);
}

static void (*const stress_ops[])(struct worker *) = {
	op_cbc_encrypt, op_cbc_pad_decrypt, op_ctr_parts, op_digest, op_hmac,
	op_find,	op_create_destroy,
};
#define N_STRESS_OPS (sizeof(stress_ops) / sizeof(stress_ops[0]))

static pthread_barrier_t start_line;

static void *
stress_thread(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start_line);
	for (w->ops = 0; w->ops < w->limit && !w->failed; w->ops++)
		stress_ops[w_rnd(w, N_STRESS_OPS)](w);
	return NULL;
}

static void
run_workers(struct worker *w, int n, void *(*fn)(void *))
{
	pthread_t t[STRESS_THREADS];

	assert_true(n <= STRESS_THREADS);
	assert_int_equal(pthread_barrier_init(&start_line, NULL, (unsigned)n), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fn, &w[i]), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&start_line);
}

static void
assert_workers_ok(struct worker *w, int n)
{
	for (int i = 0; i < n; i++)
		if (w[i].failed)
			fail_msg("%s", w[i].msg);
}

/* 8 threads x 10,000 mixed operations, each in its own session. */
static void
test_threads_stress(void **state)
{
	struct worker w[STRESS_THREADS];
	unsigned long total = 0;

	(void)state;
	for (int i = 0; i < STRESS_THREADS; i++)
		worker_setup(&w[i], i);
	run_workers(w, STRESS_THREADS, stress_thread);
	assert_workers_ok(w, STRESS_THREADS);
	for (int i = 0; i < STRESS_THREADS; i++) {
		assert_int_equal(w[i].ops, w[i].limit);
		total += w[i].ops;
		assert_rv(p11->C_CloseSession(w[i].h), CKR_OK);
	}
	print_message("stress: %d threads, %lu operations checked\n", STRESS_THREADS, total);
}

/*
 * Threads sharing one session, doing what the spec lets them share: object
 * management, attribute reads, random numbers and session information.
 */
static struct worker shared;

static void *
shared_thread(void *arg)
{
	struct worker *w = arg;
	CK_SESSION_INFO info;
	uint8_t rnd_buf[64], zero[64] = {0};

	pthread_barrier_wait(&start_line);
	for (w->ops = 0; w->ops < 300 && !w->failed; w->ops++) {
		CK_ULONG value_len = 0;
		CK_ATTRIBUTE get = {CKA_VALUE_LEN, &value_len, sizeof(value_len)};

		switch (w->ops % 3) {
		case 0:
			op_create_destroy(w);
			break;
		case 1:
			if (p11->C_GetAttributeValue(w->h, shared.aes, &get, 1) != CKR_OK ||
			    value_len != 32)
				worker_fail(w, __LINE__, "CKA_VALUE_LEN of the shared key", CKR_OK);
			break;
		default:
			if (p11->C_GenerateRandom(w->h, rnd_buf, sizeof(rnd_buf)) != CKR_OK ||
			    memcmp(rnd_buf, zero, sizeof(zero)) == 0 ||
			    p11->C_GetSessionInfo(w->h, &info) != CKR_OK ||
			    info.slotID != SESSION_SLOT || info.state != CKS_RW_PUBLIC_SESSION)
				worker_fail(w, __LINE__, "random or session info", CKR_OK);
			break;
		}
	}
	return NULL;
}

static void
test_threads_shared_session(void **state)
{
	struct worker w[4];

	(void)state;
	worker_setup(&shared, 100);
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		w[i].rng = (uint32_t)i + 7;
		w[i].h = shared.h;
	}
	run_workers(w, 4, shared_thread);
	assert_workers_ok(w, 4);
	/* The session still works for crypto afterwards. */
	shared.limit = 1;
	op_cbc_encrypt(&shared);
	op_hmac(&shared);
	assert_workers_ok(&shared, 1);
	assert_rv(p11->C_CloseSession(shared.h), CKR_OK);
}

/*
 * Workers loop over crypto calls in their sessions until a call fails; the
 * main thread closes the sessions (or finalizes the module) under them.
 * Every result before the failure is checked; the failure must be one of
 * @allowed.
 */
static const CK_RV *race_allowed;
static bool race_stop; /* atomic */

static void *
race_thread(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start_line);
	while (!__atomic_load_n(&race_stop, __ATOMIC_ACQUIRE)) {
		struct worker probe = *w;

		stress_ops[w->ops % 5](&probe); /* crypto only: cbc, cbc-pad, ctr, digest, hmac */
		w->rng = probe.rng;
		__atomic_store_n(&w->ops, w->ops + 1, __ATOMIC_RELEASE);
		if (!probe.failed)
			continue;
		/* The first failure must be a clean "session (or module) gone". */
		for (const CK_RV *a = race_allowed; *a != CKR_OK; a++)
			if (probe.last_rv == *a)
				return NULL;
		memcpy(w->msg, probe.msg, sizeof(w->msg));
		__atomic_store_n(&w->failed, true, __ATOMIC_RELEASE);
		return NULL;
	}
	return NULL;
}

struct race {
	struct worker *w;
	int n;
	bool finalize;
	CK_RV rv; /* of C_Finalize or C_CloseSession */
};

static void *
race_closer(void *arg)
{
	struct race *r = arg;
	struct timespec ts = {0, 20 * 1000 * 1000};

	pthread_barrier_wait(&start_line);
	/* Let every worker get going. */
	for (int i = 0; i < r->n; i++)
		while (__atomic_load_n(&r->w[i].ops, __ATOMIC_ACQUIRE) < 3 &&
		       !__atomic_load_n(&r->w[i].failed, __ATOMIC_ACQUIRE))
			nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	nanosleep(&ts, NULL);
	if (r->finalize)
		r->rv = p11->C_Finalize(NULL);
	for (int i = 0; i < r->n && !r->finalize && r->rv == CKR_OK; i++)
		r->rv = p11->C_CloseSession(r->w[i].h);
	return NULL;
}

static void
race_round(bool finalize)
{
	static const CK_RV close_codes[] = {CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED, CKR_OK};
	static const CK_RV fin_codes[] = {CKR_CRYPTOKI_NOT_INITIALIZED, CKR_SESSION_HANDLE_INVALID,
					  CKR_SESSION_CLOSED, CKR_OK};
	struct worker w[4];
	struct race r = {w, 4, finalize, CKR_OK};
	pthread_t t[5];

	race_allowed = finalize ? fin_codes : close_codes;
	__atomic_store_n(&race_stop, false, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++)
		worker_setup(&w[i], 200 + i);
	assert_int_equal(pthread_barrier_init(&start_line, NULL, 5), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race_thread, &w[i]), 0);
	assert_int_equal(pthread_create(&t[4], NULL, race_closer, &r), 0);
	assert_int_equal(pthread_join(t[4], NULL), 0);
	/* Workers stop by themselves at their next call; stop them anyway. */
	__atomic_store_n(&race_stop, true, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&start_line);
	assert_rv(r.rv, CKR_OK);
	assert_workers_ok(w, 4);
	for (int i = 0; i < 4; i++) {
		CK_SESSION_INFO info;

		assert_true(w[i].ops >= 3);
		assert_rv(p11->C_GetSessionInfo(w[i].h, &info),
			  finalize ? CKR_CRYPTOKI_NOT_INITIALIZED : CKR_SESSION_HANDLE_INVALID);
	}
	if (finalize)
		assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

static void
test_threads_close_session_race(void **state)
{
	(void)state;
	for (int round = 0; round < 5; round++)
		race_round(false);
}

static void
test_threads_finalize_race(void **state)
{
	struct worker w;

	(void)state;
	for (int round = 0; round < 5; round++)
		race_round(true);
	/* The module works again after the last C_Initialize. */
	worker_setup(&w, 300);
	w.limit = 1;
	op_cbc_encrypt(&w);
	op_hmac(&w);
	assert_workers_ok(&w, 1);
	assert_rv(p11->C_CloseSession(w.h), CKR_OK);
}

/*
 * A 16 MiB AES-CBC encryption in one session must not hold up a digest in
 * another: several digests complete while the encryption is in the kernel.
 * Under one global lock held through the kernel call, none would.
 */
struct long_op {
	CK_SESSION_HANDLE h;
	CK_OBJECT_HANDLE key;
	int inside; /* atomic: 1 while C_Encrypt runs */
	CK_RV rv;
	unsigned long overlapped;
	CK_RV short_rv;
};

static void *
long_encrypt(void *arg)
{
	struct long_op *o = arg;
	CK_ULONG len = 16 << 20, n = len;
	uint8_t iv[16] = {0}, *buf = calloc(1, len);
	CK_MECHANISM m = {CKM_AES_CBC, iv, sizeof(iv)};

	o->rv = buf == NULL ? CKR_HOST_MEMORY : p11->C_EncryptInit(o->h, &m, o->key);
	pthread_barrier_wait(&start_line);
	__atomic_store_n(&o->inside, 1, __ATOMIC_RELEASE);
	if (o->rv == CKR_OK)
		o->rv = p11->C_Encrypt(o->h, buf, len, buf, &n);
	__atomic_store_n(&o->inside, 0, __ATOMIC_RELEASE);
	free(buf);
	return NULL;
}

static void *
short_digests(void *arg)
{
	struct long_op *o = arg;
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_SHA256, NULL, 0};
	uint8_t in[16] = {0}, md[32];

	o->short_rv = p11->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION, NULL, NULL, &h);
	pthread_barrier_wait(&start_line);
	while (o->short_rv == CKR_OK && !__atomic_load_n(&o->inside, __ATOMIC_ACQUIRE))
		sched_yield();
	while (o->short_rv == CKR_OK && __atomic_load_n(&o->inside, __ATOMIC_ACQUIRE)) {
		CK_ULONG n = sizeof(md);

		o->short_rv = p11->C_DigestInit(h, &m);
		if (o->short_rv == CKR_OK)
			o->short_rv = p11->C_Digest(h, in, sizeof(in), md, &n);
		if (__atomic_load_n(&o->inside, __ATOMIC_ACQUIRE))
			o->overlapped++;
	}
	if (h != CK_INVALID_HANDLE)
		p11->C_CloseSession(h);
	return NULL;
}

static void
test_threads_sessions_run_in_parallel(void **state)
{
	struct worker w;
	struct long_op o = {0};
	pthread_t a, b;

	(void)state;
	worker_setup(&w, 400);
	o.h = w.h;
	o.key = w.aes;
	assert_int_equal(pthread_barrier_init(&start_line, NULL, 2), 0);
	assert_int_equal(pthread_create(&a, NULL, long_encrypt, &o), 0);
	assert_int_equal(pthread_create(&b, NULL, short_digests, &o), 0);
	assert_int_equal(pthread_join(a, NULL), 0);
	assert_int_equal(pthread_join(b, NULL), 0);
	pthread_barrier_destroy(&start_line);
	assert_rv(o.rv, CKR_OK);
	assert_rv(o.short_rv, CKR_OK);
	print_message("%lu digests completed during one 16 MiB encryption\n", o.overlapped);
	assert_true(o.overlapped >= 5);
	assert_rv(p11->C_CloseSession(w.h), CKR_OK);
}

/* Application mutex callbacks backed by real mutexes, counted atomically. */
static int thr_creates, thr_destroys, thr_locks, thr_unlocks;

static CK_RV
thr_create(void **m)
{
	pthread_mutex_t *p = malloc(sizeof(*p));

	if (p == NULL)
		return CKR_HOST_MEMORY;
	pthread_mutex_init(p, NULL);
	*m = p;
	__atomic_add_fetch(&thr_creates, 1, __ATOMIC_RELAXED);
	return CKR_OK;
}

static CK_RV
thr_destroy(void *m)
{
	pthread_mutex_destroy(m);
	free(m);
	__atomic_add_fetch(&thr_destroys, 1, __ATOMIC_RELAXED);
	return CKR_OK;
}

static CK_RV
thr_lock(void *m)
{
	pthread_mutex_lock(m);
	__atomic_add_fetch(&thr_locks, 1, __ATOMIC_RELAXED);
	return CKR_OK;
}

static CK_RV
thr_unlock(void *m)
{
	__atomic_add_fetch(&thr_unlocks, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(m);
	return CKR_OK;
}

static void
test_threads_app_mutexes(void **state)
{
	CK_C_INITIALIZE_ARGS args = {
		.CreateMutex = thr_create,
		.DestroyMutex = thr_destroy,
		.LockMutex = thr_lock,
		.UnlockMutex = thr_unlock,
	};
	struct worker w[4];

	(void)state;
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(&args), CKR_OK);
	for (int i = 0; i < 4; i++) {
		worker_setup(&w[i], 500 + i);
		w[i].limit = 300;
	}
	/* The global mutex, and one per session. */
	assert_int_equal(thr_creates, 1 + 4);
	run_workers(w, 4, stress_thread);
	assert_workers_ok(w, 4);
	assert_true(thr_locks > 4 * 300);
	assert_int_equal(thr_locks, thr_unlocks);
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	assert_int_equal(thr_creates, thr_destroys);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

static int
run_threads_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_stress),
		cmocka_unit_test(test_threads_shared_session),
		cmocka_unit_test(test_threads_sessions_run_in_parallel),
		cmocka_unit_test(test_threads_close_session_race),
		cmocka_unit_test(test_threads_finalize_race),
		cmocka_unit_test(test_threads_app_mutexes),
	};

	if (!have_af_alg())
		fprintf(stderr, "no AF_ALG in this kernel: the threads tests will fail\n");
	return cmocka_run_group_tests_name("api-threads", tests, group_setup, group_teardown);
}
