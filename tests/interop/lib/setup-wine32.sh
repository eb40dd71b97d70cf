#!/bin/sh
# tests/interop/lib/setup-wine32.sh [DEST] - give the 64-bit Wine the 32-bit
# Windows DLLs it needs to run i686 programs, for the interop tests.
#
# Debian's wine32:i386 does not install beside wine64 on every mirror; what
# works (see /work/shared/INTEROP.md) is to enable the i386 architecture,
# download libwine:i386 of the same version as the installed libwine:amd64,
# and unpack it into a folder; the tests point WINEDLLPATH at its
# usr/lib/i386-linux-gnu/wine and Wine 8 runs i686 programs in wow64 mode.
#
# DEST defaults to $DLLKIT_WINE32, else /var/cache/dllkit/wine32 (where the
# tests look).  Idempotent: nothing is fetched when DEST already holds the
# installed version.  Needs root (or sudo) only for dpkg --add-architecture
# and apt-get update; `make deps` runs it as root.
set -eu
DEST=${1:-${DLLKIT_WINE32:-/var/cache/dllkit/wine32}}

ver=$(dpkg-query -W -f='${Version}' libwine:amd64 2>/dev/null) || ver=
if [ -z "$ver" ]; then
	echo "setup-wine32: libwine:amd64 is not installed (apt-get install wine64 wine first)" >&2
	exit 1
fi
if [ -f "$DEST/VERSION" ] && [ "$(cat "$DEST/VERSION")" = "$ver" ] &&
   [ -f "$DEST/usr/lib/i386-linux-gnu/wine/i386-windows/kernel32.dll" ]; then
	echo "setup-wine32: $DEST already holds libwine:i386 $ver"
	exit 0
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
# An index that fails to download (a mirror mid-sync, a security suite with
# no i386 yet) need not stop us: only libwine:i386 matters, and the download
# below says so when it is missing.
update() { $SUDO apt-get update -q || echo "setup-wine32: apt-get update reported errors; trying on" >&2; }
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	echo "setup-wine32: enabling the i386 architecture"
	$SUDO dpkg --add-architecture i386
	update
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt-get download drops privileges to _apt when it can; let it write here.
chmod 0777 "$tmp"
if ! (cd "$tmp" && apt-get download -q "libwine:i386=$ver"); then
	# The architecture may have been enabled without a later update.
	update
	(cd "$tmp" && apt-get download -q "libwine:i386=$ver")
fi
deb=$(ls "$tmp"/libwine_*_i386.deb)
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.new"
dpkg-deb -x "$deb" "$DEST.new"
echo "$ver" >"$DEST.new/VERSION"
rm -rf "$DEST"
mv "$DEST.new" "$DEST"
echo "setup-wine32: unpacked libwine:i386 $ver into $DEST"
