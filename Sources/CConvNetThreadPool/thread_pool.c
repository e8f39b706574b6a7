// A fork–join thread pool whose workers spin briefly between jobs.
//
// Why not Dispatch: DispatchQueue.concurrentPerform wakes a sleeping worker through the kernel
// on every call, which measured 4–13 µs per call on this 2-core VM — as much as a whole small
// GEMM or a LeNet layer. Training and inference make thousands of such calls back to back, so
// here the workers keep polling for the next job for a while (SPIN_NANOSECONDS) before they
// sleep on a condition variable; a job published in that window starts within a cache-line
// transfer. (OpenMP runtimes, which PyTorch and ONNX Runtime use, do the same.)
//
// One job at a time: a call made while another is running (from a worker, i.e. nested, or from
// a second application thread) runs its indices inline on the calling thread.
//
// Claiming indices: `claim` holds (job number << 32) | indices left. A worker claims index
// left − 1 by a compare-and-swap that also checks the job number, so a worker that is late for a
// finished job can never take an index of the next one.
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

#include "CConvNetThreadPool.h"

enum {
  MAX_WORKERS = 63,
  // How long an idle thread polls before it blocks. Long enough to bridge the serial work
  // between two parallel calls of a training step, short enough not to burn a core for long
  // after the work stops.
  SPIN_NANOSECONDS = 200 * 1000,
};

static struct {
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  int sleepers;  // workers blocked on `wake` (guarded by mutex)
  long workers;  // threads besides the caller

  _Atomic uint64_t job_number;  // bumped when a job is published
  _Atomic uint64_t claim;       // (job number << 32) | indices not yet claimed
  _Atomic long done;            // indices of the current job that have finished
  _Atomic(cn_parallel_body) body;
  _Atomic(void *) context;
  atomic_flag busy;  // held by the thread whose job is running
} pool = {
  .mutex = PTHREAD_MUTEX_INITIALIZER,
  .wake = PTHREAD_COND_INITIALIZER,
  .busy = ATOMIC_FLAG_INIT,
};

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
// Set on worker threads, and on a caller while its job runs: parallel calls from such a thread
// run inline.
static _Thread_local int inside_job;

static uint64_t monotonic_nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

// Runs indices of job `number` until none is left to claim.
static void run_indices(uint64_t number) {
  const cn_parallel_body body = atomic_load_explicit(&pool.body, memory_order_acquire);
  void *const context = atomic_load_explicit(&pool.context, memory_order_acquire);
  uint64_t claim = atomic_load_explicit(&pool.claim, memory_order_acquire);
  for (;;) {
    if (claim >> 32 != (number & 0xffffffffu) || (claim & 0xffffffffu) == 0) return;
    if (atomic_compare_exchange_weak_explicit(
          &pool.claim, &claim, claim - 1, memory_order_acq_rel, memory_order_acquire)) {
      body(context, (long)(claim & 0xffffffffu) - 1);
      atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
      claim = atomic_load_explicit(&pool.claim, memory_order_acquire);
    }
  }
}

static void *worker_main(void *unused) {
  (void)unused;
  inside_job = 1;
  uint64_t seen = atomic_load_explicit(&pool.job_number, memory_order_acquire);
  for (;;) {
    uint64_t number;
    const uint64_t spin_start = monotonic_nanoseconds();
    unsigned spins = 0;
    while ((number = atomic_load_explicit(&pool.job_number, memory_order_acquire)) == seen) {
      cpu_relax();
      if (++spins % 256 != 0) continue;
      if (monotonic_nanoseconds() - spin_start < SPIN_NANOSECONDS) continue;
      pthread_mutex_lock(&pool.mutex);
      while (atomic_load_explicit(&pool.job_number, memory_order_acquire) == seen) {
        pool.sleepers += 1;
        pthread_cond_wait(&pool.wake, &pool.mutex);
        pool.sleepers -= 1;
      }
      pthread_mutex_unlock(&pool.mutex);
    }
    seen = number;
    run_indices(number);
  }
  return NULL;
}

// Threads to run on: CONVNET_NUM_THREADS when it is a whole number ≥ 1 (as OMP_NUM_THREADS
// for PyTorch: fewer threads on a shared machine, or one for reproducible timing), else one
// per core. A malformed setting is reported once on stderr and ignored.
static long thread_setting(long cores) {
  const char *setting = getenv("CONVNET_NUM_THREADS");
  if (setting == NULL || *setting == '\0') return cores;
  char *end = NULL;
  const long threads = strtol(setting, &end, 10);
  if (*end != '\0' || threads < 1) {
    fprintf(stderr,
      "convnet: CONVNET_NUM_THREADS=\"%s\" is not a whole number of threads (1 or more); "
      "using %ld, one per core\n", setting, cores);
    return cores;
  }
  return threads;
}

static void start_pool(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const long threads = thread_setting(cores > 1 ? cores : 1);
  long workers = threads - 1;
  if (workers > MAX_WORKERS) workers = MAX_WORKERS;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  long started = 0;
  for (; started < workers; ++started) {
    pthread_t thread;
    if (pthread_create(&thread, &attributes, worker_main, NULL) != 0) break;
  }
  pthread_attr_destroy(&attributes);
  pool.workers = started;
}

long cn_parallel_thread_count(void) {
  pthread_once(&pool_once, start_pool);
  return pool.workers + 1;
}

void cn_parallel_for(long count, cn_parallel_body body, void *context) {
  if (count <= 0) return;
  pthread_once(&pool_once, start_pool);
  if (count == 1 || pool.workers == 0 || inside_job || count > 0x7fffffffL ||
      atomic_flag_test_and_set_explicit(&pool.busy, memory_order_acquire)) {
    for (long index = 0; index < count; ++index) body(context, index);
    return;
  }
  inside_job = 1;
  const uint64_t number = atomic_load_explicit(&pool.job_number, memory_order_relaxed) + 1;
  atomic_store_explicit(&pool.body, body, memory_order_relaxed);
  atomic_store_explicit(&pool.context, context, memory_order_relaxed);
  atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
  atomic_store_explicit(
    &pool.claim, ((number & 0xffffffffu) << 32) | (uint64_t)count, memory_order_release);
  // Publishing under the mutex pairs with a worker's check-then-wait, so no wake-up is lost.
  pthread_mutex_lock(&pool.mutex);
  atomic_store_explicit(&pool.job_number, number, memory_order_release);
  if (pool.sleepers > 0) pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.mutex);

  run_indices(number);
  // Wait for indices other threads claimed; after a while, give the core to other threads.
  unsigned spins = 0;
  while (atomic_load_explicit(&pool.done, memory_order_acquire) < count) {
    cpu_relax();
    if (++spins > 100000) sched_yield();
  }
  inside_job = 0;
  atomic_flag_clear_explicit(&pool.busy, memory_order_release);
}
