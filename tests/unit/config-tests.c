/* SPDX-License-Identifier: MIT */
/*
 * The configuration parser (slots/config.c, docs/keyring-pkcs11.conf.5):
 * good texts and what they parse to, bad texts and their reason.
 * #included by tests/unit/test-unit.c.
 */
#include "common/compiler.h"
#include "slots/config.h"

/*
 * A parsed configuration as one line: tokens in slot order separated by
 * ' ', each "source" or "keyring:<name>", then "[label]" when a label was
 * given and "!ro" when read-only; then " master=<value>" when given.
 */
static const char *
config_string(const struct config *c)
{
	static char out[4096];
	static const char *const names[] = {"session", "user", "persistent", "keyring:"};
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < c->ntokens; i++) {
		const struct config_token *t = &c->tokens[i];

		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s%s", i ? " " : "",
				      names[t->source], t->name);
		if (t->label[0] != '\0')
			n += (size_t)snprintf(out + n, sizeof(out) - n, "[%s]", t->label);
		if (t->read_only)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "!ro");
	}
	if (c->has_master)
		snprintf(out + n, sizeof(out) - n, "%smaster=%s", n ? " " : "", c->master);
	return out;
}

static void
test_config_parse_good(void **state)
{
	static const struct {
		const char *text, *want;
	} good[] = {
		{"", ""},
		{"  \n\t ", ""},
		{"# only a comment", ""},
		{"token=session", "session"},
		{"token=user", "user"},
		{"token=persistent", "persistent"},
		{"token=keyring:work", "keyring:work"},
		{"token=user,label=mine,read-only", "user[mine]!ro"},
		{"token=user,read-only,label=mine", "user[mine]!ro"},
		/* Slot order is the order given. */
		{"token=user token=session", "user session"},
		{"token=keyring:a\ntoken=keyring:b\n", "keyring:a keyring:b"},
		{"token=session\r\ntoken=user\r\n", "session user"},
		/* Quoting: whole value or part of it; escapes inside quotes only. */
		{"token=user,label=\"my keys\"", "user[my keys]"},
		{"token=\"user,label=my keys\"", "user[my keys]"},
		{"token=keyring:\"a b\",label=\"x \\\"y\\\" \\\\z\"", "keyring:a b[x \"y\" \\z]"},
		{"token=user,label=\"\\\\\"", "user[\\]"},
		{"token=keyring:a\\b", "keyring:a\\b"}, /* a backslash outside quotes is itself */
		{"token=user,label=\"#notcomment\"", "user[#notcomment]"},
		/* '#' starts a comment only where an option could start. */
		{"token=user # the user keyring\ntoken=session", "user session"},
		{"token=keyring:a#b", "keyring:a#b"},
		{"master=user:kmk", "master=user:kmk"},
		{"token=user master=user:a:b", "user master=user:a:b"},
		/* Limits: 32-byte labels, 8 tokens. */
		{"token=user,label=12345678901234567890123456789012",
		 "user[12345678901234567890123456789012]"},
		{"token=keyring:1 token=keyring:2 token=keyring:3 token=keyring:4 "
		 "token=keyring:5 token=keyring:6 token=session token=user",
		 "keyring:1 keyring:2 keyring:3 keyring:4 keyring:5 keyring:6 session user"},
		/* UTF-8 in a label (bytes >= 0x80 pass as they are). */
		{"token=user,label=cl\xc3\xa9s", "user[cl\xc3\xa9s]"},
		/* Two sources that are different keyrings. */
		{"token=keyring:user token=user", "keyring:user user"},
	};
	struct config c;
	char why[160];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const char *want = good[i].want;

		if (config_parse(&c, good[i].text, strlen(good[i].text), why, sizeof(why)) != 0)
			fail_msg("refused \"%s\": %s", good[i].text, why);
		if (strcmp(config_string(&c), want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", good[i].text, config_string(&c),
				 want);
	}
}

