#!/bin/sh
# Build the libFuzzer binaries fuzz/bin/<target>-fuzzer with clang, ASan and
# UBSan ("make fuzz" calls this with the sources Makefile.am lists for each
# target's replay program; fuzz/replay.c, the plain build's main, is left out:
# libFuzzer brings its own). Objects are kept in fuzz/bin/obj and rebuilt when
# their source or any header is newer.
#   build.sh SRCDIR CFLAGS LIBS TARGET "SOURCES" [TARGET "SOURCES"]...
set -eu
srcdir=$1 cflags=$2 libs=$3
shift 3
cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz/build.sh: $cc not found (tests/install-deps.sh installs clang and libclang-rt-14-dev)" >&2
	exit 1
fi
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=all -I$srcdir -I$srcdir/module $cflags"
out=fuzz/bin
mkdir -p "$out/obj"
newest_header=$(find "$srcdir/module" "$srcdir/slots" "$srcdir/fuzz" -name '*.h' \
	-newer "$out/obj" 2>/dev/null | head -n 1)
[ -z "$newest_header" ] || rm -f "$out"/obj/*.o

while [ $# -ge 2 ]; do
	target=$1 sources=$2
	shift 2
	objs=""
	for src in $sources; do
		case $src in *.h | fuzz/replay.c) continue ;; esac
		obj=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
		if [ ! -f "$obj" ] || [ -n "$(find "$srcdir/$src" -newer "$obj")" ]; then
			# shellcheck disable=SC2086 # $flags is a list of options
			$cc $flags -c "$srcdir/$src" -o "$obj"
		fi
		objs="$objs $obj"
	done
	# shellcheck disable=SC2086
	$cc $flags -o "$out/$target-fuzzer" $objs $libs
	echo "fuzz: built $out/$target-fuzzer"
done
touch "$out/obj"
