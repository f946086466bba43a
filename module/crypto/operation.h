/* SPDX-License-Identifier: MIT */
/*
 * The one state machine behind C_Encrypt*, C_Decrypt*, C_Digest*, C_Sign*
 * and C_Verify*.
 *
 * Rules written once here (PKCS#11 v2.40 sections 5.2, 5.8-5.10):
 *  - a call of the wrong kind, or with no operation: CKR_OPERATION_NOT_INITIALIZED;
 *  - a length query (NULL output) or CKR_BUFFER_TOO_SMALL keeps the operation;
 *  - any other error, and the end of a one-shot or final call, ends it;
 *  - a one-shot call after an update: CKR_OPERATION_ACTIVE, operation kept.
 *
 * Kernel requests never stay open between calls: the module carries the
 * chaining value (CBC: last ciphertext block; CTR: next counter) and sends
 * it as the IV of the next request, so a retry after CKR_BUFFER_TOO_SMALL
 * redoes nothing and loses nothing.
 */
#ifndef KP11_OPERATION_H
#define KP11_OPERATION_H

#include <stdbool.h>
#include <stdint.h>

#include "common/pkcs11.h"
#include "crypto/mechanism.h"

enum op_kind { OP_NONE, OP_ENCRYPT, OP_DECRYPT, OP_DIGEST, OP_SIGN, OP_VERIFY };

/*
 * A session's warm kernel objects (docs/PERFORMANCE.md): op sockets whose
 * transform is already bound and keyed, reused by the next operation with
 * the same key, algorithm and tag length, so that steady state makes no
 * socket/bind/setsockopt/accept call. Direction and IV travel with every
 * request, so one socket serves encrypt and decrypt alike.
 *
 * Every reuse first re-checks the key the way the kernel checks it when it
 * keys a transform: ALG_SET_KEY_BY_KEY_SERIAL on @probe, a bound "ecb(aes)"
 * socket that never has an op socket (so it may be re-keyed at will). A
 * revoked, expired, invalidated or no longer searchable key fails there,
 * exactly as a fresh setsockopt would. A key's VALUE is bound when its op
 * socket is made: a later KEYCTL_UPDATE is seen by sessions that have not
 * used the key yet (and by every session after C_CloseSession).
 *
 * Bounded: OP_CACHE_SLOTS op sockets (least recently used goes first) and
 * one probe per session. Only a socket with no request open in the kernel
 * is kept; any error closes it.
 */
#define OP_CACHE_SLOTS 4

struct op_cache {
	struct op_cache_entry {
		int fd; /* -1: empty */
		int32_t serial;
		const char *alg_type, *alg_name;
		unsigned authsize;
		long key_len;	    /* the payload length the module saw when keying */
		unsigned long used; /* for LRU: op_cache.clock when last taken */
	} e[OP_CACHE_SLOTS];
	int probe; /* -1 until the first reuse of a keyed socket */
	unsigned long clock;
};

void op_cache_init(struct op_cache *c);
/* Close every socket of @c; it stays usable (empty). */
void op_cache_flush(struct op_cache *c);
/*
 * The key length recorded with a warm socket of @m's algorithm keyed by
 * @serial, or -1 when there is none. The value the socket holds is that
 * long, so the caller need not ask the kernel again.
 */
long op_cache_key_len(const struct op_cache *c, int32_t serial, const struct mechanism *m);

struct operation {
	enum op_kind kind;
	const struct mechanism *mech;
	int fd;			/* AF_ALG op socket */
	struct op_cache *cache; /* where @fd goes back when it ends (NULL: closed) */
	int32_t serial;		/* the key @fd was keyed with (0: none) */
	long key_len;		/* its length, as the caller saw it */
	unsigned authsize;	/* the AEAD tag length set on its transform */
	bool clean;		/* no request is open on @fd in the kernel */
	bool updated;		/* an Update call was made */
	uint8_t iv[16];		/* chaining value for the next request */
	uint8_t held[16];	/* input not yet sent (partial block, or the
				   last block of a CBC-PAD decryption) */
	size_t held_len;
	unsigned __int128 ctr_room; /* CTR blocks left before the counter wraps */
	size_t out_len;		    /* digest or MAC bytes returned */
	/* AEAD: the kernel needs AAD and text in one request, so the message is
	 * buffered until C_*Final (or arrives whole in C_Encrypt/C_Decrypt). */
	size_t iv_len, tag_len, data_len;
	uint8_t *aad;
	size_t aad_len;
	uint8_t *buf;
	size_t buf_len;
	size_t limit; /* most AAD + message bytes one request takes */
};

/* Zero state; call once on a new operation before anything else. */
void operation_init(struct operation *op);

/*
 * operation_begin() - start an operation of @kind with @mech
 * @serial: the key (0 for a digest). The caller checked key type and usage.
 * @key_len: its payload length as the caller saw it (-1: unknown), kept
 *	with the socket for op_cache_key_len()
 * @cache: the session's warm sockets (NULL: a socket of its own, closed at the end)
 * Return: CKR_OK, CKR_OPERATION_ACTIVE, CKR_MECHANISM_PARAM_INVALID, or a
 * key-use error (CKR_KEY_HANDLE_INVALID, CKR_KEY_SIZE_RANGE, ...).
 */
CK_RV operation_begin(struct operation *op, enum op_kind kind, const struct mechanism *m,
		      const CK_MECHANISM *mech, int32_t serial, long key_len,
		      struct op_cache *cache);

/* C_Encrypt / C_Decrypt / C_Digest. */
CK_RV operation_oneshot(struct operation *op, enum op_kind kind, const uint8_t *in, CK_ULONG len,
			uint8_t *out, CK_ULONG *out_len);

/* C_*Update. For a digest @out and @out_len are NULL. */
CK_RV operation_update(struct operation *op, enum op_kind kind, const uint8_t *in, CK_ULONG len,
		       uint8_t *out, CK_ULONG *out_len);

/* C_*Final. */
CK_RV operation_finish(struct operation *op, enum op_kind kind, uint8_t *out, CK_ULONG *out_len);

/*
 * operation_verify() - C_Verify (@in given) or C_VerifyFinal (@in NULL)
 * Compares in constant time. Always ends the operation.
 * Return: CKR_OK, CKR_SIGNATURE_INVALID, CKR_SIGNATURE_LEN_RANGE,
 * CKR_OPERATION_NOT_INITIALIZED, CKR_OPERATION_ACTIVE (C_Verify after an
 * update: the operation is kept).
 */
CK_RV operation_verify(struct operation *op, const uint8_t *in, CK_ULONG len, const uint8_t *sig,
		       CK_ULONG sig_len);

/*
 * operation_check_value() - CKA_CHECK_VALUE of an AES key: the first 3 bytes
 * of AES-ECB of a zero block, computed in the kernel.
 * Return: CKR_OK, or a key-use error; CKR_MECHANISM_INVALID without AF_ALG.
 */
CK_RV operation_check_value(int32_t serial, uint8_t out[3]);

/*
 * End the operation, whatever its state. Idempotent. Its socket goes back to
 * the cache when no request is open on it, else it is closed.
 */
void operation_end(struct operation *op);

/* The CKF_ flag of an operation kind (CKF_ENCRYPT ... CKF_VERIFY; 0 for OP_NONE). */
CK_FLAGS operation_kind_flag(enum op_kind kind);

#endif
