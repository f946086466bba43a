#!/usr/bin/python3
"""Encrypt, decrypt and MAC with keys that stay in the Linux keyring.

A PyKCS11 example for keyring-pkcs11: open the module, find the token by its
label, find two keys by their labels, then AES-CBC-PAD encrypt and decrypt a
message and compute its HMAC-SHA256, all inside the kernel. Prints hex.

    keyctl session -                                  # a session keyring
    head -c 32 /dev/urandom | keyctl padd logon app:aes @s
    head -c 64 /dev/urandom | keyctl padd logon app:mac @s
    /usr/bin/python3 pykcs11-encrypt.py app:aes app:mac 'hello, keyring'

A key added with keyctl is labelled with its description; 16, 24 or 32 bytes
make an AES key, other lengths a generic secret (for HMAC). Environment:
KEYRING_PKCS11_MODULE (default: the installed module), KEYRING_PKCS11_TOKEN
(default: "session keyring"; "user keyring" is the other token).
"""
import os
import sys

import PyKCS11

MODULE = os.environ.get("KEYRING_PKCS11_MODULE",
                        "/usr/lib/x86_64-linux-gnu/pkcs11/keyring-pkcs11.so")
TOKEN = os.environ.get("KEYRING_PKCS11_TOKEN", "session keyring")


def find_key(session, label):
    keys = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
                                (PyKCS11.CKA_LABEL, label)])
    if not keys:
        sys.exit("no key labelled %r in token %r" % (label, TOKEN))
    return keys[0]


def main():
    aes_label, mac_label, message = sys.argv[1], sys.argv[2], sys.argv[3].encode()

    lib = PyKCS11.PyKCS11Lib()
    lib.load(MODULE)
    slot = next((s for s in lib.getSlotList(tokenPresent=True)
                 if lib.getTokenInfo(s).label.strip() == TOKEN), None)
    if slot is None:
        sys.exit("no token labelled %r" % TOKEN)
    session = lib.openSession(slot)  # read-only is enough to use keys

    aes_key = find_key(session, aes_label)
    iv = session.generateRandom(16)  # C_GenerateRandom: the kernel's getrandom
    cbc_pad = PyKCS11.Mechanism(PyKCS11.CKM_AES_CBC_PAD, bytes(iv))
    ciphertext = bytes(session.encrypt(aes_key, message, cbc_pad))
    plaintext = bytes(session.decrypt(aes_key, ciphertext, cbc_pad))

    mac_key = find_key(session, mac_label)
    mac = bytes(session.sign(mac_key, message,
                             PyKCS11.Mechanism(PyKCS11.CKM_SHA256_HMAC, None)))

    print("iv:          " + bytes(iv).hex())
    print("ciphertext:  " + ciphertext.hex())
    print("decrypted:   " + plaintext.decode())
    print("hmac-sha256: " + mac.hex())
    session.closeSession()


if __name__ == "__main__":
    main()
