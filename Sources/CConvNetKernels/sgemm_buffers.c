// Per-thread packing buffers for SGEMM: allocated on a thread's first call, grown when a larger
// block is needed, reused afterwards (so steady-state calls do not allocate), and freed when
// the thread exits. Thread-local storage makes concurrent calls from several threads safe.
#include <pthread.h>
#include <stdlib.h>

#include "sgemm_buffers.h"

typedef struct {
  float *storage[2];    // [0] = packed A, [1] = packed B
  size_t capacity[2];   // in floats
} buffers_t;

static pthread_key_t buffers_key;
static pthread_once_t buffers_key_once = PTHREAD_ONCE_INIT;
static _Thread_local buffers_t *thread_buffers;

static void free_buffers(void *pointer) {
  buffers_t *buffers = pointer;
  free(buffers->storage[0]);
  free(buffers->storage[1]);
  free(buffers);
}

static void make_key(void) { (void)pthread_key_create(&buffers_key, free_buffers); }

static float *buffer(int which, size_t count) {
  buffers_t *buffers = thread_buffers;
  if (buffers == NULL) {
    buffers = calloc(1, sizeof(buffers_t));
    if (buffers == NULL) abort();
    pthread_once(&buffers_key_once, make_key);
    // Registering the pointer makes free_buffers run at thread exit.
    pthread_setspecific(buffers_key, buffers);
    thread_buffers = buffers;
  }
  if (buffers->capacity[which] < count) {
    free(buffers->storage[which]);
    // 64-byte alignment: panels start on cache lines; size rounded up as aligned_alloc requires.
    size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    buffers->storage[which] = aligned_alloc(64, bytes);
    if (buffers->storage[which] == NULL) abort();
    buffers->capacity[which] = bytes / sizeof(float);
  }
  return buffers->storage[which];
}

float *cn_sgemm_buffer_a(size_t count) { return buffer(0, count); }
float *cn_sgemm_buffer_b(size_t count) { return buffer(1, count); }
