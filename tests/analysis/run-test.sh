#!/bin/sh
# run-test.sh - run one test under a dynamic analyzer and fail it on any
# report. automake's LOG_COMPILER and TEST_LOG_COMPILER for the targets
# check-guest-asan, check-guest-tsan and check-guest-valgrind (Makefile.am).
#
# Usage: run-test.sh asan|tsan|valgrind TEST [ARGS...]
#
# TEST is a test program (tests/unit/test-unit) or a .test script; it runs
# with the environment make gives it (MODULE, builddir, ...). Every report
# goes to a file in a private directory (mode 1777, so the uid-1000 tests
# keys-quota and mac-limit write there too) rather than to a stream a test
# might swallow: after TEST ends, any report file fails it (exit status 1
# when TEST itself passed) and is copied to stderr, which is TEST's log.
# A report also makes the process that met it exit non-zero at once
# (-fno-sanitize-recover=all, halt_on_error, valgrind's --error-exitcode).
#
#   asan      the tree is built with --enable-sanitizers (ASan + UBSan).
#             Leak checking stays on for our own test programs. Tests under
#             tests/tool/ drive uninstrumented programs that dlopen the
#             module (pkcs11-tool, p11-kit, Debian's python3 with PyKCS11,
#             NSS's tools, p11tool): those get the ASan and UBSan runtimes
#             the module links preloaded (LD_PRELOAD), through wrappers first
#             in PATH, with detect_leaks=0 because those programs do not free
#             everything at exit; memory errors and undefined behaviour in
#             the module are still caught. Any other command that loads the
#             module (openssl with the pkcs11 engine) runs as
#             "${KP11_WITH_MODULE:-} cmd ...", which preloads the same. Only
#             they: an ASan start costs ~0.7 s under QEMU's emulation, and
#             the scripts run thousands of od, openssl and sh. pykcs11.test names /usr/bin/python3 itself, so it gets
#             the preload for the whole script (sh, keyctl, python3).
#   tsan      the tree is built with --enable-tsan. Runs under setarch -R:
#             ThreadSanitizer's fixed shadow layout fails with some kernels'
#             mmap randomisation (vm.mmap_rnd_bits > 28).
#   valgrind  memcheck on a plain build. A test program runs under valgrind
#             directly; a .test script runs with builddir pointing at a
#             shadow tree whose tests/api/test-api runs the real one under
#             valgrind, so keyctl, setpriv and sh stay native. Errors, and
#             definite leaks, are failures; suppressions: valgrind.supp.
#
# Environment: ASAN_OPTIONS, UBSAN_OPTIONS, TSAN_OPTIONS and VALGRIND_OPTS
# are appended to (a later option wins).
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ]; then
	echo "usage: $0 asan|tsan|valgrind TEST [ARGS...]" >&2
	exit 99
fi
mode=$1
shift
test=$1

