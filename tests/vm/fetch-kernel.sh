#!/bin/sh
# fetch-kernel.sh - fetch Debian trixie's kernel and build the guest initramfs.
#
# Usage: tests/vm/fetch-kernel.sh [--env] [--refresh]
#
# Contract:
# - Downloads the current Debian trixie linux-image-<kver>-unsigned .deb (the
#   version named by the linux-image-amd64 metapackage) with a PRIVATE apt
#   state, so the host's apt configuration and package set are never touched.
#   The trixie Release file is verified against the host's
#   /usr/share/keyrings/debian-archive-keyring.gpg (Signed-By).
# - Extracts it with dpkg -x (never installs it) into the cache directory
#   ${KEYRING_PKCS11_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keyring-pkcs11},
#   runs depmod on it, and builds the initramfs from tests/vm/init. The
#   initramfs is keyed on a hash of tests/vm/init and this script, so editing
#   either rebuilds it; the kernel is fetched only once.
# - Idempotent; safe to run concurrently (flock). When the cache is complete it
#   uses no network and prints nothing on stderr.
# - stdout: the kernel version (e.g. 6.12.57+deb13-amd64); with --env, shell
#   assignments KVER=, KERNEL=, INITRD=, MODULES= (paths in the cache).
# - --refresh asks the mirror again for the current kernel version.
# Needs: apt-get, dpkg, depmod/modprobe (kmod), xz, cpio, gzip, busybox-static.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
init_script="$here/init"
cache=${KEYRING_PKCS11_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keyring-pkcs11}
mirror=${KEYRING_PKCS11_MIRROR:-http://deb.debian.org/debian}
suite=trixie
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# Modules the initramfs needs before it can mount the host root (with deps).
boot_modules="9pnet_virtio 9p overlay"

want_env=0
refresh=0
for arg in "$@"; do
	case $arg in
	--env) want_env=1 ;;
	--refresh) refresh=1 ;;
	*) echo "usage: $0 [--env] [--refresh]" >&2; exit 2 ;;
	esac
done

say() { echo "fetch-kernel: $*" >&2; }
die() { say "error: $*"; exit 1; }

mkdir -p "$cache"
# One fetch/build at a time (parallel make targets share the cache).
exec 9>"$cache/.lock"
flock 9

tmp=""
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. The kernel package ---------------------------------------------------
# $cache/kver holds the version last resolved; $cache/linux-<kver>/.complete
# marks a finished extraction plus depmod.
kver=""
[ "$refresh" = 1 ] || [ ! -s "$cache/kver" ] || kver=$(cat "$cache/kver")

