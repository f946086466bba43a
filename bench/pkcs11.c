/* SPDX-License-Identifier: MIT */
/*
 * Any PKCS#11 module loaded by path. One session per thread; per op the
 * whole C_xInit + C_x a real caller pays.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pkcs11.h"

#include "bench/bench.h"

struct module {
	char path[4096];
	void *dl;
	CK_FUNCTION_LIST_PTR f;
};

struct p11 {
	struct module *mod;
	CK_SLOT_ID slot;
	bool session_keys;   /* make the keys as session objects in each session */
	bool login_required; /* CKF_LOGIN_REQUIRED: C_Login with the PIN */
	bool logged_in;
	/* Kept open: the login state ends with an application's last session. */
	CK_SESSION_HANDLE anchor;
	const struct bench_keys *keys;
};

struct bench_ctx {
	struct p11 *p;
	CK_FUNCTION_LIST_PTR f;
	CK_SESSION_HANDLE s;
	enum bench_op op;
	CK_OBJECT_HANDLE key;
	CK_MECHANISM mech;
	CK_AES_CTR_PARAMS ctr;
	CK_GCM_PARAMS gcm;
	uint8_t iv[BENCH_IV_LEN];
};

#define MAX_MODULES 8
static struct module modules[MAX_MODULES];

static struct module *
module_load(const char *path)
{
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR);
	CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
	struct module *m;
	CK_RV rv;
	int i;

	for (i = 0; i < MAX_MODULES && modules[i].dl != NULL; i++)
		if (strcmp(modules[i].path, path) == 0)
			return &modules[i];
	if (i == MAX_MODULES)
		return NULL;
	m = &modules[i];
	m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (m->dl == NULL) {
		fprintf(stderr, "bench: dlopen %s: %s\n", path, dlerror());
		return NULL;
	}
	get_list = (CK_RV(*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(m->dl, "C_GetFunctionList");
	if (get_list == NULL || get_list(&m->f) != CKR_OK) {
		fprintf(stderr, "bench: %s: no C_GetFunctionList\n", path);
		goto fail;
	}
	rv = m->f->C_Initialize(&args);
	if (rv != CKR_OK) {
		fprintf(stderr, "bench: %s: C_Initialize: 0x%lx\n", path, rv);
		goto fail;
	}
	snprintf(m->path, sizeof(m->path), "%s", path);
	return m;
fail:
	dlclose(m->dl);
	m->dl = NULL;
	return NULL;
}

/* The slot whose token label (blank padded) is @label. */
static int
find_slot(struct module *m, const char *label, CK_SLOT_ID *slot, bool *login_required)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64, i;
	CK_TOKEN_INFO info;
	size_t len = strlen(label), j;

	if (m->f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (m->f->C_GetTokenInfo(slots[i], &info) != CKR_OK || len > sizeof(info.label) ||
		    memcmp(info.label, label, len) != 0)
			continue;
		for (j = len; j < sizeof(info.label) && info.label[j] == ' '; j++)
			;
		if (j == sizeof(info.label)) {
			*slot = slots[i];
			*login_required = (info.flags & CKF_LOGIN_REQUIRED) != 0;
			return 0;
		}
	}
	fprintf(stderr, "bench: %s: no token labelled \"%s\"\n", m->path, label);
	return -1;
}

static int
open_session(struct p11 *p, CK_SESSION_HANDLE *s)
{
	CK_FUNCTION_LIST_PTR f = p->mod->f;
	const char *pin = p->keys->pin;
	CK_RV rv;

	rv = f->C_OpenSession(p->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, s);
	if (rv != CKR_OK) {
		fprintf(stderr, "bench: %s: C_OpenSession: 0x%lx\n", p->mod->path, rv);
		return -1;
	}
	if (p->login_required && !p->logged_in) {
		if (pin == NULL) {
			fprintf(stderr, "bench: %s: the token wants a PIN (-p or BENCH_PIN)\n",
				p->mod->path);
			f->C_CloseSession(*s);
			return -1;
		}
		rv = f->C_Login(*s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin));
		if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
			fprintf(stderr, "bench: %s: C_Login: 0x%lx\n", p->mod->path, rv);
			f->C_CloseSession(*s);
			return -1;
		}
		p->logged_in = true;
	}
	return 0;
}

static int
find_key(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, const char *label, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_LABEL, (void *)(uintptr_t)label, strlen(label)},
	};
	CK_ULONG n = 0;
	CK_RV rv;

	rv = f->C_FindObjectsInit(s, tmpl, 2);
	if (rv != CKR_OK)
		return -1;
	rv = f->C_FindObjects(s, key, 1, &n);
	f->C_FindObjectsFinal(s);
	if (rv != CKR_OK || n != 1) {
		fprintf(stderr, "bench: no secret key labelled \"%s\" on the token\n", label);
		return -1;
	}
	return 0;
}

