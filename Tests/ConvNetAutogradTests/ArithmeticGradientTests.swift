import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// The arithmetic ops (`Ops/Arithmetic.swift`): broadcasting +, −, ×, ÷, the scalar forms,
/// sum, mean, reshape and matmul — forward against plain formulas, backward against finite
/// differences, and matmul's three GEMMs (forward, ∂A, ∂B) against `gemmReference`.
final class ArithmeticGradientTests: XCTestCase {
  func testArithmetic() {
    let a = random([2, 3, 4], seed: 1)
    let b = random([3, 1], seed: 2)
    let positive = random([4], seed: 3).map { abs($0) + 0.5 }
    let x = random([2, 3, 4], seed: 4)
    let rows: [(String, [Tensor], OpReference, ([Variable]) -> Variable)] = [
      ("add", [a, b], Self.broadcasting(+), { $0[0] + $0[1] }),
      ("subtract", [a, b], Self.broadcasting(-), { $0[0] - $0[1] }),
      ("subtract, left operand broadcast", [b, a], Self.broadcasting(-), { $0[0] - $0[1] }),
      ("multiply", [a, b], Self.broadcasting(*), { $0[0] * $0[1] }),
      ("divide", [a, positive], Self.broadcasting(/), { $0[0] / $0[1] }),
      ("scale, add scalar, negate", [a], .elementwise { -($0 * 3 + 1) }, { -($0[0] * 3 + 1) }),
      (
        "sum", [x], OpReference { t in Tensor(Float(t[0].scalars.reduce(0.0) { $0 + Double($1) })) },
        { $0[0].sum() }
      ),
      (
        "mean", [x], OpReference { t in Tensor(Float(t[0].scalars.reduce(0.0) { $0 + Double($1) } / 24)) },
        { $0[0].mean() }
      ),
      (
        "reshape, flatten", [x], OpReference { t in Tensor(shape: [24], scalars: t[0].scalars) },
        { $0[0].reshaped([4, 6]).flattened(startAxis: 0) }
      ),
    ]
    for (name, inputs, reference, op) in rows {
      checkOp(name, inputs: inputs, reference: reference, gradients: FiniteDifferences(tolerance: 1e-3), op)
    }
  }

  /// [m, k] × [k, n]; the second size has ≥ 128³ multiply-adds, so the GEMM runs in slabs.
  func testMatmul() {
    for (m, k, n, seed) in [(3, 5, 2, 7 as UInt64), (130, 140, 120, 8)] {
      let (a, b) = (random([m, k], seed: seed), random([k, n], seed: seed + 100))
      let dy = random([m, n], seed: seed + 200).scalars
      checkOp(
        "matmul \(m)×\(k)×\(n)", inputs: [a, b],
        reference: OpReference { t in
          let (a, b) = (t[0].scalars, t[1].scalars)
          let c = (0..<m * n).map { ij in
            Float((0..<k).reduce(0.0) { $0 + Double(a[ij / n * k + $1]) * Double(b[$1 * n + ij % n]) })
          }
          return Tensor(shape: [m, n], scalars: c)
        },
        gradients: FiniteDifferences(tolerance: 1e-3),
        kernels: [
          gemmPass("forward", m: m, n: n, k: k, a: a.scalars, b: b.scalars),
          gemmPass("∂A = dY·Bᵀ", transposeB: true, m: m, n: k, k: n, a: dy, b: b.scalars),
          gemmPass("∂B = Aᵀ·dY", transposeA: true, m: k, n: n, k: m, a: a.scalars, b: dy),
        ]
      ) { matmul($0[0], $0[1]) }
    }
  }

  /// y = f(a, b) with NumPy broadcasting, index by index: shapes aligned at the right, a size-1
  /// axis repeated.
  static func broadcasting(_ f: @escaping (Float, Float) -> Float) -> OpReference {
    OpReference { t in
      let rank = max(t[0].rank, t[1].rank)
      let shapes = t.map { Array(repeating: 1, count: rank - $0.rank) + $0.shape }
      let shape = zip(shapes[0], shapes[1]).map { max($0, $1) }
      let (a, b) = (t[0].scalars, t[1].scalars)
      let values = (0..<Tensor.elementCount(of: shape)).map { flat -> Float in
        var (rest, indices, strides) = (flat, [0, 0], [1, 1])
        for axis in (0..<rank).reversed() {
          let i = rest % shape[axis]
          rest /= shape[axis]
          for operand in 0..<2 {
            indices[operand] += (shapes[operand][axis] == 1 ? 0 : i) * strides[operand]
            strides[operand] *= shapes[operand][axis]
          }
        }
        return f(a[indices[0]], b[indices[1]])
      }
      return Tensor(shape: shape, scalars: values)
    }
  }
}
