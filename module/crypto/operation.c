/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/ckr.h"
#include "common/compiler.h"
#include "crypto/afalg.h"
#include "crypto/operation.h"
#include "crypto/padding.h"

#define AES_BLOCK 16

void
operation_init(struct operation *op)
{
	memset(op, 0, sizeof(*op));
	op->kind = OP_NONE;
	op->fd = -1;
}

void
op_cache_init(struct op_cache *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < OP_CACHE_SLOTS; i++)
		c->e[i].fd = -1;
	c->probe = -1;
}

void
op_cache_flush(struct op_cache *c)
{
	for (int i = 0; i < OP_CACHE_SLOTS; i++)
		afalg_close(c->e[i].fd);
	afalg_close(c->probe);
	op_cache_init(c);
}

/* @e holds a socket keyed by @serial for @m's algorithm (any tag length). */
static bool
same_key_alg(const struct op_cache_entry *e, int32_t serial, const struct mechanism *m)
{
	return e->fd >= 0 && e->serial == serial && strcmp(e->alg_type, m->alg_type) == 0 &&
	       strcmp(e->alg_name, m->alg_name) == 0;
}

long
op_cache_key_len(const struct op_cache *c, int32_t serial, const struct mechanism *m)
{
	for (int i = 0; i < OP_CACHE_SLOTS; i++)
		if (serial != 0 && same_key_alg(&c->e[i], serial, m))
			return c->e[i].key_len;
	return -1;
}

/*
 * Take a warm op socket for @serial and @m out of @c, after checking that
 * the kernel would still key a transform with @serial. Return: the fd,
 * -ENOENT when there is none (make one), or the key check's -errno.
 */
static int
cache_take(struct op_cache *c, int32_t serial, const struct mechanism *m, unsigned authsize)
{
	int fd, ret;

	for (int i = 0; i < OP_CACHE_SLOTS; i++) {
		struct op_cache_entry *e = &c->e[i];

		if (!same_key_alg(e, serial, m) || e->authsize != authsize)
			continue;
		if (serial != 0) {
			if (c->probe < 0)
				c->probe = afalg_open_key_probe();
			if (c->probe < 0) {
				ret = c->probe;
				c->probe = -1;
				return ret;
			}
			ret = afalg_check_key(c->probe, serial);
			if (ret < 0)
				return ret; /* the socket stays: the key may come back */
		}
		fd = e->fd;
		e->fd = -1;
		return fd;
	}
	return -ENOENT;
}

/* Keep @op's clean socket in its cache, evicting the least recently used. */
static void
cache_put(struct operation *op)
{
	struct op_cache *c = op->cache;
	struct op_cache_entry *e = &c->e[0];

	for (int i = 0; i < OP_CACHE_SLOTS; i++) {
		if (c->e[i].fd < 0) {
			e = &c->e[i];
			break;
		}
		if (c->e[i].used < e->used)
			e = &c->e[i];
	}
	afalg_close(e->fd);
	e->fd = op->fd;
	e->serial = op->serial;
	e->alg_type = op->mech->alg_type;
	e->alg_name = op->mech->alg_name;
	e->authsize = op->authsize;
	e->key_len = op->key_len;
	e->used = ++c->clock;
	op->fd = -1;
}

void
operation_end(struct operation *op)
{
	if (op->fd >= 0 && op->cache != NULL && op->clean && op->mech != NULL)
		cache_put(op);
	afalg_close(op->fd);
	if (op->aad != NULL) {
		explicit_bzero(op->aad, op->aad_len);
		free(op->aad);
	}
	if (op->buf != NULL) {
		explicit_bzero(op->buf, op->buf_len);
		free(op->buf);
	}
	/* The held bytes are caller data (plaintext, perhaps): wipe them. */
	explicit_bzero(op, sizeof(*op));
	operation_init(op);
}

CK_FLAGS
operation_kind_flag(enum op_kind kind)
{
	switch (kind) {
	case OP_ENCRYPT:
		return CKF_ENCRYPT;
	case OP_DECRYPT:
		return CKF_DECRYPT;
	case OP_DIGEST:
		return CKF_DIGEST;
	case OP_SIGN:
		return CKF_SIGN;
	case OP_VERIFY:
		return CKF_VERIFY;
	case OP_NONE:
		break;
	}
	return 0;
}

