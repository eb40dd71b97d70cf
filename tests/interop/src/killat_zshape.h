/* killat_zshape.h - the public functions of zlib 1.3.1 built with
 * ZLIB_WINAPI (stdcall), by name and by the size of their arguments (the
 * @N of the decorated name) - a stand-in with zlib's naming shape for
 * tests/interop/killat_run.sh, which includes this list in
 * killat_zshape_dll.c and killat_zshape_client.c.
 *
 * zlib's names are prefixes of one another (compress, compress2,
 * compressBound; gzopen, gzopen64; inflateReset, inflateReset2,
 * inflateResetKeep): `name@N` sorts differently from `name` wherever a
 * digit follows, so the old `f@4 == f` .def form made GNU ld 2.40 write a
 * name table in which the loader missed 10 of zlib's 89 functions.
 *
 * Z(ID, NAME, NARGS): a stdcall function taking NARGS ints (4 bytes each:
 * NARGS * 4 is zlib's @N), returning ID.  C(ID, NAME): a cdecl function
 * (zlib's ZEXPORTVA gzprintf and gzvprintf), returning ID.
 *
 * I(NAME) and D(NAME): zlib's internal cdecl functions and data, which
 * `--export-all` (mkdef's and ld's) exports too: with them the name table
 * has zlib's 106 names, so the loader's binary search of the old form's
 * table misses the very 10 names it missed in the real zlibwapi.dll.
 * Defined only by the DLL; not part of the 89.
 */
#ifndef I
#define I(name)
#endif
#ifndef D
#define D(name)
#endif
D(_dist_code)
D(_length_code)
I(_tr_align)
I(_tr_flush_bits)
I(_tr_flush_block)
I(_tr_init)
I(_tr_stored_block)
I(_tr_tally)
D(deflate_copyright)
I(gz_error)
I(gz_intmax)
D(inflate_copyright)
I(inflate_fast)
I(inflate_table)
D(z_errmsg)
I(zcalloc)
I(zcfree)
#undef I
#undef D
Z(1, adler32, 3)
Z(2, adler32_combine, 3)
Z(3, adler32_combine64, 4)
Z(4, adler32_z, 3)
Z(5, compress, 4)
Z(6, compress2, 5)
Z(7, compressBound, 1)
Z(8, crc32, 3)
Z(9, crc32_combine, 3)
Z(10, crc32_combine64, 4)
Z(11, crc32_combine_gen, 1)
Z(12, crc32_combine_gen64, 2)
Z(13, crc32_combine_op, 3)
Z(14, crc32_z, 3)
Z(15, deflate, 2)
Z(16, deflateBound, 2)
Z(17, deflateCopy, 2)
Z(18, deflateEnd, 1)
Z(19, deflateGetDictionary, 3)
Z(20, deflateInit2_, 8)
Z(21, deflateInit_, 4)
Z(22, deflateParams, 3)
Z(23, deflatePending, 3)
Z(24, deflatePrime, 3)
Z(25, deflateReset, 1)
Z(26, deflateResetKeep, 1)
Z(27, deflateSetDictionary, 3)
Z(28, deflateSetHeader, 2)
Z(29, deflateTune, 5)
Z(30, get_crc_table, 0)
Z(31, gzbuffer, 2)
Z(32, gzclearerr, 1)
Z(33, gzclose, 1)
Z(34, gzclose_r, 1)
Z(35, gzclose_w, 1)
Z(36, gzdirect, 1)
Z(37, gzdopen, 2)
Z(38, gzeof, 1)
Z(39, gzerror, 2)
Z(40, gzflush, 2)
Z(41, gzfread, 4)
Z(42, gzfwrite, 4)
Z(43, gzgetc, 1)
Z(44, gzgetc_, 1)
Z(45, gzgets, 3)
Z(46, gzoffset, 1)
Z(47, gzoffset64, 1)
Z(48, gzopen, 2)
Z(49, gzopen64, 2)
Z(50, gzopen_w, 2)
C(51, gzprintf)
Z(52, gzputc, 2)
Z(53, gzputs, 2)
Z(54, gzread, 3)
Z(55, gzrewind, 1)
Z(56, gzseek, 3)
Z(57, gzseek64, 4)
Z(58, gzsetparams, 3)
Z(59, gztell, 1)
Z(60, gztell64, 1)
Z(61, gzungetc, 2)
C(62, gzvprintf)
Z(63, gzwrite, 3)
Z(64, inflate, 2)
Z(65, inflateBack, 5)
Z(66, inflateBackEnd, 1)
Z(67, inflateBackInit_, 5)
Z(68, inflateCodesUsed, 1)
Z(69, inflateCopy, 2)
Z(70, inflateEnd, 1)
Z(71, inflateGetDictionary, 3)
Z(72, inflateGetHeader, 2)
Z(73, inflateInit2_, 4)
Z(74, inflateInit_, 3)
Z(75, inflateMark, 1)
Z(76, inflatePrime, 3)
Z(77, inflateReset, 1)
Z(78, inflateReset2, 2)
Z(79, inflateResetKeep, 1)
Z(80, inflateSetDictionary, 3)
Z(81, inflateSync, 1)
Z(82, inflateSyncPoint, 1)
Z(83, inflateUndermine, 2)
Z(84, inflateValidate, 2)
Z(85, uncompress, 4)
Z(86, uncompress2, 4)
Z(87, zError, 1)
Z(88, zlibCompileFlags, 0)
Z(89, zlibVersion, 0)
