import ConvNetAutograd
import ConvNetNN
import ConvNetONNX
import ConvNetTensor
import XCTest

/// What ONNX cannot express exactly is refused with the module that holds it — never written as
/// a graph that computes something else.
final class ONNXExportRefusalTests: XCTestCase {
  /// Adds a tensor made inside forward (its shape follows the batch).
  final class AddsConstant: Module {
    func forward(_ input: Variable) -> Variable { input + Variable(Tensor(shape: input.shape, repeating: 1)) }
  }

  /// Uses an op that reports no ONNX form (a loss), on the path to the output.
  final class UsesLoss: Module {
    func forward(_ input: Variable) -> Variable {
      let loss = softmaxCrossEntropy(input, labels: Array(repeating: 0, count: input.shape[0]))
      return input * loss
    }
  }

  /// Computes the same loss but does not use it: a dead branch does not stop the export.
  final class IgnoresLoss: Module {
    func forward(_ input: Variable) -> Variable {
      _ = softmaxCrossEntropy(input, labels: Array(repeating: 0, count: input.shape[0]))
      return relu(input)
    }
  }

  /// Folds the batch into the features.
  final class FoldsBatch: Module {
    func forward(_ input: Variable) -> Variable { input.reshaped([1, -1]) }
  }

  /// Computes something else for some batch sizes: each trace alone looks fine.
  final class BranchesOnBatch: Module {
    func forward(_ input: Variable) -> Variable { input.shape[0] % 2 == 0 ? relu(input) : sigmoid(input) }
  }

  private func assertRefused(
    _ model: any Module, inputShape: [Int], mentions parts: [String], line: UInt = #line
  ) {
    XCTAssertThrowsError(try ONNXExport.export(model, inputShape: inputShape), line: line) { error in
      for part in parts {
        XCTAssertTrue("\(error)".contains(part), "\"\(error)\" lacks \"\(part)\"", line: line)
      }
    }
  }

  func testAConstantMadeInsideForwardIsRefusedNamingTheModule() {
    let model = Sequential {
      Linear(4, 4)
      AddsConstant()
    }
    assertRefused(
      model, inputShape: [4], mentions: ["module AddsConstant \"1\"", "constant of shape [2, 4]"])
  }

  func testAnOperationWithoutONNXFormIsRefusedByName() {
    let model = Sequential {
      Linear(4, 3)
      UsesLoss()
    }
    assertRefused(
      model, inputShape: [4],
      mentions: ["module UsesLoss \"1\"", "operation \"cross_entropy\" has no ONNX export"])
  }

  func testAnUnusedUnsupportedResultDoesNotMatter() throws {
    let model = Sequential {
      Linear(4, 3)
      IgnoresLoss()
    }
    let onnx = try ONNXExport.export(model, inputShape: [4])
    XCTAssertEqual(onnx.graph.node.map(\.opType), ["Gemm", "Relu"])
  }

  func testAReshapeThatMovesTheBatchIsRefused() {
    assertRefused(FoldsBatch(), inputShape: [2, 3], mentions: ["module FoldsBatch", "batch"])
  }

  func testAForwardThatDependsOnTheBatchSizeIsRefused() {
    assertRefused(
      BranchesOnBatch(), inputShape: [3],
      mentions: ["BranchesOnBatch", "different operations at batch 2 and batch 3"])
  }

  func testUnevenAdaptivePoolingIsRefused() {
    let model = Sequential {
      Conv2d(1, 2, kernelSize: 3)
      AdaptiveAvgPool2d(4)
    }
    assertRefused(model, inputShape: [1, 9, 9], mentions: ["module AdaptiveAvgPool2d \"1\"", "7×7 to 4×4"])
  }

  func testModesAreRestoredAfterExport() throws {
    let model = Sequential {
      Linear(4, 4)
      Dropout(0.5)
    }
    model.train()
    _ = try ONNXExport.export(model, inputShape: [4])
    XCTAssertTrue(model.namedModules().allSatisfy { $0.module.isTraining })
  }
}
