/* SPDX-License-Identifier: MIT */
/*
 * The module's configuration: which keyrings become tokens, in slot order,
 * and the master key of in-kernel key generation. The syntax is
 * docs/keyring-pkcs11.conf.5. Everything here is pure (no system call, no
 * global state), so it is unit-tested and fuzzed (fuzz/config-fuzzer.c); the
 * sources (file, pReserved, environment) are read by module/config-load.c.
 */
#ifndef KP11_CONFIG_H
#define KP11_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* At most 8 tokens: slots 0x12 to 0x19. */
#define CONFIG_MAX_TOKENS 8
/* CK_TOKEN_INFO.label is 32 bytes, blank-padded, not NUL-terminated. */
#define CONFIG_LABEL_MAX 32
/* A named keyring's description (the kernel takes 4095; names are for people). */
#define CONFIG_NAME_MAX 255
/* "user:<description>", as KEYRING_PKCS11_MASTER has always been limited. */
#define CONFIG_MASTER_MAX 255
/* The largest text a source may hold (a file, pReserved, an environment variable). */
#define CONFIG_TEXT_MAX 65536

enum config_source {
	CONFIG_SESSION,	   /* @s: never created */
	CONFIG_USER,	   /* @u */
	CONFIG_PERSISTENT, /* keyctl_get_persistent(-1, ...) */
	CONFIG_KEYRING,	   /* a named keyring linked in @u */
};

struct config_token {
	enum config_source source;
	char name[CONFIG_NAME_MAX + 1];	  /* CONFIG_KEYRING: the keyring's description */
	char label[CONFIG_LABEL_MAX + 1]; /* empty: config_token_label()'s default */
	bool read_only;
};

struct config {
	size_t ntokens; /* 0: this text names no token */
	struct config_token tokens[CONFIG_MAX_TOKENS];
	char master[CONFIG_MASTER_MAX + 1]; /* "user:<description>", or empty */
	bool has_master;		    /* master= was given (it may not be empty) */
};

/* The built-in defaults: the session and user keyrings, no master key. */
void config_defaults(struct config *c);

/*
 * config_parse() - parse @len bytes of configuration text into @c
 * @text: not necessarily NUL-terminated; a NUL byte in it is an error
 * @why: on error, a one-line reason (NUL-terminated, truncated to @whylen)
 *
 * @c is cleared first: it holds only what the text gives (ntokens 0 and
 * has_master false when the text is empty or only comments).
 * Return: 0, or -EINVAL with @why set.
 */
int config_parse(struct config *c, const char *text, size_t len, char *why, size_t whylen);

/*
 * config_set_master() - set @c's master key from a KEYRING_PKCS11_MASTER value
 * Return: 0, or -EINVAL with @why set (not "user:<description>", too long,
 * white space or a control character in it).
 */
int config_set_master(struct config *c, const char *value, size_t len, char *why, size_t whylen);

/*
 * config_merge() - lay @later over @c: later sources override earlier ones
 * A source with any token replaces the whole token list; master likewise.
 */
void config_merge(struct config *c, const struct config *later);

/*
 * config_is_nss() - whether pReserved text is NSS's own init string
 * NSS passes "configdir='...' certPrefix='' ..." to every module it loads:
 * text whose first option name is one of NSS's parameter names (compared
 * without case, as NSS does) is NSS's.
 */
bool config_is_nss(const char *text, size_t len);

/* The token's label: its own, or "session keyring", "user keyring",
 * "persistent keyring", or the named keyring's name (cut to 32 bytes). */
const char *config_token_label(const struct config_token *t);

#endif
