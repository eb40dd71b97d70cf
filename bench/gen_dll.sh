#!/bin/sh
# bench/gen_dll.sh N OUT.dll WORKDIR - a real x86-64 DLL with N exports (the
# .def of gen_def.sh: functions, DATA, NONAME), made from an assembly file
# of N labels by llvm-mc and lld-link in a few seconds.
n=${1:-60000}
out=$2
w=${3:-.}
sh "$(dirname "$0")/gen_def.sh" "$n" x64 >"$w/gen.def"
awk 'NR > 2 { print $1 }' "$w/gen.def" | awk '
	BEGIN { print ".text" }
	{ printf ".globl %s\n%s:\n\tret\n", $1, $1 }' >"$w/gen.s"
MC=$(ls /usr/lib/llvm-*/bin/llvm-mc 2>/dev/null | sort -V | tail -1)
${MC:-llvm-mc} -triple=x86_64-pc-windows-msvc -filetype=obj -o "$w/gen.obj" "$w/gen.s"
lld-link -nologo -dll -noentry -nodefaultlib -machine:x64 -def:"$w/gen.def" -out:"$out" "$w/gen.obj"