/*
 * CTR blocks available before the low @bits of the counter wrap. The kernel's
 * ctr() carries into the whole 128-bit block where PKCS#11 wraps within the
 * counter bits, so the two agree exactly as long as no wrap happens.
 * (2^128 when the whole block is a zero counter: saturated to all ones.)
 */
static unsigned __int128
ctr_room(const uint8_t iv[AES_BLOCK], CK_ULONG bits)
{
	unsigned __int128 c = 0, max, room;

	for (int i = 0; i < AES_BLOCK; i++)
		c = (c << 8) | iv[i];
	max = bits == 128 ? ~(unsigned __int128)0 : (((unsigned __int128)1 << bits) - 1);
	room = max - (c & max);
	return room == ~(unsigned __int128)0 ? room : room + 1;
}

static bool
is_aead(enum mech_mode mode)
{
	return mode == MODE_GCM || mode == MODE_CCM || mode == MODE_CHACHA20_POLY1305;
}

/* Keep what the request needs from the parameters (the caller's AAD may go). */
static CK_RV
aead_begin(struct operation *op, const struct mech_params *p)
{
	long limit = afalg_request_limit(op->fd);

	if (limit < 0)
		return ckr_from_crypto_errno((int)-limit);
	op->limit = (size_t)limit;
	op->iv_len = p->iv_len;
	op->tag_len = p->tag_len;
	op->data_len = p->data_len;
	op->aad_len = p->aad_len;
	/* In this order: aad_len + tag_len may wrap around (the caller chose aad_len). */
	if (op->tag_len > op->limit || op->aad_len > op->limit - op->tag_len)
		return CKR_MECHANISM_PARAM_INVALID;
	op->aad = malloc(op->aad_len + 1);
	if (op->aad == NULL)
		return CKR_HOST_MEMORY;
	if (op->aad_len > 0)
		memcpy(op->aad, p->aad, op->aad_len);
	return CKR_OK;
}

/* A keyed op socket for @m: warm from @cache, or made now. Return: fd or -errno. */
static int
open_socket(const struct mechanism *m, int32_t serial, unsigned authsize, struct op_cache *cache)
{
	int fd = cache != NULL ? cache_take(cache, serial, m, authsize) : -ENOENT;

	if (fd != -ENOENT)
		return fd;
	if (is_aead(m->mode))
		return afalg_open_aead(m->alg_name, serial, authsize);
	return afalg_open(m->alg_type, m->alg_name, serial);
}

CK_RV
operation_begin(struct operation *op, enum op_kind kind, const struct mechanism *m,
		const CK_MECHANISM *mech, int32_t serial, long key_len, struct op_cache *cache)
{
	struct mech_params p;
	CK_RV rv;
	int fd;

	if (op->kind != OP_NONE)
		return CKR_OPERATION_ACTIVE;
	if (!(m->flags & operation_kind_flag(kind)))
		return CKR_MECHANISM_INVALID;
	operation_init(op);
	rv = mechanism_check_param(m, mech, &p);
	if (rv != CKR_OK)
		return rv;
	memcpy(op->iv, p.iv, sizeof(op->iv));
	op->out_len = p.mac_len != 0 ? p.mac_len : m->out_len;
	fd = open_socket(m, serial, is_aead(m->mode) ? (unsigned)p.tag_len : 0, cache);
	if (fd < 0)
		return serial != 0 ? ckr_from_key_use_errno(-fd) : ckr_from_crypto_errno(-fd);
	op->fd = fd;
	op->cache = cache;
	op->serial = serial;
	op->key_len = key_len;
	op->authsize = is_aead(m->mode) ? (unsigned)p.tag_len : 0;
	op->clean = true;
	op->mech = m;
	if (is_aead(m->mode)) {
		rv = aead_begin(op, &p);
		if (rv != CKR_OK) {
			operation_end(op);
			return rv;
		}
	}
	op->kind = kind;
	op->mech = m;
	if (m->mode == MODE_CTR)
		op->ctr_room = ctr_room(op->iv, p.counter_bits);
	return CKR_OK;
}

