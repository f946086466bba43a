"""PyKCS11 (a second PKCS#11 client) against python3-cryptography.

AES-GCM, HMAC-SHA256, AES key wrap (RFC 3394/5649) and key creation through
keyring-pkcs11, each checked byte for byte against python3-cryptography.
Run by pykcs11.test under "keyctl session -"; prints TAP.
"""
import hashlib
import hmac
import os
import sys

import PyKCS11
from PyKCS11 import LowLevel as LL
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import (
    aes_key_unwrap, aes_key_wrap, aes_key_wrap_with_padding)

SESSION_SLOT = 0x12
results = []


def check(name, cond):
    results.append(bool(cond))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(results), name))
    sys.stdout.flush()


def create_key(session, value, label, extractable=False, key_type=PyKCS11.CKK_AES):
    template = [
        (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
        (PyKCS11.CKA_KEY_TYPE, key_type),
        (PyKCS11.CKA_VALUE, value),
        (PyKCS11.CKA_LABEL, label),
        (PyKCS11.CKA_EXTRACTABLE, extractable),
    ]
    if extractable:
        template.append((PyKCS11.CKA_SENSITIVE, False))
    return session.createObject(template)


def main():
    lib = PyKCS11.PyKCS11Lib()
    lib.load(os.environ["MODULE"])
    slots = lib.getSlotList(tokenPresent=True)
    check("two tokens", SESSION_SLOT in slots and len(slots) == 2)
    mechs = set(lib.getMechanismList(SESSION_SLOT))
    for m in ("CKM_AES_GCM", "CKM_SHA256_HMAC", "CKM_AES_KEY_WRAP", "CKM_AES_KEY_WRAP_PAD"):
        check("mechanism list has %s" % m, m in mechs)
    session = lib.openSession(SESSION_SLOT, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)

    for i in range(24):
        key = os.urandom((16, 24, 32)[i % 3])
        k = create_key(session, key, "pykcs11:gcm%d" % i)
        iv, aad = os.urandom(12), os.urandom(i * 7 % 64)
        data = os.urandom(1 + i * 997 % 5000)  # PyKCS11 refuses empty input itself
        mech = PyKCS11.AES_GCM_Mechanism(iv, aad, 128)
        got = bytes(session.encrypt(k, data, mech))
        want = AESGCM(key).encrypt(iv, data, aad)
        check("GCM key %d bytes, %d bytes, AAD %d: equals cryptography"
              % (len(key), len(data), len(aad)), got == want)
        back = bytes(session.decrypt(k, got, mech))
        check("GCM round trip %d bytes" % len(data), back == data)
        tampered = bytearray(got)
        tampered[-1] ^= 1
        try:
            session.decrypt(k, bytes(tampered), mech)
            check("GCM tampered tag refused", False)
        except PyKCS11.PyKCS11Error as e:
            check("GCM tampered tag refused", e.value == PyKCS11.CKR_ENCRYPTED_DATA_INVALID)
        session.destroyObject(k)

    for n in (1, 20, 64, 100):
        key = os.urandom(n)
        k = create_key(session, key, "pykcs11:hmac", key_type=PyKCS11.CKK_GENERIC_SECRET)
        data = os.urandom(1000 + n)
        got = bytes(session.sign(k, data, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_HMAC, None)))
        check("HMAC-SHA256 key %d bytes equals hmac" % n,
              got == hmac.new(key, data, hashlib.sha256).digest())
        check("HMAC-SHA256 verify", session.verify(
            k, data, got, PyKCS11.Mechanism(PyKCS11.CKM_SHA256_HMAC, None)))
        session.destroyObject(k)

    for mech_type, length in ((PyKCS11.CKM_AES_KEY_WRAP, 32), (PyKCS11.CKM_AES_KEY_WRAP, 16),
                              (PyKCS11.CKM_AES_KEY_WRAP_PAD, 20),
                              (PyKCS11.CKM_AES_KEY_WRAP_PAD, 7)):
        kek_bytes, key_bytes = os.urandom(32), os.urandom(length)
        kek = create_key(session, kek_bytes, "pykcs11:kek")
        key = create_key(session, key_bytes, "pykcs11:wrapped", extractable=True,
                         key_type=PyKCS11.CKK_GENERIC_SECRET)
        mech = PyKCS11.Mechanism(mech_type, None)
        got = bytes(session.wrapKey(kek, key, mech))
        if mech_type == PyKCS11.CKM_AES_KEY_WRAP:
            want = aes_key_wrap(kek_bytes, key_bytes)
        else:
            want = aes_key_wrap_with_padding(kek_bytes, key_bytes)
        check("%s of %d bytes equals cryptography"
              % (PyKCS11.CKM[mech_type], length), got == want)
        template = [
            (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
            (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_GENERIC_SECRET),
            (PyKCS11.CKA_LABEL, "pykcs11:unwrapped"),
        ]
        unwrapped = session.unwrapKey(kek, got, template, mech)
        value_len = session.getAttributeValue(unwrapped, [PyKCS11.CKA_VALUE_LEN])[0]
        check("unwrapped key has %d bytes" % length, value_len == length)
        sensitive = session.getAttributeValue(unwrapped, [PyKCS11.CKA_SENSITIVE])[0]
        check("unwrapped key is sensitive", sensitive)
        for h in (kek, key, unwrapped):
            session.destroyObject(h)

    # A key made by C_CreateObject is a kernel key: keyctl would list it.
    k = create_key(session, os.urandom(16), "pykcs11:visible")
    check("object handle is a key serial", os.path.exists("/proc/self") and k.value() > 0)
    session.destroyObject(k)
    session.closeSession()
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