if [ -z "$kver" ] || [ ! -e "$cache/linux-$kver/.complete" ]; then
	[ -r "$keyring" ] || die "$keyring missing (install debian-archive-keyring)"
	apt_dir="$cache/apt"
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	echo "deb [signed-by=$keyring] $mirror $suite main" >"$apt_dir/sources.list"
	# Private state; ignore the host's sources, pins and architectures.
	set -- -q -o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts=/dev/null \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::status=/dev/null \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Architecture=amd64 -o APT::Architectures=amd64 \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root
	say "updating private apt lists for $suite"
	apt-get "$@" update >&2 || die "apt-get update for $suite failed"
	# "  Depends: linux-image-6.12.57+deb13-amd64" -> 6.12.57+deb13-amd64
	kver=$(apt-cache "$@" depends linux-image-amd64 |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
	[ -n "$kver" ] || die "cannot resolve linux-image-amd64 in $suite"
	pkg="linux-image-$kver-unsigned"

	if [ ! -e "$cache/linux-$kver/.complete" ]; then
		tmp=$(mktemp -d "$cache/tmp.XXXXXX")
		say "downloading $pkg (about 110 MB)"
		# apt-get download checks the .deb against the signed Packages index.
		(cd "$tmp" && apt-get "$@" download "$pkg" >&2) || die "download of $pkg failed"
		say "extracting $pkg"
		dpkg -x "$tmp"/*.deb "$tmp/root"
		# The .deb ships no modules.dep; trixie puts modules under /usr/lib.
		if [ -d "$tmp/root/usr/lib/modules/$kver" ]; then base="$tmp/root/usr"; else base="$tmp/root"; fi
		[ -d "$base/lib/modules/$kver/kernel" ] || die "no modules for $kver in $pkg"
		[ -f "$tmp/root/boot/vmlinuz-$kver" ] || die "no vmlinuz in $pkg"
		depmod -b "$base" -a "$kver"
		touch "$tmp/root/.complete"
		rm -rf "$cache/linux-$kver"
		mv "$tmp/root" "$cache/linux-$kver"
		rm -rf "$tmp"
		tmp=""
	fi
	echo "$kver" >"$cache/kver.new"
	mv "$cache/kver.new" "$cache/kver"
fi

root="$cache/linux-$kver"
kernel="$root/boot/vmlinuz-$kver"
if [ -d "$root/usr/lib/modules/$kver" ]; then mbase="$root/usr"; else mbase="$root"; fi
modules="$mbase/lib/modules/$kver"

# --- 2. The initramfs --------------------------------------------------------
# Keyed on the init script and this script (which defines the layout).
hash=$(cat "$init_script" "$here/fetch-kernel.sh" | sha256sum | cut -c1-16)
initrd="$cache/initramfs-$kver-$hash.cpio.gz"
if [ ! -s "$initrd" ]; then
	say "building $(basename "$initrd")"
	busybox=/bin/busybox
	if ! "$busybox" --list >/dev/null 2>&1; then
		die "$busybox missing (install busybox-static)"
	fi
	! command -v file >/dev/null || ! file -L "$busybox" | grep -q dynamically ||
		die "$busybox is dynamically linked (install busybox-static)"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	ir="$tmp/initramfs"
	mkdir -p "$ir/bin" "$ir/sbin" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/mnt" \
		"$ir/newroot" "$ir/modules"
	cp "$busybox" "$ir/bin/busybox"
	for applet in sh mount umount insmod mkdir chroot poweroff cat echo \
		sleep stty env ip sync mv rm ls ln test printf; do
		ln -s busybox "$ir/bin/$applet"
	done
	install -m 0755 "$init_script" "$ir/init"
	# The kernel's usermode helper (/proc/sys/kernel/modprobe) runs in the
	# initramfs root; forward to the real modprobe inside the new root.
	printf '#!/bin/sh\nexec /bin/chroot /newroot /sbin/modprobe "$@"\n' >"$ir/sbin/modprobe-chroot"
	chmod 0755 "$ir/sbin/modprobe-chroot"
	# Decompressed boot modules, in dependency order, listed in /modules/order.
	# shellcheck disable=SC2086 # a list of module names
	modprobe -a -d "$mbase" -S "$kver" --show-depends $boot_modules |
		while read -r cmd path _; do
			[ "$cmd" = insmod ] || continue	# "builtin foo" needs nothing
			name=$(basename "$path")
			name=${name%.xz}
			name=${name%.zst}
			name=${name%.gz}
			[ -e "$ir/modules/$name" ] && continue
			case $path in
			*.xz) xz -dc "$path" >"$ir/modules/$name" ;;
			*.zst) zstd -qdc "$path" >"$ir/modules/$name" ;;
			*.gz) gzip -dc "$path" >"$ir/modules/$name" ;;
			*) cp "$path" "$ir/modules/$name" ;;
			esac
			echo "$name" >>"$ir/modules/order"
		done
	[ -s "$ir/modules/order" ] || die "could not resolve boot modules: $boot_modules"
	(cd "$ir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -1 >"$tmp/initrd"
	# Drop initramfs builds made from older init scripts.
	rm -f "$cache"/initramfs-*.cpio.gz
	mv "$tmp/initrd" "$initrd"
fi

if [ "$want_env" = 1 ]; then
	printf 'KVER=%s\nKERNEL=%s\nINITRD=%s\nMODULES=%s\n' "$kver" "$kernel" "$initrd" "$modules"
else
	echo "$kver"
fi