static int
create_key(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, bool token, bool hmac,
	   const struct bench_keys *keys, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = hmac ? CKK_GENERIC_SECRET : CKK_AES;
	CK_BBOOL tok = token ? CK_TRUE : CK_FALSE, yes = CK_TRUE;
	const char *label = hmac ? keys->hmac_label : keys->aes_label;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &type, sizeof(type)},
		{CKA_TOKEN, &tok, sizeof(tok)},
		{CKA_LABEL, (void *)(uintptr_t)label, strlen(label)},
		{CKA_ENCRYPT, &yes, sizeof(yes)},
		{CKA_DECRYPT, &yes, sizeof(yes)},
		{CKA_SIGN, &yes, sizeof(yes)},
		{CKA_VERIFY, &yes, sizeof(yes)},
		{CKA_VALUE, hmac ? (void *)(uintptr_t)keys->hmac : (void *)(uintptr_t)keys->aes,
		 hmac ? BENCH_HMAC_KEY_LEN : BENCH_AES_KEY_LEN},
	};
	CK_RV rv;

	rv = f->C_CreateObject(s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), key);
	if (rv != CKR_OK) {
		fprintf(stderr, "bench: C_CreateObject %s: 0x%lx\n", label, rv);
		return -1;
	}
	return 0;
}

static void
p11_ctx_free(struct bench_ctx *ctx)
{
	if (ctx == NULL)
		return;
	/* Closing the session destroys its session objects. */
	if (ctx->s != CK_INVALID_HANDLE)
		ctx->f->C_CloseSession(ctx->s);
	free(ctx);
}

/* Points @ctx (its session open) at @op: its key and mechanism. */
static int
p11_ctx_aim(struct bench_ctx *ctx, enum bench_op op)
{
	struct p11 *p = ctx->p;
	bool hmac = op == OP_HMAC;

	ctx->op = op;
	if (op != OP_SHA256 && op != OP_SHA512) {
		if (p->session_keys
			    ? create_key(ctx->f, ctx->s, false, hmac, p->keys, &ctx->key)
			    : find_key(ctx->f, ctx->s,
				       hmac ? p->keys->hmac_label : p->keys->aes_label, &ctx->key))
			return -1;
	}
	memcpy(ctx->iv, bench_iv, sizeof(ctx->iv));
	switch (op) {
	case OP_CBC:
		ctx->mech = (CK_MECHANISM){CKM_AES_CBC, ctx->iv, BENCH_IV_LEN};
		break;
	case OP_CTR:
		ctx->ctr.counter_bits = 128;
		memcpy(ctx->ctr.cb, bench_iv, BENCH_IV_LEN);
		ctx->mech = (CK_MECHANISM){CKM_AES_CTR, &ctx->ctr, sizeof(ctx->ctr)};
		break;
	case OP_GCM:
		ctx->gcm.iv_ptr = ctx->iv;
		ctx->gcm.iv_len = BENCH_GCM_IV_LEN;
		ctx->gcm.iv_bits = BENCH_GCM_IV_LEN * 8;
		ctx->gcm.tag_bits = BENCH_TAG_LEN * 8;
		ctx->mech = (CK_MECHANISM){CKM_AES_GCM, &ctx->gcm, sizeof(ctx->gcm)};
		break;
	case OP_SHA256:
		ctx->mech = (CK_MECHANISM){CKM_SHA256, NULL, 0};
		break;
	case OP_SHA512:
		ctx->mech = (CK_MECHANISM){CKM_SHA512, NULL, 0};
		break;
	case OP_HMAC:
		ctx->mech = (CK_MECHANISM){CKM_SHA256_HMAC, NULL, 0};
		break;
	case OP_COUNT:
		return -1;
	}
	return 0;
}

static int
p11_ctx_new(struct bench_backend *b, enum bench_op op, struct bench_ctx **result)
{
	struct p11 *p = b->priv;
	struct bench_ctx *ctx;
	int ret = -1;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return -1;
	ctx->p = p;
	ctx->f = p->mod->f;
	ctx->s = CK_INVALID_HANDLE;
	if (open_session(p, &ctx->s) < 0) {
		ctx->s = CK_INVALID_HANDLE;
		goto out;
	}
	if (p11_ctx_aim(ctx, op) < 0)
		goto out;
	*result = ctx;
	ctx = NULL;
	ret = 0;
out:
	p11_ctx_free(ctx);
	return ret;
}

