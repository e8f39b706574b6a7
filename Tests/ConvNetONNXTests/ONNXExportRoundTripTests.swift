import ConvNetAutograd
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetONNX
import ConvNetTensor
import Foundation
import XCTest

/// Every network of the catalogue, exported, runs in ONNX Runtime as it runs in ConvNet:
/// `Fixtures/check_export.py` checks each file with `onnx.checker` (full check) and compares ONNX
/// Runtime's outputs at batch 1 and 3 (the batch is dynamic) with ConvNet's to 1e-4 relative.
/// Skipped when python3 lacks onnx or onnxruntime (`pip install onnx==1.22.0 onnxruntime`).
/// `CONVNET_ONNX_ARCHS=lenet5,resnet18` limits the networks (for a quick run by hand).
final class ONNXExportRoundTripTests: XCTestCase {
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/check_export.py")

  static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Batch-norm statistics and affine parameters away from their initial 0/1, so that an
  /// exporter that ignored them (or swapped mean and variance) would be seen.
  static func perturbBatchNorms(of model: any Module, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    for (_, module) in model.namedModules() {
      guard let norm = module as? BatchNorm else { continue }
      let count = norm.features
      norm.runningMean.value = Tensor.randomNormal([count], standardDeviation: 0.2, using: &generator)
      norm.runningVariance.value = Tensor.randomUniform([count], low: 0.5, high: 1.5, using: &generator)
      norm.weight?.value = Tensor.randomUniform([count], low: 0.5, high: 1.5, using: &generator)
      norm.bias?.value = Tensor.randomNormal([count], standardDeviation: 0.2, using: &generator)
    }
  }

  func testEveryCatalogueNetworkRunsInONNXRuntimeAsInConvNet() throws {
    let probe = try Self.python(["-c", "import onnx, onnxruntime, numpy"])
    guard probe.status == 0 else {
      throw XCTSkip("python3 lacks onnx/onnxruntime/numpy (pip install onnx==1.22.0 onnxruntime)")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-export-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }

    let only = ProcessInfo.processInfo.environment["CONVNET_ONNX_ARCHS"].map {
      Set($0.split(separator: ",").map(String.init))
    }
    let architectures = Architectures.all.filter { only?.contains($0.name) ?? true }
    XCTAssertFalse(architectures.isEmpty)
    for (index, architecture) in architectures.enumerated() {
      let model = RandomSource.withSeed(UInt64(index + 1)) { architecture.build() }
      Self.perturbBatchNorms(of: model, seed: UInt64(100 + index))
      let onnx = try ONNXExport.export(
        model, inputShape: architecture.inputShape, graphName: architecture.name)

      // Initializers keep the state-dict keys; the exporter's own constants have "/" in their names.
      let keys = Set(model.namedParameters().map(\.name) + model.namedBuffers().map(\.name))
      for initializer in onnx.graph.initializer where !initializer.name.contains("/") {
        XCTAssertTrue(
          keys.contains(initializer.name), "\(architecture.name): initializer \(initializer.name)")
      }
      try ONNXModelFile.write(onnx, to: folder.appendingPathComponent("\(architecture.name).onnx"))

      model.eval()
      var generator = SeededGenerator(seed: UInt64(200 + index))
      var tensors: [(name: String, tensor: Tensor, dtype: SafetensorsDType)] = []
      for batch in [1, 3] {
        let x = Tensor.randomNormal([batch] + architecture.inputShape, using: &generator)
        let y = withoutGradients { model(Variable(x)) }.value
        tensors += [("input_\(batch)", x, .f32), ("output_\(batch)", y, .f32)]
      }
      try SafetensorsFile.write(
        tensors, to: folder.appendingPathComponent("\(architecture.name).safetensors"))
    }
    let result = try Self.python([Self.script.path, folder.path])
    print(result.output)
    XCTAssertEqual(result.status, 0, result.output)
    XCTAssertTrue(result.output.contains("\(architectures.count) passed, 0 failed"), result.output)
  }

  /// Parameters that every ResNet-18 weight file has are all in the graph under their keys.
  func testInitializerNamesAreTheStateDictKeys() throws {
    let architecture = try Architectures.named("resnet18")
    let model = RandomSource.withSeed(3) { architecture.build() }
    let onnx = try ONNXExport.export(model, inputShape: [3, 64, 64])
    let names = Set(onnx.graph.initializer.map(\.name))
    for key in [
      "conv1.weight", "bn1.running_mean", "bn1.running_var", "layer4.1.bn2.bias", "fc.weight", "fc.bias",
    ] {
      XCTAssertTrue(names.contains(key), key)
    }
    XCTAssertFalse(names.contains("bn1.num_batches_tracked"))  // not used in evaluation
    XCTAssertEqual(onnx.graph.input.map(\.name), ["input"])
    XCTAssertEqual(onnx.graph.output.map(\.name), ["output"])
    XCTAssertEqual(onnx.graph.input[0].type.tensorType.shape.dim[0].dimParam, "batch")
  }
}
