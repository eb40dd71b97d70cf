#!/bin/bash
# dumpexports --imports on damaged images: one line naming the file and the
# byte offset of the field that is wrong, exit 2 (dumpexports(1), EXIT
# STATUS: the input could not be read), no crash, no listing (-f tsv: its
# header line alone, as the export listings print it).  The images are
# real ones (GNU ld and lld-link, built here from
# tests/interop/src/deps/imp.c), each damaged in one field by a small
# patcher below, which also says where that field is:
#   import-dir-outside    the import directory's RVA (data directory 1)
#                         outside every section: the directory entry
#   name-past-end         the first descriptor's DLL name RVA past the end
#                         of the image: the descriptor's Name field
#   lookup-no-end         the first descriptor's lookup table filled with
#                         by-ordinal entries to the end of its section (the
#                         section's size in memory cut to its size in the
#                         file, so no zero follows): no terminating entry
#   truncated             the file cut inside the import descriptors
#   delay-dir-bad-rva     the delay-import directory's RVA (data directory
#                         13) outside every section (an lld-link image
#                         with -delayload): the directory entry
#   delay-name-past-end   the first delay descriptor's DLL name RVA past
#                         the end of the image: that field
# and, for each, x86-64 (PE32+) and i386 (PE32) where the image exists.
. "$(dirname "$0")/../lib.sh"
D=$BIN/dumpexports
MKIMPLIB=$BIN/mkimplib
L22=/usr/lib/llvm-22/bin
SRC=$TOP/tests/interop/src/deps
built "dumpexports --imports on damaged images" "$D" "$MKIMPLIB" || exit 0
need "dumpexports --imports on damaged images" "$L22/lld-link" clang python3 x86_64-w64-mingw32-gcc \
	i686-w64-mingw32-gcc || exit 0
cd "$T" || exit 1

cat >damage.py <<'PY'
# damage.py MODE IN OUT: write IN damaged as MODE says to OUT and print the
# file offset of the damaged field (decimal), or "-" when no one field is
# to blame (truncated).
import struct, sys
mode, src, dst = sys.argv[1:4]
b = bytearray(open(src, "rb").read())
u16 = lambda o: struct.unpack_from("<H", b, o)[0]
u32 = lambda o: struct.unpack_from("<I", b, o)[0]
coff = u32(0x3C) + 4
nsec, optsize = u16(coff + 2), u16(coff + 16)
opt = coff + 20
plus = u16(opt) == 0x20B
ddir = opt + (112 if plus else 96)
size_of_image = u32(opt + 56)
secs = []
for i in range(nsec):
    s = opt + optsize + 40 * i
    secs.append(dict(hdr=s, vsize=u32(s + 8), va=u32(s + 12), rsize=u32(s + 16), raw=u32(s + 20)))
def sec_of(rva):
    for s in secs:
        if s["va"] <= rva < s["va"] + max(s["vsize"], s["rsize"]):
            return s
    sys.exit("no section holds RVA 0x%x" % rva)
def off_of(rva):
    s = sec_of(rva)
    return s["raw"] + rva - s["va"]
imp = off_of(u32(ddir + 8)) if u32(ddir + 8) else None
far = size_of_image + 0x100          # past the end of the image
where = "-"
if mode == "import-dir-outside":
    struct.pack_into("<I", b, ddir + 8, 0x7FF00000); where = ddir + 8
elif mode == "name-past-end":
    struct.pack_into("<I", b, imp + 12, far); where = imp + 12
elif mode == "lookup-no-end":
    # The DLL's name is copied to where its lookup table began, the table
    # moved 32 bytes on and filled from there to the end of the section
    # (the names after it are overwritten, this one is kept).
    name = bytes(b[off_of(u32(imp + 12)):]).split(b"\0")[0][:31]
    ilt = u32(imp) or u32(imp + 16)
    s = sec_of(ilt)
    start, end = off_of(ilt), s["raw"] + s["rsize"]
    b[start:start + 32] = name + bytes(32 - len(name))
    struct.pack_into("<I", b, imp + 12, ilt)
    struct.pack_into("<I", b, imp, ilt + 32)
    entry = struct.pack("<Q", 0x8000000000000001) if plus else struct.pack("<I", 0x80000001)
    for o in range(start + 32, end - len(entry) + 1, len(entry)):
        b[o:o + len(entry)] = entry
    struct.pack_into("<I", b, s["hdr"] + 8, s["rsize"])
    where = "%d,%d" % (imp, start + 32)    # the descriptor's field, or the table
elif mode == "truncated":
    b = b[:imp + 10]
elif mode == "delay-dir-bad-rva":
    struct.pack_into("<I", b, ddir + 13 * 8, 0x7FF00000); where = ddir + 13 * 8
elif mode == "delay-name-past-end":
    dl = off_of(u32(ddir + 13 * 8))
    struct.pack_into("<I", b, dl + 4, far); where = dl + 4
else:
    sys.exit("unknown mode " + mode)
