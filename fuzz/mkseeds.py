#!/usr/bin/env python3
# Write the seed corpus, fuzz/corpus/<target>/seed-*: small, meaningful
# inputs (real templates, descriptions, mechanism parameters and call
# sequences) in the input format of fuzz/fuzz.h and each target's comment.
# Rerun after changing that format: python3 fuzz/mkseeds.py
# (crash-* files are never touched: they are regression tests.)
import os
import struct

TOP = os.path.dirname(os.path.abspath(__file__))

# ---- fuzz/fuzz.h primitives -------------------------------------------------

BOUNDARY = [256, 4095, 4096, 32767, 32768, 65536, 0x7fffffff, 0x80000000,
            0xffffffff, 0x100000000, 2**63 - 1, 2**63, 2**64 - 2, 2**64 - 1, 65535]


def u8(x):
    return bytes([x & 0xff])


def u16(x):
    return struct.pack('<H', x)


def ulong(x):
    return struct.pack('<Q', x % 2**64)


def num(x):
    if x < 0xf0:
        return u8(x)
    if x in BOUNDARY:
        return u8(0xf0 + BOUNDARY.index(x))
    return u8(0xff) + ulong(x)


def buf(data):
    return u8(0) + u16(len(data)) + data


def buf_null():
    return u8(1)


def buf_null_len(n):
    return u8(2) + num(n)


# Attribute types (fuzz.c attr_types[], in order)
CKA = dict(CLASS=0x0, TOKEN=0x1, PRIVATE=0x2, LABEL=0x3, APPLICATION=0x10, VALUE=0x11,
           OBJECT_ID=0x12, CERTIFICATE_TYPE=0x80, KEY_TYPE=0x100, ID=0x102, SENSITIVE=0x103,
           ENCRYPT=0x104, DECRYPT=0x105, WRAP=0x106, UNWRAP=0x107, SIGN=0x108,
           SIGN_RECOVER=0x109, VERIFY=0x10a, VERIFY_RECOVER=0x10b, DERIVE=0x10c,
           START_DATE=0x110, END_DATE=0x111, MODULUS=0x120, VALUE_LEN=0x161,
           EXTRACTABLE=0x162, LOCAL=0x163, NEVER_EXTRACTABLE=0x164, ALWAYS_SENSITIVE=0x165,
           KEY_GEN_MECHANISM=0x166, MODIFIABLE=0x170, COPYABLE=0x171, DESTROYABLE=0x172,
           CHECK_VALUE=0x90, TRUSTED=0x86, WRAP_WITH_TRUSTED=0x210,
           ALWAYS_AUTHENTICATE=0x202, WRAP_TEMPLATE=0x40000211)
ATTR_ORDER = ['CLASS', 'TOKEN', 'PRIVATE', 'LABEL', 'APPLICATION', 'VALUE', 'OBJECT_ID',
              'CERTIFICATE_TYPE', 'KEY_TYPE', 'ID', 'SENSITIVE', 'ENCRYPT', 'DECRYPT', 'WRAP',
              'UNWRAP', 'SIGN', 'SIGN_RECOVER', 'VERIFY', 'VERIFY_RECOVER', 'DERIVE',
              'START_DATE', 'END_DATE', 'MODULUS', 'VALUE_LEN', 'EXTRACTABLE', 'LOCAL',
              'NEVER_EXTRACTABLE', 'ALWAYS_SENSITIVE', 'KEY_GEN_MECHANISM', 'MODIFIABLE',
              'COPYABLE', 'DESTROYABLE', 'CHECK_VALUE', 'TRUSTED', 'WRAP_WITH_TRUSTED',
              'ALWAYS_AUTHENTICATE', 'WRAP_TEMPLATE', 'VENDOR', 'VENDOR_LABEL', 'MINUS_ONE']

CKO_SECRET_KEY, CKO_DATA = 4, 0
CKK = dict(AES=0x1f, GENERIC=0x10, SHA256_HMAC=0x2b, CHACHA20=0x33, DES3=0x15)


