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

#endif
