#!/bin/sh
# The test command: from a fresh Debian 12 machine (as root), install what is
# needed, build, and run the whole suite:
#   1. host tier: unit tests and the API tests that need no AF_ALG
#      (this machine's kernel may lack AF_ALG; the module must still work);
#   2. guest tier: everything, inside Debian trixie's 6.12 kernel booted under
#      QEMU (tests/vm), where AF_ALG and ALG_SET_KEY_BY_KEY_SERIAL exist.
#      Nothing that needs AF_ALG is skipped: there it fails.
#   3. the whole guest suite again, built with ASan and UBSan
#      (--enable-sanitizers: -fno-sanitize-recover=all, leaks checked at exit
#      of our test programs; the tool tiers' pkcs11-tool, p11-kit and python3
#      get the runtimes preloaded), in a copy of the tree (.build-asan),
#      inside the guest ("make check-guest-asan").
# The analysis tiers (issue 5; tests/analysis/run-test.sh fails a test on
# any report):
#   static:   cppcheck and scan-build ("make check-static"), first;
#   valgrind: memcheck over the unit and API tiers, in the guest
#             ("make check-guest-valgrind");
#   tsan:     ThreadSanitizer over the threading tests, a copy of the tree
#             built --enable-tsan (.build-tsan), in the guest
#             ("make check-guest-tsan").
#   fuzz:     each libFuzzer target for 45 s on the host (fuzz/run.sh); the
#             corpus replays already ran in the host tier.
# Ends with one line "N passed, N failed" over every tier.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh tests/build.sh
make check-format check-layers

# --- analysis helpers (issue 5) ------------------------------------------------
# copy_tree DIR CONFIGURE_ARGS...: the tracked files, configured and built in DIR.
copy_tree() {
	_dir=$1
	shift
	rm -rf "$_dir"
	mkdir -p "$_dir"
	git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$_dir"
	(cd "$_dir" && autoreconf -fi >/dev/null 2>&1 && ./configure --quiet "$@" &&
		make -j"$(nproc)" >/dev/null)
}
# guest_tier LABEL DIR TARGET: "make -C DIR TARGET" in the guest (one more
# boot if the guest itself failed); test-suite-LABEL.log, a summary line and
# the failures. Sets tier_rc; a tier without a log counts as one failure.
guest_tier() {
	rm -f "$2/test-suite.log"
	tier_rc=0
	tests/vm/run.sh -C "$top" -- make -C "$2" "$3" >"$top/tier-$1.out" 2>&1 || tier_rc=$?
	if [ "$tier_rc" = 125 ]; then
		echo "check: the guest failed (status 125); booting it once more"
		rm -f "$2/test-suite.log"
		tier_rc=0
		tests/vm/run.sh -C "$top" -- make -C "$2" "$3" >"$top/tier-$1.out" 2>&1 || tier_rc=$?
	fi
	if [ -f "$2/test-suite.log" ]; then
		cp "$2/test-suite.log" "test-suite-$1.log"
		logs="$logs test-suite-$1.log"
		summary "$1" "test-suite-$1.log"
		[ "$tier_rc" = 0 ] || grep -E '^(FAIL|ERROR|not ok)|^# |run-test.sh: |Sanitizer|runtime error' \
			"$2"/tests/*/*.log | head -60 || true
	else
		echo "check: FAILED: the $1 tier did not run (status $tier_rc); last output:"
		tail -20 "$top/tier-$1.out"
		missing=$((missing + 1))
		[ "$tier_rc" != 0 ] || tier_rc=1
	fi
}
# tier_log LABEL PASS FAIL: a test-suite log for a tier that is not automake's.
tier_log() {
	printf '# PASS: %d\n# FAIL: %d\n' "$2" "$3" >"test-suite-$1.log"
	logs="$logs test-suite-$1.log"
	echo "$1: $2 passed, $3 failed"
}
logs=""
missing=0

# --- static analysis: cppcheck, scan-build (issue 5) ----------------------------
static_rc=0
static_pass=0
static_fail=0
for target in check-cppcheck check-scan-build; do
	if make "$target" >"tier-$target.out" 2>&1; then
		static_pass=$((static_pass + 1))
	else
		static_fail=$((static_fail + 1))
		static_rc=1
		grep -vE '^(cd |	|make)' "tier-$target.out" | tail -40
	fi
done
tier_log static "$static_pass" "$static_fail"

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
logs="$logs test-suite-host.log"
if [ -f test-suite.log ]; then
	mv test-suite.log test-suite-guest.log
	logs="$logs test-suite-guest.log"
	summary guest test-suite-guest.log
	[ "$guest_rc" = 0 ] || grep -E '^(FAIL|ERROR|not ok)|^# ' test-suite-guest.log || true
else
	echo "check: FAILED: the guest did not run the suite (status $guest_rc)"
	missing=1
fi

# The whole guest suite under ASan+UBSan, from a copy of the tracked files.
echo "check: ASan+UBSan build of the whole guest suite"
asan="$top/.build-asan"
if copy_tree "$asan" --enable-strict --enable-sanitizers; then
	guest_tier asan "$asan" check-guest-asan
	asan_rc=$tier_rc
else
	echo "check: FAILED: the ASan build failed"
	asan_rc=1 missing=$((missing + 1))
fi

# --- valgrind memcheck: unit + API groups, in this tree's plain build (issue 5)
echo "check: valgrind memcheck of the unit and API tiers"
guest_tier valgrind "$top" check-guest-valgrind
valgrind_rc=$tier_rc

# --- ThreadSanitizer: the threading tests, from a copy built --enable-tsan ---
echo "check: ThreadSanitizer build of the threading tests"
tsan="$top/.build-tsan"
if copy_tree "$tsan" --enable-strict --enable-tsan; then
	guest_tier tsan "$tsan" check-guest-tsan
	tsan_rc=$tier_rc
else
	echo "check: FAILED: the TSan build failed"
	tsan_rc=1 missing=$((missing + 1))
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
[ "$host_rc" = 0 ] && [ "$guest_rc" = 0 ] && [ "$asan_rc" = 0 ] && [ "$static_rc" = 0 ] &&
	[ "$valgrind_rc" = 0 ] && [ "$tsan_rc" = 0 ] && [ "$fuzz_rc" = 0 ]