def atype(name):
    return u8(ATTR_ORDER.index(name))


def a_bool(name, v):
    return atype(name) + u8(0) + u8(v)


def a_ulong(name, v):
    return atype(name) + u8(1) + num(v)


def a_bytes(name, data):
    return atype(name) + u8(2) + buf(data)


def a_null(name):
    return atype(name) + u8(3)


def template(*attrs):
    return u8(len(attrs)) + b''.join(attrs)


def template_null():
    return u8(0xfe)


# Mechanisms (fuzz.c fz_mechanisms[], in order)
MECH_ORDER = ['AES_KEY_GEN', 'GENERIC_SECRET_KEY_GEN', 'AES_ECB', 'AES_CBC', 'AES_CBC_PAD',
              'AES_CTR', 'SHA_1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA_1_HMAC',
              'SHA_1_HMAC_GENERAL', 'SHA224_HMAC', 'SHA224_HMAC_GENERAL', 'SHA256_HMAC',
              'SHA256_HMAC_GENERAL', 'SHA384_HMAC', 'SHA384_HMAC_GENERAL', 'SHA512_HMAC',
              'SHA512_HMAC_GENERAL', 'AES_CMAC', 'AES_CMAC_GENERAL', 'AES_KEY_WRAP',
              'AES_KEY_WRAP_PAD', 'AES_GCM', 'AES_CCM', 'CHACHA20_POLY1305', 'RSA_PKCS',
              'DES3_CBC', 'AES_OFB', 'AES_CFB128', 'AES_CBC_ENCRYPT_DATA', 'MD5', 'VENDOR']


def mech(name, param=None):
    return u8(MECH_ORDER.index(name)) + (param if param is not None else p_none())


def p_none():
    return u8(0)


def p_bytes(data):
    return u8(1) + buf(data)


def p_ulong(v, size=0):
    return u8(2) + num(v) + u8(size)


def p_ctr(bits, cb):
    return u8(3) + num(bits) + cb + u8(0)


def p_gcm(iv, iv_bits, aad, tag_bits, size=0):
    return u8(4) + buf(iv) + num(iv_bits) + buf(aad) + num(tag_bits) + u8(size)


def p_gcm240(iv, aad, tag_bits):
    return u8(5) + buf(iv) + buf(aad) + num(tag_bits) + u8(0)


def p_ccm(data_len, nonce, aad, mac_len):
    return u8(6) + num(data_len) + buf(nonce) + buf(aad) + num(mac_len) + u8(0)


def p_chacha(nonce, aad):
    return u8(7) + buf(nonce) + buf(aad) + u8(0)


def p_iv(iv):
    return u8(8) + iv + u8(0)


IV = bytes(range(16))
NONCE12 = bytes(range(0xa0, 0xac))
AAD = b'header: v1'
KEY32 = bytes(range(0x40, 0x60))
KEY16 = bytes(range(0x10, 0x20))
MSG = b'The quick brown fox jumps over the lazy dog, twice over: ' * 2


def write(target, name, data):
    d = os.path.join(TOP, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


# ---- template ---------------------------------------------------------------

AES_CREATE = template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']),
                      a_bytes('VALUE', KEY32), a_bytes('LABEL', b'web key'),
                      a_bytes('ID', b'\x01'), a_bool('TOKEN', 0), a_bool('ENCRYPT', 1),
                      a_bool('DECRYPT', 1), a_bool('SIGN', 0))
AES_GENERATE = template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']),
                        a_ulong('VALUE_LEN', 32), a_bool('SENSITIVE', 1),
                        a_bool('EXTRACTABLE', 0), a_bytes('LABEL', b'k1'))
HMAC_CREATE = template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['SHA256_HMAC']),
                       a_bytes('VALUE', bytes(range(64))), a_bool('SIGN', 1),
                       a_bool('VERIFY', 1), a_bool('EXTRACTABLE', 1))