# $dir/reports takes the report files (any uid may write there); $dir holds
# the wrappers (asan: bin/, valgrind: shadow/).
dir=$(mktemp -d "${TMPDIR:-/tmp}/kp11-$mode.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
mkdir "$dir/reports" && chmod 1777 "$dir/reports" || exit 99

is_tool=false
case $test in */tool/*) is_tool=true ;; esac

case $mode in
asan)
	asan_opts="log_path=$dir/reports/asan:halt_on_error=1:detect_stack_use_after_return=1"
	asan_opts="$asan_opts:detect_leaks=1:print_summary=1"
	ubsan_opts="log_path=$dir/reports/ubsan:halt_on_error=1:print_stacktrace=1"
	if $is_tool; then
		module=${MODULE:-${builddir:-.}/.libs/keyring-pkcs11.so}
		# The runtimes the module was linked with, ASan's first.
		preload=$(ldd "$module" | awk '
			$1 ~ /^libasan\.so/ { a = $3 } $1 ~ /^libubsan\.so/ { u = $3 }
			END { if (a != "") print a (u != "" ? " " u : "") }')
		if [ -z "$preload" ]; then
			echo "run-test.sh: $module does not link libasan (configure --enable-sanitizers)" >&2
			exit 99
		fi
		asan_opts="$asan_opts:detect_leaks=0"
		case $test in
		*/pykcs11.test)
			LD_PRELOAD="$preload${LD_PRELOAD:+ $LD_PRELOAD}"
			export LD_PRELOAD
			;;
		*)
			mkdir "$dir/bin"
			# The programs the tool tests run that load the module.
			# openssl only through $KP11_WITH_MODULE (below): the tests
			# run it thousands of times as their reference.
			for prog in pkcs11-tool p11-kit python3 modutil certutil symkeyutil p11tool; do
				real=$(command -v "$prog") || continue
				# shellcheck disable=SC2016 # $LD_PRELOAD expands in the wrapper
				printf '#!/bin/sh\nLD_PRELOAD="%s${LD_PRELOAD:+ $LD_PRELOAD}" exec %s "$@"\n' \
					"$preload" "$real" >"$dir/bin/$prog"
				chmod 755 "$dir/bin/$prog"
			done
			# shellcheck disable=SC2016 # $LD_PRELOAD expands in the wrapper
			printf '#!/bin/sh\nLD_PRELOAD="%s${LD_PRELOAD:+ $LD_PRELOAD}" exec "$@"\n' \
				"$preload" >"$dir/bin/with-module"
			chmod 755 "$dir/bin/with-module"
			chmod 755 "$dir/bin"
			PATH=$dir/bin:$PATH
			KP11_WITH_MODULE=$dir/bin/with-module
			export PATH KP11_WITH_MODULE
			;;
		esac
	fi
	ASAN_OPTIONS="$asan_opts${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	UBSAN_OPTIONS="$ubsan_opts${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	export ASAN_OPTIONS UBSAN_OPTIONS
	"$@"
	rc=$?
	;;
tsan)
	TSAN_OPTIONS="log_path=$dir/reports/tsan:halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
	export TSAN_OPTIONS
	if setarch -R true 2>/dev/null; then
		setarch -R "$@"
	else
		"$@"
	fi
	rc=$?
	;;
valgrind)
	command -v valgrind >/dev/null || { echo "run-test.sh: valgrind not found (tests/install-deps.sh)" >&2; exit 99; }
	vg="valgrind --quiet --tool=memcheck --error-exitcode=42 --leak-check=full"
	vg="$vg --errors-for-leak-kinds=definite --show-leak-kinds=definite"
	# The module is dlclose'd before exit: keep its symbols for leak stacks.
	vg="$vg --keep-debuginfo=yes --num-callers=30 --suppressions=$here/valgrind.supp"
	vg="$vg --log-file=$dir/reports/valgrind.%p ${VALGRIND_OPTS:-}"
	case $test in
	*.test)
		real=${builddir:-.}/tests/api/test-api
		case $real in /*) ;; *) real=$(pwd)/$real ;; esac
		mkdir -p "$dir/shadow/tests/api"
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$vg" "$real" >"$dir/shadow/tests/api/test-api"
		chmod 755 "$dir/shadow" "$dir/shadow/tests" "$dir/shadow/tests/api" \
			"$dir/shadow/tests/api/test-api"
		builddir=$dir/shadow "$@"
		rc=$?
		;;
	*)
		# shellcheck disable=SC2086 # $vg is a list of options
		$vg "$@"
		rc=$?
		;;
	esac
	;;
*)
	echo "run-test.sh: unknown mode '$mode'" >&2
	exit 99
	;;
esac

reports=0
for f in "$dir"/reports/*; do
	[ -s "$f" ] || continue # valgrind leaves empty logs
	reports=$((reports + 1))
	echo "run-test.sh: $mode report $(basename "$f") from $test:" >&2
	cat "$f" >&2
done
if [ "$reports" -gt 0 ]; then
	echo "run-test.sh: FAIL: $reports $mode report(s) from $test (exit status $rc)" >&2
	[ "$rc" != 0 ] || rc=1
fi
exit "$rc"
