// What the Winograd transforms of both tile sizes (winograd_f23.c, winograd_f43.c) share: the
// tiling of an output into pieces of tile rows, and their public entry points — each transform
// is one always-inline body, compiled three times (portable, AVX2 + FMA and AVX-512, by
// per-function target attributes) and called through the level cn_simd_level() reports.
#ifndef CCONVNETKERNELS_WINOGRAD_DISPATCH_H
#define CCONVNETKERNELS_WINOGRAD_DISPATCH_H
#include "CConvNetKernels.h"

// The tiling of an output of tiles_h × tiles_w tiles (of any size): each tile row cut into the
// fewest pieces of at most CN_WINOGRAD_MAX_PIECE_TILES tiles, all but the last of equal length.
static inline cn_winograd_tiling cn_winograd_tiling_of(long tiles_h, long tiles_w)
{
  cn_winograd_tiling t;
  t.tiles_h = tiles_h;
  t.tiles_w = tiles_w;
  t.pieces_per_row = (tiles_w + CN_WINOGRAD_MAX_PIECE_TILES - 1) / CN_WINOGRAD_MAX_PIECE_TILES;
  t.piece_tiles = (tiles_w + t.pieces_per_row - 1) / t.pieces_per_row;
  return t;
}

// Where piece `index` lies: image n, tile row ty, first tile tx and its tile count.
typedef struct {
  long n, ty, tx, count;
} cn_winograd_piece;

static inline cn_winograd_piece cn_winograd_piece_at(const cn_winograd_tiling *t, long index)
{
  const long row = index / t->pieces_per_row;  // tile row over the whole batch
  const long part = index % t->pieces_per_row;
  cn_winograd_piece p;
  p.n = row / t->tiles_h;
  p.ty = row % t->tiles_h;
  p.tx = part * t->piece_tiles;
  p.count = t->tiles_w - p.tx < t->piece_tiles ? t->tiles_w - p.tx : t->piece_tiles;
  return p;
}

// Columns of V and M for pieces [first_piece, first_piece + piece_count): one per tile.
static inline long cn_winograd_columns_of(
  const cn_winograd_tiling *t, long first_piece, long piece_count)
{
  long columns = 0;
  for (long i = 0; i < piece_count; ++i) {
    columns += cn_winograd_piece_at(t, first_piece + i).count;
  }
  return columns;
}

// The input rows under a piece of tiles, gathered into phase arrays: phase[j][q] =
// x[column0 + step·q + j] for j < phases (4 for F(2×2, 3×3) with step 2, 6 for F(4×4, 3×3) with
// step 4; p4 and p5 unused with 4), q < count; zero outside [0, width) and for a missing row
// (x == NULL: padding). Called with constant step and phases, so each transform gets its own
// unrolled copy; the checked loops run only for tiles at the image's edges.
static inline __attribute__((always_inline)) void cn_winograd_gather_row(
  const float *restrict x, long width, long column0, long count, const long step,
  const int phases, float *restrict p0, float *restrict p1, float *restrict p2,
  float *restrict p3, float *restrict p4, float *restrict p5)
{
  float *restrict phase[6] = {p0, p1, p2, p3, p4, p5};
  if (!x) {
    for (int j = 0; j < phases; ++j)
      for (long q = 0; q < count; ++q) phase[j][q] = 0.0f;
    return;
  }
  // [lo, hi): all the tile's columns inside, so no checks.
  long lo = column0 >= 0 ? 0 : (-column0 + step - 1) / step;
  long hi = width - phases - column0 >= 0 ? (width - phases - column0) / step + 1 : 0;
  if (hi > count) hi = count;
  if (lo > hi) lo = hi;
  for (long q = 0; q < lo; ++q) {
    for (int j = 0; j < phases; ++j) {
      const long c = column0 + step * q + j;
      phase[j][q] = c >= 0 && c < width ? x[c] : 0.0f;
    }
  }
  const float *restrict base = x + column0;
  for (long q = lo; q < hi; ++q) {
    p0[q] = base[step * q];
    p1[q] = base[step * q + 1];
    p2[q] = base[step * q + 2];
    p3[q] = base[step * q + 3];
    if (phases > 4) {
      p4[q] = base[step * q + 4];
      p5[q] = base[step * q + 5];
    }
  }
  for (long q = hi; q < count; ++q) {
    for (int j = 0; j < phases; ++j) {
      const long c = column0 + step * q + j;
      phase[j][q] = c >= 0 && c < width ? x[c] : 0.0f;
    }
  }
}

// Stores the transformed weights u[ξ][i] (ξ < positions, i < CN_SGEMM_MR) of input channel c
// for the output-channel panel `panel` into the U[ξ] matrices (`plane` floats apart) in the
// GEMM's packed-A layout: panel, then input channel, then the MR rows.
static inline void cn_winograd_store_panel(
  const float *u, int positions, long panel, long in_channels, long c, long plane, float *packed)
{
  float *target = packed + panel * CN_SGEMM_MR * in_channels + c * CN_SGEMM_MR;
  for (int xi = 0; xi < positions; ++xi) {
    for (int i = 0; i < CN_SGEMM_MR; ++i) target[xi * plane + i] = u[xi * CN_SGEMM_MR + i];
  }
}

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
