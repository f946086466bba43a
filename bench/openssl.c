/* SPDX-License-Identifier: MIT */
/* The user-space reference: OpenSSL EVP with the key bytes. */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "bench/bench.h"

struct bench_ctx {
	enum bench_op op;
	const struct bench_keys *keys;
	EVP_CIPHER_CTX *cipher;
	EVP_MD_CTX *md;
	EVP_MAC_CTX *mac;
	const EVP_CIPHER *cipher_alg;
	const EVP_MD *md_alg;
};

static EVP_MAC *hmac_alg;

static void
ossl_ctx_free(struct bench_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_CIPHER_CTX_free(ctx->cipher);
	EVP_MD_CTX_free(ctx->md);
	EVP_MAC_CTX_free(ctx->mac);
	free(ctx);
}

static int
ossl_ctx_new(struct bench_backend *b, enum bench_op op, struct bench_ctx **result)
{
	struct bench_ctx *ctx;
	int ret = -1;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		goto out;
	ctx->op = op;
	ctx->keys = b->priv;
	switch (op) {
	case OP_CBC:
	case OP_CTR:
	case OP_GCM:
		ctx->cipher = EVP_CIPHER_CTX_new();
		ctx->cipher_alg = op == OP_CBC	 ? EVP_aes_128_cbc()
				  : op == OP_CTR ? EVP_aes_128_ctr()
						 : EVP_aes_128_gcm();
		if (ctx->cipher == NULL)
			goto out;
		break;
	case OP_SHA256:
	case OP_SHA512:
		ctx->md = EVP_MD_CTX_new();
		ctx->md_alg = op == OP_SHA256 ? EVP_sha256() : EVP_sha512();
		if (ctx->md == NULL)
			goto out;
		break;
	case OP_HMAC:
		ctx->mac = EVP_MAC_CTX_new(hmac_alg);
		if (ctx->mac == NULL)
			goto out;
		break;
	case OP_COUNT:
		goto out;
	}
	*result = ctx;
	ctx = NULL;
	ret = 0;
out:
	if (ret < 0)
		fprintf(stderr, "bench: openssl: cannot set up %s\n", bench_op_names[op]);
	ossl_ctx_free(ctx);
	return ret;
}

static int
ossl_cipher(struct bench_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	EVP_CIPHER_CTX *c = ctx->cipher;
	int n = 0, m = 0;

	if (len > (size_t)INT32_MAX)
		return -1;
	if (ctx->op == OP_GCM) {
		if (!EVP_EncryptInit_ex(c, ctx->cipher_alg, NULL, NULL, NULL) ||
		    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, BENCH_GCM_IV_LEN, NULL) ||
		    !EVP_EncryptInit_ex(c, NULL, NULL, ctx->keys->aes, bench_iv))
			return -1;
	} else if (!EVP_EncryptInit_ex(c, ctx->cipher_alg, NULL, ctx->keys->aes, bench_iv) ||
		   !EVP_CIPHER_CTX_set_padding(c, 0)) {
		return -1;
	}
	if (!EVP_EncryptUpdate(c, out, &n, in, (int)len) || !EVP_EncryptFinal_ex(c, out + n, &m))
		return -1;
	*out_len = (size_t)n + (size_t)m;
	if (ctx->op == OP_GCM) {
		if (!EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, BENCH_TAG_LEN, out + *out_len))
			return -1;
		*out_len += BENCH_TAG_LEN;
	}
	return 0;
}

static int
ossl_run(struct bench_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	unsigned md_len = 0;

	switch (ctx->op) {
	case OP_CBC:
	case OP_CTR:
	case OP_GCM:
		return ossl_cipher(ctx, in, len, out, out_len);
	case OP_SHA256:
	case OP_SHA512:
		if (!EVP_DigestInit_ex(ctx->md, ctx->md_alg, NULL) ||
		    !EVP_DigestUpdate(ctx->md, in, len) ||
		    !EVP_DigestFinal_ex(ctx->md, out, &md_len))
			return -1;
		*out_len = md_len;
		return 0;
	case OP_HMAC: {
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
			OSSL_PARAM_construct_end(),
		};

		if (!EVP_MAC_init(ctx->mac, ctx->keys->hmac, BENCH_HMAC_KEY_LEN, params) ||
		    !EVP_MAC_update(ctx->mac, in, len) ||
		    !EVP_MAC_final(ctx->mac, out, out_len, BENCH_MAX_OUT_EXTRA))
			return -1;
		return 0;
	}
	case OP_COUNT:
		break;
	}
	return -1;
}

int
backend_openssl_init(struct bench_backend *b, const struct bench_keys *keys)
{
	if (hmac_alg == NULL)
		hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (hmac_alg == NULL) {
		fprintf(stderr, "bench: openssl: no HMAC\n");
		return -1;
	}
	b->ctx_new = ossl_ctx_new;
	b->run = ossl_run;
	b->ctx_free = ossl_ctx_free;
	b->priv = (void *)(uintptr_t)keys;
	return 0;
}