static int
p11_run(struct bench_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	CK_FUNCTION_LIST_PTR f = ctx->f;
	CK_ULONG n = len + BENCH_MAX_OUT_EXTRA;
	const char *what;
	CK_RV rv;

	switch (ctx->op) {
	case OP_CBC:
	case OP_CTR:
	case OP_GCM:
		what = "C_EncryptInit";
		rv = f->C_EncryptInit(ctx->s, &ctx->mech, ctx->key);
		if (rv != CKR_OK)
			goto fail;
		what = "C_Encrypt";
		rv = f->C_Encrypt(ctx->s, (CK_BYTE_PTR)(uintptr_t)in, len, out, &n);
		break;
	case OP_SHA256:
	case OP_SHA512:
		what = "C_DigestInit";
		rv = f->C_DigestInit(ctx->s, &ctx->mech);
		if (rv != CKR_OK)
			goto fail;
		what = "C_Digest";
		rv = f->C_Digest(ctx->s, (CK_BYTE_PTR)(uintptr_t)in, len, out, &n);
		break;
	case OP_HMAC:
		what = "C_SignInit";
		rv = f->C_SignInit(ctx->s, &ctx->mech, ctx->key);
		if (rv != CKR_OK)
			goto fail;
		what = "C_Sign";
		rv = f->C_Sign(ctx->s, (CK_BYTE_PTR)(uintptr_t)in, len, out, &n);
		break;
	default:
		return -1;
	}
	if (rv != CKR_OK)
		goto fail;
	*out_len = n;
	return 0;
fail:
	fprintf(stderr, "bench: %s: %s %s of %zu bytes: rv 0x%lx\n", ctx->p->mod->path, what,
		bench_op_names[ctx->op], len, rv);
	return -1;
}

/* "PATH:TOKEN[:session]" */
static int
parse_spec(const char *spec, struct p11 *p)
{
	char buf[4096], *label, *mode;

	snprintf(buf, sizeof(buf), "%s", spec);
	label = strchr(buf, ':');
	if (label == NULL) {
		fprintf(stderr, "bench: pkcs11 backend \"%s\": want PATH:TOKEN[:session]\n", spec);
		return -1;
	}
	*label++ = '\0';
	mode = strrchr(label, ':');
	if (mode != NULL && strcmp(mode, ":session") == 0) {
		*mode = '\0';
		p->session_keys = true;
	}
	p->mod = module_load(buf);
	if (p->mod == NULL)
		return -1;
	return find_slot(p->mod, label, &p->slot, &p->login_required);
}

int
backend_pkcs11_init(struct bench_backend *b, const char *spec, const struct bench_keys *keys)
{
	struct p11 *p;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	p->keys = keys;
	if (parse_spec(spec, p) < 0 || open_session(p, &p->anchor) < 0) {
		free(p);
		return -1;
	}
	b->ctx_new = p11_ctx_new;
	b->run = p11_run;
	b->ctx_free = p11_ctx_free;
	b->priv = p;
	return 0;
}

int
backend_pkcs11_import(const char *spec, const struct bench_keys *keys)
{
	struct p11 p = {.keys = keys};
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	int ret = -1;

	if (parse_spec(spec, &p) < 0 || open_session(&p, &s) < 0)
		return -1;
	if (create_key(p.mod->f, s, true, false, keys, &key) == 0 &&
	    create_key(p.mod->f, s, true, true, keys, &key) == 0)
		ret = 0;
	p.mod->f->C_CloseSession(s);
	return ret;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* opendir's own */
}

int
backend_pkcs11_fds_per_session(struct bench_backend *b, unsigned ops, int sessions, int rounds,
			       double *per_session)
{
	struct bench_ctx *ctx[64] = {0};
	static uint8_t in[1024], out[1024 + BENCH_MAX_OUT_EXTRA];
	size_t out_len;
	int before, after, i, op, ret = -1;

	if (sessions > 64)
		sessions = 64;
	before = count_fds();
	for (i = 0; i < sessions * rounds; i++) {
		for (op = 0; op < OP_COUNT; op++) {
			struct bench_ctx **c = &ctx[i % sessions];

			if (!(ops & (1U << op)))
				continue;
			if (*c == NULL ? p11_ctx_new(b, (enum bench_op)op, c) < 0
				       : p11_ctx_aim(*c, (enum bench_op)op) < 0)
				goto out;
			if (p11_run(*c, in, sizeof(in), out, &out_len) < 0)
				goto out;
		}
	}
	after = count_fds();
	*per_session = (double)(after - before) / sessions;
	ret = 0;
out:
	for (i = 0; i < sessions; i++)
		p11_ctx_free(ctx[i]);
	return ret;
}