static void
test_config_parse_bad(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"token", "line 1: \"token\" is not name=value"},
		{"=user", "line 1: option without a name before '='"},
		{"\n\nfoo=bar", "line 3: unknown option \"foo\" (token, master)"},
		{"Token=user", "line 1: unknown option \"Token\" (token, master)"},
		{"token=",
		 "line 1: token: empty source (session, user, persistent or keyring:<name>)"},
		{"token=users",
		 "line 1: token: unknown source \"users\" (session, user, persistent or "
		 "keyring:<name>)"},
		{"#c1\n#c2\ntoken=user#x",
		 "line 3: token: unknown source \"user#x\" (session, user, "
		 "persistent or keyring:<name>)"},
		{"token=keyring:", "line 1: token=keyring: needs a keyring name"},
		{"token=keyring:a\tb", "line 1: \"b\" is not name=value"},
		{"token=keyring:\"a\tb\"", "line 1: token=keyring: control character in the name"},
		{"token=user,label=", "line 1: token: empty label"},
		{"token=user,label=123456789012345678901234567890123",
		 "line 1: token: label longer than 32 bytes"},
		{"token=user,label=a,label=b", "line 1: token: label given twice"},
		{"token=user,read-only,read-only", "line 1: token: read-only given twice"},
		{"token=user,readonly",
		 "line 1: token: unknown setting \"readonly\" (label=<text>, "
		 "read-only)"},
		{"token=user,", "line 1: token: unknown setting \"\" (label=<text>, read-only)"},
		{"token=user,label=\"a,b\"", "line 1: token: unknown setting \"b\""},
		{"token=user token=user", "line 1: token: the same keyring twice (user)"},
		{"token=session\ntoken=session", "line 2: token: the same keyring twice (session)"},
		/* The reason names the source, never the label's bytes
		   (fuzz/corpus/config/crash-*). */
		{"token=user,label=\xff token=user,label=\xfe",
		 "line 1: token: the same keyring twice "
		 "(user)"},
		{"token=persistent token=persistent,label=x",
		 "line 1: token: the same keyring twice"},
		{"token=keyring:a token=keyring:a",
		 "line 1: token: the same keyring twice (keyring:a)"},
		{"token=keyring:1 token=keyring:2 token=keyring:3 token=keyring:4 "
		 "token=keyring:5 token=keyring:6 token=keyring:7 token=keyring:8 token=user",
		 "line 1: more than 8 tokens"},
		{"token=\"user", "line 1: option token: unterminated double quote"},
		{"token=user,label=\"a\\", "line 1: option token: unterminated double quote"},
		{"token=user,label=\"a\\n\"", "line 1: option token: unknown escape \\n in quotes"},
		{"master=", "line 1: master: not user:<description>"},
		{"master=user:", "line 1: master: not user:<description>"},
		{"master=logon:x", "line 1: master: not user:<description>"},
		{"master=\"user:a b\"", "line 1: master: white space or control character"},
		{"master=user:a master=user:b", "line 1: master given twice"},
		/* NSS's strings are not ours (only pReserved tells them apart, config_is_nss). */
		{"configdir='sql:/tmp' certPrefix=''", "line 1: unknown option \"configdir\""},
		{"token=user ,label=x", "line 1: \",label=x\" is not name=value"},
	};
	struct config c;
	char why[160];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		why[0] = 'X';
		if (config_parse(&c, bad[i].text, strlen(bad[i].text), why, sizeof(why)) != -EINVAL)
			fail_msg("accepted \"%s\": \"%s\"", bad[i].text, config_string(&c));
		if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("\"%s\": reason \"%s\", want \"%s...\"", bad[i].text, why,
				 bad[i].why);
		assert_null(strchr(why, '\n'));
	}
}