COPY_CHANGE = template(a_bytes('LABEL', b'copy'), a_bool('SENSITIVE', 1), a_bool('TOKEN', 0))


def template_seed(mech_index, t1, t2, fill=b''):
    nonce = bytes(range(8))
    return (u8(mech_index) + t1 + nonce + num(3) + buf(KEY16) + t2 +
            (fill or atype('LABEL') + u8(0) + u16(4) + buf(b'web key')))


write('template', 'aes-create', template_seed(0, AES_CREATE, COPY_CHANGE))
write('template', 'aes-generate', template_seed(0, AES_GENERATE, template()))
write('template', 'hmac-create-extractable', template_seed(1, HMAC_CREATE,
                                                           template(a_bool('EXTRACTABLE', 0))))
write('template', 'generic-generate', template_seed(
    1, template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['GENERIC']),
                a_ulong('VALUE_LEN', 4096)), template(a_bool('COPYABLE', 0))))
write('template', 'sensitive-and-extractable', template_seed(0, template(
    a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']), a_bytes('VALUE', KEY16),
    a_bool('SENSITIVE', 1), a_bool('EXTRACTABLE', 1)), template(a_bool('SENSITIVE', 0))))
write('template', 'duplicate-label', template_seed(0, template(
    a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']), a_bytes('VALUE', KEY16),
    a_bytes('LABEL', b'a'), a_bytes('LABEL', b'b')), template(a_bytes('ID', b'\x02' * 300))))
write('template', 'read-only-and-unknown', template_seed(0, template(
    a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']), a_bytes('VALUE', KEY16),
    a_bool('LOCAL', 1), a_ulong('MODULUS', 5)), template(a_ulong('KEY_TYPE', CKK['AES']))))
write('template', 'long-label', template_seed(0, template(
    a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']), a_bytes('VALUE', KEY16),
    a_bytes('LABEL', b'x' * 4000), a_bytes('ID', bytes(256))), template()))
write('template', 'unwrap', template_seed(23, template(
    a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']), a_ulong('VALUE_LEN', 16),
    a_bool('EXTRACTABLE', 1)), template(a_null('START_DATE'))))
write('template', 'data-object', template_seed(0, template(
    a_ulong('CLASS', CKO_DATA), a_bytes('VALUE', b'x')), template_null()))

# ---- key-desc -----------------------------------------------------------------

DESC = b'pkcs11:n=5f0e2b8c91a4d7e3;k=aes;l=32;u=ed;f=ds;id=01;label=web key'
for name, text in [
        ('logon-module-key', b'logon;0;0;3f010000;' + DESC),
        ('logon-module-key-nul', b'logon;0;0;3f010000;' + DESC + b'\0'),
        ('user-session-object', b'user;1000;1000;3f000000;pkcs11:n=0011223344556677;k=generic;'
         b'l=4096;u=edsvwux;f=pcdsxl;id=;s=42;label=a;label=b\nc: 32'),
        ('encrypted-hmac', b'encrypted;0;0;3f010000;pkcs11:n=0123456789abcdef;k=sha256-hmac;'
         b'l=48;u=sv;f=dsl;id=00ff;label='),
        ('plain-user-key', b'user;0;0;3f010000;svc:web-key'),
        ('keyring', b'keyring;0;65534;3f030000;_uid.0'),
        ('asymmetric', b'asymmetric;0;0;39010000;kfacts-rsa: cc0ca7c5'),
        ('bare-description', DESC),
        ('bare-chacha20', b'pkcs11:n=ffffffffffffffff;k=chacha20;l=32;u=;f=;id=;label='),
]:
    write('key-desc', name, text)
