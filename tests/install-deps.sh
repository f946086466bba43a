#!/bin/sh
# Install everything keyring-pkcs11 needs to build, demo and test on Debian 12.
# Idempotent; skips apt when every package is already present. Needs root (or sudo).
set -eu

PACKAGES="
autoconf automake libtool pkg-config make gcc clang-format
libp11-kit-dev libkeyutils-dev libcmocka-dev libssl-dev
p11-kit p11-kit-modules keyutils opensc openssl python3-pykcs11 python3-cryptography man-db
qemu-system-x86 busybox-static cpio kmod xz-utils ca-certificates
clang libclang-rt-14-dev llvm
"
# Analysis tiers (issue 5): valgrind memcheck, cppcheck, clang's scan-build.
# ASan, UBSan and TSan runtimes come with gcc (libasan8, libubsan1, libtsan2).
PACKAGES="$PACKAGES valgrind cppcheck clang clang-tools"
# Consumers (issue 6): NSS (modutil, certutil, the NSS test program), GnuTLS's
# p11tool, OpenSSL's pkcs11 engine.
PACKAGES="$PACKAGES libnss3-tools libnss3-dev gnutls-bin libengine-pkcs11-openssl"

# Benchmark (make bench): SoftHSMv2 as a comparison token, gnuplot for the plots.
PACKAGES="$PACKAGES softhsm2 gnuplot-nox"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
