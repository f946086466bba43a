/* SPDX-License-Identifier: MIT */
/*
 * The one table of mechanisms: CKM_* -> AF_ALG algorithm, key sizes, flags.
 * Availability is probed once at C_Initialize; only mechanisms the running
 * kernel can do are listed or accepted. A probe that ran out of memory or
 * descriptors is repeated at the next lookup (the row is offered meanwhile).
 */
#ifndef KP11_MECHANISM_H
#define KP11_MECHANISM_H

#include <stdbool.h>
#include <stddef.h>

#include "common/pkcs11.h"

enum mech_mode {
	MODE_KEYGEN,
	MODE_DIGEST,
	MODE_ECB,
	MODE_CBC,
	MODE_CBC_PAD,
	MODE_CTR,
	MODE_MAC,	  /* HMAC, CMAC: full-length MAC */
	MODE_MAC_GENERAL, /* the same, truncated by CK_MAC_GENERAL_PARAMS */
	MODE_GCM,
	MODE_CCM,
	MODE_CHACHA20_POLY1305,
	MODE_KEYWRAP, /* CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD */
};

struct mechanism {
	CK_MECHANISM_TYPE type;
	const char *alg_type; /* AF_ALG type: "skcipher", "hash"; NULL: no AF_ALG */
	const char *alg_name; /* AF_ALG name: "cbc(aes)", "sha256" */
	enum mech_mode mode;
	CK_KEY_TYPE key_type;	   /* CK_UNAVAILABLE_INFORMATION: unkeyed */
	CK_KEY_TYPE alt_key_type;  /* also accepted, with AES keys; 0: none */
	CK_ULONG min_key, max_key; /* bytes */
	CK_FLAGS flags;		   /* CKF_ENCRYPT, CKF_DIGEST, ... */
	size_t block;		   /* cipher block size */
	size_t iv_len;		   /* bytes of IV the kernel takes */
	size_t out_len;		   /* digest or MAC size */
};

/* The checked parameter of a CK_MECHANISM. */
struct mech_params {
	unsigned char iv[16];  /* the kernel IV, zeros when none */
	CK_ULONG counter_bits; /* CKM_AES_CTR counter width; 128 otherwise */
	size_t mac_len;	       /* MAC bytes to return (MODE_MAC*), else 0 */
	/* AEAD */
	size_t iv_len;		  /* bytes of iv[] the kernel takes */
	const unsigned char *aad; /* the caller's, valid during C_*Init only */
	size_t aad_len;
	size_t tag_len;
	size_t data_len; /* CCM: the declared message length */
};

/* Probe every row against the running kernel. Never fails: no AF_ALG means
 * an empty list. */
void mechanism_probe(void);
void mechanism_forget(void);

/* The available mechanism @type, or NULL. */
const struct mechanism *mechanism_find(CK_MECHANISM_TYPE type);

/* Available mechanisms in table order: index 0..n-1, NULL past the end. */
const struct mechanism *mechanism_available_at(size_t i);

/*
 * mechanism_check_param() - validate the CK_MECHANISM parameter for @m
 * Return: CKR_OK with @p filled, or CKR_MECHANISM_PARAM_INVALID.
 */
CK_RV mechanism_check_param(const struct mechanism *m, const CK_MECHANISM *mech,
			    struct mech_params *p);

/* Whether @m takes keys of @type (HMAC takes generic, its own HMAC type and AES). */
bool mechanism_accepts_key(const struct mechanism *m, CK_KEY_TYPE type);

#endif