# Cut short: every field must end in ';' before the label.
write('key-desc', 'truncated', b'pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=')
# The bounds: CKA_ID of 256 bytes (KEY_ID_MAX) and one more; a description
# of 4095 bytes (KEY_DESC_MAX) and one more.
HEAD = b'pkcs11:n=0123456789abcdef;k=generic;l=1;u=s;f=;id='
write('key-desc', 'id-256-bytes', HEAD + b'ab' * 256 + b';label=x')
write('key-desc', 'id-257-bytes', HEAD + b'ab' * 257 + b';label=x')
HEAD = b'pkcs11:n=0123456789abcdef;k=aes;l=16;u=ed;f=ds;id=01;label='
write('key-desc', 'desc-4095-bytes', HEAD + b'L' * (4095 - len(HEAD)))
write('key-desc', 'desc-4096-bytes', HEAD + b'L' * (4096 - len(HEAD)))

# ---- mech-param -----------------------------------------------------------------

for name, data in [
        ('gcm', mech('AES_GCM', p_gcm(NONCE12, 96, AAD, 128))),
        ('gcm-no-ivbits', mech('AES_GCM', p_gcm(NONCE12, 0, b'', 96))),
        ('gcm-v240', mech('AES_GCM', p_gcm240(NONCE12, AAD, 128))),
        ('gcm-iv16', mech('AES_GCM', p_gcm(IV, 128, AAD, 128))),
        ('gcm-tag32', mech('AES_GCM', p_gcm(NONCE12, 96, AAD, 32))),
        ('gcm-aad-null', mech('AES_GCM', u8(4) + buf(NONCE12) + num(96) + buf_null_len(16) +
                              num(128) + u8(0))),
        ('gcm-short', mech('AES_GCM', p_gcm(NONCE12, 96, AAD, 128, size=40))),
        ('ccm', mech('AES_CCM', p_ccm(len(MSG), NONCE12[:7], AAD, 16))),
        ('ccm-nonce13', mech('AES_CCM', p_ccm(65535, NONCE12 + b'\x0d', b'', 4))),
        ('ccm-odd-mac', mech('AES_CCM', p_ccm(16, NONCE12, b'', 5))),
        ('chacha20-poly1305', mech('CHACHA20_POLY1305', p_chacha(NONCE12, AAD))),
        ('ctr', mech('AES_CTR', p_ctr(128, IV))),
        ('ctr-32', mech('AES_CTR', p_ctr(32, b'\xff' * 16))),
        ('ctr-0', mech('AES_CTR', p_ctr(0, IV))),
        ('hmac-general', mech('SHA256_HMAC_GENERAL', p_ulong(16))),
        ('hmac-general-65', mech('SHA512_HMAC_GENERAL', p_ulong(65))),
        ('cmac-general-short', mech('AES_CMAC_GENERAL', p_ulong(8, size=5))),
        ('cbc-iv', mech('AES_CBC_PAD', p_iv(IV))),
        ('cbc-iv15', mech('AES_CBC', p_bytes(IV[:15]))),
        ('ecb-none', mech('AES_ECB')),
        ('key-wrap-iv', mech('AES_KEY_WRAP', p_bytes(b'\xa6' * 8))),
        ('key-wrap-pad', mech('AES_KEY_WRAP_PAD')),
]:
    write('mech-param', name, data)

# ---- api ----------------------------------------------------------------------------
# Ops (api-fuzzer.c enum op), and their arguments in the order read.
OPEN, CLOSE, CREATE, GENERATE, COPY, DESTROY, GET_ATTRS, SET_ATTRS, FIND, INIT, ONESHOT, \
    UPDATE, FINAL, WRAP, UNWRAP, RANDOM, ROUNDTRIP, INFO, LOGIN, REINIT, OBJECT, KERNEL = range(22)
ENC, DEC, DIGEST, SIGN, VERIFY = range(5)


def op_open(rw=True):
    return u8(OPEN) + u8(0) + u8(0 if rw else 1)


def op_create(session, tmpl):
    return u8(CREATE) + u8(session) + tmpl


def op_generate(session, m, tmpl):
    return u8(GENERATE) + u8(session) + m + tmpl


def chunks(length, pattern=(1, 15, 16, 17, 0, 40, 200)):
    """The update sizes run() reads for a message of @length bytes."""
    out, done, i = b'', 0, 0
    while i == 0 or done < length:
        b = pattern[i % len(pattern)]
        out += u8(b)
        done += min(b, length - done)
        i += 1
    return out


