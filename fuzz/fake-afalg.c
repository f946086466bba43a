/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for module/crypto/afalg.c in the fuzz build ONLY. It implements
 * module/crypto/afalg.h with the kernel's rules on lengths, IVs, tag sizes,
 * keys and request limits, and a deterministic transform that is NOT A
 * CIPHER: a toy keyed permutation of 16-byte blocks (a few rounds of XOR and
 * byte-wise prefix sums, key derived from the key's serial) run in ECB, CBC
 * and CTR as the kernel runs AES, a toy keyed checksum for hashes and MACs,
 * and CTR of that permutation plus a toy tag for AEAD. It is never linked
 * into the module (Makefile.am lists it only for the fuzz programs, and
 * fuzz/run.sh checks that the module does not contain it).
 *
 * Why a fake and not the guest kernel (tests/vm): the host has no AF_ALG,
 * and a fuzzer needs thousands of executions a second, where the guest boots
 * in ~10 s under TCG and runs ~15,000 AF_ALG requests a second. What the call
 * sequence fuzzer checks is the module's own logic (the length protocol,
 * the operation state machine, CBC/CTR chaining across calls, CBC-PAD,
 * AEAD buffering, key wrapping), which works the same over any permutation
 * with the kernel's length rules; the real kernel's results are checked
 * against OpenSSL by the guest tier.
 *
 * Where the real backend would hang or misbehave (a read longer than the
 * request: KERNEL-FACTS.md fact 0.1; a request without its IV; a digest read
 * short; a descriptor used after close), the module broke the kernel's
 * contract: the fake aborts, which the fuzzer reports as a crash.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "common/compiler.h"
#include "crypto/afalg.h"
#include "fuzz/fuzz.h"
#include "slots/key-desc.h"

/* Marks the fake; fuzz/run.sh checks the module does not contain it. */
const char fake_afalg_marker[] = "fake-afalg: not a cipher, never in the module";

#define BLOCK 16
#define FD_BASE 1000
#define MAX_OPS 64
/* The most one AEAD request holds (the kernel's is the socket buffer,
 * ~208 KiB); small so that inputs reach it. */
#define AEAD_LIMIT 8192

enum kind { SKCIPHER, HASH, AEAD };
enum mode { ECB, CBC, CTR, DIGEST, MAC, GCM, CCM, CHACHAPOLY };

struct alg {
	const char *type, *name;
	enum kind kind;
	enum mode mode;
	size_t ivsize;	/* skcipher, aead */
	size_t ds;	/* digest size */
	bool aes_key;	/* key of 16, 24 or 32 bytes */
	size_t key_len; /* else: exactly this many, or 0: any */
};

static const struct alg algs[] = {
	{"skcipher", "ecb(aes)", SKCIPHER, ECB, 0, 0, true, 0},
	{"skcipher", "cbc(aes)", SKCIPHER, CBC, 16, 0, true, 0},
	{"skcipher", "ctr(aes)", SKCIPHER, CTR, 16, 0, true, 0},
	{"hash", "sha1", HASH, DIGEST, 0, 20, false, 0},
	{"hash", "sha224", HASH, DIGEST, 0, 28, false, 0},
	{"hash", "sha256", HASH, DIGEST, 0, 32, false, 0},
	{"hash", "sha384", HASH, DIGEST, 0, 48, false, 0},
	{"hash", "sha512", HASH, DIGEST, 0, 64, false, 0},
	{"hash", "hmac(sha1)", HASH, MAC, 0, 20, false, 0},
	{"hash", "hmac(sha224)", HASH, MAC, 0, 28, false, 0},
	{"hash", "hmac(sha256)", HASH, MAC, 0, 32, false, 0},
	{"hash", "hmac(sha384)", HASH, MAC, 0, 48, false, 0},
	{"hash", "hmac(sha512)", HASH, MAC, 0, 64, false, 0},
	{"hash", "cmac(aes)", HASH, MAC, 0, 16, true, 0},
	{"aead", "gcm(aes)", AEAD, GCM, 12, 0, true, 0},
	{"aead", "ccm(aes)", AEAD, CCM, 16, 0, true, 0},
	{"aead", "rfc7539(chacha20,poly1305)", AEAD, CHACHAPOLY, 12, 0, false, 32},
};

