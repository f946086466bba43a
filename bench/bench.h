/* SPDX-License-Identifier: MIT */
/*
 * bench - throughput of one key through several crypto backends
 * (docs/PERFORMANCE.md). Built only by "make bench".
 */
#ifndef KP11_BENCH_H
#define KP11_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bench_op { OP_CBC, OP_CTR, OP_GCM, OP_SHA256, OP_SHA512, OP_HMAC, OP_COUNT };

#define BENCH_IV_LEN 16
#define BENCH_GCM_IV_LEN 12
#define BENCH_TAG_LEN 16
#define BENCH_AES_KEY_LEN 16
#define BENCH_HMAC_KEY_LEN 32
#define BENCH_MAX_OUT_EXTRA 64 /* room past the input: a tag or a digest */

/* The one key pair every backend uses, with the kernel's copies of it. */
struct bench_keys {
	uint8_t aes[BENCH_AES_KEY_LEN];
	uint8_t hmac[BENCH_HMAC_KEY_LEN];
	const char *aes_label; /* CKA_LABEL and logon description */
	const char *hmac_label;
	int32_t aes_serial; /* 0 until looked up (afalg backend) */
	int32_t hmac_serial;
	const char *pin; /* C_Login user PIN, or NULL */
	bool checked;	 /* afalg backends: make the module's per-Init key checks */
};

/* One thread's state for one backend and op; what it holds is the backend's. */
struct bench_ctx;

struct bench_backend {
	const char *name;
	/* Prepares a thread's state (session, socket, EVP ctx): not timed. */
	int (*ctx_new)(struct bench_backend *b, enum bench_op op, struct bench_ctx **ctx);
	/*
	 * One whole operation over @in (@len bytes): writes the output to @out
	 * and its length to @out_len. Timed. Returns 0 or -1 (message printed).
	 */
	int (*run)(struct bench_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out,
		   size_t *out_len);
	void (*ctx_free)(struct bench_ctx *ctx);
	void *priv;
};

extern const uint8_t bench_iv[BENCH_IV_LEN];
extern const char *const bench_op_names[OP_COUNT];

/* Backends: each returns 0 and fills @b, or -1 with a message printed. */
int backend_openssl_init(struct bench_backend *b, const struct bench_keys *keys);
int backend_afalg_init(struct bench_backend *b, struct bench_keys *keys);
/*
 * @spec: "PATH:TOKEN-LABEL" (keys found by label on that token) or
 * "PATH:TOKEN-LABEL:session" (session objects made with the key bytes).
 */
int backend_pkcs11_init(struct bench_backend *b, const char *spec, const struct bench_keys *keys);
/* Creates the two keys as token objects (CKA_TOKEN=TRUE) on the token of @spec. */
int backend_pkcs11_import(const char *spec, const struct bench_keys *keys);
/*
 * Open descriptors per session after @rounds ops of each of @ops (bit mask)
 * in each of @sessions sessions, opened for it and closed after.
 */
int backend_pkcs11_fds_per_session(struct bench_backend *b, unsigned ops, int sessions, int rounds,
				   double *per_session);

#endif