def op_roundtrip(session, obj, which, m, data, sealed=None, tail=b''):
    """Encrypt/decrypt (@sealed: the ciphertext length), MAC or digest."""
    out = u8(ROUNDTRIP) + u8(session) + u8(obj) + u8(which) + m + u16(len(data)) + data
    out += chunks(len(data))
    if sealed is not None:
        out += chunks(sealed)
    return out + tail


def wrap_roundtrip(session, kek, m, key):
    """Wrap object @key under @kek, unwrap it, compare (no data, no chunks)."""
    return u8(ROUNDTRIP) + u8(session) + u8(kek) + u8(0) + m + u16(0) + u8(key)


def op_init(kind, session, obj, m):
    return u8(INIT) + u8(kind) + u8(session) + u8(obj) + m + u8(0)


def op_crypt(stage, kind, session, data, form=0, size=None, sig=None):
    out = u8(stage) + u8(kind) + u8(session) + buf(data)
    if kind == VERIFY:
        return out + buf(sig)
    if stage == UPDATE and kind in (DIGEST, SIGN):
        return out
    return out + u8(form) + (u16(size) if size is not None else b'')


def session_key(key_type, value, *extra):
    return template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', key_type),
                    a_bytes('VALUE', value), a_bool('TOKEN', 0), *extra)


AES_KEY = session_key(CKK['AES'], KEY32, a_bytes('LABEL', b'fuzz aes'), a_bytes('ID', b'\x01'))
HMAC_KEY = session_key(CKK['GENERIC'], KEY32, a_bytes('LABEL', b'fuzz mac'))