struct op {
	bool open;
	const struct alg *alg;
	bool keyed;
	uint8_t key[BLOCK];
	unsigned authsize;
	uint64_t hash; /* running checksum of a hash request */
	uint64_t seed; /* its value at the start of each request */
};

static struct op ops[MAX_OPS];
static int open_count;

int
fake_afalg_open_count(void)
{
	return open_count;
}

__attribute__((noreturn, format(printf, 1, 2))) static void
contract(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fake-afalg: the module broke the kernel's contract: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static const struct alg *
find(const char *type, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(algs); i++)
		if (strcmp(algs[i].type, type) == 0 && strcmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

static struct op *
lookup(int fd, enum kind kind)
{
	struct op *op = fd >= FD_BASE && fd < FD_BASE + MAX_OPS ? &ops[fd - FD_BASE] : NULL;

	if (op == NULL || !op->open)
		contract("descriptor %d is not an open op socket", fd);
	if (op->alg->kind != kind)
		contract("%s request on a %s socket", kind == HASH ? "hash" : "cipher",
			 op->alg->name);
	return op;
}

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The key's length as the kernel would see it, without reading it: a user
 * key's size, or the module's own description (l=). Return: the length, 0
 * when not known here, or -errno (-ENOKEY, -ENOPROTOOPT) as keying would.
 */
static long
key_len(int32_t serial)
{
	struct key_attrs *a;
	char *text = NULL;
	const char *desc;
	long len = 0;
	int n;

	n = keyctl_describe_alloc(serial, &text);
	if (n < 0)
		return -ENOKEY;
	if (strncmp(text, "user;", 5) != 0 && strncmp(text, "logon;", 6) != 0 &&
	    strncmp(text, "encrypted;", 10) != 0) {
		free(text);
		return -ENOPROTOOPT;
	}
	if (strncmp(text, "user;", 5) == 0) {
		len = keyctl_read(serial, NULL, 0);
	} else {
		/* type;uid;gid;perm;description */
		desc = text;
		for (int i = 0; i < 4 && desc != NULL; i++)
			desc = strchr(desc, ';') ? strchr(desc, ';') + 1 : NULL;
		a = malloc(sizeof(*a));
		if (desc != NULL && a != NULL && key_desc_decode(desc, strlen(desc), a) == 0)
			len = (long)a->value_len;
		free(a);
	}
	free(text);
	return len < 0 ? 0 : len;
}

static int
open_op(const struct alg *alg, int32_t serial, unsigned authsize)
{
	struct op *op = NULL;
	uint64_t x = (uint64_t)(uint32_t)serial * 0x2545f4914f6cdd1dULL;
	long len;

	if (serial != 0) {
		if (alg->mode == DIGEST)
			return -ENOSYS; /* an unkeyed hash given a key */
		len = key_len(serial);
		if (len < 0)
			return (int)len;
		if (len > 0 && alg->aes_key && len != 16 && len != 24 && len != 32)
			return -EINVAL;
		if (len > 0 && alg->key_len != 0 && (size_t)len != alg->key_len)
			return -EINVAL;
	}
	for (int i = 0; i < MAX_OPS && op == NULL; i++)
		if (!ops[i].open)
			op = &ops[i];
	if (op == NULL)
		return -EMFILE;
	memset(op, 0, sizeof(*op));
	op->open = true;
	op->alg = alg;
	op->keyed = serial != 0;
	op->authsize = authsize;
	for (int i = 0; i < BLOCK; i += 8) {
		uint64_t k = splitmix(&x);

		memcpy(op->key + i, &k, 8);
	}
	op->hash = 0xcbf29ce484222325ULL ^ (uint64_t)(uint32_t)serial;
	op->seed = op->hash;
	open_count++;
	return FD_BASE + (int)(op - ops);
}

int
afalg_probe(const char *type, const char *name)
{
	return find(type, name) != NULL ? 0 : -ENOENT;
}

int
afalg_probe_key_serial(void)
{
	return 0;
}

int
afalg_open_key_probe(void)
{
	return open_op(find("skcipher", "ecb(aes)"), 0, 0);
}

int
afalg_check_key(int probe, int32_t serial)
{
	long len;

	lookup(probe, SKCIPHER);
	len = key_len(serial);
	return len < 0 ? (int)len : 0;
}

int
afalg_open(const char *type, const char *name, int32_t serial)
{
	const struct alg *alg = find(type, name);

	if (alg == NULL)
		return -ENOENT;
	if (alg->kind == AEAD)
		contract("AEAD %s opened without a tag length", name);
	return open_op(alg, serial, 0);
}

int
afalg_open_aead(const char *name, int32_t serial, unsigned authsize)
{
	const struct alg *alg = find("aead", name);
	bool ok;

	if (alg == NULL)
		return -ENOENT;
	switch (alg->mode) {
	case GCM:
		ok = authsize == 4 || authsize == 8 || (authsize >= 12 && authsize <= 16);
		break;
	case CCM:
		ok = authsize >= 4 && authsize <= 16 && authsize % 2 == 0;
		break;
	default:
		ok = authsize == 16;
		break;
	}
	if (!ok)
		return -EINVAL;
	return open_op(alg, serial, authsize);
}

long
afalg_request_limit(int fd)
{
	lookup(fd, AEAD);
	return AEAD_LIMIT;
}

void
afalg_close(int fd)
{
	struct op *op;

	if (fd < 0)
		return;
	op = fd >= FD_BASE && fd < FD_BASE + MAX_OPS ? &ops[fd - FD_BASE] : NULL;
	if (op == NULL || !op->open)
		contract("close of descriptor %d, not open", fd);
	explicit_bzero(op, sizeof(*op));
	open_count--;
}

/* The toy permutation of one block, and its inverse. NOT a cipher. */
static void
toy_block(const uint8_t key[BLOCK], uint8_t b[BLOCK], bool forward)
{
	if (forward) {
		for (int r = 0; r < 3; r++) {
			for (int i = 0; i < BLOCK; i++)
				b[i] ^= (uint8_t)(key[i] + r);
			for (int i = 1; i < BLOCK; i++)
				b[i] = (uint8_t)(b[i] + b[i - 1]);
		}
	} else {
		for (int r = 2; r >= 0; r--) {
			for (int i = BLOCK - 1; i >= 1; i--)
				b[i] = (uint8_t)(b[i] - b[i - 1]);
			for (int i = 0; i < BLOCK; i++)
				b[i] ^= (uint8_t)(key[i] + r);
		}
	}
}

/* Big-endian increment of the whole block, as the kernel's ctr() does. */
static void
ctr_inc(uint8_t ctr[BLOCK])
{
	for (int i = BLOCK - 1; i >= 0 && ++ctr[i] == 0; i--)
		;
}

static void
ctr_xor(const uint8_t key[BLOCK], uint8_t ctr[BLOCK], const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t ks[BLOCK];

	for (size_t done = 0; done < len; done += BLOCK) {
		size_t n = len - done < BLOCK ? len - done : BLOCK;

		memcpy(ks, ctr, BLOCK);
		toy_block(key, ks, true);
		for (size_t i = 0; i < n; i++)
			out[done + i] = in[done + i] ^ ks[i];
		ctr_inc(ctr);
	}
}

int
afalg_cipher(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *in, size_t len,
	     uint8_t *out)
{
	struct op *op = lookup(fd, SKCIPHER);
	const struct alg *alg = op->alg;
	uint8_t chain[BLOCK] = {0}, b[BLOCK], c[BLOCK];

	if (!op->keyed)
		return -ENOKEY;
	if (iv != NULL && iv_len != alg->ivsize)
		return -EINVAL;
	if (iv == NULL && alg->ivsize != 0)
		contract("%s request without its IV would continue the last one", alg->name);
	if (alg->mode != CTR && len % BLOCK != 0)
		return -EINVAL;
	if (iv != NULL)
		memcpy(chain, iv, BLOCK);
	if (alg->mode == CTR) {
		ctr_xor(op->key, chain, in, len, out);
		return 0;
	}
	/* @in may be @out: copy each block before writing it. */
	for (size_t i = 0; i < len; i += BLOCK) {
		memcpy(b, in + i, BLOCK);
		memcpy(c, b, BLOCK);
		if (alg->mode == CBC && encrypt)
			for (int k = 0; k < BLOCK; k++)
				b[k] ^= chain[k];
		toy_block(op->key, b, encrypt);
		if (alg->mode == CBC && !encrypt)
			for (int k = 0; k < BLOCK; k++)
				b[k] ^= chain[k];
		memcpy(chain, encrypt ? b : c, BLOCK);
		memcpy(out + i, b, BLOCK);
	}
	return 0;
}

static void
checksum(uint64_t *h, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		*h = (*h ^ in[i]) * 0x100000001b3ULL;
}

/* @len bytes of output derived from checksum @h and the key. */
static void
expand(const struct op *op, uint64_t h, uint8_t *out, size_t len)
{
	uint64_t x = h;

	for (int i = 0; i < BLOCK; i += 8) {
		uint64_t k;

		memcpy(&k, op->key + i, 8);
		x ^= k;
	}
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = splitmix(&x);

		memcpy(out + i, &v, len - i < 8 ? len - i : 8);
	}
}

int
afalg_hash_update(int fd, const uint8_t *in, size_t len)
{
	struct op *op = lookup(fd, HASH);

	if (op->alg->mode == MAC && !op->keyed)
		return -ENOKEY;
	checksum(&op->hash, in, len);
	return 0;
}

int
afalg_hash_final(int fd, uint8_t *out, size_t len)
{
	struct op *op = lookup(fd, HASH);

	if (op->alg->mode == MAC && !op->keyed)
		return -ENOKEY;
	/* A shorter read loses the rest; a longer one gets a fresh digest. */
	if (len != op->alg->ds)
		contract("read of %zu bytes of a %zu-byte digest", len, op->alg->ds);
	expand(op, op->hash, out, len);
	op->hash = op->seed; /* the next request starts afresh */
	return 0;
}

int
afalg_aead(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
	   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
	struct op *op = lookup(fd, AEAD);
	const struct alg *alg = op->alg;
	size_t text;
	uint8_t ctr[BLOCK] = {0}, tag[16];
	uint64_t h = 0x84222325cbf29ce4ULL;
	uint8_t *plain;

	if (!op->keyed)
		return -ENOKEY;
	if (iv == NULL || iv_len != alg->ivsize)
		return -EINVAL;
	if (alg->mode == CCM && (iv[0] < 1 || iv[0] > 7))
		return -EINVAL;
	if (aad_len + len > AEAD_LIMIT)
		return -EMSGSIZE;
	if (!encrypt && len < op->authsize)
		return -EINVAL;
	text = encrypt ? len : len - op->authsize;
	if (out_len != (encrypt ? len + op->authsize : text))
		contract("AEAD read of %zu bytes for %zu in (the kernel would block)", out_len,
			 len);
	/* CCM: the message length must fit the length field (L = iv[0] + 1). */
	if (alg->mode == CCM && iv[0] + 1 < 8 && text >> (8 * (iv[0] + 1)) != 0)
		return -EOVERFLOW;
	memcpy(ctr, iv, iv_len);
	checksum(&h, iv, iv_len);
	checksum(&h, aad, aad_len);
	if (encrypt) {
		ctr_xor(op->key, ctr, in, len, out);
		checksum(&h, out, len);
		expand(op, h, out + len, op->authsize);
		return 0;
	}
	checksum(&h, in, text);
	expand(op, h, tag, op->authsize);
	if (memcmp(tag, in + text, op->authsize) != 0)
		return -EBADMSG;
	/* Decrypt into a copy: nothing is written before the tag is checked. */
	plain = malloc(text + 1);
	if (plain == NULL)
		return -ENOMEM;
	ctr_xor(op->key, ctr, in, text, plain);
	memcpy(out, plain, text);
	explicit_bzero(plain, text);
	free(plain);
	return 0;
}
