#!/bin/sh
# run.sh - set up the keys, run bench/bench over every backend, plot.
#
# Needs AF_ALG: "make bench" runs this inside the guest (tests/vm/run.sh);
# "make bench-guest" runs it here. Environment (set by the Makefile):
#   BENCH      the bench program            MODULE  keyring-pkcs11.so
#   BENCH_OUT  output directory (bench/out) BENCH_ARGS  extra bench options,
#   e.g. "-o aes-cbc,hmac-sha256 -s 16,1K -t 1" for a quick run
#   BENCH_MIN_TIME  seconds per cell (0.3)  SOFTHSM_MODULE  libsofthsm2.so
# Writes BENCH_OUT/{bench.tsv,ratios.txt,bench.log,*.png}.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
BENCH=${BENCH:-$here/bench}
MODULE=${MODULE:-$here/../.libs/keyring-pkcs11.so}
out=${BENCH_OUT:-$here/out}
softhsm=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

for tool in keyctl softhsm2-util gnuplot; do
	command -v "$tool" >/dev/null || { echo "bench: $tool missing (tests/install-deps.sh)" >&2; exit 1; }
done
[ -r "$softhsm" ] || { echo "bench: $softhsm missing (tests/install-deps.sh)" >&2; exit 1; }

# Our own session keyring: the module's "session keyring" token is it.
if [ -z "${KP11_BENCH_SESSION:-}" ]; then
	KP11_BENCH_SESSION=1
	export KP11_BENCH_SESSION
	exec keyctl session - /bin/sh "$0" "$@"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# One key pair for every backend: logon keys for the module and raw AF_ALG,
# the same bytes imported into SoftHSMv2 and given to OpenSSL.
head -c 16 /dev/urandom >"$tmp/aes"
head -c 32 /dev/urandom >"$tmp/hmac"
keyctl padd logon bench:aes @s <"$tmp/aes" >/dev/null
keyctl padd logon bench:hmac @s <"$tmp/hmac" >/dev/null

# A SoftHSMv2 token in a temporary directory, keys imported as token objects.
mkdir "$tmp/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$tmp/tokens" >"$tmp/softhsm2.conf"
SOFTHSM2_CONF=$tmp/softhsm2.conf
BENCH_PIN=1234
export SOFTHSM2_CONF BENCH_PIN
softhsm2-util --init-token --free --label bench --so-pin 5678 --pin "$BENCH_PIN" >/dev/null
"$BENCH" -a "$tmp/aes" -A "$tmp/hmac" -I "pkcs11:$softhsm:bench"

echo "bench: kernel $(uname -r), $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%M:%SZ)" |
	tee "$out/bench.log"
start=$(date +%s)
rc=0
# shellcheck disable=SC2086 # BENCH_ARGS is a list of options
"$BENCH" -a "$tmp/aes" -A "$tmp/hmac" -T "$out/bench.tsv" -R "$out/ratios.txt" -m keyring \
	-b "keyring=pkcs11:$MODULE:session keyring" \
	-b afalg=afalg \
	-b afalg-checked=afalg-checked \
	-b "softhsm-token=pkcs11:$softhsm:bench" \
	-b "softhsm-session=pkcs11:$softhsm:bench:session" \
	-b openssl=openssl \
	${BENCH_ARGS:-} 2>>"$out/bench.log" || rc=$?
echo "bench: exit $rc after $(($(date +%s) - start)) s" | tee -a "$out/bench.log"
[ -s "$out/bench.tsv" ] && /bin/sh "$here/plot.sh" "$out/bench.tsv" "$out"
exit "$rc"
