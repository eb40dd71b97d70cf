# llvm-readobj --coff-exports output -> one line per export:
# FILE<tab>ORDINAL<tab>NAME<tab>RVA or "-> forward target" (empty slots left out).
/^File: / { f = substr($0, 7); next }
/^ *Export \{/ { o = ""; n = ""; r = ""; fw = ""; next }
/^ *Ordinal: / { o = $2; next }
/^ *Name: / { n = substr($0, index($0, "Name: ") + 6); next }
/^ *RVA: / { r = $2; next }
/^ *ForwardedTo: / { fw = substr($0, index($0, "ForwardedTo: ") + 13); next }
/^ *\}/ {
	if (o != "" && fw != "") print f "\t" o "\t" n "\t-> " fw
	else if (o != "" && r != "0x0") print f "\t" o "\t" n "\t" r
	o = ""
}
