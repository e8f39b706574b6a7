// Which SIMD level the C kernels run: the best the CPU has, unless CONVNET_SIMD asks for a lower
// one (tests and comparisons force each level in turn through cn_simd_set_level). A request for
// a level the CPU lacks never reaches an instruction it cannot run: it falls back to the best
// level the CPU has and says so once on stderr.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CConvNetKernels.h"

static int detect(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  // The AVX-512 kernels use the F, VL, BW and DQ subsets (every AVX-512 CPU since Skylake-SP
  // and Zen 4 has all four).
  if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
      && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) {
    return CN_SIMD_AVX512;
  }
  if (avx2) return CN_SIMD_AVX2;
#endif
  return CN_SIMD_PORTABLE;
}

static const char *const level_names[] = {"portable", "avx2", "avx512"};

static int detected_level;
static int active_level;  // read and written atomically: tests switch it between kernel calls
static pthread_once_t initialised = PTHREAD_ONCE_INIT;

static void initialise(void) {
  detected_level = detect();
  int level = detected_level;
  const char *request = getenv("CONVNET_SIMD");
  if (request != NULL && request[0] != '\0') {
    int wanted = -1;
    for (int i = 0; i <= CN_SIMD_AVX512; ++i) {
      if (strcmp(request, level_names[i]) == 0) wanted = i;
    }
    if (wanted < 0) {
      fprintf(stderr,
        "convnet: warning: CONVNET_SIMD=%s is not one of portable, avx2, avx512; using %s "
        "(the best this CPU has)\n", request, level_names[detected_level]);
    } else if (wanted > detected_level) {
      fprintf(stderr,
        "convnet: warning: CONVNET_SIMD=%s asks for instructions this CPU lacks; using %s "
        "(the best this CPU has)\n", request, level_names[detected_level]);
    } else {
      level = wanted;
    }
  }
  __atomic_store_n(&active_level, level, __ATOMIC_RELAXED);
}

int cn_simd_detected_level(void) {
  pthread_once(&initialised, initialise);
  return detected_level;
}

int cn_simd_level(void) {
  pthread_once(&initialised, initialise);
  return __atomic_load_n(&active_level, __ATOMIC_RELAXED);
}

int cn_simd_set_level(int level) {
  pthread_once(&initialised, initialise);
  if (level < CN_SIMD_PORTABLE || level > detected_level) return -1;
  __atomic_store_n(&active_level, level, __ATOMIC_RELAXED);
  return 0;
}
