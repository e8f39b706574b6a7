#ifndef CCONVNETTHREADPOOL_H
#define CCONVNETTHREADPOOL_H

// The fork–join thread pool behind `parallelFor` (ConvNetBase). It sits in a C target of its
// own, below the kernels, so that modules which only need threads (image decoding, the data
// loader) do not link the SIMD kernels.

/// The work of one index of a parallel loop (thread_pool.c).
typedef void (*cn_parallel_body)(void *context, long index);

/// Runs body(context, i) for every i in [0, count) on the calling thread and the pool's workers
/// (one per further core, started on first use; they poll for work for 0.2 ms after a job, then
/// sleep). Returns when all have finished. Calls made from inside a job, or while another
/// thread's job runs, run inline. Indices are handed out one at a time, in no fixed order.
void cn_parallel_for(long count, cn_parallel_body body, void *context);

/// Threads a cn_parallel_for job runs on: the caller plus the pool's workers (≥ 1) — one per
/// core, or the environment variable CONVNET_NUM_THREADS when it is a whole number ≥ 1.
long cn_parallel_thread_count(void);

#endif
