#!/bin/sh
# The main job, end to end: on a fresh Debian 12 machine (as root) install,
# build, then put an AES-256 key into a kernel keyring and encrypt, decrypt
# and digest a file through keyring-pkcs11.so with pkcs11-tool, checking every
# result against openssl/sha256sum. The key bytes go from keyctl to the kernel
# and never into pkcs11-tool's memory.
#
# Runs natively when this kernel has AF_ALG with ALG_SET_KEY_BY_KEY_SERIAL
# (Linux >= 6.2); otherwise inside a guest kernel (tests/vm). --here forces
# running in the current kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
MODULE=$top/.libs/keyring-pkcs11.so

demo() {
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	say() { printf '\n== %s\n' "$*"; }
	p11() { pkcs11-tool --module "$MODULE" "$@"; }

	say "kernel $(uname -r); a fresh session keyring: $(keyctl describe @s)"
	head -c 32 /dev/urandom >"$work/key"
	KEY_HEX=$(od -An -tx1 -v "$work/key" | tr -d ' \n')
	serial=$(keyctl padd logon demo:aes256 @s <"$work/key")
	say "added logon key demo:aes256 (serial $serial); a logon key cannot be read back:"
	keyctl read "$serial" 2>&1 || true

	say "tokens and objects seen through the module"
	p11 --list-slots | grep -E '^Slot|token label'
	p11 --list-objects 2>/dev/null
	say "mechanisms this kernel offers"
	p11 --list-mechanisms

	IV=000102030405060708090a0b0c0d0e0f
	printf 'Keys that never enter the process cannot leak from it.\n%.0s' $(seq 1 200) >"$work/plain"
	say "encrypt $(wc -c <"$work/plain") bytes with AES-CBC-PAD, key by label demo:aes256"
	p11 --encrypt -m AES-CBC-PAD --iv "$IV" --label demo:aes256 \
		--input-file "$work/plain" --output-file "$work/cipher" 2>/dev/null
	openssl enc -aes-256-cbc -K "$KEY_HEX" -iv "$IV" -in "$work/plain" -out "$work/want"
	cmp "$work/cipher" "$work/want"
	echo "ciphertext ($(wc -c <"$work/cipher") bytes) equals openssl enc -aes-256-cbc: yes"

	say "decrypt it again through the module"
	p11 --decrypt -m AES-CBC-PAD --iv "$IV" --label demo:aes256 \
		--input-file "$work/cipher" --output-file "$work/back" 2>/dev/null
	cmp "$work/back" "$work/plain"
	echo "round trip equals the original: yes"

	say "SHA-256 of the file in the kernel"
	p11 --hash -m SHA256 --input-file "$work/plain" --output-file "$work/digest" 2>/dev/null
	got=$(od -An -tx1 -v "$work/digest" | tr -d ' \n')
	want=$(sha256sum "$work/plain" | cut -d' ' -f1)
	echo "pkcs11-tool: $got"
	echo "sha256sum:   $want"
	[ "$got" = "$want" ]
	say "demo passed"
}

case ${1:-} in
--here)
	demo
	exit 0
	;;
esac

sh tests/build.sh
if pkcs11-tool --module "$MODULE" -M 2>/dev/null | grep -q AES-CBC-PAD; then
	exec keyctl session - sh "$0" --here
fi
echo "demo: this kernel ($(uname -r)) has no AF_ALG keyed by serial; running the demo in a guest kernel"
rc=0
tests/vm/run.sh -C "$top" -- keyctl session - sh tests/demo.sh --here || rc=$?
if [ "$rc" = 125 ]; then
	echo "demo: the guest failed to boot or report (status 125); once more"
	exec tests/vm/run.sh -C "$top" -- keyctl session - sh tests/demo.sh --here
fi
exit "$rc"
