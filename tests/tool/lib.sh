# lib.sh - shared helpers for the tests/tool/*.test scripts (POSIX sh).
#
# Source it after "set -eu":   . "$srcdir/tests/tool/lib.sh"
#
# Provides:
#   $MODULE, $srcdir, $builddir  set by the Makefile's TESTS_ENVIRONMENT;
#                                derived from this file's location when unset
#   $T                           a private temporary directory, removed on exit
#   at_exit CMD                  run shell code CMD on exit (before $T goes)
#   plan N                       print the TAP plan up front (optional: without
#                                it, tap_done prints it at the end)
#   ok DESC / not_ok DESC        one TAP test result, numbered automatically
#   check DESC CMD [ARGS...]     run CMD: "ok" when it succeeds, else "not ok"
#   diag TEXT...                 TAP diagnostics (every line prefixed "# ")
#   diag_file FILE               a file's contents as diagnostics
#   fail_loudly MESSAGE          "Bail out!" (the tap driver reports an ERROR)
#                                and exit 1
#   tap_done                     trailing plan, summary; exit 1 if any failed
#   hex FILE                     FILE as lower-case hex, one line, no spaces
#   same_file EXPECTED GOT       cmp, with both files' sizes and heads on failure
#
# Output: TAP on stdout only; noise from the tools under test goes to files in
# $T or to stderr (the test log), never to stdout.

tap_n=0
tap_failed=0
tap_planned=""

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

diag_file() {
	if [ -f "$1" ]; then
		sed 's/^/#   /' "$1"
	fi
}

fail_loudly() {
	echo "Bail out! $*"
	echo "$(basename "$0"): FATAL: $*" >&2
	exit 1
}

plan() {
	tap_planned=$1
	echo "1..$1"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESC CMD [ARGS...]: CMD's own output goes wherever it sends it.
check() {
	_desc=$1
	shift
	if "$@"; then
		ok "$_desc"
	else
		not_ok "$_desc"
	fi
}

tap_done() {
	if [ -z "$tap_planned" ]; then
		echo "1..$tap_n"
	elif [ "$tap_planned" != "$tap_n" ]; then
		diag "planned $tap_planned tests but ran $tap_n"
		tap_failed=$((tap_failed + 1))
	fi
	if [ "$tap_failed" -gt 0 ]; then
		diag "FAILED: $tap_failed of $tap_n tests"
		exit 1
	fi
	diag "all $tap_n tests passed"
	exit 0
}

hex() {
	# -v: never abbreviate repeated lines with "*".
	od -An -tx1 -v "$1" | tr -d ' \n'
}

same_file() {
	if cmp -s "$1" "$2"; then
		return 0
	fi
	diag "expected $1 ($(wc -c <"$1") bytes): $(head -c 32 "$1" | od -An -tx1 -v | tr -d '\n')"
	if [ -f "$2" ]; then
		diag "got      $2 ($(wc -c <"$2") bytes): $(head -c 32 "$2" | od -An -tx1 -v | tr -d '\n')"
	else
		diag "got      $2: no such file"
	fi
	return 1
}

# --- environment -----------------------------------------------------------

_lib_dir=$(cd "$(dirname "$0")" && pwd)
: "${srcdir:=$(cd "$_lib_dir/../.." && pwd)}"
: "${builddir:=$srcdir}"
: "${MODULE:=$builddir/.libs/keyring-pkcs11.so}"
export srcdir builddir MODULE

case $MODULE in
/*) ;;
*) MODULE=$(pwd)/$MODULE ;;
esac
[ -f "$MODULE" ] || fail_loudly "module not found: MODULE=$MODULE (run make first)"

# --- temporary directory and cleanup ----------------------------------------

_at_exit=""
at_exit() {
	_at_exit="$_at_exit
$1"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/kp11-tool.XXXXXX") || fail_loudly "mktemp -d failed"
_lib_cleanup() {
	_rc=$?
	set +e
	eval "$_at_exit"
	rm -rf "$T"
	exit "$_rc"
}
trap _lib_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
