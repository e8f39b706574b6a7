import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `linear` and its fused form `linearReLU` (`Ops/Linear.swift`): forward against the plain
/// formula y = x·Wᵀ + b (then ReLU), backward against finite differences, and the op's three
/// GEMMs — forward with the fused bias/ReLU epilogue, ∂x = dY·W, ∂W = dYᵀ·x — against
/// `gemmReference`.
final class LinearGradientTests: XCTestCase {
  static let cases: [(batch: Int, inFeatures: Int, outFeatures: Int, bias: Bool, seed: UInt64)] = [
    (4, 5, 3, true, 12), (4, 5, 3, false, 15), (5, 7, 3, true, 18), (3, 33, 17, true, 21),
    (64, 120, 84, true, 24),
  ]

  func testLinear() {
    for relu in [false, true] {
      for (batch, inFeatures, outFeatures, hasBias, seed) in Self.cases {
        let x = random([batch, inFeatures], seed: seed)
        let w = random([outFeatures, inFeatures], seed: seed + 1, scale: 0.3)
        let b = random([outFeatures], seed: seed + 2)
        let dy = random([batch, outFeatures], seed: seed + 3).scalars
        let (xs, ws) = (x.scalars, w.scalars)
        checkOp(
          "\(relu ? "linearReLU" : "linear") \(batch)×\(inFeatures)→\(outFeatures) bias \(hasBias)",
          inputs: hasBias ? [x, w, b] : [x, w],
          reference: OpReference { t in
            let (x, w) = (t[0].scalars, t[1].scalars)
            let y = (0..<batch * outFeatures).map { nj -> Float in
              let (n, j) = (nj / outFeatures, nj % outFeatures)
              var sum = hasBias ? Double(t[2].scalars[j]) : 0
              for i in 0..<inFeatures {
                sum += Double(x[n * inFeatures + i]) * Double(w[j * inFeatures + i])
              }
              return relu ? max(Float(sum), 0) : Float(sum)
            }
            return Tensor(shape: [batch, outFeatures], scalars: y)
          },
          // With 64 rows, some of the 84 pre-activations of a weight's column lie within a step
          // (0.01·|x|) of the ReLU's kink and the differences straddle it; that row's gradients
          // are checked bit for bit against relu(linear) in FusedOpGradientTests instead.
          gradients: relu && batch >= 64 ? nil : FiniteDifferences(tolerance: 1e-3),
          kernels: [
            gemmPass(
              "forward", transposeB: true, m: batch, n: outFeatures, k: inFeatures, a: xs, b: ws,
              bias: hasBias ? b.scalars : nil, relu: relu),
            gemmPass("∂x = dY·W", m: batch, n: inFeatures, k: outFeatures, a: dy, b: ws),
            gemmPass(
              "∂W = dYᵀ·x", transposeA: true, m: outFeatures, n: inFeatures, k: batch, a: dy, b: xs),
          ]
        ) { v in
          let bias = hasBias ? v[2] : nil
          return relu
            ? linearReLU(v[0], weight: v[1], bias: bias) : linear(v[0], weight: v[1], bias: bias)
        }
      }
    }
  }
}
