import ConvNetAutograd
import ConvNetNN
import XCTest

/// A module that does not adopt `LayerPresentation`.
private final class Doubling: Module {
  func forward(_ input: Variable) -> Variable { 2 * input }
}

/// A layer that adopts `LayerPresentation` for its description only.
private final class Shifted: Module, LayerPresentation {
  func forward(_ input: Variable) -> Variable { input + 1 }
  var layerDescription: String { "Shifted(+1)" }
}

final class LayerPresentationTests: XCTestCase {
  func testAModuleWithoutPresentationIsShownByItsTypeName() {
    let module: any Module = Doubling()
    XCTAssertEqual(module.layerDescription, "Doubling")
    XCTAssertNil(module.parameterFormula)
    XCTAssertEqual(module.multiplyAccumulates(inputShape: [1, 3], outputShape: [1, 3]), 0)
  }

  func testALayerTakesTheDefaultsForWhatItDoesNotPresent() {
    let module: any Module = Shifted()
    XCTAssertEqual(module.layerDescription, "Shifted(+1)")
    XCTAssertNil(module.parameterFormula)
    XCTAssertEqual(module.multiplyAccumulates(inputShape: [1, 3], outputShape: [1, 3]), 0)
  }

  /// Seen as `any Module` (as summaries see them), layers show their own presentation:
  /// LeNet-5's first convolution, 6 × 28 × 28 outputs of 25 taps each, and its pooling.
  func testLayersSeenAsModulesShowTheirOwnPresentation() {
    let conv: any Module = Conv2d(1, 6, kernelSize: 5, padding: 2)
    XCTAssertEqual(conv.layerDescription, "Conv2d(1, 6, kernel 5, padding 2)")
    XCTAssertEqual(conv.parameterFormula, "(5·5·1+1)·6 = 156")
    XCTAssertEqual(
      conv.multiplyAccumulates(inputShape: [1, 1, 28, 28], outputShape: [1, 6, 28, 28]), 6 * 28 * 28 * 25)
    let layers: [(any Module, String)] = [
      (MaxPool2d(2), "MaxPool2d(2)"), (Linear(4, 2), "Linear(4, 2)"), (BatchNorm2d(3), "BatchNorm2d(3)"),
      (Dropout(0.25), "Dropout(p=0.25)"), (ReLU(), "ReLU"), (Sequential { ReLU() }, "Sequential"),
    ]
    for (layer, description) in layers { XCTAssertEqual(layer.layerDescription, description) }
    XCTAssertEqual(Linear(4, 2).parameterFormula, "(4+1)·2 = 10")
  }
}
