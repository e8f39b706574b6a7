// Packing for the blocked SGEMM: copies a block of op(A) or op(B) into the contiguous,
// zero-padded panel layout the micro-kernel streams through (see sgemm_internal.h).
// Transposes are resolved here, so the micro-kernel only ever sees one layout.
#include <string.h>

#include "sgemm_internal.h"

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
  for (long j0 = 0; j0 < nc; j0 += NR) {
    const long columns = nc - j0 < NR ? nc - j0 : NR;
    float *panel = packed + j0 * kc;
    if (!trans_b) {
      // B is k×n: each p contributes `columns` contiguous floats of row p.
      for (long p = 0; p < kc; ++p) {
        const float *source = b + p * ldb + j0;
        float *target = panel + p * NR;
        if (columns == NR) {
          memcpy(target, source, NR * sizeof(float));
        } else {
          for (long j = 0; j < columns; ++j) target[j] = source[j];
          for (long j = columns; j < NR; ++j) target[j] = 0.0f;
        }
      }
    } else {
      // B is n×k: op(B)(p, j) = b[j·ldb + p]. Walk each of the NR source rows forward (unit
      // stride) and scatter into the panel, so reads stay sequential.
      for (long j = 0; j < columns; ++j) {
        const float *source = b + (j0 + j) * ldb;
        for (long p = 0; p < kc; ++p) panel[p * NR + j] = source[p];
      }
      for (long j = columns; j < NR; ++j) {
        for (long p = 0; p < kc; ++p) panel[p * NR + j] = 0.0f;
      }
    }
  }
}
