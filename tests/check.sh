#!/bin/sh
# The test command: from a fresh Debian 12 machine (as root), install what is
# needed, build, and run the whole suite:
#   1. host tier: unit tests and the API tests that need no AF_ALG
#      (this machine's kernel may lack AF_ALG; the module must still work);
#   2. guest tier: everything, inside Debian trixie's 6.12 kernel booted under
#      QEMU (tests/vm), where AF_ALG and ALG_SET_KEY_BY_KEY_SERIAL exist.
#      Nothing that needs AF_ALG is skipped: there it fails.
#   3. the unit and API tiers again, built with ASan and UBSan
#      (--enable-sanitizers: -fno-sanitize-recover=all, leaks checked at exit),
#      in a copy of the tree (.build-asan), inside the guest.
#   4. each libFuzzer target for 45 s on the host (fuzz/run.sh); the corpus
#      replays already ran in step 1.
# Ends with one line "N passed, N failed".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh tests/build.sh
make check-format check-layers

summary() {	# $1: label, $2: test-suite.log
	awk -v label="$1" '
		/^# PASS:/ { pass = $3 } /^# FAIL:/ { fail = $3 } /^# ERROR:/ { err = $3 }
		/^# SKIP:/ { skip = $3 } /^# XPASS:/ { xpass = $3 }
		END { printf "%s: %d passed, %d failed, %d skipped\n", label, pass, fail + err + xpass, skip }' "$2"
}

host_rc=0
make check >/dev/null 2>&1 || host_rc=$?
cp test-suite.log test-suite-host.log
summary host test-suite-host.log
[ "$host_rc" = 0 ] || cat test-suite-host.log

# Boot the guest kernel and run every tier inside it.
echo "check: booting the guest kernel (tests/vm) for the AF_ALG tiers"
rm -f test-suite.log test-suite-guest.log
guest_rc=0
tests/vm/run.sh -C "$top" -- make check-guest || guest_rc=$?
if [ "$guest_rc" = 125 ]; then
	# The guest itself failed (boot, or a rare kernel oops under software
	# emulation): one more boot. A test failure is never retried.
	echo "check: the guest failed (status 125); booting it once more"
	rm -f test-suite.log
	guest_rc=0
	tests/vm/run.sh -C "$top" -- make check-guest || guest_rc=$?
fi
logs=test-suite-host.log
missing=0
if [ -f test-suite.log ]; then
	mv test-suite.log test-suite-guest.log
	logs="$logs test-suite-guest.log"
	summary guest test-suite-guest.log
	[ "$guest_rc" = 0 ] || grep -E '^(FAIL|ERROR|not ok)|^# ' test-suite-guest.log || true
else
	echo "check: FAILED: the guest did not run the suite (status $guest_rc)"
	missing=1
fi

# The API tiers under ASan+UBSan, from a copy of the tracked files.
echo "check: ASan+UBSan build of the unit and API tiers"
asan="$top/.build-asan"
rm -rf "$asan"
mkdir -p "$asan"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$asan"
(cd "$asan" && autoreconf -fi >/dev/null 2>&1 &&
	./configure --quiet --enable-strict --enable-sanitizers && make -j"$(nproc)" >/dev/null)
asan_rc=0
tests/vm/run.sh -C "$top" -- make -C "$asan" check-guest-api >/dev/null || asan_rc=$?
if [ "$asan_rc" = 125 ]; then
	echo "check: the guest failed (status 125); booting it once more"
	asan_rc=0
	tests/vm/run.sh -C "$top" -- make -C "$asan" check-guest-api >/dev/null || asan_rc=$?
fi
if [ -f "$asan/test-suite.log" ]; then
	cp "$asan/test-suite.log" test-suite-asan.log
	logs="$logs test-suite-asan.log"
	summary asan test-suite-asan.log
	[ "$asan_rc" = 0 ] || grep -E '^(FAIL|ERROR|not ok)|^# |Sanitizer|runtime error' \
		"$asan"/tests/*/*.log | head -40 || true
else
	echo "check: FAILED: the ASan guest run did not run the suite (status $asan_rc)"
	missing=$((missing + 1))
fi

# libFuzzer on the host (fuzz/README.md): each target for 45 s from its
# committed corpus (about 4 minutes in all); a crash fails the run.
echo "check: fuzzing each target for 45 s (fuzz/run.sh)"
fuzz_rc=0
sh fuzz/run.sh 45 >test-suite-fuzz.log 2>&1 || fuzz_rc=$?
grep -E '^fuzz:|invariant broken|SUMMARY:' test-suite-fuzz.log || true
logs="$logs test-suite-fuzz.log"

# shellcheck disable=SC2086 # $logs is a list of file names
awk -v missing="$missing" '
	/^# PASS:/ { p += $3 } /^# FAIL:/ || /^# ERROR:/ || /^# XPASS:/ { f += $3 }
	END { printf "%d passed, %d failed\n", p, f + missing }' $logs
[ "$host_rc" = 0 ] && [ "$guest_rc" = 0 ] && [ "$asan_rc" = 0 ] && [ "$fuzz_rc" = 0 ]
