/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "fuzz/fuzz.h"

void
fz_init(struct fz *f, const uint8_t *data, size_t size)
{
	memset(f, 0, sizeof(*f));
	f->p = data;
	f->left = size;
}

void
fz_free(struct fz *f)
{
	for (size_t i = 0; i < f->nallocs; i++)
		free(f->allocs[i]);
	free(f->allocs);
	f->allocs = NULL;
	f->nallocs = f->cap = 0;
}

bool
fz_empty(const struct fz *f)
{
	return f->left == 0;
}

uint8_t
fz_u8(struct fz *f)
{
	if (f->left == 0)
		return 0;
	f->left--;
	return *f->p++;
}

uint16_t
fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | fz_u8(f) << 8);
}

CK_ULONG
fz_ulong(struct fz *f)
{
	CK_ULONG v = 0;

	for (int i = 0; i < 8; i++)
		v |= (CK_ULONG)fz_u8(f) << (8 * i);
	return v;
}

CK_ULONG
fz_num(struct fz *f)
{
	static const CK_ULONG boundary[] = {
		256,	  4095,	      4096,	     32767,	 32768,
		65536,	  0x7fffffff, 0x80000000,    0xffffffff, 0x100000000,
		LONG_MAX, 1UL << 63,  ULONG_MAX - 1, ULONG_MAX,	 65535,
	};
	uint8_t b = fz_u8(f);

	if (b < 0xf0)
		return b;
	if (b == 0xff)
		return fz_ulong(f);
	return boundary[b - 0xf0];
}

void *
fz_alloc(struct fz *f, size_t n)
{
	void *p;

	if (f->nallocs == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		void **grown = realloc(f->allocs, cap * sizeof(*grown));

		if (grown == NULL)
			abort();
		f->allocs = grown;
		f->cap = cap;
	}
	/* malloc(0) gives a unique pointer that must not be dereferenced: good. */
	p = malloc(n);
	if (p == NULL)
		abort();
	memset(p, 0, n);
	f->allocs[f->nallocs++] = p;
	return p;
}

uint8_t *
fz_take(struct fz *f, size_t n, size_t *len)
{
	uint8_t *p;

	if (n > f->left)
		n = f->left;
	p = fz_alloc(f, n);
	memcpy(p, f->p, n);
	f->p += n;
	f->left -= n;
	*len = n;
	return p;
}

void
fz_buf(struct fz *f, size_t max, uint8_t **p, CK_ULONG *len)
{
	size_t n;

	switch (fz_u8(f) % 3) {
	case 0:
		*p = fz_take(f, fz_u16(f) % (max + 1), &n);
		*len = n;
		return;
	case 1:
		*p = NULL;
		*len = 0;
		return;
	default:
		*p = NULL;
		*len = fz_num(f);
		return;
	}
}

/* Real attribute types, the module's and others, then values no table has. */
static const CK_ATTRIBUTE_TYPE attr_types[] = {
	CKA_CLASS,
	CKA_TOKEN,
	CKA_PRIVATE,
	CKA_LABEL,
	CKA_APPLICATION,
	CKA_VALUE,
	CKA_OBJECT_ID,
	CKA_CERTIFICATE_TYPE,
	CKA_KEY_TYPE,
	CKA_ID,
	CKA_SENSITIVE,
	CKA_ENCRYPT,
	CKA_DECRYPT,
	CKA_WRAP,
	CKA_UNWRAP,
	CKA_SIGN,
	CKA_SIGN_RECOVER,
	CKA_VERIFY,
	CKA_VERIFY_RECOVER,
	CKA_DERIVE,
	CKA_START_DATE,
	CKA_END_DATE,
	CKA_MODULUS,
	CKA_VALUE_LEN,
	CKA_EXTRACTABLE,
	CKA_LOCAL,
	CKA_NEVER_EXTRACTABLE,
	CKA_ALWAYS_SENSITIVE,
	CKA_KEY_GEN_MECHANISM,
	CKA_MODIFIABLE,
	CKA_COPYABLE,
	CKA_DESTROYABLE,
	CKA_CHECK_VALUE,
	CKA_TRUSTED,
	CKA_WRAP_WITH_TRUSTED,
	CKA_ALWAYS_AUTHENTICATE,
	CKA_WRAP_TEMPLATE,
	CKA_VENDOR_DEFINED,
	CKA_VENDOR_DEFINED | CKA_LABEL,
	(CK_ATTRIBUTE_TYPE)-1,
};

