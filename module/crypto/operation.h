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

struct operation {
	enum op_kind kind;
	const struct mechanism *mech;
	int fd;		  /* AF_ALG op socket */
	bool updated;	  /* an Update call was made */
	uint8_t iv[16];	  /* chaining value for the next request */
	uint8_t held[16]; /* input not yet sent (partial block, or the
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
 * Return: CKR_OK, CKR_OPERATION_ACTIVE, CKR_MECHANISM_PARAM_INVALID, or a
 * key-use error (CKR_KEY_HANDLE_INVALID, CKR_KEY_SIZE_RANGE, ...).
 */
CK_RV operation_begin(struct operation *op, enum op_kind kind, const struct mechanism *m,
		      const CK_MECHANISM *mech, int32_t serial);

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

/* End the operation, whatever its state. Idempotent. */
void operation_end(struct operation *op);

/* The CKF_ flag of an operation kind (CKF_ENCRYPT ... CKF_VERIFY; 0 for OP_NONE). */
CK_FLAGS operation_kind_flag(enum op_kind kind);

#endif