/* Add @blocks to a big-endian 128-bit counter, as the kernel's ctr() does. */
static void
ctr_add(uint8_t ctr[AES_BLOCK], size_t blocks)
{
	unsigned __int128 carry = blocks;

	for (int i = AES_BLOCK - 1; i >= 0 && carry; i--) {
		carry += ctr[i];
		ctr[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

static CK_RV
len_range(const struct operation *op)
{
	return op->kind == OP_ENCRYPT ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
}

/* Reserve the CTR blocks that @len bytes use; fails if the counter would wrap. */
static CK_RV
ctr_reserve(struct operation *op, size_t len, bool commit)
{
	size_t blocks = (len + AES_BLOCK - 1) / AES_BLOCK;

	if (op->mech->mode != MODE_CTR || blocks == 0)
		return CKR_OK;
	if ((unsigned __int128)blocks > op->ctr_room)
		return len_range(op);
	if (commit)
		op->ctr_room -= blocks;
	return CKR_OK;
}

/*
 * One complete kernel request of @len bytes, starting from the chaining value
 * @iv and leaving the next chaining value in it.
 */
static CK_RV
cipher_request(struct operation *op, const uint8_t *in, size_t len, uint8_t *out,
	       uint8_t iv[AES_BLOCK])
{
	bool encrypt = op->kind == OP_ENCRYPT;
	enum mech_mode mode = op->mech->mode;
	uint8_t last_in[AES_BLOCK];
	int ret;

	if (len == 0)
		return CKR_OK;
	/*
	 * Decrypting CBC, the next chaining value is the last ciphertext block,
	 * which the output may overwrite (in may be out): keep it. Never the
	 * plaintext: encrypting, it may be a key being wrapped.
	 */
	if (!encrypt && (mode == MODE_CBC || mode == MODE_CBC_PAD))
		memcpy(last_in, in + len - AES_BLOCK, AES_BLOCK);
	op->clean = false;
	ret = afalg_cipher(op->fd, encrypt, mode == MODE_ECB ? NULL : iv,
			   mode == MODE_ECB ? 0 : AES_BLOCK, in, len, out);
	if (ret < 0)
		return ckr_from_crypto_errno(-ret);
	op->clean = true;
	switch (mode) {
	case MODE_CBC:
	case MODE_CBC_PAD:
		memcpy(iv, encrypt ? out + len - AES_BLOCK : last_in, AES_BLOCK);
		break;
	case MODE_CTR:
		ctr_add(iv, (len + AES_BLOCK - 1) / AES_BLOCK);
		break;
	case MODE_ECB:
	case MODE_DIGEST:
	case MODE_KEYGEN:
	case MODE_MAC:
	case MODE_MAC_GENERAL:
	case MODE_GCM:
	case MODE_CCM:
	case MODE_CHACHA20_POLY1305:
	case MODE_KEYWRAP:
		break;
	}
	return CKR_OK;
}

/*
 * Decrypt the final padded block @last (preceded by chaining value @prev)
 * into @plain; return its data length or an error.
 */
static CK_RV
decrypt_last_block(struct operation *op, const uint8_t *last, const uint8_t *prev,
		   uint8_t plain[AES_BLOCK], size_t *data_len)
{
	uint8_t iv[AES_BLOCK];
	long n;
	CK_RV rv;

	memcpy(iv, prev, AES_BLOCK);
	rv = cipher_request(op, last, AES_BLOCK, plain, iv);
	if (rv != CKR_OK)
		return rv;
	n = pkcs7_unpad_len(plain, AES_BLOCK);
	if (n < 0)
		return CKR_ENCRYPTED_DATA_INVALID;
	*data_len = (size_t)n;
	return CKR_OK;
}

static CK_RV
cipher_oneshot(struct operation *op, const uint8_t *in, size_t len, uint8_t *out, CK_ULONG *out_len)
{
	enum mech_mode mode = op->mech->mode;
	uint8_t block[AES_BLOCK];
	size_t full = len - len % AES_BLOCK, needed, data_len = 0;
	CK_RV rv;

	switch (mode) {
	case MODE_ECB:
	case MODE_CBC:
		if (len % AES_BLOCK != 0)
			return len_range(op);
		needed = len;
		break;
	case MODE_CTR:
		rv = ctr_reserve(op, len, false);
		if (rv != CKR_OK)
			return rv;
		needed = len;
		break;
	case MODE_CBC_PAD:
		if (op->kind == OP_ENCRYPT) {
			needed = full + AES_BLOCK;
			break;
		}
		if (len == 0 || len % AES_BLOCK != 0)
			return CKR_ENCRYPTED_DATA_LEN_RANGE;
		/* The exact length needs the last block decrypted: do that first. */
		rv = decrypt_last_block(op, in + len - AES_BLOCK,
					len == AES_BLOCK ? op->iv : in + len - 2 * AES_BLOCK, block,
					&data_len);
		if (rv != CKR_OK)
			goto out;
		needed = len - AES_BLOCK + data_len;
		break;
	default:
		return CKR_GENERAL_ERROR;
	}

	rv = output_buffer_check(out, out_len, needed);
	if (rv != CKR_OK || out == NULL)
		goto out;

	if (mode == MODE_CBC_PAD && op->kind == OP_ENCRYPT) {
		memcpy(block, in + full, len - full);
		pkcs7_pad(block, len - full, AES_BLOCK);
		rv = cipher_request(op, in, full, out, op->iv);
		if (rv == CKR_OK)
			rv = cipher_request(op, block, AES_BLOCK, out + full, op->iv);
	} else if (mode == MODE_CBC_PAD) {
		rv = cipher_request(op, in, len - AES_BLOCK, out, op->iv);
		if (rv == CKR_OK)
			memcpy(out + len - AES_BLOCK, block, data_len);
	} else {
		rv = cipher_request(op, in, len, out, op->iv);
	}
out:
	explicit_bzero(block, sizeof(block));
	return rv;
}

/* Whether an error @rv from a call that produced output ends the operation. */
static bool
ends_operation(CK_RV rv, const void *out)
{
	if (rv == CKR_BUFFER_TOO_SMALL)
		return false;
	return rv != CKR_OK || out != NULL;
}

static bool
is_hash_kind(enum op_kind kind)
{
	return kind == OP_DIGEST || kind == OP_SIGN || kind == OP_VERIFY;
}

/*
 * Feed the last @len bytes (if any) and compute the digest or full MAC.
 * Return: 0 with @full written, or -errno (@full untouched): the caller maps
 * it, so no path can mistake a failure for a computed value.
 */
static int
hash_compute(struct operation *op, const uint8_t *in, size_t len, uint8_t full[64])
{
	int ret = 0;

	op->clean = false;
	if (len > 0)
		ret = afalg_hash_update(op->fd, in, len);
	/* Read all of it: a shorter read loses the rest (KERNEL-FACTS.md 6). */
	if (ret == 0)
		ret = afalg_hash_final(op->fd, full, op->mech->out_len);
	if (ret == 0)
		op->clean = true;
	return ret < 0 ? ret : 0;
}

/* Digest or MAC (truncated to op->out_len) into @out, once it is big enough. */
static CK_RV
hash_finish(struct operation *op, const uint8_t *in, size_t len, uint8_t *out, CK_ULONG *out_len)
{
	uint8_t full[64];
	CK_RV rv = output_buffer_check(out, out_len, op->out_len);
	int ret;

	if (rv != CKR_OK || out == NULL)
		return rv;
	ret = hash_compute(op, in, len, full);
	if (ret < 0)
		rv = ckr_from_crypto_errno(-ret);
	else
		memcpy(out, full, op->out_len);
	explicit_bzero(full, sizeof(full));
	return rv;
}

/*
 * Whether a message of @len bytes (ciphertext with its tag, or plaintext)
 * fits one request: AAD + ciphertext + tag within the limit, the same bound
 * both ways, so whatever encrypts also decrypts.
 */
static bool
aead_fits(const struct operation *op, size_t len)
{
	size_t sealed = op->kind == OP_ENCRYPT ? len + op->tag_len : len;

	return sealed <= op->limit - op->aad_len;
}

/*
 * One AEAD request over the whole message @in: encrypt gives CT||TAG,
 * decrypt checks the tag and only then gives the plaintext.
 */
static CK_RV
aead_run(struct operation *op, const uint8_t *in, size_t len, uint8_t *out, CK_ULONG *out_len)
{
	bool encrypt = op->kind == OP_ENCRYPT;
	size_t needed, text;
	CK_RV rv;
	int ret;

	if (!encrypt && len < op->tag_len)
		return CKR_ENCRYPTED_DATA_LEN_RANGE;
	text = encrypt ? len : len - op->tag_len;
	needed = encrypt ? len + op->tag_len : text;
	/* CCM declares the message length up front; the kernel needs all at once. */
	if ((op->mech->mode == MODE_CCM && text != op->data_len) || !aead_fits(op, len))
		return len_range(op);
	rv = output_buffer_check(out, out_len, needed);
	if (rv != CKR_OK || out == NULL)
		return rv;
	op->clean = false;
	ret = afalg_aead(op->fd, encrypt, op->iv, op->iv_len, op->aad, op->aad_len, in, len, out,
			 needed);
	op->clean = ret == 0;
	if (ret == -EMSGSIZE)
		return len_range(op);
	return ret < 0 ? ckr_from_crypto_errno(-ret) : CKR_OK;
}

/*
 * Buffer @len more bytes of the message; nothing comes out before Final.
 * A size query (@out NULL) answers 0 and buffers nothing: the caller sends
 * the same input again with its buffer.
 */
static CK_RV
aead_update(struct operation *op, const uint8_t *in, size_t len, const uint8_t *out,
	    CK_ULONG *out_len)
{
	uint8_t *grown;

	if (out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	if (len > op->limit || !aead_fits(op, op->buf_len + len))
		return len_range(op);
	if (len > 0 && out != NULL) {
		/* Grow by copying, so the old buffer can be wiped. */
		grown = malloc(op->buf_len + len);
		if (grown == NULL)
			return CKR_HOST_MEMORY;
		if (op->buf_len > 0)
			memcpy(grown, op->buf, op->buf_len);
		memcpy(grown + op->buf_len, in, len);
		if (op->buf != NULL) {
			explicit_bzero(op->buf, op->buf_len);
			free(op->buf);
		}
		op->buf = grown;
		op->buf_len += len;
	}
	*out_len = 0;
	return CKR_OK;
}

CK_RV
operation_oneshot(struct operation *op, enum op_kind kind, const uint8_t *in, CK_ULONG len,
		  uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv;

	if (op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (op->updated)
		return CKR_OPERATION_ACTIVE;
	if (kind == OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED; /* C_Verify goes to operation_verify */
	if (LEN_IMPOSSIBLE(len))
		rv = CKR_ARGUMENTS_BAD;
	else if (is_hash_kind(kind))
		rv = hash_finish(op, in, len, out, out_len);
	else if (is_aead(op->mech->mode))
		rv = aead_run(op, in, len, out, out_len);
	else
		rv = cipher_oneshot(op, in, len, out, out_len);
	if (ends_operation(rv, out))
		operation_end(op);
	return rv;
}

/* Bytes of held+@len input an update sends now; the rest is held back. */
static size_t
update_sends(const struct operation *op, size_t len)
{
	size_t total = op->held_len + len;
	size_t whole = total - total % AES_BLOCK;

	/* CBC-PAD decryption keeps the last whole block: it holds the padding. */
	if (op->mech->mode == MODE_CBC_PAD && op->kind == OP_DECRYPT && whole == total && whole > 0)
		whole -= AES_BLOCK;
	return whole;
}

static CK_RV
cipher_update(struct operation *op, const uint8_t *in, size_t len, uint8_t *out, CK_ULONG *out_len)
{
	size_t sends = update_sends(op, len), done = 0, used = 0, rest;
	uint8_t block[AES_BLOCK];
	CK_RV rv;

	rv = ctr_reserve(op, sends, false);
	if (rv != CKR_OK)
		return rv;
	rv = output_buffer_check(out, out_len, sends);
	if (rv != CKR_OK || out == NULL)
		return rv;

	if (op->held_len > 0 && sends > 0) {
		used = AES_BLOCK - op->held_len;
		memcpy(block, op->held, op->held_len);
		memcpy(block + op->held_len, in, used);
		rv = cipher_request(op, block, AES_BLOCK, out, op->iv);
		explicit_bzero(block, sizeof(block));
		if (rv != CKR_OK)
			return rv;
		op->held_len = 0;
		done = AES_BLOCK;
	}
	rest = sends - done;
	rv = cipher_request(op, in + used, rest, out + done, op->iv);
	if (rv != CKR_OK)
		return rv;
	used += rest;
	(void)ctr_reserve(op, sends, true);
	memcpy(op->held + op->held_len, in + used, len - used);
	op->held_len += len - used;
	return CKR_OK;
}

CK_RV
operation_update(struct operation *op, enum op_kind kind, const uint8_t *in, CK_ULONG len,
		 uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv;

	if (op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (LEN_IMPOSSIBLE(len)) {
		rv = CKR_ARGUMENTS_BAD;
	} else if (is_hash_kind(kind)) {
		int ret;

		op->clean = false; /* MSG_MORE: the request stays open until Final */
		ret = afalg_hash_update(op->fd, in, len);
		rv = ret < 0 ? ckr_from_crypto_errno(-ret) : CKR_OK;
	} else if (is_aead(op->mech->mode)) {
		rv = aead_update(op, in, len, out, out_len);
	} else {
		rv = cipher_update(op, in, len, out, out_len);
	}
	if (rv == CKR_OK)
		op->updated = true;
	else if (rv != CKR_BUFFER_TOO_SMALL)
		operation_end(op);
	return rv;
}

static CK_RV
cipher_finish(struct operation *op, uint8_t *out, CK_ULONG *out_len)
{
	enum mech_mode mode = op->mech->mode;
	uint8_t block[AES_BLOCK];
	size_t needed = 0, data_len = 0;
	CK_RV rv;

	switch (mode) {
	case MODE_ECB:
	case MODE_CBC:
		if (op->held_len != 0)
			return len_range(op);
		break;
	case MODE_CTR:
		rv = ctr_reserve(op, op->held_len, false);
		if (rv != CKR_OK)
			return rv;
		needed = op->held_len;
		break;
	case MODE_CBC_PAD:
		if (op->kind == OP_ENCRYPT) {
			needed = AES_BLOCK;
			break;
		}
		if (op->held_len != AES_BLOCK)
			return CKR_ENCRYPTED_DATA_LEN_RANGE;
		rv = decrypt_last_block(op, op->held, op->iv, block, &data_len);
		if (rv != CKR_OK)
			goto out;
		needed = data_len;
		break;
	default:
		return CKR_GENERAL_ERROR;
	}

	rv = output_buffer_check(out, out_len, needed);
	if (rv != CKR_OK || out == NULL)
		goto out;
	if (mode == MODE_CBC_PAD && op->kind == OP_ENCRYPT) {
		memcpy(block, op->held, op->held_len);
		pkcs7_pad(block, op->held_len, AES_BLOCK);
		rv = cipher_request(op, block, AES_BLOCK, out, op->iv);
	} else if (mode == MODE_CBC_PAD) {
		memcpy(out, block, data_len);
	} else {
		rv = cipher_request(op, op->held, op->held_len, out, op->iv);
	}
out:
	explicit_bzero(block, sizeof(block));
	return rv;
}

CK_RV
operation_finish(struct operation *op, enum op_kind kind, uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv;

	if (op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (kind == OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (is_hash_kind(kind))
		rv = hash_finish(op, NULL, 0, out, out_len);
	else if (is_aead(op->mech->mode))
		rv = aead_run(op, op->buf != NULL ? op->buf : (const uint8_t *)"", op->buf_len, out,
			      out_len);
	else
		rv = cipher_finish(op, out, out_len);
	if (ends_operation(rv, out))
		operation_end(op);
	return rv;
}

/* Constant-time comparison of @n bytes. */
static bool
equal_const_time(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

CK_RV
operation_verify(struct operation *op, const uint8_t *in, CK_ULONG len, const uint8_t *sig,
		 CK_ULONG sig_len)
{
	uint8_t full[64];
	CK_RV rv;
	int ret;

	if (op->kind != OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (in != NULL && op->updated)
		return CKR_OPERATION_ACTIVE;
	if (in != NULL && LEN_IMPOSSIBLE(len)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (sig_len != op->out_len) {
		rv = CKR_SIGNATURE_LEN_RANGE;
		goto out;
	}
	ret = hash_compute(op, in, in != NULL ? len : 0, full);
	if (ret < 0)
		rv = ckr_from_crypto_errno(-ret);
	else if (!equal_const_time(full, sig, op->out_len))
		rv = CKR_SIGNATURE_INVALID;
	else
		rv = CKR_OK;
out:
	explicit_bzero(full, sizeof(full));
	operation_end(op);
	return rv;
}

CK_RV
operation_check_value(int32_t serial, uint8_t out[3])
{
	static const uint8_t zero[AES_BLOCK];
	uint8_t block[AES_BLOCK];
	int fd, ret;

	fd = afalg_open("skcipher", "ecb(aes)", serial);
	if (fd < 0)
		return ckr_from_key_use_errno(-fd);
	ret = afalg_cipher(fd, true, NULL, 0, zero, AES_BLOCK, block);
	afalg_close(fd);
	if (ret < 0)
		return ckr_from_crypto_errno(-ret);
	memcpy(out, block, 3);
	return CKR_OK;
}
