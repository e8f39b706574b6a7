import ConvNetKernels
import ConvNetTensor

extension Workloads {
  /// `gemm`: C = A·B (row-major, no transposes, β = 0) with the library's `gemm` kernel into a
  /// preallocated C, for square 256, 512, 1024, 2048 and for M = 64, K = 576, N = 65,536 (the
  /// shape of a 64-channel 3×3 convolution over a batch of 64 images of 32×32 as one GEMM).
  /// GFLOP/s = 2·M·N·K / median time, over ≈ 0.5 s of repeats (5…200) after 2 warm-up runs.
  public static let gemm = Workload(
    name: "gemm", summary: "single-precision matrix products (GFLOP/s)"
  ) { settings, emit in
    let shapes: [(m: Int, k: Int, n: Int)] =
      settings.quick
      ? [(64, 64, 64), (96, 96, 96), (16, 72, 1_024)]
      : [
        (256, 256, 256), (512, 512, 512), (1_024, 1_024, 1_024), (2_048, 2_048, 2_048),
        (64, 576, 65_536),
      ]
    var generator = SeededGenerator(seed: 6)
    for (m, k, n) in shapes {
      let config = "m=\(m) k=\(k) n=\(n)"
      guard settings.includes(config: config) else { continue }
      let a = Tensor.randomUniform([m, k], low: -1, high: 1, using: &generator)
      let b = Tensor.randomUniform([k, n], low: -1, high: 1, using: &generator)
      var c = Tensor(uninitializedShape: [m, n])
      let times = a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          c.withUnsafeMutableBufferPointer { c in
            Stopwatch.adaptiveSamples(
              warmUp: 2, budget: settings.quick ? 0.01 : 0.5, repeatRange: 5...200
            ) {
              ConvNetKernels.gemm(
                transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, beta: 0,
                c: c.baseAddress!, ldc: n)
            }
          }
        }
      }
      emit(
        BenchmarkRecord(
          workload: "gemm", metric: "matmul", config: config,
          value: 2 * Double(m) * Double(n) * Double(k) / median(times) / 1e9, unit: "GFLOP/s",
          better: .higher))
    }
  }
}
