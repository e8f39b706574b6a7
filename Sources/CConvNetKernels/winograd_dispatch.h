// The public entry points of the Winograd transforms (winograd_f23.c, winograd_f43.c): each
// transform is one always-inline body, compiled three times — portable, AVX2 + FMA and
// AVX-512, by per-function target attributes — and called through the level cn_simd_level()
// reports. Both sizes of tile share the parameter lists below.
#ifndef CCONVNETKERNELS_WINOGRAD_DISPATCH_H
#define CCONVNETKERNELS_WINOGRAD_DISPATCH_H
#include "CConvNetKernels.h"

#define CN_WINOGRAD_INPUT_PARAMETERS                                                           \
  const float *input, long channels, long first_channel, long channel_count, long height,      \
    long width, long pad_top, long pad_left, const cn_winograd_tiling *t, long first_piece,   \
    long piece_count, long columns, float *v, float *work
#define CN_WINOGRAD_INPUT_ARGUMENTS                                                            \
  input, channels, first_channel, channel_count, height, width, pad_top, pad_left, t,         \
    first_piece, piece_count, columns, v, work
#define CN_WINOGRAD_OUTPUT_PARAMETERS                                                          \
  const float *m, long channels, long first_channel, long channel_count, long out_height,     \
    long out_width, const cn_winograd_tiling *t, long first_piece, long piece_count,          \
    long columns, const float *bias, int activation, float *output, float *work,              \
    const float *residual
#define CN_WINOGRAD_OUTPUT_ARGUMENTS                                                           \
  m, channels, first_channel, channel_count, out_height, out_width, t, first_piece,           \
    piece_count, columns, bias, activation, output, work, residual

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// Defines `name(PARAMETERS)`, running the inline `body(ARGUMENTS)` compiled for the active SIMD
// level.
#define CN_WINOGRAD_DISPATCH(name, body, PARAMETERS, ARGUMENTS)                                \
  __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))) static void          \
    name##_avx512(PARAMETERS) { body(ARGUMENTS); }                                            \
  __attribute__((target("avx2,fma"))) static void name##_avx2(PARAMETERS) { body(ARGUMENTS); } \
  void name(PARAMETERS)                                                                        \
  {                                                                                            \
    if (cn_simd_level() >= CN_SIMD_AVX512) {                                                   \
      name##_avx512(ARGUMENTS);                                                                \
    } else if (cn_simd_level() >= CN_SIMD_AVX2) {                                              \
      name##_avx2(ARGUMENTS);                                                                  \
    } else {                                                                                   \
      body(ARGUMENTS);                                                                         \
    }                                                                                          \
  }
#else
#define CN_WINOGRAD_DISPATCH(name, body, PARAMETERS, ARGUMENTS)                                \
  void name(PARAMETERS) { body(ARGUMENTS); }
#endif

#endif
