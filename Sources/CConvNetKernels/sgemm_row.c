// SGEMM for a single row of C (m == 1): a vector–matrix product. The 6×16 register tile would
// waste five of its six rows here, and batch-1 inference through fully-connected layers is
// exactly this shape, so it gets plain loops written to vectorise (8 independent lanes).
#include "sgemm_buffers.h"
#include "sgemm_internal.h"

enum { LANES = 8, COLUMN_BLOCK = 2048 };

// Σ x[p]·y[p] with LANES partial sums, so the compiler can use vector registers without
// reassociating (which it may not do for floats by itself).
static float dot(long k, const float *x, const float *y) {
  float partial[LANES] = {0};
  long p = 0;
  for (; p + LANES <= k; p += LANES) {
    for (int lane = 0; lane < LANES; ++lane) partial[lane] += x[p + lane] * y[p + lane];
  }
  float sum = 0.0f;
  for (int lane = 0; lane < LANES; ++lane) sum += partial[lane];
  for (; p < k; ++p) sum += x[p] * y[p];
  return sum;
}

void cn_sgemm_row(
  int trans_a, int trans_b, long n, long k, float alpha, const float *a, long lda,
  const float *b, long ldb, float beta, float *c)
{
  // op(A) is 1×k: contiguous unless A is stored k×1, then gather it into a scratch row.
  const float *a_row = a;
  if (trans_a && k > 1) {
    float *gathered = cn_sgemm_buffer_a((size_t)k);
    for (long p = 0; p < k; ++p) gathered[p] = a[p * lda];
    a_row = gathered;
  }
  if (trans_b) {
    // B is n×k: c[j] is a dot product of two contiguous rows.
    for (long j = 0; j < n; ++j) {
      const float product = alpha * dot(k, a_row, b + j * ldb);
      c[j] = beta == 0.0f ? product : product + beta * c[j];
    }
    return;
  }
  // B is k×n: c += (alpha·a[p]) · B row p, over column blocks that stay in L1.
  for (long j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
    const long columns = n - j0 < COLUMN_BLOCK ? n - j0 : COLUMN_BLOCK;
    float *c_block = c + j0;
    for (long j = 0; j < columns; ++j) c_block[j] = beta == 0.0f ? 0.0f : beta * c_block[j];
    for (long p = 0; p < k; ++p) {
      const float scale = alpha * a_row[p];
      const float *b_row = b + p * ldb + j0;
      for (long j = 0; j < columns; ++j) c_block[j] += scale * b_row[j];
    }
  }
}
