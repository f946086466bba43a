#!/bin/sh
# Build the libFuzzer binaries fuzz/bin/<target>-fuzzer with clang, ASan and
# UBSan. "make fuzz" calls this with the sources Makefile.am lists: those of
# fuzz/libfuzz.a (the module's code with the emulated kernel crypto), made
# into fuzz/bin/libfuzz.a here too, then each target's own (fuzz/replay.c,
# the plain build's main, is left out: libFuzzer brings its own). Objects are
# kept in fuzz/bin/obj and rebuilt when their source or any header is newer.
#   build.sh SRCDIR CFLAGS LIBS "LIBRARY SOURCES" TARGET "SOURCES" [TARGET "SOURCES"]...
set -eu
srcdir=$1 cflags=$2 libs=$3 lib_sources=$4
shift 4
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

# Compile the .c files of $1 (when out of date); print their objects.
objects() {
	for src in $1; do
		case $src in *.h | fuzz/replay.c) continue ;; esac
		obj=$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
		if [ ! -f "$obj" ] || [ -n "$(find "$srcdir/$src" -newer "$obj")" ]; then
			# shellcheck disable=SC2086 # $flags is a list of options
			$cc $flags -c "$srcdir/$src" -o "$obj" >&2
		fi
		echo "$obj"
	done
}

lib_objs=$(objects "$lib_sources")
rm -f "$out/libfuzz.a"
# shellcheck disable=SC2086 # a list of objects
ar rcs "$out/libfuzz.a" $lib_objs
while [ $# -ge 2 ]; do
	target=$1 sources=$2
	shift 2
	objs=$(objects "$sources")
	# shellcheck disable=SC2086
	$cc $flags -o "$out/$target-fuzzer" $objs "$out/libfuzz.a" $libs
	echo "fuzz: built $out/$target-fuzzer"
done
touch "$out/obj"
