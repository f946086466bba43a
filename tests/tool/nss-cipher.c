/* SPDX-License-Identifier: MIT */
/*
 * nss-cipher - NSS uses a token key: the proof for tests/tool/nss.test that
 * an NSS application can find a keyring-pkcs11 key by nickname and compute
 * with it through NSS's own API.
 *
 * Usage: nss-cipher DBDIR TOKEN NICKNAME OP [IV-HEX]  <input >output
 *   DBDIR     an NSS database ("sql:DIR") with keyring-pkcs11 added (modutil)
 *   TOKEN     the token's label, as PK11_FindSlotByName matches it
 *   NICKNAME  the key's CKA_LABEL (PK11_ListFixedKeysInSlot); exactly one
 *             token key must carry it ("" selects the one key with an empty
 *             label, as symkeyutil -K makes); or "id:HEX", the key with
 *             CKA_ID HEX (PK11_FindFixedKey)
 *   OP        cbc-pad-enc, cbc-pad-dec, cbc-enc, cbc-dec: AES-CBC (with or
 *             without PKCS#7 padding) through PK11_CreateContextBySymKey and
 *             PK11_CipherOp, fed in 1000-byte pieces (not a block multiple),
 *             then PK11_DigestFinal;
 *             cbc-pad-enc1: the same as one PK11_Encrypt call;
 *             hmac-sha256: CKM_SHA256_HMAC through PK11_DigestOp, in
 *             1000-byte pieces, then PK11_DigestFinal
 *   IV-HEX    the 16-byte CBC IV in hex (the cbc ops)
 *
 * Writes the result to stdout; on failure the NSS error name on stderr and
 * exit status 1 (2 for usage errors). Everything NSS hands out is freed and
 * NSS shut down, so that leak detection can stay on under ASan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss.h>
#include <pk11pub.h>
#include <prerror.h>
#include <prinit.h>
#include <secerr.h>

#define CHUNK 1000

static void
nss_error(const char *what)
{
	PRErrorCode err = PR_GetError();
	const char *name = PR_ErrorToName(err);

	fprintf(stderr, "nss-cipher: %s: %s (%d)\n", what, name != NULL ? name : "?", (int)err);
}

static int
read_all(FILE *f, unsigned char **data, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	unsigned char *buf = malloc(cap), *bigger;

	if (buf == NULL)
		return -1;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				return -1;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

static int
parse_hex(const char *hex, unsigned char *out, size_t len)
{
	if (strlen(hex) != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -1;
		out[i] = (unsigned char)byte;
	}
	return 0;
}

/*
 * The one token key labelled NICKNAME in SLOT (CKO_SECRET_KEY, CKA_TOKEN,
 * CKA_LABEL = NICKNAME: NSS's own search template), or with "id:HEX" the
 * first key whose CKA_ID is HEX; or NULL.
 */
static PK11SymKey *
find_key(PK11SlotInfo *slot, const char *nickname)
{
	PK11SymKey *list, *key, *next;
	int n = 0;

	if (strncmp(nickname, "id:", 3) == 0) {
		unsigned char id[64];
		size_t len = strlen(nickname + 3) / 2;
		SECItem id_item = {siBuffer, id, (unsigned int)len};

		if (len == 0 || len > sizeof(id) || parse_hex(nickname + 3, id, len) != 0) {
			fprintf(stderr, "nss-cipher: bad key ID '%s'\n", nickname + 3);
			return NULL;
		}
		key = PK11_FindFixedKey(slot, CKM_INVALID_MECHANISM, &id_item, NULL);
		if (key == NULL)
			nss_error("PK11_FindFixedKey");
		return key;
	}
	list = PK11_ListFixedKeysInSlot(slot, (char *)nickname, NULL);
	for (key = list; key != NULL; key = PK11_GetNextSymKey(key))
		n++;
	if (n == 1)
		return list;
	fprintf(stderr, "nss-cipher: %d keys labelled '%s' on the token (want exactly 1)\n", n,
		nickname);
	for (key = list; key != NULL; key = next) {
		next = PK11_GetNextSymKey(key);
		PK11_FreeSymKey(key);
	}
	return NULL;
}

