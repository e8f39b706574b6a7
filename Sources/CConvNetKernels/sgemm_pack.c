// Packing for the blocked SGEMM: copies a block of op(A) or op(B) into the contiguous,
// zero-padded panel layout the micro-kernel streams through (see sgemm_internal.h).
// Transposes are resolved here, so the micro-kernel only ever sees one layout.
#include <string.h>

#include "sgemm_internal.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

enum { MR = CN_SGEMM_MR, NR = CN_SGEMM_NR };

void cn_sgemm_pack_a(
  int trans_a, long mc, long kc, const float *a, long lda, float *packed)
{
  for (long i0 = 0; i0 < mc; i0 += MR) {
    const long rows = mc - i0 < MR ? mc - i0 : MR;
    float *panel = packed + i0 * kc;
    if (trans_a) {
      // A is k×m: op(A)(i, p) = a[p·lda + i], so each p contributes `rows` contiguous floats.
      for (long p = 0; p < kc; ++p) {
        const float *source = a + p * lda + i0;
        float *target = panel + p * MR;
        if (rows == MR) {
          for (int i = 0; i < MR; ++i) target[i] = source[i];
        } else {
          for (long i = 0; i < rows; ++i) target[i] = source[i];
          for (long i = rows; i < MR; ++i) target[i] = 0.0f;
        }
      }
    } else {
      // A is m×k: op(A)(i, p) = a[i·lda + p]; interleave MR rows, walking each row forward.
      if (rows == MR) {
        const float *r0 = a + (i0 + 0) * lda, *r1 = a + (i0 + 1) * lda;
        const float *r2 = a + (i0 + 2) * lda, *r3 = a + (i0 + 3) * lda;
        const float *r4 = a + (i0 + 4) * lda, *r5 = a + (i0 + 5) * lda;
        for (long p = 0; p < kc; ++p) {
          float *target = panel + p * MR;
          target[0] = r0[p];
          target[1] = r1[p];
          target[2] = r2[p];
          target[3] = r3[p];
          target[4] = r4[p];
          target[5] = r5[p];
        }
      } else {
        for (long p = 0; p < kc; ++p) {
          float *target = panel + p * MR;
          for (long i = 0; i < rows; ++i) target[i] = a[(i0 + i) * lda + p];
          for (long i = rows; i < MR; ++i) target[i] = 0.0f;
        }
      }
    }
  }
}

void cn_sgemm_pack_b(
  int trans_b, long kc, long nc, const float *b, long ldb, float *packed)
{
  const long full_columns = nc / NR * NR;
  if (!trans_b) {
    // B is k×n. Walk B row by row so that reads are one sequential stream (B usually comes
    // from memory, and hundreds of concurrent row streams defeat the hardware prefetcher);
    // row p scatters NR floats into each panel, which sit in cache.
    for (long p = 0; p < kc; ++p) {
      const float *source = b + p * ldb;
      for (long j0 = 0; j0 < full_columns; j0 += NR) {
        memcpy(packed + j0 * kc + p * NR, source + j0, NR * sizeof(float));
      }
      if (full_columns < nc) {
        float *target = packed + full_columns * kc + p * NR;
        for (long j = 0; j < NR; ++j) {
          target[j] = full_columns + j < nc ? source[full_columns + j] : 0.0f;
        }
      }
    }
    return;
  }
  // B is n×k: op(B)(p, j) = b[j·ldb + p], a transpose. Per panel, read its NR source rows
  // forward (unit stride) and write the panel row by row.
  for (long j0 = 0; j0 < nc; j0 += NR) {
    const long columns = nc - j0 < NR ? nc - j0 : NR;
    float *panel = packed + j0 * kc;
    long p_done = 0;
#if defined(__SSE__)
    // Full panels: transpose 4×4 blocks in SSE registers (four times fewer memory operations
    // than element by element; SSE is part of every x86-64 CPU).
    if (columns == NR) {
      for (; p_done + 4 <= kc; p_done += 4) {
        for (long j = 0; j < NR; j += 4) {
          const float *source = b + (j0 + j) * ldb + p_done;
          __m128 row0 = _mm_loadu_ps(source);
          __m128 row1 = _mm_loadu_ps(source + ldb);
          __m128 row2 = _mm_loadu_ps(source + 2 * ldb);
          __m128 row3 = _mm_loadu_ps(source + 3 * ldb);
          _MM_TRANSPOSE4_PS(row0, row1, row2, row3);
          float *target = panel + p_done * NR + j;
          _mm_storeu_ps(target, row0);
          _mm_storeu_ps(target + NR, row1);
          _mm_storeu_ps(target + 2 * NR, row2);
          _mm_storeu_ps(target + 3 * NR, row3);
        }
      }
    }
#endif
    // Remaining depth (and partial panels): element by element, zero past column nc.
    for (long p = p_done; p < kc; ++p) {
      float *target = panel + p * NR;
      for (long j = 0; j < columns; ++j) target[j] = b[(j0 + j) * ldb + p];
      for (long j = columns; j < NR; ++j) target[j] = 0.0f;
    }
  }
}
