/* SPDX-License-Identifier: MIT */
/*
 * The one place that includes the PKCS#11 header (p11-kit's, v2.40 with
 * some 3.0 additions) and defines what that header lacks.
 */
#ifndef KP11_PKCS11_H
#define KP11_PKCS11_H

#include <p11-kit/pkcs11.h>

/* PKCS#11 v3.0: ChaCha20-Poly1305 (section 2.37 of Current Mechanisms). */
#ifndef CKK_CHACHA20
#define CKK_CHACHA20 0x33UL
#endif
#ifndef CKM_CHACHA20_POLY1305
#define CKM_CHACHA20_POLY1305 0x4021UL
#endif

/* CK_SALSA20_CHACHA20_POLY1305_PARAMS (v3.0). */
struct kp11_chacha20_poly1305_params {
	unsigned char *nonce;
	unsigned long nonce_len;
	unsigned char *aad;
	unsigned long aad_len;
};

/* CK_CCM_PARAMS (v2.40 errata / v3.0). */
struct kp11_ccm_params {
	unsigned long data_len;
	unsigned char *nonce;
	unsigned long nonce_len;
	unsigned char *aad;
	unsigned long aad_len;
	unsigned long mac_len;
};

/*
 * CK_GCM_PARAMS as printed in v2.40, without ulIvBits. p11-kit's
 * CK_GCM_PARAMS has the errata/v3.0 layout with it; callers of both exist,
 * told apart by ulParameterLen.
 */
struct kp11_gcm_params_v240 {
	unsigned char *iv;
	unsigned long iv_len;
	unsigned char *aad;
	unsigned long aad_len;
	unsigned long tag_bits;
};

#endif