write('api', 'cbc-pad-roundtrip', u8(0) + op_open() + op_create(0, AES_KEY) +
      op_roundtrip(0, 0, 1, mech('AES_CBC_PAD', p_iv(IV)), MSG, len(MSG) // 16 * 16 + 16))
write('api', 'cbc-ecb-ctr-roundtrip', u8(1) + op_open() + op_create(0, AES_KEY) +
      op_roundtrip(0, 0, 1, mech('AES_CBC', p_iv(IV)), MSG[:96], 96) +
      op_roundtrip(0, 0, 1, mech('AES_ECB'), MSG[:64], 64) +
      op_roundtrip(0, 0, 1, mech('AES_CTR', p_ctr(128, IV)), MSG, len(MSG)) +
      op_roundtrip(0, 0, 1, mech('AES_CTR', p_ctr(8, IV[:15] + b'\xf0')), MSG, len(MSG)))
write('api', 'gcm-roundtrip', u8(0) + op_open() + op_create(0, AES_KEY) +
      op_roundtrip(0, 0, 1, mech('AES_GCM', p_gcm(NONCE12, 96, AAD, 128)), MSG, len(MSG) + 16) +
      op_roundtrip(0, 0, 1, mech('AES_GCM', p_gcm240(NONCE12, b'', 96)), MSG[:30], 42))
write('api', 'ccm-chacha-roundtrip', u8(0) + op_open() + op_create(0, AES_KEY) +
      op_roundtrip(0, 0, 1, mech('AES_CCM', p_ccm(len(MSG), NONCE12[:11], AAD, 12)), MSG,
                   len(MSG) + 12) +
      op_create(0, session_key(CKK['CHACHA20'], KEY32)) +
      op_roundtrip(0, 1, 1, mech('CHACHA20_POLY1305', p_chacha(NONCE12, AAD)), MSG,
                   len(MSG) + 16))
write('api', 'mac-digest-roundtrip', u8(0) + op_open() + op_create(0, HMAC_KEY) +
      op_roundtrip(0, 0, 0, mech('SHA256_HMAC'), MSG, tail=b'\x03\x05') +
      op_roundtrip(0, 0, 0, mech('SHA512_HMAC_GENERAL', p_ulong(20)), MSG, tail=b'\x00\x01') +
      op_create(0, AES_KEY) +
      op_roundtrip(0, 1, 0, mech('AES_CMAC'), MSG, tail=b'\x07\x02') +
      op_roundtrip(0, 0, 0, mech('SHA256'), MSG))
WRAPPED_KEY = template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']),
                       a_ulong('VALUE_LEN', 24), a_bool('EXTRACTABLE', 1), a_bool('TOKEN', 0))
write('api', 'generate-wrap-unwrap', u8(0) + op_open() +
      op_generate(0, mech('AES_KEY_GEN'), WRAPPED_KEY) +
      op_create(0, AES_KEY) +
      wrap_roundtrip(0, 1, mech('AES_KEY_WRAP'), 0) +
      wrap_roundtrip(0, 1, mech('AES_KEY_WRAP_PAD'), 0) +
      wrap_roundtrip(0, 1, mech('AES_CBC_PAD', p_iv(IV)), 0) +
      u8(WRAP) + u8(0) + mech('AES_KEY_WRAP_PAD') + u8(1) + u8(0) + u8(1) + u16(7) +
      u8(UNWRAP) + u8(0) + u8(1) + mech('AES_KEY_WRAP') + buf(bytes(40)) + WRAPPED_KEY)
write('api', 'objects', u8(0) + op_open() + op_create(0, AES_KEY) +
      op_generate(0, mech('GENERIC_SECRET_KEY_GEN'), template(
          a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['SHA256_HMAC']),
          a_ulong('VALUE_LEN', 64), a_bool('TOKEN', 1), a_bytes('LABEL', b'token mac'))) +
      u8(FIND) + u8(0) + template() + u8(3) + u8(1) + u8(0) + u8(39) + u8(1) +
      u8(FIND) + u8(0) + template(a_bytes('LABEL', b'fuzz aes')) + u8(1) + u8(5) + u8(1) +
      u8(GET_ATTRS) + u8(0) + u8(0) + u8(0) + u8(8) +
      atype('LABEL') + atype('VALUE') + atype('CHECK_VALUE') + atype('KEY_TYPE') +
      atype('VALUE_LEN') + atype('MODULUS') + atype('SENSITIVE') + atype('ID') +
      u8(GET_ATTRS) + u8(0) + u8(1) + u8(1) + u8(3) +
      atype('LABEL') + u8(0) + u16(3) + atype('ID') + u8(1) + atype('CLASS') + u8(0) + u16(8) +
      u8(COPY) + u8(0) + u8(0) + template(a_bytes('LABEL', b'copied'), a_bool('SENSITIVE', 1)) +
      u8(SET_ATTRS) + u8(0) + u8(0) + template(a_bytes('LABEL', b'fuzz aes')) +
      u8(SET_ATTRS) + u8(0) + u8(0) + template(a_bytes('LABEL', b'renamed')) +
      u8(OBJECT) + u8(0) + u8(0) + u8(1) + u8(0) +
      u8(DESTROY) + u8(0) + u8(1) + u8(DESTROY) + u8(0) + u8(0xf9))
write('api', 'length-protocol', u8(2) + op_open() + op_create(0, AES_KEY) +
      op_init(ENC, 0, 0, mech('AES_CBC_PAD', p_iv(IV))) +
      op_crypt(ONESHOT, ENC, 0, MSG[:40], form=0x81, size=16) +
      op_crypt(ONESHOT, ENC, 0, MSG[:40], form=0x83) +
      op_crypt(ONESHOT, ENC, 0, MSG[:40], form=0x80) +
      op_init(DEC, 0, 0, mech('AES_CBC_PAD', p_iv(IV))) +
      op_crypt(UPDATE, DEC, 0, MSG[:33], form=0x81, size=0) +
      op_crypt(UPDATE, DEC, 0, MSG[:15], form=0x82) +
      op_crypt(FINAL, DEC, 0, b'', form=0x81, size=1) +
      op_init(DIGEST, 0, 0, mech('SHA384')) +
      op_crypt(UPDATE, DIGEST, 0, MSG) +
      op_crypt(ONESHOT, DIGEST, 0, MSG, form=0x80) +
      op_crypt(FINAL, DIGEST, 0, b'', form=0x81, size=47) +
      op_init(SIGN, 0, 0, mech('AES_CMAC_GENERAL', p_ulong(4))) +
      op_crypt(FINAL, SIGN, 0, b'', form=0x83) +
      op_crypt(FINAL, SIGN, 0, b'', form=0x80) +
      op_init(VERIFY, 0, 0, mech('AES_CMAC')) +
      op_crypt(ONESHOT, VERIFY, 0, MSG, sig=bytes(16)) +
      u8(WRAP) + u8(0) + mech('AES_CBC_PAD', p_iv(IV)) + u8(0) + u8(0) + u8(0x81) + u16(0))