CK_ATTRIBUTE_TYPE
fz_attr_type(struct fz *f)
{
	uint8_t t = fz_u8(f);

	if (t == 0xff)
		return fz_ulong(f);
	return attr_types[t % ARRAY_SIZE(attr_types)];
}

CK_ATTRIBUTE *
fz_template(struct fz *f, CK_ULONG *count)
{
	uint8_t c = fz_u8(f);
	CK_ATTRIBUTE *tmpl;
	CK_BBOOL *b;
	CK_ULONG *ul;

	if (c == 0xfe) {
		*count = 0;
		return NULL;
	}
	if (c == 0xff) {
		*count = fz_num(f);
		return NULL;
	}
	*count = c % 33;
	tmpl = fz_alloc(f, *count * sizeof(*tmpl));
	for (CK_ULONG i = 0; i < *count; i++) {
		CK_ATTRIBUTE *a = &tmpl[i];

		a->type = fz_attr_type(f);
		switch (fz_u8(f) % 4) {
		case 0:
			b = fz_alloc(f, sizeof(*b));
			*b = fz_u8(f);
			a->pValue = b;
			a->ulValueLen = sizeof(*b);
			break;
		case 1:
			ul = fz_alloc(f, sizeof(*ul));
			*ul = fz_num(f);
			a->pValue = ul;
			a->ulValueLen = sizeof(*ul);
			break;
		case 2:
			fz_buf(f, 4200, (uint8_t **)&a->pValue, &a->ulValueLen);
			break;
		default:
			a->pValue = NULL;
			a->ulValueLen = 0;
			break;
		}
	}
	return tmpl;
}

/* The module's mechanisms, then some it does not have. */
const CK_MECHANISM_TYPE fz_mechanisms[] = {
	CKM_AES_KEY_GEN,
	CKM_GENERIC_SECRET_KEY_GEN,
	CKM_AES_ECB,
	CKM_AES_CBC,
	CKM_AES_CBC_PAD,
	CKM_AES_CTR,
	CKM_SHA_1,
	CKM_SHA224,
	CKM_SHA256,
	CKM_SHA384,
	CKM_SHA512,
	CKM_SHA_1_HMAC,
	CKM_SHA_1_HMAC_GENERAL,
	CKM_SHA224_HMAC,
	CKM_SHA224_HMAC_GENERAL,
	CKM_SHA256_HMAC,
	CKM_SHA256_HMAC_GENERAL,
	CKM_SHA384_HMAC,
	CKM_SHA384_HMAC_GENERAL,
	CKM_SHA512_HMAC,
	CKM_SHA512_HMAC_GENERAL,
	CKM_AES_CMAC,
	CKM_AES_CMAC_GENERAL,
	CKM_AES_KEY_WRAP,
	CKM_AES_KEY_WRAP_PAD,
	CKM_AES_GCM,
	CKM_AES_CCM,
	CKM_CHACHA20_POLY1305,
	CKM_RSA_PKCS,
	CKM_DES3_CBC,
	CKM_AES_OFB,
	CKM_AES_CFB128,
	CKM_AES_CBC_ENCRYPT_DATA,
	CKM_MD5,
	CKM_VENDOR_DEFINED,
};
const size_t fz_nmechanisms = ARRAY_SIZE(fz_mechanisms);

bool
fz_layout_safe(enum fz_layout built, CK_MECHANISM_TYPE type, CK_ULONG len)
{
	enum fz_layout read = FZ_PLAIN;

	if (type == CKM_AES_GCM && len == sizeof(CK_GCM_PARAMS))
		read = FZ_GCM;
	else if (type == CKM_AES_GCM && len == sizeof(struct kp11_gcm_params_v240))
		read = FZ_GCM_V240;
	else if (type == CKM_AES_CCM && len == sizeof(struct kp11_ccm_params))
		read = FZ_CCM;
	else if (type == CKM_CHACHA20_POLY1305 &&
		 len == sizeof(struct kp11_chacha20_poly1305_params))
		read = FZ_CHACHA20_POLY1305;
	return read == FZ_PLAIN || read == built;
}

