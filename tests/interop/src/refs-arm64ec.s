// refs-arm64ec.s: an ARM64EC image that imports every export of
// interop.dll through its __imp_ pointer, for a link-only test (no clang
// here compiles C for ARM64EC; llvm-mc 22 assembles this).  The helper
// symbol stands in for what the MSVC runtime would provide.
	.section .rdata,"dr"
	.globl	refs
refs:
	.quad	__imp_add
	.quad	__imp_mul
	.quad	__imp_sfunc
	.quad	__imp_by_ordinal
	.quad	__imp_bump
	.quad	__imp_get_counter
	.quad	__imp_counter
	.quad	__imp_table
	.quad	__imp_fwd_twice
	.quad	__imp_fwd_tick
	.quad	__imp_ExitProcess
	.quad	__imp_GetStdHandle
	.quad	__imp_GetTickCount
	.quad	__imp_WriteFile

	.text
	.globl	__icall_helper_arm64ec
__icall_helper_arm64ec:
	ret
	.globl	"#__icall_helper_arm64ec"
"#__icall_helper_arm64ec":
	ret
