/* SPDX-License-Identifier: MIT */
/*
 * The AF_ALG backend: kernel crypto through sockets. Every function returns
 * >= 0 on success or -errno. Keys are set only by serial
 * (ALG_SET_KEY_BY_KEY_SERIAL); no function here ever sees key bytes.
 */
#ifndef KP11_AFALG_H
#define KP11_AFALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef ALG_SET_KEY_BY_KEY_SERIAL
#define ALG_SET_KEY_BY_KEY_SERIAL 7 /* Linux 6.2; missing from Debian 12's uapi */
#endif

/*
 * afalg_probe() - can the kernel bind @type/@name?
 * Return: 0, or -EAFNOSUPPORT (no AF_ALG), -ENOENT (algorithm absent).
 */
int afalg_probe(const char *type, const char *name);

/*
 * afalg_probe_key_serial() - does this kernel key transforms by serial?
 * Keying with serial 0 gives EINVAL where the option exists and ENOPROTOOPT
 * where it does not (Linux < 6.2).
 * Return: 0 when supported, or -errno.
 */
int afalg_probe_key_serial(void);

/*
 * afalg_open() - bind and key an AF_ALG transform, return an op socket
 * @type, @name: e.g. "skcipher", "cbc(aes)"
 * @serial: kernel key used via ALG_SET_KEY_BY_KEY_SERIAL, or 0 for unkeyed
 *
 * Both sockets are close-on-exec; the transform socket is closed before
 * returning (the op socket keeps the keyed transform alive).
 *
 * Return: op fd (>= 0), or -EAFNOSUPPORT (no AF_ALG), -ENOENT (algorithm
 * absent), -ENOKEY/-EKEYREVOKED/-EKEYEXPIRED (key gone), -EACCES (key not
 * searchable or not possessed), -ENOPROTOOPT (key type not usable by serial),
 * -EINVAL (key size refused by the algorithm).
 */
int afalg_open(const char *type, const char *name, int32_t serial);

/*
 * afalg_open_key_probe() - a bound, unkeyed "ecb(aes)" transform socket for
 * afalg_check_key(). It must never get an op socket (the kernel refuses to
 * re-key a transform that has one). Return: fd or -errno.
 */
int afalg_open_key_probe(void);

/*
 * afalg_check_key() - would the kernel key a transform with @serial now?
 * Keys @probe by serial: the same lookup as afalg_open() makes, for the cost
 * of one setsockopt and no new descriptor.
 * Return: 0, or the -errno afalg_open() would give for the key.
 */
int afalg_check_key(int probe, int32_t serial);

/*
 * afalg_cipher() - one complete skcipher request of @len bytes
 * @encrypt: direction; @iv: @iv_len bytes, or NULL for a mode without IV
 * @out: receives exactly @len bytes (may equal @in)
 *
 * Direction and IV go with every request: a request without them would
 * continue the previous one (KERNEL-FACTS.md section 6). Input is sent in
 * chunks that fit the socket buffer, reading in between, so any length works.
 * Return: 0 or -errno (-EINVAL: length refused).
 */
int afalg_cipher(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *in,
		 size_t len, uint8_t *out);

/*
 * afalg_open_aead() - like afalg_open() for an "aead" @name, with the tag
 * length @authsize set on the transform before accept (it cannot change
 * after). The op socket's send and receive buffers are raised as far as
 * allowed: SO_*BUFFORCE for root, SO_*BUF (capped by the kernel) otherwise.
 */
int afalg_open_aead(const char *name, int32_t serial, unsigned authsize);

/*
 * afalg_request_limit() - the most bytes one AEAD request may hold, in and
 * out (AAD included): the smaller of the op socket's send and receive
 * buffers. Return: bytes, or -errno.
 */
long afalg_request_limit(int fd);

/*
 * afalg_aead() - one AEAD request: @aad and @in in, @out_len bytes out
 * (without the AAD the kernel copies back). Encrypt: @out is CT||TAG;
 * decrypt: @in is CT||TAG and @out the plaintext, written only when the tag
 * verifies. Return: 0, -EBADMSG (tag mismatch), -EMSGSIZE (more than the
 * send buffer takes), or -errno.
 */
int afalg_aead(int fd, bool encrypt, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
	       size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, size_t out_len);

/* Feed @len bytes to a hash op socket (MSG_MORE). Return: 0 or -errno. */
int afalg_hash_update(int fd, const uint8_t *in, size_t len);

/* Finish the hash and read @len bytes of digest. Return: 0 or -errno. */
int afalg_hash_final(int fd, uint8_t *out, size_t len);

void afalg_close(int fd);

#endif
