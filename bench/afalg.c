/* SPDX-License-Identifier: MIT */
/*
 * The ceiling of the design: raw AF_ALG keyed by serial, the transform and
 * op socket made once per thread; per op one sendmsg (OP, IV, assoclen as
 * cmsgs) and reads of exactly the output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <keyutils.h>
#include <linux/if_alg.h>

#include "bench/bench.h"

#ifndef SOL_ALG
#define SOL_ALG 279
#endif
#ifndef ALG_SET_KEY_BY_KEY_SERIAL
#define ALG_SET_KEY_BY_KEY_SERIAL 7
#endif

/* Below SO_SNDBUF (212,992): skcipher requests go in pieces with MSG_MORE. */
#define CHUNK (128 * 1024)

struct bench_ctx {
	enum bench_op op;
	int tfm;
	int fd;
	int32_t serial; /* the key (0: a digest) */
	int probe;	/* afalg-checked: the key check's transform, else -1 */
};

/*
 * "afalg-checked": before every op, the system calls keyring-pkcs11 makes
 * on a warm C_*Init to keep its revocation rule (slots/key-object.c,
 * crypto/operation.c): the session keyring still ours, the key still in it,
 * still viewable, and still accepted for keying. What is left between the
 * module and this backend is the PKCS#11 layer itself.
 */
static int
module_checks(struct bench_ctx *ctx)
{
	int32_t ring[64];
	char desc[4160];

	if (ctx->serial == 0)
		return 0; /* a digest: no key to check */
	if (keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) < 0 ||
	    keyctl_read(KEY_SPEC_SESSION_KEYRING, (char *)ring, sizeof(ring)) < 0 ||
	    keyctl_describe(ctx->serial, desc, sizeof(desc)) < 0)
		return -1;
	if (setsockopt(ctx->probe, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &ctx->serial,
		       sizeof(ctx->serial)) < 0 &&
	    errno != EINVAL)
		return -1;
	return 0;
}

static const struct {
	const char *type, *name;
} algs[OP_COUNT] = {
	[OP_CBC] = {"skcipher", "cbc(aes)"}, [OP_CTR] = {"skcipher", "ctr(aes)"},
	[OP_GCM] = {"aead", "gcm(aes)"},     [OP_SHA256] = {"hash", "sha256"},
	[OP_SHA512] = {"hash", "sha512"},    [OP_HMAC] = {"hash", "hmac(sha256)"},
};

static void
afalg_ctx_free(struct bench_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->fd >= 0)
		close(ctx->fd);
	if (ctx->tfm >= 0)
		close(ctx->tfm);
	if (ctx->probe >= 0)
		close(ctx->probe);
	free(ctx);
}

static int
afalg_ctx_new(struct bench_backend *b, enum bench_op op, struct bench_ctx **result)
{
	const struct bench_keys *keys = b->priv;
	struct sockaddr_alg sa = {.salg_family = AF_ALG};
	struct bench_ctx *ctx;
	int32_t serial = 0;
	int big = 16 << 20;
	const char *what = "calloc";
	int ret = -1;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		goto out;
	ctx->op = op;
	ctx->fd = -1;
	ctx->probe = -1;
	snprintf((char *)sa.salg_type, sizeof(sa.salg_type), "%s", algs[op].type);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", algs[op].name);
	if (op == OP_CBC || op == OP_CTR || op == OP_GCM)
		serial = keys->aes_serial;
	else if (op == OP_HMAC)
		serial = keys->hmac_serial;
	ctx->serial = serial;
	what = "probe";
	if (keys->checked) {
		struct sockaddr_alg pa = {
			.salg_family = AF_ALG, .salg_type = "skcipher", .salg_name = "ecb(aes)"};

		ctx->probe = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (ctx->probe < 0 || bind(ctx->probe, (struct sockaddr *)&pa, sizeof(pa)) < 0)
			goto out;
	}
	what = "socket";
	ctx->tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ctx->tfm < 0)
		goto out;
	what = "bind";
	if (bind(ctx->tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	what = "ALG_SET_KEY_BY_KEY_SERIAL";
	if (serial != 0 &&
	    setsockopt(ctx->tfm, SOL_ALG, ALG_SET_KEY_BY_KEY_SERIAL, &serial, sizeof(serial)) < 0)
		goto out;
	what = "ALG_SET_AEAD_AUTHSIZE";
	if (op == OP_GCM &&
	    setsockopt(ctx->tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, BENCH_TAG_LEN) < 0)
		goto out;
	what = "accept";
	ctx->fd = accept4(ctx->tfm, NULL, NULL, SOCK_CLOEXEC);
	if (ctx->fd < 0)
		goto out;
	/* As the module does: the whole AEAD message in and out at once. */
	if (setsockopt(ctx->fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(ctx->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(ctx->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		(void)setsockopt(ctx->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	*result = ctx;
	ctx = NULL;
	ret = 0;
out:
	if (ret < 0)
		fprintf(stderr, "bench: afalg: %s %s: %s\n", algs[op].name, what, strerror(errno));
	afalg_ctx_free(ctx);
	return ret;
}

static int
read_exact(int fd, uint8_t *out, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, out + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* One request of @len bytes (the first piece carrying the cmsgs). */
static int
send_request(struct bench_ctx *ctx, const uint8_t *in, size_t len, size_t piece)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t)) * 2 +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + BENCH_IV_LEN)];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {0};
	struct iovec iov;
	struct cmsghdr *cmsg;
	struct af_alg_iv *iv;
	size_t iv_len = ctx->op == OP_GCM ? BENCH_GCM_IV_LEN : BENCH_IV_LEN;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	iov.iov_base = (void *)(uintptr_t)in;
	iov.iov_len = len < piece ? len : piece;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(uint32_t)) +
			     CMSG_SPACE(sizeof(struct af_alg_iv) + iv_len) +
			     (ctx->op == OP_GCM ? CMSG_SPACE(sizeof(uint32_t)) : 0);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_ALG;
	cmsg->cmsg_type = ALG_SET_OP;
	cmsg->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)(void *)CMSG_DATA(cmsg) = ALG_OP_ENCRYPT;
	cmsg = CMSG_NXTHDR(&msg, cmsg);
	cmsg->cmsg_level = SOL_ALG;
	cmsg->cmsg_type = ALG_SET_IV;
	cmsg->cmsg_len = CMSG_LEN(sizeof(struct af_alg_iv) + iv_len);
	iv = (struct af_alg_iv *)(void *)CMSG_DATA(cmsg);
	iv->ivlen = (uint32_t)iv_len;
	memcpy(iv->iv, bench_iv, iv_len);
	if (ctx->op == OP_GCM) {
		cmsg = CMSG_NXTHDR(&msg, cmsg);
		cmsg->cmsg_level = SOL_ALG;
		cmsg->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
		cmsg->cmsg_len = CMSG_LEN(sizeof(uint32_t));
		*(uint32_t *)(void *)CMSG_DATA(cmsg) = 0;
	}
	n = sendmsg(ctx->fd, &msg, iov.iov_len < len ? MSG_MORE : 0);
	return n < 0 ? -1 : (int)n;
}