write('api', 'aead-parts', u8(0) + op_open() + op_create(0, AES_KEY) +
      op_init(ENC, 0, 0, mech('AES_GCM', p_gcm(NONCE12, 96, AAD, 128))) +
      op_crypt(UPDATE, ENC, 0, MSG, form=0x80) +
      op_crypt(UPDATE, ENC, 0, MSG, form=0x80) +
      op_crypt(FINAL, ENC, 0, b'', form=0x81, size=16) +
      op_init(DEC, 0, 0, mech('AES_CCM', p_ccm(20, NONCE12[:7], b'', 8))) +
      op_crypt(ONESHOT, DEC, 0, bytes(28), form=0x80))
write('api', 'sessions-login-info', u8(3) + op_open(rw=False) + op_open() +
      u8(LOGIN) + u8(0) + u8(1) + buf(b'1234') + u8(1) +
      u8(LOGIN) + u8(1) + u8(0) + buf(b'') + u8(1) +
      u8(LOGIN) + u8(1) + u8(0) + buf_null() + u8(0) +
      u8(INFO) + u8(0) + u8(INFO) + u8(1) + u8(0) + u8(INFO) + u8(2) + u8(0xf1) +
      u8(INFO) + u8(3) + mech('AES_GCM') + u8(0) + u8(INFO) + u8(4) + u8(1) +
      u8(INFO) + u8(5) + u8(0) + u8(INFO) + u8(6) + u8(1) +
      u8(RANDOM) + u8(0) + u8(0) + u16(0) + u16(100) + u8(0) +
      u8(RANDOM) + u8(0) + u8(2) + num(5) + u8(1) +
      u8(CLOSE) + u8(0) + u8(0) + u8(CLOSE) + u8(1) + u8(0) +
      u8(REINIT) + u8(0) + u8(2) + op_open() + u8(REINIT) + u8(1) + u8(REINIT) + u8(2) +
      u8(REINIT) + u8(3) + u8(1))
write('api', 'token-objects', u8(0) + op_open() +
      op_create(0, template(a_ulong('CLASS', CKO_SECRET_KEY), a_ulong('KEY_TYPE', CKK['AES']),
                            a_bytes('VALUE', KEY16), a_bool('TOKEN', 1),
                            a_bool('EXTRACTABLE', 1), a_bytes('LABEL', b'on the token'))) +
      op_roundtrip(0, 0, 1, mech('AES_CTR', p_ctr(128, IV)), MSG, len(MSG)) +
      u8(OPEN) + u8(0) + u8(1) +
      u8(DESTROY) + u8(1) + u8(0) +
      u8(COPY) + u8(0) + u8(0) + template(a_bool('TOKEN', 0), a_bool('EXTRACTABLE', 0)) +
      u8(CLOSE) + u8(1) + u8(0))


def op_add_key(desc, payload, key_type):
    return u8(KERNEL) + u8(0) + buf(desc) + (buf(payload) if payload is not None else buf_null()) + \
        u8(['user', 'logon', 'keyring'].index(key_type))