/* Multi-part: CTX over IN in CHUNK-byte pieces, then its final part. */
static int
run_context(PK11Context *ctx, int cipher, const unsigned char *in, size_t in_len,
	    unsigned char *out, size_t out_max, size_t *out_len)
{
	size_t done = 0, pos = 0;
	unsigned int final_len = 0;

	while (pos < in_len) {
		size_t piece = in_len - pos < CHUNK ? in_len - pos : CHUNK;
		int got = 0;

		if (cipher) {
			if (PK11_CipherOp(ctx, out + done, &got, (int)(out_max - done), in + pos,
					  (int)piece) != SECSuccess) {
				nss_error("PK11_CipherOp");
				return -1;
			}
			done += (size_t)got;
		} else if (PK11_DigestOp(ctx, in + pos, (unsigned int)piece) != SECSuccess) {
			nss_error("PK11_DigestOp");
			return -1;
		}
		pos += piece;
	}
	if (PK11_DigestFinal(ctx, out + done, &final_len, (unsigned int)(out_max - done)) !=
	    SECSuccess) {
		nss_error("PK11_DigestFinal");
		return -1;
	}
	*out_len = done + final_len;
	return 0;
}

static int
run(PK11SymKey *key, const char *op, const unsigned char iv[16], const unsigned char *in,
    size_t in_len)
{
	SECItem iv_item = {siBuffer, (unsigned char *)iv, 16};
	SECItem no_param = {siBuffer, NULL, 0};
	CK_MECHANISM_TYPE mech;
	CK_ATTRIBUTE_TYPE operation;
	PK11Context *ctx = NULL;
	size_t out_max = in_len + 64, out_len = 0;
	unsigned char *out = malloc(out_max);
	int ret = -1;

	if (out == NULL)
		return -1;
	if (strcmp(op, "cbc-pad-enc1") == 0) {
		unsigned int len = 0;

		if (PK11_Encrypt(key, CKM_AES_CBC_PAD, &iv_item, out, &len, (unsigned int)out_max,
				 in, (unsigned int)in_len) != SECSuccess) {
			nss_error("PK11_Encrypt");
			goto out;
		}
		out_len = len;
		ret = 0;
		goto out;
	}
	if (strcmp(op, "hmac-sha256") == 0) {
		mech = CKM_SHA256_HMAC;
		operation = CKA_SIGN;
	} else {
		mech = strncmp(op, "cbc-pad-", 8) == 0 ? CKM_AES_CBC_PAD : CKM_AES_CBC;
		operation = strcmp(op + strlen(op) - 4, "-enc") == 0 ? CKA_ENCRYPT : CKA_DECRYPT;
	}
	ctx = PK11_CreateContextBySymKey(mech, operation, key,
					 mech == CKM_SHA256_HMAC ? &no_param : &iv_item);
	if (ctx == NULL) {
		nss_error("PK11_CreateContextBySymKey");
		goto out;
	}
	ret = run_context(ctx, mech != CKM_SHA256_HMAC, in, in_len, out, out_max, &out_len);
out:
	if (ret == 0 && fwrite(out, 1, out_len, stdout) != out_len) {
		fprintf(stderr, "nss-cipher: cannot write the result\n");
		ret = -1;
	}
	if (ctx != NULL)
		PK11_DestroyContext(ctx, PR_TRUE);
	free(out);
	return ret;
}

static int
known_op(const char *op)
{
	static const char *const ops[] = {"cbc-pad-enc", "cbc-pad-dec",	 "cbc-enc",
					  "cbc-dec",	 "cbc-pad-enc1", "hmac-sha256"};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i]) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned char iv[16] = {0}, *in = NULL;
	size_t in_len = 0;
	PK11SlotInfo *slot = NULL;
	PK11SymKey *key = NULL;
	int status = 1;

	if (argc < 5 || argc > 6 || !known_op(argv[4]) ||
	    (strncmp(argv[4], "cbc", 3) == 0 && (argc != 6 || parse_hex(argv[5], iv, 16) != 0))) {
		fprintf(stderr, "usage: nss-cipher DBDIR TOKEN NICKNAME "
				"cbc-pad-enc|cbc-pad-dec|cbc-enc|cbc-dec|cbc-pad-enc1|hmac-sha256 "
				"[IV-HEX]\n");
		return 2;
	}
	if (read_all(stdin, &in, &in_len) != 0) {
		fprintf(stderr, "nss-cipher: cannot read the input\n");
		return 1;
	}
	if (NSS_Init(argv[1]) != SECSuccess) {
		nss_error("NSS_Init");
		free(in);
		return 1;
	}
	slot = PK11_FindSlotByName(argv[2]);
	if (slot == NULL) {
		nss_error("PK11_FindSlotByName");
		goto out;
	}
	key = find_key(slot, argv[3]);
	if (key == NULL)
		goto out;
	if (run(key, argv[4], iv, in, in_len) == 0)
		status = 0;
out:
	if (key != NULL)
		PK11_FreeSymKey(key);
	if (slot != NULL)
		PK11_FreeSlot(slot);
	if (NSS_Shutdown() != SECSuccess) {
		nss_error("NSS_Shutdown");
		status = 1;
	}
	PR_Cleanup();
	free(in);
	return status;
}
