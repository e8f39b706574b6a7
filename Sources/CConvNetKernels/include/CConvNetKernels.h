#ifndef CCONVNETKERNELS_H
#define CCONVNETKERNELS_H

/// Which SIMD instruction set the C kernels use on this CPU (detected once at run time).
/// 0 = portable C, 1 = AVX2 + FMA.
int cn_simd_level(void);

#endif
