# GNU objdump -p's export address table -> the same lines as
# readobj_exports.awk (without names: for images llvm-readobj refuses).
/:     file format / { f = $0; sub(/:     file format .*/, "", f); t = 0; next }
/^Export Address Table -- Ordinal Base/ { t = 1; next }
t && /^\t\[/ {
	line = $0; gsub(/[][+]/, " ", line); split(line, w, " ")
	if (index($0, "Forwarder RVA -- ")) print f "\t" w[3] "\t\t-> " substr($0, index($0, "-- ") + 3)
	else print f "\t" w[3] "\t\t0x" toupper(w[4])
	next
}
t && /^$/ { t = 0 }
