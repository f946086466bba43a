/* SPDX-License-Identifier: MIT */
/*
 * Target "config": the configuration parser (slots/config.c) on the whole
 * input as text, in a buffer of exactly its length (not NUL-terminated), as
 * a file, pReserved or an environment variable would give it.
 *
 * What must hold:
 *  - the answer is 0 or -EINVAL, the same twice, with the same result;
 *  - a refusal comes with a reason that is one line of printable ASCII,
 *    NUL-terminated within the buffer however small it is (a reason buffer
 *    of 0 to 7 bytes, exact-size, is tried too);
 *  - what is accepted is within the limits (at most 8 tokens, labels of 1-32
 *    bytes and names of 1-255 without commas or control characters, no
 *    keyring twice, a master "user:<description>" without white space);
 *  - written back as text (every value quoted), it parses to the same
 *    configuration: the quoting and the splitting agree;
 *  - config_is_nss() and config_set_master() read nothing past the input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "slots/config.h"

static bool
plain(const char *s, bool empty_ok, size_t max)
{
	size_t n = strlen(s);

	if ((n == 0 && !empty_ok) || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ',')
			return false;
	return true;
}

static void
check_reason(const char *why, size_t cap)
{
	size_t n = strnlen(why, cap);

	FZ_ASSERT(n < cap, "reason not NUL-terminated in %zu bytes", cap);
	FZ_ASSERT(cap < 2 || n > 0, "refused without a reason");
	for (size_t i = 0; i < n; i++)
		FZ_ASSERT(why[i] >= 0x20 && why[i] < 0x7f, "reason byte 0x%02x at %zu",
			  (unsigned char)why[i], i);
}

static void
check_limits(const struct config *c)
{
	FZ_ASSERT(c->ntokens <= CONFIG_MAX_TOKENS, "%zu tokens", c->ntokens);
	for (size_t i = 0; i < c->ntokens; i++) {
		const struct config_token *t = &c->tokens[i];

		FZ_ASSERT(t->source <= CONFIG_KEYRING, "source %d", (int)t->source);
		FZ_ASSERT(plain(t->label, true, CONFIG_LABEL_MAX), "token %zu: bad label", i);
		FZ_ASSERT(t->source == CONFIG_KEYRING ? plain(t->name, false, CONFIG_NAME_MAX)
						      : t->name[0] == '\0',
			  "token %zu: bad name", i);
		for (size_t j = 0; j < i; j++)
			FZ_ASSERT(t->source != c->tokens[j].source ||
					  (t->source == CONFIG_KEYRING &&
					   strcmp(t->name, c->tokens[j].name) != 0),
				  "tokens %zu and %zu: the same keyring", j, i);
	}
	FZ_ASSERT(c->has_master || c->master[0] == '\0', "master without has_master");
	if (c->has_master) {
		FZ_ASSERT(strncmp(c->master, "user:", 5) == 0 && strlen(c->master) > 5 &&
				  strlen(c->master) <= CONFIG_MASTER_MAX,
			  "bad master");
		for (const char *p = c->master; *p; p++)
			FZ_ASSERT((unsigned char)*p > 0x20 && *p != 0x7f, "master: white space");
	}
}

/* "..." with \" and \\ */
static size_t
put_quoted(char *out, size_t n, const char *s)
{
	out[n++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n++] = '"';
	return n;
}

/* @c written as text: one option a line, every value quoted as a whole. */
static size_t
write_back(const struct config *c, char *out)
{
	static const char *const src[] = {"session", "user", "persistent", "keyring:"};
	char v[CONFIG_NAME_MAX + CONFIG_LABEL_MAX + 64];
	size_t n = 0;

	for (size_t i = 0; i < c->ntokens; i++) {
		const struct config_token *t = &c->tokens[i];

		snprintf(v, sizeof(v), "%s%s%s%s%s", src[t->source], t->name,
			 t->label[0] ? ",label=" : "", t->label, t->read_only ? ",read-only" : "");
		memcpy(out + n, "# a token\ntoken=", 16);
		n = put_quoted(out, n + 16, v);
		out[n++] = '\n';
	}
	if (c->has_master) {
		memcpy(out + n, "master=", 7);
		n = put_quoted(out, n + 7, c->master);
	}
	return n;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char *text = malloc(size ? size : 1), *back = malloc(16384), why[160], *small;
	size_t cap = size ? data[0] % 8 : 0, len;
	int ra, rb;

	if (a == NULL || b == NULL || text == NULL || back == NULL)
		abort();
	if (size > 0)
		memcpy(text, data, size);
	(void)config_is_nss(text, size);

	ra = config_parse(a, text, size, why, sizeof(why));
	FZ_ASSERT(ra == 0 || ra == -EINVAL, "config_parse: %d", ra);
	if (ra < 0)
		check_reason(why, sizeof(why));
	rb = config_parse(b, text, size, why, sizeof(why));
	FZ_ASSERT(ra == rb && (ra < 0 || memcmp(a, b, sizeof(*a)) == 0), "not the same twice");
	small = malloc(cap ? cap : 1);
	if (small == NULL)
		abort();
	rb = config_parse(b, text, size, cap ? small : NULL, cap);
	FZ_ASSERT(ra == rb, "the reason's buffer changed the answer");
	if (rb < 0 && cap > 0)
		check_reason(small, cap);
	free(small);

	if (ra == 0) {
		check_limits(a);
		len = write_back(a, back);
		rb = config_parse(b, back, len, why, sizeof(why));
		FZ_ASSERT(rb == 0, "written back, refused: %s", why);
		FZ_ASSERT(memcmp(a, b, sizeof(*a)) == 0, "written back, parsed otherwise");
	}

	/* The same bytes as a KEYRING_PKCS11_MASTER value. */
	if (config_set_master(b, text, size, why, sizeof(why)) == 0)
		check_limits(b);
	else
		check_reason(why, sizeof(why));
	free(a);
	free(b);
	free(text);
	free(back);
	return 0;
}
