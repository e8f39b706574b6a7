// A GEMM with a prepacked A and a fused vector epilogue (pointwise_gemm.c): the 1×1
// convolutions of the fused inverted residual block.
#ifndef CCONVNETKERNELS_POINTWISE_H
#define CCONVNETKERNELS_POINTWISE_H

/// C = A · B, then C = activation(C + bias + residual), single-threaded. A (m×k) is prepacked
/// by cn_sgemm_pack_a_panels; B is k×n, rows ldb apart; C is m×n, rows ldc apart (only
/// written); `bias` has m values (one per row of C), NULL for none; `residual` is m×n, rows ldr
/// apart, NULL for none; `activation` a CN_ACTIVATION_*. `simd_level` as for cn_sgemm.
void cn_sgemm_packed_fused(
  int simd_level, long m, long n, long k, const float *packed_a, const float *b, long ldb,
  float *c, long ldc, const float *bias, int activation, const float *residual, long ldr);

#endif
