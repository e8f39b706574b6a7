import ConvNetAutograd
import ConvNetModels
import ConvNetTensor
import XCTest

/// The input-shape check and the memory estimate made before a network runs.
final class ArchitectureInputTests: XCTestCase {
  private func architecture(_ name: String) throws -> Architecture { try Architectures.named(name) }

  func testFixedSizeNetworksTakeOnlyTheirOwnSize() throws {
    let lenet = try architecture("lenet5")
    XCTAssertNoThrow(try lenet.checkInput(sampleShape: [1, 28, 28]))
    XCTAssertNoThrow(try lenet.checkInput(sampleShape: [3, 28, 28]))
    XCTAssertThrowsError(try lenet.checkInput(sampleShape: [1, 32, 32])) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("28×28") && text.contains("32×32"), text)
    }
    XCTAssertThrowsError(try lenet.checkInput(sampleShape: [1, 28])) { error in
      XCTAssertTrue("\(error)".contains("1×28"), "\(error)")
    }
    XCTAssertThrowsError(try architecture("lenet5-1998").checkInput(sampleShape: [1, 28, 28]))
    XCTAssertThrowsError(try architecture("smallcnn").checkInput(sampleShape: [1, 5, 5]))
  }

  func testAdaptiveNetworksTakeAnySizeFromTheirMinimum() throws {
    XCTAssertNoThrow(try architecture("resnet18").checkInput(sampleShape: [3, 1, 1]))
    XCTAssertNoThrow(try architecture("googlenet").checkInput(sampleShape: [3, 15, 40]))
    XCTAssertThrowsError(try architecture("googlenet").checkInput(sampleShape: [3, 14, 40])) { error in
      XCTAssertTrue("\(error)".contains("15×15") && "\(error)".contains("14×40"), "\(error)")
    }
    XCTAssertThrowsError(try architecture("nin").checkInput(sampleShape: [3, 3, 3]))
  }

  /// The declared sizes hold: every architecture runs (evaluation mode, batch 1) at its
  /// smallest accepted input, non-square — a wrong declaration would stop the test process here.
  func testEveryArchitectureRunsAtItsSmallestAcceptedInput() throws {
    for architecture in Architectures.all {
      let side = architecture.minimumInputSize
      let shape =
        architecture.hasFixedInputSize
        ? architecture.inputShape : [architecture.inputShape[0], side, side + 3]
      XCTAssertNoThrow(try architecture.checkInput(sampleShape: shape), architecture.name)
      let model = architecture.build(classCount: 2)
      model.eval()
      let output = withoutGradients { model(Variable(Tensor.zeros([1] + shape))) }
      XCTAssertEqual(output.shape, [1, 2], architecture.name)
    }
  }

  func testFittedShape() throws {
    // CIFAR into LeNet-5: resized to its 28×28, channels kept (or converted when asked).
    XCTAssertEqual(try architecture("lenet5").fittedShape(for: [3, 32, 32]), [3, 28, 28])
    XCTAssertEqual(try architecture("lenet5").fittedShape(for: [3, 32, 32], channels: 1), [1, 28, 28])
    XCTAssertEqual(try architecture("lenet5").fittedShape(for: [1, 28, 28]), [1, 28, 28])
    // MNIST into LeNet-5 (1998): up to its 32×32.
    XCTAssertEqual(try architecture("lenet5-1998").fittedShape(for: [1, 28, 28]), [1, 32, 32])
    // Networks with adaptive pooling keep any size above their minimum.
    XCTAssertEqual(try architecture("resnet18").fittedShape(for: [3, 32, 32]), [3, 32, 32])
    XCTAssertEqual(try architecture("alexnet").fittedShape(for: [3, 32, 32]), [3, 224, 224])
  }

  /// Parameters: LeNet-5 has 61,706 for 10 classes; its classifier (84 → classes) adds 85 per
  /// class, so 100 classes give 61,706 + 90 · 85 = 69,356 — and a network built with 100
  /// classes agrees. The estimate never builds the large network.
  func testParameterCountOfTheEstimate() throws {
    let lenet = try architecture("lenet5")
    let ten = try lenet.memoryEstimate(
      sampleShape: [1, 28, 28], classCount: 10, trainingBatchSize: nil, inferenceBatchSize: 1)
    XCTAssertEqual(ten.parameterCount, 61_706)
    let hundred = try lenet.memoryEstimate(
      sampleShape: [1, 28, 28], classCount: 100, trainingBatchSize: nil, inferenceBatchSize: 1)
    XCTAssertEqual(hundred.parameterCount, 69_356)
    XCTAssertEqual(hundred.parameterCount, LeNet5(classCount: 100).parameterCount)
    XCTAssertEqual(hundred.parameterBytes, 4 * 69_356)
    // Training keeps gradients and two optimiser slots: four copies.
    let training = try lenet.memoryEstimate(
      sampleShape: [1, 28, 28], classCount: 100, trainingBatchSize: 1, inferenceBatchSize: 1)
    XCTAssertEqual(training.parameterBytes, 4 * 4 * 69_356)
    // 100 million classes: 8.5 billion parameters, refused on a machine of 16 GB.
    let huge = try lenet.memoryEstimate(
      sampleShape: [1, 28, 28], classCount: 100_000_000, trainingBatchSize: nil, inferenceBatchSize: 1)
    XCTAssertEqual(huge.parameterCount, 61_706 - 850 + 85 * 100_000_000)
    XCTAssertThrowsError(try huge.check(availableBytes: 16e9, what: "test")) { error in
      XCTAssertTrue("\(error)".contains("34.0 GB for 8,500,060,856 parameters"), "\(error)")
    }
  }

  /// Activations scale with the image area: for ResNet-18 at 128×128 the inference estimate
  /// less its constant part (the logits) is 4 times that at 64×64.
  func testActivationsScaleWithArea() throws {
    let resnet = try architecture("resnet18")
    func activations(_ side: Int) throws -> Double {
      try resnet.memoryEstimate(
        sampleShape: [3, side, side], classCount: 10, trainingBatchSize: nil, inferenceBatchSize: 1
      )
      .activationBytes - 4 * 10
    }
    XCTAssertEqual(try activations(128), 4 * (try activations(64)), accuracy: 1)
    let giant = try resnet.memoryEstimate(
      sampleShape: [3, 100_000, 100_000], classCount: 10, trainingBatchSize: 64, inferenceBatchSize: 1000)
    XCTAssertGreaterThan(giant.totalBytes, 1e15)
  }
}