def op_kernel(what, obj, perm=None):
    out = u8(KERNEL) + u8(['add', 'revoke', 'invalidate', 'setperm', 'unlink'].index(what)) + u8(obj)
    return out + (u16(perm >> 16) + u16(perm & 0xffff) if perm is not None else b'')


# Keys made by hand (plain keys: their label is their description, their
# size from the kernel, /proc/keys for a logon key), one whose description
# claims 32 bytes for a 5-byte payload, a keyring; then keys changed under
# the module between calls.
write('api', 'kernel-keys', u8(0) + op_open() +
      op_add_key(b'svc:web-key', KEY32, 'user') +
      op_add_key(b'svc:a: 32\nb', KEY16, 'logon') +
      op_add_key(b'pkcs11:n=0123456789abcdef;k=aes;l=32;u=ed;f=ds;id=;label=liar', b'12345',
                 'logon') +
      op_add_key(b'nested', None, 'keyring') +
      u8(FIND) + u8(0) + template() + u8(1) + u8(20) + u8(1) +
      op_roundtrip(0, 0, 1, mech('AES_CBC_PAD', p_iv(IV)), MSG, len(MSG) // 16 * 16 + 16) +
      op_roundtrip(0, 1, 1, mech('AES_CTR', p_ctr(128, IV)), MSG, len(MSG)) +
      op_roundtrip(0, 2, 1, mech('AES_ECB'), MSG[:32], 32) +
      u8(GET_ATTRS) + u8(0) + u8(1) + u8(0) + u8(4) +
      atype('LABEL') + atype('VALUE') + atype('VALUE_LEN') + atype('KEY_TYPE') +
      u8(GET_ATTRS) + u8(0) + u8(3) + u8(0) + u8(2) + atype('LABEL') + atype('CLASS') +
      op_init(ENC, 0, 0, mech('AES_CBC', p_iv(IV))) +
      op_kernel('revoke', 0) +
      op_crypt(ONESHOT, ENC, 0, MSG[:32], form=0x80) +
      op_init(ENC, 0, 0, mech('AES_CBC', p_iv(IV))) +
      op_kernel('setperm', 1, 0x3f000000) +
      op_init(SIGN, 0, 1, mech('SHA256_HMAC')) +
      op_kernel('setperm', 1, 0) +
      op_init(VERIFY, 0, 1, mech('SHA256_HMAC')) +
      op_kernel('invalidate', 1) + op_kernel('unlink', 2) +
      u8(FIND) + u8(0) + template() + u8(1) + u8(20) + u8(1) +
      u8(COPY) + u8(0) + u8(0) + template())


# ---- config -----------------------------------------------------------------
# Plain text (docs/keyring-pkcs11.conf.5): every source, quoting, comments,
# limits, NSS's string and some refusals.

for name, text in [
    ('empty', b''),
    ('defaults', b'token=session token=user\n'),
    ('every-source', b'# all four\ntoken=session,label="my session"\ntoken=user,read-only\n'
     b'token=persistent\ntoken=keyring:work,label=work,read-only\nmaster=user:kmk\n'),
    ('quoting', b'token="keyring:a b",label="x \\"y\\" \\\\z" # comment\r\n'),
    ('eight-tokens', b' '.join(b'token=keyring:%d' % i for i in range(8))),
    ('nine-tokens', b' '.join(b'token=keyring:%d' % i for i in range(9))),
    ('label-32', b'token=user,label=' + b'L' * 32),
    ('label-33', b'token=user,label=' + b'L' * 33),
    ('name-255', b'token=keyring:' + b'n' * 255),
    ('master-255', b'master=user:' + b'm' * 250),
    ('duplicate', b'token=keyring:a token=user token=keyring:a'),
    ('bad-escape', b'token=user,label="a\\n"'),
    ('unterminated', b'token=user,label="abc'),
    ('nss', b"configdir='sql:/etc/pki/nssdb' certPrefix='' keyPrefix='' "
     b"secmod='secmod.db' flags=readOnly"),
    ('nul', b'token=user\0token=session'),
]:
    write('config', name, text)
