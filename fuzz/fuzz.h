/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares (fuzz/README.md): a reader that turns the
 * input bytes into values, templates and mechanisms, with every buffer the
 * module reads allocated at exactly its stated length, so that reading one
 * byte past it is an AddressSanitizer report; and invariant checks that
 * abort, so a broken rule is a crash the fuzzer keeps.
 *
 * The input format is documented here and mirrored by fuzz/mkseeds.py.
 * Past the end of the input every read gives zeros.
 */
#ifndef KP11_FUZZ_H
#define KP11_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/pkcs11.h"

/* libFuzzer's entry points; fuzz/replay.c calls them in the plain build. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	const uint8_t *p;
	size_t left;
	void **allocs; /* freed by fz_free() */
	size_t nallocs, cap;
};

void fz_init(struct fz *f, const uint8_t *data, size_t size);
void fz_free(struct fz *f);
bool fz_empty(const struct fz *f);

/* One byte. */
uint8_t fz_u8(struct fz *f);
/* Two bytes, little-endian. */
uint16_t fz_u16(struct fz *f);
/* Eight bytes, little-endian. */
CK_ULONG fz_ulong(struct fz *f);
/*
 * A number: one byte b < 0xf0 is b itself; 0xf0-0xfe pick a boundary value
 * (256, 4095, 4096, 32767, 32768, 65536, 2^31-1, 2^31, 2^32-1, 2^32,
 * 2^63-1, 2^63, ULONG_MAX-1, ULONG_MAX, 2^16-1); 0xff is followed by a raw
 * eight-byte value.
 */
CK_ULONG fz_num(struct fz *f);

/* An exact-size, zeroed allocation that lives until fz_free(). */
void *fz_alloc(struct fz *f, size_t n);
/* @n bytes of input (fewer when it ends; *len says how many), exact-size. */
uint8_t *fz_take(struct fz *f, size_t n, size_t *len);

/*
 * A caller's (pointer, length) pair, form byte first:
 *   0: a u16 length (mod @max + 1), then that many bytes, exact-size;
 *   1: NULL, 0;
 *   2: NULL with a number (fz_num) as length: a caller error.
 */
void fz_buf(struct fz *f, size_t max, uint8_t **p, CK_ULONG *len);

/*
 * A template: a count byte c (0xfe: NULL, 0; 0xff: NULL with fz_num
 * entries; else c % 33 entries in an exact-size array), then per entry a
 * type byte (an index into the table of real and unknown CKA_*, 0xff: a raw
 * eight-byte type) and a value form byte:
 *   0: CK_BBOOL, one byte;  1: CK_ULONG from fz_num;
 *   2: bytes, fz_buf(4200);  3: NULL, 0.
 * Lengths never exceed the bytes really there (a caller lying about its
 * buffer is beyond what a module can check) but may disagree with the
 * attribute's type.
 */
CK_ATTRIBUTE *fz_template(struct fz *f, CK_ULONG *count);
/* The attribute type table of fz_template (for callers that want one type). */
CK_ATTRIBUTE_TYPE fz_attr_type(struct fz *f);

/*
 * What a parameter holds, as built: a structure with pointers (only at
 * exactly its own size), or plain bytes (every other form and size).
 */
enum fz_layout { FZ_PLAIN, FZ_GCM, FZ_GCM_V240, FZ_CCM, FZ_CHACHA20_POLY1305 };

/*
 * Whether the module may read a parameter built as @built, of @len bytes,
 * for mechanism @type: the module reads a structure with pointers where its
 * size says so (GCM: 48 or 40 bytes, CCM: 48, ChaCha20-Poly1305: 32), and a
 * caller who passes other bytes there passes wild pointers, which no module
 * can detect. Everything else is fair game.
 */
bool fz_layout_safe(enum fz_layout built, CK_MECHANISM_TYPE type, CK_ULONG len);

/*
 * A mechanism: a type byte (an index into the table of supported and
 * unsupported CKM_*, 0xff: raw eight bytes), a parameter form byte:
 *   0: none;  1: fz_buf(256);  2: CK_ULONG (fz_num);
 *   3: CK_AES_CTR_PARAMS: counter bits (fz_num), 16 bytes of counter block;
 *   4: CK_GCM_PARAMS with ulIvBits: iv fz_buf(64), iv bits, aad fz_buf(2048), tag bits;
 *   5: CK_GCM_PARAMS of v2.40: iv, aad, tag bits;
 *   6: CK_CCM_PARAMS: data length, nonce fz_buf(32), aad, MAC length;
 *   7: ChaCha20-Poly1305: nonce fz_buf(32), aad;
 *   8: 16 bytes (an IV);
 * and for forms 2-8 a size byte: 0 for the structure's own size, else
 * ulParameterLen = byte - 1, in a buffer of exactly that size. When the
 * mechanism would read the bytes as a structure with pointers they are not
 * (fz_layout_safe), ulParameterLen is one more, so it reads them as bytes.
 * Return: what the parameter holds.
 */
enum fz_layout fz_mechanism(struct fz *f, CK_MECHANISM *m);

/* Every mechanism type fz_mechanism may pick (for targets that loop). */
extern const CK_MECHANISM_TYPE fz_mechanisms[];
extern const size_t fz_nmechanisms;

/* Report a broken invariant (never with data bytes) and abort. */
__attribute__((noreturn, format(printf, 3, 4))) void fz_fail(const char *file, int line,
							     const char *fmt, ...);
#define FZ_ASSERT(cond, ...)                                                                       \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fz_fail(__FILE__, __LINE__, __VA_ARGS__);                                  \
	} while (0)

/* fuzz/fake-afalg.c: AF_ALG op sockets currently open (0 after C_Finalize). */
int fake_afalg_open_count(void);

#endif
