/* SPDX-License-Identifier: MIT */
/*
 * Target "mech-param": mechanism_check_param() (module/crypto/mechanism.c),
 * the one place that validates a CK_MECHANISM's pParameter/ulParameterLen:
 * CK_GCM_PARAMS in both layouts, CK_CCM_PARAMS, ChaCha20-Poly1305,
 * CK_AES_CTR_PARAMS, CK_MAC_GENERAL_PARAMS, CBC IVs, and "no parameter" for
 * ECB, digests, full-length MACs, key wrapping (the RFC 3394/5649 default
 * IVs only) and key generation. It opens no socket, so it is fuzzed as it
 * is; C_GenerateKey's own check (key.c) goes through the api target.
 *
 * Input: one mechanism (fz_mechanism in fuzz/fuzz.h). Its parameter is
 * checked against every row of the table, so every parser sees every input,
 * except where a row would read a structure with pointers that the bytes
 * are not (fz_layout_safe: wild pointers from a caller, which no module can
 * detect). The parameter and each buffer it points to have exactly their
 * stated size: reading past one is an AddressSanitizer report.
 *
 * Invariants: the answer is CKR_OK or CKR_MECHANISM_PARAM_INVALID, and the
 * same when asked twice; an accepted parameter gives what the kernel takes
 * (checked against the emulated kernel, fuzz/fake-afalg.c: IV and tag sizes,
 * a CCM length field that holds the message); the AAD it keeps is the
 * caller's and readable for its whole length.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/afalg.h"
#include "crypto/mechanism.h"
#include "fuzz/fuzz.h"

/* Read every byte (so ASan sees a bad pointer or length); return a checksum. */
static unsigned
touch(const unsigned char *p, size_t len)
{
	unsigned sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

static void
check_ok(const struct mechanism *m, const CK_MECHANISM *mech, const struct mech_params *p)
{
	int fd;

	FZ_ASSERT(p->aad_len == 0 || p->aad != NULL, "0x%lx: AAD of %zu bytes at NULL", m->type,
		  p->aad_len);
	(void)touch(p->aad, p->aad_len);
	switch (m->mode) {
	case MODE_CBC:
	case MODE_CBC_PAD:
		FZ_ASSERT(mech->ulParameterLen == 16 &&
				  memcmp(p->iv, mech->pParameter, sizeof(p->iv)) == 0,
			  "0x%lx: IV of %lu bytes", m->type, mech->ulParameterLen);
		break;
	case MODE_CTR:
		FZ_ASSERT(p->counter_bits >= 1 && p->counter_bits <= 128, "0x%lx: %lu counter bits",
			  m->type, p->counter_bits);
		break;
	case MODE_MAC:
		FZ_ASSERT(p->mac_len == m->out_len, "0x%lx: MAC of %zu bytes", m->type, p->mac_len);
		break;
	case MODE_MAC_GENERAL:
		FZ_ASSERT(p->mac_len >= 1 && p->mac_len <= m->out_len, "0x%lx: MAC of %zu bytes",
			  m->type, p->mac_len);
		break;
	case MODE_GCM:
	case MODE_CCM:
	case MODE_CHACHA20_POLY1305:
		/* The transform takes the tag length, and a request the IV. */
		fd = afalg_open_aead(m->alg_name, 0, (unsigned)p->tag_len);
		FZ_ASSERT(fd >= 0, "0x%lx: the kernel refuses a %zu-byte tag", m->type, p->tag_len);
		afalg_close(fd);
		FZ_ASSERT(p->iv_len == (m->mode == MODE_CCM ? 16 : 12), "0x%lx: IV of %zu bytes",
			  m->type, p->iv_len);
		if (m->mode == MODE_CCM) {
			unsigned l = p->iv[0] + 1u; /* bytes of the length field */

			FZ_ASSERT(l >= 2 && l <= 8 && (l == 8 || p->data_len >> (8 * l) == 0),
				  "CCM: L = %u for a %zu-byte message", l, p->data_len);
		}
		break;
	default:
		FZ_ASSERT(mech->ulParameterLen == 0, "0x%lx: a parameter of %lu bytes accepted",
			  m->type, mech->ulParameterLen);
		break;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mechanism_probe(); /* the emulated kernel has every algorithm */
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mechanism *m;
	struct mech_params p, again;
	enum fz_layout layout;
	CK_MECHANISM mech;
	struct fz f;

	fz_init(&f, data, size);
	layout = fz_mechanism(&f, &mech);
	for (size_t i = 0; (m = mechanism_available_at(i)) != NULL; i++) {
		CK_RV rv;

		if (!fz_layout_safe(layout, m->type, mech.ulParameterLen))
			continue;
		rv = mechanism_check_param(m, &mech, &p);

		FZ_ASSERT(rv == CKR_OK || rv == CKR_MECHANISM_PARAM_INVALID, "0x%lx: rv 0x%lx",
			  m->type, rv);
		FZ_ASSERT(mechanism_check_param(m, &mech, &again) == rv &&
				  (rv != CKR_OK || memcmp(&p, &again, sizeof(p)) == 0),
			  "0x%lx: a second look gives another answer", m->type);
		if (rv == CKR_OK)
			check_ok(m, &mech, &p);
	}
	fz_free(&f);
	return 0;
}
