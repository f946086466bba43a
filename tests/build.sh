#!/bin/sh
# Build keyring-pkcs11 in the source tree (autoreconf + configure + make),
# after installing what Debian 12 needs. Extra arguments go to configure.
# Idempotent: configure reruns only when its arguments change.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh tests/install-deps.sh
[ -x configure ] || autoreconf -fi
stamp=.configure-args
args="--enable-strict $*"
if [ ! -f Makefile ] || [ "$(cat "$stamp" 2>/dev/null)" != "$args" ]; then
	# shellcheck disable=SC2086 # word splitting of the configure arguments is wanted
	./configure --quiet $args
	echo "$args" >"$stamp"
fi
make -j"$(nproc)" >/dev/null