static void
test_config_parse_limits(void **state)
{
	size_t big = CONFIG_TEXT_MAX + 1, n;
	char *text = malloc(big + 1), why[160], small[4];
	struct config c;

	(void)state;
	assert_non_null(text);
	/* A NUL byte, anywhere, is an error: the text is counted, not a C string. */
	assert_int_equal(config_parse(&c, "token=user\0x", 12, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: option token: NUL byte in the value");
	assert_int_equal(config_parse(&c, "token=user \0", 12, why, sizeof(why)), -EINVAL);
	/* Only @len bytes are read: a text without NUL ends where it ends. */
	assert_int_equal(config_parse(&c, "token=userXYZ", 10, why, sizeof(why)), 0);
	assert_string_equal(config_string(&c), "user");
	/* 64 KiB of comment is fine; one byte more is too long. */
	memset(text, '#', big);
	assert_int_equal(config_parse(&c, text, big - 1, why, sizeof(why)), 0);
	assert_int_equal(config_parse(&c, text, big, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: longer than 65536 bytes");
	/* A value of more than 4096 bytes. */
	n = (size_t)snprintf(text, big, "token=keyring:");
	memset(text + n, 'k', 5000);
	assert_int_equal(config_parse(&c, text, n + 5000, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: option token: value longer than 4096 bytes");
	/* A keyring name of 255 bytes, and 256. */
	assert_int_equal(config_parse(&c, text, n + 255, why, sizeof(why)), 0);
	assert_int_equal(strlen(c.tokens[0].name), 255);
	assert_int_equal(config_parse(&c, text, n + 256, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: token=keyring: name longer than 255 bytes");
	/* A master of 255 bytes, and 256. */
	n = (size_t)snprintf(text, big, "master=user:");
	memset(text + n, 'm', 300);
	assert_int_equal(config_parse(&c, text, n + 255 - 5, why, sizeof(why)), 0);
	assert_int_equal(config_parse(&c, text, n + 256 - 5, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: master: longer than 255 bytes");
	/* A reason is cut to the buffer, and NUL-terminated. */
	assert_int_equal(config_parse(&c, "foo=1", 5, small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "lin");
	assert_int_equal(config_parse(&c, "foo=1", 5, NULL, 0), -EINVAL);
	/* An unprintable name is shown as '?', at most 40 bytes of it. */
	memset(text, 'n', 100);
	text[0] = '\x01';
	text[100] = '=';
	assert_int_equal(config_parse(&c, text, 101, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: \"?nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...\" is not "
				 "name=value");
	free(text);
}

static void
test_config_sources(void **state)
{
	static const char *const nss[] = {
		"configdir='sql:/etc/pki/nssdb' certPrefix='' keyPrefix='' secmod='secmod.db' flags=ro",
		"  flags=noModDB",
		"CONFIGDIR=x",
		"slotParams={0x1=[slotFlags=RSA]}",
		"askpw=any",
		"manufacturerID='x'",
	};
	static const char *const ours[] = {
		"", "token=user", "configdir", "# configdir=x", "configdirs=x", "master=user:x",
	};
	struct config c, later;
	char why[160];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nss); i++)
		if (!config_is_nss(nss[i], strlen(nss[i])))
			fail_msg("not taken for NSS's: \"%s\"", nss[i]);
	for (size_t i = 0; i < ARRAY_SIZE(ours); i++)
		if (config_is_nss(ours[i], strlen(ours[i])))
			fail_msg("taken for NSS's: \"%s\"", ours[i]);

	/* Defaults, today's labels. */
	config_defaults(&c);
	assert_string_equal(config_string(&c), "session user");
	assert_string_equal(config_token_label(&c.tokens[0]), "session keyring");
	assert_string_equal(config_token_label(&c.tokens[1]), "user keyring");
	/* A source without tokens keeps the list; its master is taken. */
	assert_int_equal(config_parse(&later, "master=user:a", 13, why, sizeof(why)), 0);
	config_merge(&c, &later);
	assert_string_equal(config_string(&c), "session user master=user:a");
	/* A source with tokens replaces the whole list, and keeps the master. */
	assert_int_equal(config_parse(&later, "token=persistent", 16, why, sizeof(why)), 0);
	config_merge(&c, &later);
	assert_string_equal(config_string(&c), "persistent master=user:a");
	assert_string_equal(config_token_label(&c.tokens[0]), "persistent keyring");
	assert_int_equal(config_parse(&later, "token=keyring:w", 15, why, sizeof(why)), 0);
	assert_string_equal(config_token_label(&later.tokens[0]), "w");
	/* KEYRING_PKCS11_MASTER: the same rules as master=. */
	assert_int_equal(config_set_master(&c, "user:b", 6, why, sizeof(why)), 0);
	assert_string_equal(config_string(&c), "persistent master=user:b");
	assert_int_equal(config_set_master(&c, "user:b c", 8, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "master: white space or control character");
	assert_int_equal(config_set_master(&c, "key:b", 5, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "master: not user:<description>");
	assert_string_equal(c.master, "user:b");
}
