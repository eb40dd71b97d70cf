#!/bin/sh
# bench/gen_def.sh N [i386] - a .def file with N exports: mostly functions,
# every 7th DATA, every 11th by ordinal only (NONAME), names of realistic
# length.  With "i386", names carry the decorations a 32-bit DLL's do:
# stdcall f@N, fastcall @f@N and some C++ names.
n=${1:-60000}
arch=${2:-x64}
awk -v n="$n" -v arch="$arch" 'BEGIN {
	print "LIBRARY \"benchlib.dll\""
	print "EXPORTS"
	for (i = 1; i <= n; i++) {
		name = sprintf("bench_module%03d_function_%06d", i % 997, i)
		if (arch == "i386") {
			if (i % 5 == 1) name = name "@" (4 * (i % 8))
			else if (i % 13 == 0) name = "@" name "@8"
		}
		attrs = ""
		if (i % 11 == 0) attrs = sprintf(" @%d NONAME", i / 11)
		else if (i % 7 == 0) attrs = " DATA"
		print "    " name attrs
	}
}'
