#ifndef CCONVNETKERNELS_H
#define CCONVNETKERNELS_H

/// Which SIMD instruction set the C kernels use on this CPU (detected once at run time).
/// 0 = portable C, 1 = AVX2 + FMA.
int cn_simd_level(void);

/// Register tile of the SGEMM micro-kernels: each call computes MR rows × NR columns of C.
/// 6×16 fills AVX2's 16 ymm registers: 12 accumulators + 2 B vectors + 1 A broadcast; the
/// portable kernel uses the same shape so that packing is shared. Callers that split C between
/// threads cut on multiples of these so that no slab gets extra edge tiles.
#define CN_SGEMM_MR 6
#define CN_SGEMM_NR 16

/// Single-precision GEMM on one thread: C = alpha · op(A) · op(B) + beta · C, row-major,
/// optionally followed by an epilogue: C += bias, then C = max(C, 0).
///
/// op(A) is m×k (A is k×m when trans_a ≠ 0), op(B) is k×n (B is n×k when trans_b ≠ 0),
/// C is m×n. When beta == 0, C is only written, never read (it may hold NaN).
/// `simd_level` picks the micro-kernel: 0 = portable C, 1 = AVX2 + FMA (pass a level no higher
/// than `cn_simd_level()`; higher levels fall back to portable). Per-thread packing buffers are
/// allocated on first use and reused, so steady-state calls do not allocate. Thread-safe: callers
/// may run several calls at once on disjoint parts of C (that is how the Swift side threads it).
/// Epilogue: `bias` NULL for none; else bias_per_row ≠ 0 adds bias[i] to row i (m values),
/// bias_per_row = 0 adds bias[j] to column j (n values). relu ≠ 0 then sets negatives to 0.
void cn_sgemm(
  int simd_level, int trans_a, int trans_b, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
  const float *bias, int bias_per_row, int relu);

#include "cn_pooling.h"

#endif
