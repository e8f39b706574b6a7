// Shared by the SGEMM driver, the packing routines and the micro-kernels (not exported).
#ifndef CCONVNETKERNELS_SGEMM_INTERNAL_H
#define CCONVNETKERNELS_SGEMM_INTERNAL_H

#include "CConvNetKernels.h"  // CN_SGEMM_MR, CN_SGEMM_NR: the register tile

// Micro-kernel contract: for the full MR×NR tile, with A packed (element (i, p) at p·MR + i)
// and B's rows b_k_stride floats apart (NR when packed, ldb when read in place),
//   acc(i, j) = Σ_{p < k} a[p·MR + i] · b[p·b_k_stride + j]
//   c[i·ldc + j] = alpha · acc(i, j) + beta · c[i·ldc + j]     (c not read when beta == 0)
typedef void (*cn_sgemm_microkernel)(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc);

void cn_sgemm_kernel_portable(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_SGEMM_HAVE_AVX2 1
void cn_sgemm_kernel_avx2(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc);
#define CN_SGEMM_HAVE_AVX512 1
void cn_sgemm_kernel_avx512(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc);
// How far ahead (in floats of packed A, 128 steps of the depth) the AVX-512 micro-kernels
// prefetch A. When a GEMM has few columns (a batch-1 layer's 49 pixels, Winograd's 16 tiles)
// each element of A serves only one to four FMAs, and A — a prepared weight read once per call,
// tens of MB over a network — streams from memory: the hardware prefetcher alone left the
// kernel waiting on it. When A is already in cache the extra prefetch costs one load slot per
// 6 FMAs, which the kernel has spare. (Past the end of the panel the prefetch touches the next
// panel, or nothing: prefetches do not fault.)
#define CN_SGEMM_A_PREFETCH_DISTANCE 768
// The widest last strip of C that cn_sgemm_kernel_narrow_avx512 computes instead of the full
// kernel (see sgemm_avx512.c), and the most row panels it takes at once.
#define CN_SGEMM_NARROW_COLUMNS 4
#define CN_SGEMM_NARROW_PANELS 8
// `panels` (1 … cn_sgemm_narrow_group(columns)) row panels of A, panel_stride floats apart,
// times `columns` (1 … CN_SGEMM_NARROW_COLUMNS) columns of B: the micro-kernel's product
// alpha · acc of panel q written to scratch[q·MR·NR + i·NR + j]; same operands as the
// micro-kernel, bit-identical results.
void cn_sgemm_kernel_narrow_avx512(
  long panels, long columns, long k, const float *a, long panel_stride, const float *b,
  long b_k_stride, float alpha, float *scratch);
// How many row panels cn_sgemm_kernel_narrow_avx512 takes at once for `columns`.
long cn_sgemm_narrow_group(long columns);
// The bias (per row) + residual + activation epilogue of one full MR×NR tile, see
// sgemm_avx512.c.
void cn_sgemm_epilogue_tile_avx512(
  float *c, long ldc, const float *bias, const float *residual, long ldr, int activation);
#endif

// Packs rows [0, mc) × depth [0, kc) of op(A) into ceil(mc/MR) panels, each kc × MR
// (element (i, p) of a panel at p·MR + i); rows past mc are zero.
void cn_sgemm_pack_a(
  int trans_a, long mc, long kc, const float *a, long lda, float *packed);

// Packs depth [0, kc) × columns [0, nc) of op(B) into ceil(nc/NR) panels, each kc × NR
// (element (p, j) of a panel at p·NR + j); columns past nc are zero.
void cn_sgemm_pack_b(
  int trans_b, long kc, long nc, const float *b, long ldb, float *packed);

// The largest depth block (KC) the driver packs; the im2col packer sizes its tables by it.
#define CN_SGEMM_KC_MAX 384

// Packs rows row0 ..< row0 + kc and columns col0 ..< col0 + nc of op(B) — the im2col matrix
// of `source` (trans_b = 0) or its transpose — into the same panel layout as cn_sgemm_pack_b.
// kc ≤ CN_SGEMM_KC_MAX.
void cn_sgemm_pack_b_im2col(
  const cn_im2col *source, int trans_b, long row0, long kc, long col0, long nc, float *packed);

// The m == 1 case (one row of C), see sgemm_row.c. Same contract as cn_sgemm otherwise.
void cn_sgemm_row(
  int trans_a, int trans_b, long n, long k, float alpha, const float *a, long lda,
  const float *b, long ldb, float beta, float *c);

#endif
