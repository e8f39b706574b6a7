#ifndef CN_RECURRENT_H
#define CN_RECURRENT_H

// The element-wise step of LSTM / GRU / RNN cells for one sequence (recurrent_cells.c): the
// epilogue after each step's GEMM. Units [0, h); gate blocks h apart. `simd_level` as for
// cn_sgemm (0 portable, 1 AVX2 + FMA when the CPU has it). `dy` may be NULL (zero).

/// gates: in W_ih x + b_ih (i, f, g, o), out the activated gates; hidden_gates: W_hh h + b_hh;
/// cell: c in, c' out; hidden and output: h' (both written).
void cn_lstm_step_forward(
  int simd_level, long h, float *gates, const float *hidden_gates, float *cell, float *hidden,
  float *output);

/// gates: in W_ih x + b_ih (r, z, n; 4h floats of room), out r, z, n, W_hn h + b_hn;
/// hidden: h in, h' out; output: h'.
void cn_gru_step_forward(
  int simd_level, long h, float *gates, const float *hidden_gates, float *hidden, float *output);

/// h' = tanh or relu(gates + hidden_gates); gates, hidden and output all receive h'.
void cn_rnn_step_forward(
  int simd_level, long h, int relu, float *gates, const float *hidden_gates, float *hidden,
  float *output);

/// From dh (+ dy) and dc: the pre-activation gradients d_input (4h); dc becomes dc·f (what
/// reaches c_prev) and dh zero (W_hh's part is added by the caller's GEMM).
void cn_lstm_step_backward(
  int simd_level, long h, const float *gates, const float *previous_cell, const float *dy,
  float *dh, float *dc, float *d_input);

/// d_input: of W_ih x + b_ih (r, z, n); d_hidden: of W_hh h + b_hh (n scaled by r); dh becomes
/// (dh + dy)·z.
void cn_gru_step_backward(
  int simd_level, long h, const float *gates, const float *previous_hidden, const float *dy,
  float *dh, float *d_input, float *d_hidden);

/// d_input = (dh + dy)·act'(h'); dh becomes zero.
void cn_rnn_step_backward(
  int simd_level, long h, int relu, const float *gates, const float *dy, float *dh, float *d_input);

// ── LSTM steps fused with their GEMM (lstm_steps_avx512.c; AVX-512 only) ─────────────────────
// Units come in blocks (CN_LSTM_FORWARD_UNITS in the forward, CN_LSTM_BACKWARD_UNITS in the
// backward); a call handles blocks [first_block, end_block) for every sequence, so threads that
// take disjoint blocks write disjoint columns. Rows of sequence n are at
// `n · stride` from the given pointers (time-major or batch-first alike).

#define CN_LSTM_FORWARD_UNITS 16
#define CN_LSTM_BACKWARD_UNITS 64

/// Floats of W_hh [4h, h] packed by either packer below.
long cn_lstm_packed_hidden_weight_count(long h);
/// W_hh packed as the right-hand side of h · W_hhᵀ, the four gates of 16 units side by side.
void cn_lstm_pack_hidden_weight_forward(long h, const float *weight, float *packed);
/// W_hh packed as the right-hand side of dgates · W_hh, 64 units per panel.
void cn_lstm_pack_hidden_weight_backward(long h, const float *weight, float *packed);

/// One forward step at time t.
typedef struct {
  long h, batch;
  const float *hidden;       // h_{t−1}, [batch, h]
  float *hidden_next;        // h_t, [batch, h] (h_{t−1} again for a sequence past its length)
  float *cell;               // c, [batch, h], updated in place
  const float *packed_weight;  // cn_lstm_pack_hidden_weight_forward
  float *gates;              // in: W_ih x + b_ih + b_hh (i, f, g, o blocks of h); out: activated
  long gate_stride;
  float *output;             // h_t (zeros past the length)
  long output_stride;
  float *saved_hidden, *saved_cell;  // h_{t−1}, c_{t−1} for the backward; NULL: not saved
  long state_stride;
  const long *lengths;       // valid steps per sequence, NULL: all
  long t;
} cn_lstm_step;

void cn_lstm_step_forward_avx512(const cn_lstm_step *step, long first_block, long end_block);

/// One backward step at time t: dh = dh + d_previous · W_hh (+ dy), then the gate gradients of
/// step t into d_gates, dc = dc·f, dh = 0 (a sequence past its length: zero gate gradients, dh
/// and dc pass through). d_previous: the gate gradients of the step processed before, NULL for
/// none. d_gates NULL: only dh += d_previous · W_hh (dh₀ after the last step).
typedef struct {
  long h, batch;
  const float *d_previous;
  const float *packed_weight;  // cn_lstm_pack_hidden_weight_backward
  float *dh, *dc;            // [batch, h]
  const float *dy;           // dL/dh_t from the output, NULL: zero
  long output_stride;
  const float *gates;        // the activated gates the forward saved
  long gate_stride;          // of gates, d_gates and d_previous
  const float *previous_cell;  // c_{t−1}
  long state_stride;
  float *d_gates;
  float *d_bias;             // NULL, or 4h sums that every row's gate gradients are added to
  const long *lengths;
  long t;
} cn_lstm_step_gradient;

void cn_lstm_step_backward_avx512(const cn_lstm_step_gradient *step, long first_block, long end_block);

#endif
