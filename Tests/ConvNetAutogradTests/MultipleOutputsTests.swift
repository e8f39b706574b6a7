import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `Variable.makeOutputs`: one recorded node with several outputs (what a recurrent layer
/// returns). A toy op splits x = [a, b] into (2a, 3b, a·b); its backward must receive each
/// output's gradient in its own slot, summed over every use, and nil for an unused output.
final class MultipleOutputsTests: XCTestCase {
  /// (2a, 3b, a·b) for x = [a, b]; counts how often its backward runs and what it receives.
  final class Probe {
    var runs = 0
    var received: [Bool] = []

    func split(_ x: Variable) -> [Variable] {
      let (a, b) = (x.value.scalars[0], x.value.scalars[1])
      let values = [Tensor(shape: [1], scalars: [2 * a]), Tensor(shape: [1], scalars: [3 * b]), Tensor(shape: [1], scalars: [a * b])]
      return Variable.makeOutputs(values, name: "split", inputs: [x]) { gradients in
        self.runs += 1
        self.received = gradients.map { $0 != nil }
        let g = gradients.map { $0?.scalars[0] ?? 0 }
        return [Tensor(shape: [2], scalars: [2 * g[0] + b * g[2], 3 * g[1] + a * g[2]])]
      }
    }
  }

  func testEachOutputGetsItsOwnGradientOnce() {
    let probe = Probe()
    let x = Variable(Tensor(shape: [2], scalars: [5, 7]), requiresGrad: true)
    let outputs = probe.split(x)
    // L = 4·(2a) + (2a)·1 + 10·(a·b): the first output is used twice, the second not at all.
    let loss = (outputs[0] * 4 + outputs[0] + outputs[2] * 10).sum()
    loss.backward()
    XCTAssertEqual(probe.runs, 1)
    XCTAssertEqual(probe.received, [true, false, true])
    // dL/da = 5·2 + 10·b = 80, dL/db = 10·a = 50.
    XCTAssertEqual(x.grad?.scalars, [80, 50])
  }

  func testWithoutGradientsRecordsNothing() {
    let probe = Probe()
    let x = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
    let outputs = withoutGradients { probe.split(x) }
    XCTAssertEqual(outputs.map(\.value.scalars), [[2], [6], [2]])
    XCTAssertTrue(outputs.allSatisfy { !$0.requiresGrad && $0.isLeaf })
  }
}
