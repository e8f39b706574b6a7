import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import XCTest

final class ModuleTests: XCTestCase {
  func testSequentialNamesChildrenLikePyTorch() {
    let model = Sequential {
      Conv2d(1, 4, kernelSize: 3)
      BatchNorm2d(4)
      ReLU()
      Flatten()
      Linear(4 * 26 * 26, 2)
    }
    XCTAssertEqual(
      model.stateDict().map(\.name),
      [
        "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
        "1.num_batches_tracked", "4.weight", "4.bias",
      ])
    XCTAssertEqual(model.stateDict().first { $0.name == "1.num_batches_tracked" }?.isInteger, true)
    XCTAssertEqual(model.parameterCount, (9 + 1) * 4 + 2 * 4 + (4 * 26 * 26 + 1) * 2)
  }

  func testTrainAndEvalModesReachEveryChild() {
    let inner = Sequential { Dropout(0.5) }
    let model = Sequential {
      inner
      ReLU()
    }
    model.eval()
    XCTAssertFalse(inner.layers[0].isTraining)
    model.train()
    XCTAssertTrue(inner.layers[0].isTraining)
  }

  func testLoadStateDictNamesTheFirstMismatch() throws {
    let model = Sequential { Linear(3, 2) }
    var tensors = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    tensors["0.weight"] = Tensor.zeros([2, 4])
    XCTAssertThrowsError(try model.loadStateDict(tensors)) { error in
      XCTAssertEqual("\(error)", "\"0.weight\": shape [2, 4], expected [2, 3]")
    }
    tensors["0.weight"] = nil
    XCTAssertThrowsError(try model.loadStateDict(tensors)) { error in
      XCTAssertTrue("\(error)".contains("missing key \"0.weight\""), "\(error)")
    }
    tensors["0.weight"] = Tensor.ones([2, 3])
    tensors["extra"] = Tensor.ones([1])
    XCTAssertThrowsError(try model.loadStateDict(tensors)) { error in
      XCTAssertTrue("\(error)".contains("unexpected key \"extra\""), "\(error)")
    }
    // Nothing was changed by the failed loads; a good one succeeds.
    XCTAssertNotEqual(model.layers[0].ownParameters[0].parameter.value, Tensor.ones([2, 3]))
    tensors["extra"] = nil
    try model.loadStateDict(tensors)
    XCTAssertEqual(model.layers[0].ownParameters[0].parameter.value, Tensor.ones([2, 3]))
  }

  /// Evaluation-mode batch norm uses the running statistics, training mode updates them.
  func testBatchNormModes() {
    let bn = BatchNorm1d(1)
    let x = Variable(Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]))
    _ = bn(x)
    XCTAssertEqual(bn.runningMean.value.scalar, 0.25, accuracy: 1e-6)
    XCTAssertEqual(bn.batchesTracked.value.scalar, 1)
    bn.eval()
    let y = bn(x)
    let expected = (1 - 0.25) / (bn.runningVariance.value.scalar + 1e-5).squareRoot()
    XCTAssertEqual(y.value.scalars[0], expected, accuracy: 1e-5)
    XCTAssertEqual(bn.batchesTracked.value.scalar, 1)
  }

  /// Dropout is the identity in evaluation mode and keeps the expected value in training.
  func testDropoutModes() {
    let dropout = RandomSource.withSeed(1) { Dropout(0.25) }
    let x = Variable(Tensor.ones([10_000]))
    let trained = dropout(x).value
    XCTAssertEqual(trained.mean(), 1, accuracy: 0.03)
    XCTAssertTrue(trained.scalars.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3) < 1e-6 })
    dropout.eval()
    XCTAssertEqual(dropout(x).value, x.value)
  }

  /// RReLU: evaluation uses the mean slope (lower + upper) / 2; training slopes stay in range.
  func testRReLUSlopes() {
    let layer = RandomSource.withSeed(1) { RReLU(lower: 0.1, upper: 0.3) }
    let x = Variable(Tensor(shape: [1000], repeating: -1))
    let trained = layer(x).value.scalars
    XCTAssertTrue(trained.allSatisfy { $0 <= -0.1 && $0 >= -0.3 })
    XCTAssertEqual(Tensor(shape: [1000], scalars: trained).mean(), -0.2, accuracy: 0.01)
    layer.eval()
    XCTAssertEqual(layer(x).value.scalars[0], -0.2, accuracy: 1e-6)
  }
}