open(dst, "wb").write(b)
print(where)
PY

log_of() { head -c 500 "$1" | tr '\n' '|'; }

# The images to damage.
for arch in x86-64 i386; do
	case $arch in x86-64) cc=x86_64-w64-mingw32-gcc t=x86_64 m=x64 ;; i386) cc=i686-w64-mingw32-gcc t=i686 m=x86 ;; esac
	extra=
	[ "$arch" = i386 ] && extra=-safeseh:no
	if ! { "$MKIMPLIB" -m $arch -o libb-$arch.a "$SRC/b.def" && "$MKIMPLIB" -m $arch -o libc-$arch.a "$SRC/c.def" &&
	       "$MKIMPLIB" -m $arch -o libd-$arch.a "$SRC/d.def" && "$MKIMPLIB" --delay -m $arch -o libdd-$arch.a "$SRC/d.def" &&
	       $cc -O2 -o gnu-$arch.exe "$SRC/imp.c" libb-$arch.a libc-$arch.a libdd-$arch.a &&
	       clang --target=$t-windows-msvc -DNOCRT -O2 -c -o imp-$arch.obj "$SRC/imp.c" &&
	       "$L22/lld-link" -nologo -machine:$m -out:lld-$arch.exe imp-$arch.obj libb-$arch.a libc-$arch.a libd-$arch.a \
			-delayload:d.dll -nodefaultlib -entry:main -subsystem:console $extra; } >build-$arch.log 2>&1; then
		fail "$arch: build the images to damage" "$(log_of build-$arch.log)"
		continue
	fi
	# the undamaged images are read (else every refusal below proves nothing)
	for img in gnu-$arch.exe lld-$arch.exe; do
		if "$D" --imports -f tsv "$img" >"$img.tsv" 2>"$img.err" && [ ! -s "$img.err" ] && grep -q 'b_version' "$img.tsv"; then
			ok "$arch: the undamaged $img is read cleanly"
		else
			fail "$arch: the undamaged $img is read cleanly" "$(log_of "$img.err")"
		fi
	done

	for mode in import-dir-outside name-past-end lookup-no-end truncated delay-dir-bad-rva delay-name-past-end; do
		case $mode in delay-*) base=lld-$arch.exe ;; *) base=gnu-$arch.exe ;; esac
		bad=$arch-$mode.exe
		if ! where=$(python3 damage.py "$mode" "$base" "$bad" 2>damage.err); then
			fail "$arch, $mode: damage the image" "$(log_of damage.err)"
			continue
		fi
		for fmt in table tsv; do
			name="$arch, $mode (-f $fmt): one line naming the file and the offset, exit 2, no listing"
			timeout 20 "$D" --imports -f "$fmt" "$bad" >"$bad.$fmt.out" 2>"$bad.$fmt.err"
			rc=$?
			error_ok "$name" "^$bad:0x[0-9a-f]+: error: " $rc "$bad.$fmt.err" timeout "$D" || continue
			off=$(sed -n "s/^$bad:0x\([0-9a-f]*\): .*/\1/p" "$bad.$fmt.err")
			off=$((16#$off))
			# (-f tsv: the header line, as for the export listings, and no row)
			if [ "$fmt" = tsv ] && [ "$(cat "$bad.$fmt.out")" != "$(printf 'file\tdll\tkind\tordinal\thint\tname')" ]; then
				fail "$name" "standard output is not the TSV header alone: $(log_of "$bad.$fmt.out")"
			elif [ "$fmt" = table ] && [ -s "$bad.$fmt.out" ]; then
				fail "$name" "standard output not empty: $(log_of "$bad.$fmt.out")"
			elif [ "$where" != - ] && ! case ",$where," in *",$off,"*) true ;; *) false ;; esac; then
				fail "$name" "the offset is $off, not that of the damaged field ($where): $(cat "$bad.$fmt.err")"
			else
				ok "$name: $(sed "s/^$bad://" "$bad.$fmt.err" | cut -c1-120)"
			fi
		done
	done
done

# A damaged image among good ones: exit 2 and one error line for it, and
# the good ones still listed (dumpexports(1), EXIT STATUS).
for arch in x86-64 i386; do
	good=gnu-$arch.exe bad=$arch-name-past-end.exe
	[ -f "$good" ] && [ -f "$bad" ] || continue
	name="$arch: $bad between two good images: one error line, exit 2, both good ones listed"
	"$D" --imports -f tsv "$good" "$bad" lld-$arch.exe >mixed-$arch.tsv 2>mixed-$arch.err
	rc=$?
	error_ok "$name" "^$bad:0x[0-9a-f]+: error: " $rc mixed-$arch.err "$D" || continue
	if cut -f1 mixed-$arch.tsv | sed 1d | uniq | tr '\n' ' ' | grep -qx "$good lld-$arch.exe "; then
		ok "$name"
	else
		fail "$name" "files listed: $(cut -f1 mixed-$arch.tsv | uniq | tr '\n' ' ')"
	fi
done
