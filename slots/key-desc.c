/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slots/key-desc.h"

#define PREFIX "pkcs11:"
/* "l=": the largest payload of a user or logon key. */
#define VALUE_LEN_MAX 32767
static const char usage_letters[] = "edsvwux";
static const char flag_letters[] = "pcdsxl";
static const char hex[] = "0123456789abcdef";

/* Append to a bounded buffer; overflow is reported once at the end. */
struct out {
	char *p;
	size_t cap, len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n < o->cap)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_hex(struct out *o, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char two[2] = {hex[b[i] >> 4], hex[b[i] & 15]};

		put(o, two, 2);
	}
}

static void
put_letters(struct out *o, const char *letters, unsigned bits)
{
	for (size_t i = 0; letters[i]; i++)
		if (bits & (1u << i))
			put(o, &letters[i], 1);
}

int
key_desc_encode(const struct key_attrs *a, char *out, size_t cap)
{
	const char *type = key_type_name(a->key_type);
	struct out o = {out, cap, 0};
	char num[32];

	/* Never a description key_desc_decode() would refuse. */
	if (type == NULL || a->value_len == 0 || a->value_len > VALUE_LEN_MAX ||
	    a->id_len > KEY_ID_MAX || a->label_len > KEY_DESC_MAX ||
	    memchr(a->label, '\0', a->label_len) != NULL)
		return -EINVAL;
	put_str(&o, PREFIX "n=");
	put_hex(&o, a->nonce, sizeof(a->nonce));
	put_str(&o, ";k=");
	put_str(&o, type);
	snprintf(num, sizeof(num), ";l=%lu;u=", a->value_len);
	put_str(&o, num);
	put_letters(&o, usage_letters, a->usage);
	put_str(&o, ";f=");
	put_letters(&o, flag_letters, a->flags);
	put_str(&o, ";id=");
	put_hex(&o, a->id, a->id_len);
	put_str(&o, ";");
	if (a->session != 0) {
		snprintf(num, sizeof(num), "s=%lu;", a->session);
		put_str(&o, num);
	}
	put_str(&o, "label=");
	put(&o, a->label, a->label_len);
	if (o.len > KEY_DESC_MAX)
		return -EINVAL;
	if (o.len >= cap)
		return -ENOSPC;
	out[o.len] = '\0';
	return (int)o.len;
}

/* A cursor over the description being parsed. */
struct in {
	const char *p, *end;
};

/* Consume the literal @s. */
static int
take(struct in *in, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, s, n) != 0)
		return -EINVAL;
	in->p += n;
	return 0;
}

/* The value up to the next ';' (consumed); never empty unless @may_be_empty. */
static int
field(struct in *in, const char **v, size_t *n)
{
	const char *semi = memchr(in->p, ';', (size_t)(in->end - in->p));

	if (semi == NULL)
		return -EINVAL;
	*v = in->p;
	*n = (size_t)(semi - in->p);
	in->p = semi + 1;
	return 0;
}

static int
hex_digit(char c)
{
	const char *d = memchr(hex, c, 16);

	return d == NULL || c == '\0' ? -1 : (int)(d - hex);
}

static int
parse_hex(const char *v, size_t n, uint8_t *out, size_t max, size_t *out_len)
{
	if (n % 2 != 0 || n / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(v[i]), lo = hex_digit(v[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = n / 2;
	return 0;
}

/* Decimal, no sign, no leading zero, at most @max (up to ULONG_MAX: 20 digits). */
static int
parse_dec(const char *v, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long x = 0;

	if (n == 0 || (n > 1 && v[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned long d = (unsigned long)(v[i] - '0');

		if (v[i] < '0' || v[i] > '9' || x > (max - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

/* Letters of @letters, each at most once and in order. */
static int
parse_letters(const char *v, size_t n, const char *letters, unsigned *bits)
{
	size_t next = 0;

	*bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *l = v[i] ? strchr(letters + next, v[i]) : NULL;

		if (l == NULL)
			return -EINVAL;
		next = (size_t)(l - letters) + 1;
		*bits |= 1u << (l - letters);
	}
	return 0;
}

int
key_desc_decode(const char *desc, size_t len, struct key_attrs *a)
{
	struct in in = {desc, desc + len};
	unsigned long num;
	size_t n, nonce_len;
	const char *v;

	key_attrs_clear(a);
	if (len > KEY_DESC_MAX || memchr(desc, '\0', len) != NULL)
		return -EINVAL;
	if (take(&in, PREFIX "n=") < 0 || field(&in, &v, &n) < 0 || n != 16 ||
	    parse_hex(v, n, a->nonce, sizeof(a->nonce), &nonce_len) < 0)
		return -EINVAL;
	if (take(&in, "k=") < 0 || field(&in, &v, &n) < 0 ||
	    !key_type_from_name(v, n, &a->key_type))
		return -EINVAL;
	if (take(&in, "l=") < 0 || field(&in, &v, &n) < 0 ||
	    parse_dec(v, n, VALUE_LEN_MAX, &num) < 0 || num == 0)
		return -EINVAL;
	a->value_len = num;
	if (take(&in, "u=") < 0 || field(&in, &v, &n) < 0 ||
	    parse_letters(v, n, usage_letters, &a->usage) < 0)
		return -EINVAL;
	if (take(&in, "f=") < 0 || field(&in, &v, &n) < 0 ||
	    parse_letters(v, n, flag_letters, &a->flags) < 0)
		return -EINVAL;
	if (take(&in, "id=") < 0 || field(&in, &v, &n) < 0 ||
	    parse_hex(v, n, a->id, KEY_ID_MAX, &a->id_len) < 0)
		return -EINVAL;
	if (take(&in, "s=") == 0) {
		if (field(&in, &v, &n) < 0 || parse_dec(v, n, (unsigned long)-1, &num) < 0 ||
		    num == 0)
			return -EINVAL;
		a->session = num;
	}
	if (take(&in, "label=") < 0)
		return -EINVAL;
	a->label_len = (size_t)(in.end - in.p);
	memcpy(a->label, in.p, a->label_len);
	a->label[a->label_len] = '\0';
	return 0;
}
