// Per-thread, grow-only packing buffers for SGEMM (not exported; see sgemm_buffers.c).
#ifndef CCONVNETKERNELS_SGEMM_BUFFERS_H
#define CCONVNETKERNELS_SGEMM_BUFFERS_H

#include <stddef.h>

// This thread's buffer for packed A (resp. B), holding at least `count` floats, 64-byte aligned.
// The pointer stays valid until the next call for the same buffer on the same thread.
float *cn_sgemm_buffer_a(size_t count);
float *cn_sgemm_buffer_b(size_t count);

#endif