/*
 * Put @n bytes of @s, a structure of layout @layout, into the mechanism's
 * parameter, sized by a size byte. Return: what the parameter holds.
 */
static enum fz_layout
set_param(struct fz *f, CK_MECHANISM *m, const void *s, size_t n, enum fz_layout layout)
{
	uint8_t size = fz_u8(f);
	size_t len = size == 0 ? n : (size_t)size - 1;

	if (len != n)
		layout = FZ_PLAIN;
	if (!fz_layout_safe(layout, m->mechanism, len))
		len++;
	m->pParameter = fz_alloc(f, len);
	memcpy(m->pParameter, s, len < n ? len : n);
	m->ulParameterLen = len;
	return layout;
}

enum fz_layout
fz_mechanism(struct fz *f, CK_MECHANISM *m)
{
	uint8_t t = fz_u8(f);
	union {
		CK_ULONG ul;
		CK_AES_CTR_PARAMS ctr;
		CK_GCM_PARAMS gcm;
		struct kp11_gcm_params_v240 gcm240;
		struct kp11_ccm_params ccm;
		struct kp11_chacha20_poly1305_params chacha;
		uint8_t iv[16];
	} u;
	uint8_t *p;
	size_t n;

	memset(m, 0, sizeof(*m));
	memset(&u, 0, sizeof(u));
	m->mechanism = t == 0xff ? fz_ulong(f) : fz_mechanisms[t % fz_nmechanisms];
	switch (fz_u8(f) % 9) {
	case 0:
		return FZ_PLAIN;
	case 1:
		fz_buf(f, 256, &p, &m->ulParameterLen);
		if (p != NULL && !fz_layout_safe(FZ_PLAIN, m->mechanism, m->ulParameterLen)) {
			uint8_t *longer = fz_alloc(f, m->ulParameterLen + 1);

			memcpy(longer, p, m->ulParameterLen++);
			p = longer;
		}
		m->pParameter = p;
		return FZ_PLAIN;
	case 2:
		u.ul = fz_num(f);
		return set_param(f, m, &u.ul, sizeof(u.ul), FZ_PLAIN);
	case 3:
		u.ctr.ulCounterBits = fz_num(f);
		p = fz_take(f, 16, &n);
		memcpy(u.ctr.cb, p, n);
		return set_param(f, m, &u.ctr, sizeof(u.ctr), FZ_PLAIN);
	case 4:
		fz_buf(f, 64, &u.gcm.pIv, &u.gcm.ulIvLen);
		u.gcm.ulIvBits = fz_num(f);
		fz_buf(f, 2048, &u.gcm.pAAD, &u.gcm.ulAADLen);
		u.gcm.ulTagBits = fz_num(f);
		return set_param(f, m, &u.gcm, sizeof(u.gcm), FZ_GCM);
	case 5:
		fz_buf(f, 64, &u.gcm240.iv, &u.gcm240.iv_len);
		fz_buf(f, 2048, &u.gcm240.aad, &u.gcm240.aad_len);
		u.gcm240.tag_bits = fz_num(f);
		return set_param(f, m, &u.gcm240, sizeof(u.gcm240), FZ_GCM_V240);
	case 6:
		u.ccm.data_len = fz_num(f);
		fz_buf(f, 32, &u.ccm.nonce, &u.ccm.nonce_len);
		fz_buf(f, 2048, &u.ccm.aad, &u.ccm.aad_len);
		u.ccm.mac_len = fz_num(f);
		return set_param(f, m, &u.ccm, sizeof(u.ccm), FZ_CCM);
	case 7:
		fz_buf(f, 32, &u.chacha.nonce, &u.chacha.nonce_len);
		fz_buf(f, 2048, &u.chacha.aad, &u.chacha.aad_len);
		return set_param(f, m, &u.chacha, sizeof(u.chacha), FZ_CHACHA20_POLY1305);
	default:
		p = fz_take(f, 16, &n);
		memcpy(u.iv, p, n);
		return set_param(f, m, u.iv, sizeof(u.iv), FZ_PLAIN);
	}
}

void
fz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: invariant broken: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
