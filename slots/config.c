/* SPDX-License-Identifier: MIT */
/* The configuration parser (docs/keyring-pkcs11.conf.5). Pure: no system call. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "slots/config.h"

/* The longest value of one option, after unquoting. */
#define VALUE_MAX 4096

struct parser {
	const char *text, *p, *end; /* text: NULL for a single value */
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 2, 3))) static int
fail(struct parser *ps, const char *fmt, ...)
{
	size_t line = 1, n = 0;
	va_list ap;

	if (ps->whylen == 0)
		return -EINVAL;
	if (ps->text != NULL) {
		for (const char *q = ps->text; q < ps->p && q < ps->end; q++)
			line += *q == '\n';
		n = (size_t)snprintf(ps->why, ps->whylen, "line %zu: ", line);
		if (n >= ps->whylen)
			return -EINVAL;
	}
	va_start(ap, fmt);
	vsnprintf(ps->why + n, ps->whylen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * Quote @s (@n bytes) for a reason: at most 40 bytes, anything but printable
 * ASCII as '?', so that a reason is always one harmless line.
 */
static const char *
shown(char out[48], const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k < 40; i++)
		out[k++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Skip white space and comments: a '#' where an option may start runs to the end of the line. */
static void
skip_blank(struct parser *ps)
{
	while (ps->p < ps->end) {
		if (is_space(*ps->p)) {
			ps->p++;
		} else if (*ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
}

/*
 * One value: up to white space, with double-quoted parts ("..." with \" and
 * \\) taken as they are. Return: its length in @out (NUL-terminated), or
 * -EINVAL.
 */
static int
read_value(struct parser *ps, const char *name, char out[VALUE_MAX + 1], size_t *len)
{
	size_t n = 0;
	bool quoted = false;
	char c;

	while (ps->p < ps->end) {
		c = *ps->p;
		if (c == '\0')
			return fail(ps, "option %s: NUL byte in the value", name);
		if (!quoted && is_space(c))
			break;
		ps->p++;
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && c == '\\') {
			if (ps->p == ps->end)
				break; /* unterminated: reported below */
			c = *ps->p++;
			if (c != '"' && c != '\\')
				return fail(ps,
					    "option %s: unknown escape \\%c in quotes (only \\\" "
					    "and \\\\)",
					    name, c >= 0x20 && c < 0x7f ? c : '?');
		}
		if (n == VALUE_MAX)
			return fail(ps, "option %s: value longer than %d bytes", name, VALUE_MAX);
		out[n++] = c;
	}
	if (quoted)
		return fail(ps, "option %s: unterminated double quote", name);
	out[n] = '\0';
	*len = n;
	return 0;
}

/* Printable text without commas, for labels and keyring names. */
static bool
plain_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ',')
			return false;
	return true;
}

static bool
same_source(const struct config_token *a, const struct config_token *b)
{
	return a->source == b->source &&
	       (a->source != CONFIG_KEYRING || strcmp(a->name, b->name) == 0);
}

/* token=<source>[,label=<text>][,read-only] */
static int
parse_token(struct parser *ps, struct config *c, char *v, size_t len)
{
	struct config_token *t;
	char s[48];
	char *part, *next, *end = v + len;
	size_t n;
	bool has_label = false;

	if (c->ntokens == CONFIG_MAX_TOKENS)
		return fail(ps, "more than %d tokens", CONFIG_MAX_TOKENS);
	t = &c->tokens[c->ntokens];
	memset(t, 0, sizeof(*t));
	/* Split at commas (the value has no NUL: read_value refused them). */
	for (part = v; part <= end; part = next + 1) {
		next = memchr(part, ',', (size_t)(end - part));
		if (next == NULL)
			next = end;
		n = (size_t)(next - part);
		*next = '\0';
		if (part == v) {
			if (strcmp(part, "session") == 0) {
				t->source = CONFIG_SESSION;
			} else if (strcmp(part, "user") == 0) {
				t->source = CONFIG_USER;
			} else if (strcmp(part, "persistent") == 0) {
				t->source = CONFIG_PERSISTENT;
			} else if (strncmp(part, "keyring:", 8) == 0) {
				t->source = CONFIG_KEYRING;
				if (n == 8)
					return fail(ps, "token=keyring: needs a keyring name");
				if (n - 8 > CONFIG_NAME_MAX)
					return fail(ps, "token=keyring: name longer than %d bytes",
						    CONFIG_NAME_MAX);
				if (!plain_text(part + 8, n - 8))
					return fail(ps, "token=keyring: control character in "
							"the name");
				memcpy(t->name, part + 8, n - 8 + 1);
			} else if (n == 0) {
				return fail(ps, "token: empty source (session, user, persistent "
						"or keyring:<name>)");
			} else {
				return fail(
					ps,
					"token: unknown source \"%s\" (session, user, persistent "
					"or keyring:<name>)",
					shown(s, part, n));
			}
		} else if (strncmp(part, "label=", 6) == 0) {
			if (has_label)
				return fail(ps, "token: label given twice");
			has_label = true;
			if (n == 6)
				return fail(ps, "token: empty label");
			if (n - 6 > CONFIG_LABEL_MAX)
				return fail(ps, "token: label longer than %d bytes",
					    CONFIG_LABEL_MAX);
			if (!plain_text(part + 6, n - 6))
				return fail(ps, "token: control character in the label");
			memcpy(t->label, part + 6, n - 6 + 1);
		} else if (strcmp(part, "read-only") == 0) {
			if (t->read_only)
				return fail(ps, "token: read-only given twice");
			t->read_only = true;
		} else {
			return fail(ps, "token: unknown setting \"%s\" (label=<text>, read-only)",
				    shown(s, part, n));
		}
		if (next == end)
			break;
	}
	/* Named by source, not by label: a label is the user's bytes, not one printable line. */
	for (size_t i = 0; i < c->ntokens; i++)
		if (same_source(&c->tokens[i], t))
			return fail(ps, "token: the same keyring twice (%s%s)",
				    t->source == CONFIG_SESSION	     ? "session"
				    : t->source == CONFIG_USER	     ? "user"
				    : t->source == CONFIG_PERSISTENT ? "persistent"
								     : "keyring:",
				    t->source == CONFIG_KEYRING ? shown(s, t->name, strlen(t->name))
								: "");
	c->ntokens++;
	return 0;
}

static int
set_master(struct parser *ps, struct config *c, const char *value, size_t len)
{
	if (len < 6 || strncmp(value, "user:", 5) != 0)
		return fail(ps, "master: not user:<description>");
	if (len > CONFIG_MASTER_MAX)
		return fail(ps, "master: longer than %d bytes", CONFIG_MASTER_MAX);
	/* The description goes into an encrypted key's payload, where spaces separate words. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] <= 0x20 || value[i] == 0x7f)
			return fail(ps, "master: white space or control character");
	memcpy(c->master, value, len);
	c->master[len] = '\0';
	c->has_master = true;
	return 0;
}

int
config_set_master(struct config *c, const char *value, size_t len, char *why, size_t whylen)
{
	struct parser ps = {.why = why, .whylen = whylen};

	return set_master(&ps, c, value, len);
}

int
config_parse(struct config *c, const char *text, size_t len, char *why, size_t whylen)
{
	struct parser ps = {
		.text = text, .p = text, .end = text + len, .why = why, .whylen = whylen};
	/* All zeros: scan-build cannot follow read_value()'s length. */
	char value[VALUE_MAX + 1] = "";
	char name[48], s[48];
	const char *start;
	size_t n, vlen = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	if (whylen > 0)
		why[0] = '\0';
	if (len > CONFIG_TEXT_MAX)
		return fail(&ps, "longer than %d bytes", CONFIG_TEXT_MAX);
	for (;;) {
		skip_blank(&ps);
		if (ps.p == ps.end)
			break;
		start = ps.p;
		while (ps.p < ps.end && is_name_char(*ps.p))
			ps.p++;
		n = (size_t)(ps.p - start);
		if (ps.p == ps.end || *ps.p != '=') {
			/* A name without '=', or something that is no name at all. */
			while (ps.p < ps.end && !is_space(*ps.p) && *ps.p != '\0')
				ps.p++;
			if (n == 0 && ps.p == start)
				return fail(&ps, "NUL byte where an option should start");
			return fail(&ps, "\"%s\" is not name=value",
				    shown(s, start, (size_t)(ps.p - start)));
		}
		if (n == 0)
			return fail(&ps, "option without a name before '='");
		shown(name, start, n);
		ps.p++; /* '=' */
		ret = read_value(&ps, name, value, &vlen);
		if (ret < 0)
			return ret;
		if (n == 5 && memcmp(start, "token", 5) == 0) {
			ret = parse_token(&ps, c, value, vlen);
		} else if (n == 6 && memcmp(start, "master", 6) == 0) {
			if (c->has_master)
				return fail(&ps, "master given twice");
			ret = set_master(&ps, c, value, vlen);
		} else {
			ret = fail(&ps, "unknown option \"%s\" (token, master)", name);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->ntokens = 2;
	c->tokens[0].source = CONFIG_SESSION;
	c->tokens[1].source = CONFIG_USER;
}

void
config_merge(struct config *c, const struct config *later)
{
	if (later->ntokens > 0) {
		memcpy(c->tokens, later->tokens, sizeof(c->tokens));
		c->ntokens = later->ntokens;
	}
	if (later->has_master) {
		memcpy(c->master, later->master, sizeof(c->master));
		c->has_master = true;
	}
}

/* NSS's module parameter names (NSS lib/util/utilpars.c, lib/softoken/sftkpars.c). */
static const char *const nss_names[] = {
	"configdir",
	"certPrefix",
	"keyPrefix",
	"secmod",
	"flags",
	"updatedir",
	"updateCertPrefix",
	"updateKeyPrefix",
	"updateid",
	"updateTokenDescription",
	"manufacturerID",
	"libraryDescription",
	"cryptoTokenDescription",
	"dbTokenDescription",
	"FIPSTokenDescription",
	"cryptoSlotDescription",
	"dbSlotDescription",
	"FIPSSlotDescription",
	"minPS",
	"askpw",
	"timeout",
	"trustOrder",
	"cipherOrder",
	"ciphers",
	"slotParams",
};

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool
config_is_nss(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *start;
	size_t n;

	while (p < end && is_space(*p))
		p++;
	start = p;
	while (p < end && is_name_char(*p))
		p++;
	n = (size_t)(p - start);
	if (n == 0 || p == end || *p != '=')
		return false;
	for (size_t i = 0; i < sizeof(nss_names) / sizeof(nss_names[0]); i++) {
		const char *w = nss_names[i];
		size_t k;

		if (strlen(w) != n)
			continue;
		for (k = 0; k < n && lower(w[k]) == lower(start[k]); k++)
			;
		if (k == n)
			return true;
	}
	return false;
}

const char *
config_token_label(const struct config_token *t)
{
	if (t->label[0] != '\0')
		return t->label;
	switch (t->source) {
	case CONFIG_SESSION:
		return "session keyring";
	case CONFIG_USER:
		return "user keyring";
	case CONFIG_PERSISTENT:
		return "persistent keyring";
	case CONFIG_KEYRING:
		break;
	}
	return t->name;
}