static int
afalg_run(struct bench_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	size_t done = 0, piece;
	ssize_t n;
	int sent;

	if (ctx->probe >= 0 && module_checks(ctx) < 0)
		goto fail;
	switch (ctx->op) {
	case OP_CBC:
	case OP_CTR:
		/* Pieces below SO_SNDBUF, each read before the next goes in. */
		sent = send_request(ctx, in, len, CHUNK);
		if (sent < 0 || read_exact(ctx->fd, out, (size_t)sent) < 0)
			goto fail;
		for (done = (size_t)sent; done < len; done += piece) {
			piece = len - done < CHUNK ? len - done : CHUNK;
			n = send(ctx->fd, in + done, piece, done + piece < len ? MSG_MORE : 0);
			if (n != (ssize_t)piece || read_exact(ctx->fd, out + done, piece) < 0)
				goto fail;
		}
		*out_len = len;
		return 0;
	case OP_GCM:
		sent = send_request(ctx, in, len, len);
		if (sent != (int)len || read_exact(ctx->fd, out, len + BENCH_TAG_LEN) < 0)
			goto fail;
		*out_len = len + BENCH_TAG_LEN;
		return 0;
	case OP_SHA256:
	case OP_SHA512:
	case OP_HMAC:
		while (done < len) {
			n = send(ctx->fd, in + done, len - done, 0);
			if (n <= 0)
				goto fail;
			done += (size_t)n;
		}
		*out_len = ctx->op == OP_SHA512 ? 64 : 32;
		if (read_exact(ctx->fd, out, *out_len) < 0)
			goto fail;
		return 0;
	case OP_COUNT:
		break;
	}
fail:
	fprintf(stderr, "bench: afalg: %s of %zu bytes: %s\n", algs[ctx->op].name, len,
		strerror(errno));
	return -1;
}

int
backend_afalg_init(struct bench_backend *b, struct bench_keys *keys)
{
	long id;

	id = keyctl_search(KEY_SPEC_SESSION_KEYRING, "logon", keys->aes_label, 0);
	if (id < 0) {
		fprintf(stderr, "bench: afalg: no logon key %s in @s: %s\n", keys->aes_label,
			strerror(errno));
		return -1;
	}
	keys->aes_serial = (int32_t)id;
	id = keyctl_search(KEY_SPEC_SESSION_KEYRING, "logon", keys->hmac_label, 0);
	if (id < 0) {
		fprintf(stderr, "bench: afalg: no logon key %s in @s: %s\n", keys->hmac_label,
			strerror(errno));
		return -1;
	}
	keys->hmac_serial = (int32_t)id;
	b->ctx_new = afalg_ctx_new;
	b->run = afalg_run;
	b->ctx_free = afalg_ctx_free;
	b->priv = keys;
	return 0;
}
