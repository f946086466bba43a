#!/bin/sh
# Fuzz each target for SECONDS (default 45), one after another, on the host
# (fuzz/README.md). Builds them first ("make fuzz", in a configured tree).
# Each run starts from the committed corpus, which it reads and never writes
# (new inputs go to fuzz/out/<target>/corpus); a crash, leak, timeout or
# broken invariant leaves fuzz/out/<target>/crash-* (or leak-*, timeout-*,
# oom-*) and fails the run. FUZZ_MERGE=1 merges the new inputs that add
# coverage into fuzz/corpus/<target>/ afterwards.
#
# Prints a line per target, then "fuzz: N targets, N crashes", then the
# "# PASS:" / "# FAIL:" lines tests/check.sh sums like automake's logs.
# Exit status: 0, or 1 when a target crashed.
set -eu
secs=${1:-45}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
targets="template key-desc mech-param api config"

make fuzz >/dev/null
pass=0 fail=0 crashes=0
# The emulated kernel crypto (fuzz/fake-afalg.c) is never in the module.
if grep -q "fake-afalg: not a cipher" .libs/keyring-pkcs11.so 2>/dev/null; then
	echo "fuzz: FAILED: .libs/keyring-pkcs11.so contains fuzz/fake-afalg.c"
	fail=$((fail + 1))
fi

for t in $targets; do
	out=fuzz/out/$t
	rm -rf "$out"
	mkdir -p "$out/corpus"
	start=$(date +%s)
	rc=0
	# Its own session keyring: token objects of the api target land there.
	keyctl session - "fuzz/bin/$t-fuzzer" -max_total_time="$secs" -timeout=20 \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -artifact_prefix="$out/" \
		"$out/corpus" "fuzz/corpus/$t" >"$out/log" 2>&1 || rc=$?
	elapsed=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log")
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "fuzz: $t: ${elapsed} s, ${runs:-0} runs, ${rate:-0} exec/s, ok"
	else
		fail=$((fail + 1))
		crashes=$((crashes + 1))
		artifact=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
			-o -name 'timeout-*' -o -name 'oom-*' \) | head -n 1)
		echo "fuzz: $t: ${elapsed} s, ${runs:-0} runs: CRASH (status $rc) ${artifact:-}"
		grep -E 'invariant broken|contract|ERROR:|SUMMARY:|runtime error' "$out/log" | head -n 5
		[ -z "$artifact" ] ||
			echo "fuzz: reproduce: keyctl session - fuzz/bin/$t-fuzzer $artifact" \
				"(or fuzz/replay-$t $artifact; FUZZ_TRACE=1 for the api calls)"
	fi
	if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$rc" = 0 ]; then
		keyctl session - "fuzz/bin/$t-fuzzer" -merge=1 -max_len=8192 "fuzz/corpus/$t" \
			"$out/corpus" >"$out/merge.log" 2>&1
		echo "fuzz: $t: merged, $(find "fuzz/corpus/$t" -type f | wc -l) corpus files"
	fi
done

echo "fuzz: $(echo "$targets" | wc -w) targets, $crashes crashes"
echo "# PASS: $pass"
echo "# FAIL: $fail"
[ "$fail" = 0 ]
