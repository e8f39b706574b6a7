import ConvNet
import Foundation
import TestSupport
import XCTest

/// Runs the built `convnet` executable as a user would.
final class CLITests: XCTestCase {
  private func convnet(_ arguments: [String], environment: [String: String] = [:]) throws
    -> ConvNetExecutable.Run
  {
    try ConvNetExecutable.run(arguments, environment: environment)
  }

  private func temporaryDirectory() throws -> URL { try makeTemporaryDirectory() }

  /// CONVNET_NUM_THREADS sets the kernels' thread count (bench records it); a malformed value
  /// is reported and one thread per core used instead.
  func testThreadCountFromEnvironment() throws {
    let one = try convnet(
      ["bench", "--workload", "gemm", "--quick", "--json"], environment: ["CONVNET_NUM_THREADS": "1"])
    XCTAssertEqual(one.status, 0, one.standardError)
    XCTAssertTrue(one.standardOutput.contains("\"threads\":1,"), one.standardOutput)
    let three = try convnet(
      ["bench", "--workload", "gemm", "--quick", "--json"], environment: ["CONVNET_NUM_THREADS": "3"])
    XCTAssertTrue(three.standardOutput.contains("\"threads\":3,"), three.standardOutput)
    let malformed = try convnet(
      ["bench", "--workload", "gemm", "--quick", "--json"], environment: ["CONVNET_NUM_THREADS": "two"])
    XCTAssertEqual(malformed.status, 0, malformed.standardError)
    XCTAssertTrue(malformed.standardError.contains("CONVNET_NUM_THREADS=\"two\""), malformed.standardError)
    XCTAssertTrue(
      malformed.standardOutput.contains("\"threads\":\(ProcessInfo.processInfo.activeProcessorCount),"),
      malformed.standardOutput)
  }

  func testSummaryJSONCountsLeNet5() throws {
    let run = try convnet(["summary", "--arch", "lenet5", "--input", "1x28x28", "--json"])
    XCTAssertEqual(run.status, 0, run.standardError)
    let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
    XCTAssertEqual(object?["total_parameters"] as? Int, 61706)
    let table = try convnet(["summary"])
    XCTAssertTrue(table.standardOutput.contains("(5·5·1+1)·6 = 156"), table.standardOutput)
  }

  /// train → save → eval --json → infer, on a few steps, and infer's logits equal the library's.
  func testTrainEvalInferRoundTrip() throws {
    let directory = try temporaryDirectory()
    let weights = directory.appendingPathComponent("lenet.safetensors").path
    let train = try convnet([
      "train", "--epochs", "1", "--max-steps", "5", "--batch-size", "16", "--no-shuffle", "--save", weights,
    ])
    XCTAssertEqual(train.status, 0, train.standardError)
    XCTAssertTrue(train.standardError.contains("saved"), train.standardError)

    let eval = try convnet(["eval", "--weights", weights, "--json"])
    XCTAssertEqual(eval.status, 0, eval.standardError)
    let result = try JSONSerialization.jsonObject(with: Data(eval.standardOutput.utf8)) as? [String: Any]
    XCTAssertEqual(result?["count"] as? Int, 10_000)
    let accuracy = try XCTUnwrap(result?["accuracy"] as? Double)
    XCTAssertTrue((0...1).contains(accuracy))

    let input = directory.appendingPathComponent("x.safetensors")
    let output = directory.appendingPathComponent("y.safetensors")
    var generator = SeededGenerator(seed: 4)
    let x = Tensor.randomUniform([3, 1, 28, 28], using: &generator)
    try SafetensorsFile.write([(name: "input", tensor: x, dtype: .f32)], to: input)
    let infer = try convnet(["infer", "--weights", weights, "--input", input.path, "--output", output.path])
    XCTAssertEqual(infer.status, 0, infer.standardError)
    let logits = try SafetensorsFile.read(from: output).tensor(named: "output")
    let model = LeNet5()
    try Checkpoint.loadWeights(into: model, from: URL(fileURLWithPath: weights))
    model.eval()
    let expected = withoutGradients { model(Variable(x)) }.value
    XCTAssertEqual(logits.shape, [3, 10])
    XCTAssertEqual(logits, expected)
  }

  /// `convnet infer` on weights exported from PyTorch (the resnet20 reference file made by
  /// Tests/ConvNetModelsTests/Fixtures/make_resnet_densenet_googlenet_references.py: its
  /// `model.*` tensors are the PyTorch state dict, `input`/`output` the eval-mode logits) gives
  /// PyTorch's logits within 1e-4 of the largest.
  func testInferMatchesPyTorchOnExportedWeights() throws {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../ConvNetModelsTests/Fixtures/resnet/resnet20.safetensors")
    let reference = try SafetensorsFile.read(from: fixture)
    let directory = try temporaryDirectory()
    let weights = directory.appendingPathComponent("resnet20.safetensors")
    let input = directory.appendingPathComponent("input.safetensors")
    let output = directory.appendingPathComponent("output.safetensors")
    var stateDict: [(name: String, tensor: Tensor, dtype: SafetensorsDType)] = []
    for entry in reference.entries where entry.name.hasPrefix("model.") {
      stateDict.append(
        (String(entry.name.dropFirst(6)), try reference.tensor(named: entry.name), entry.dtype))
    }
    try SafetensorsFile.write(stateDict, to: weights)
    try SafetensorsFile.write(
      [(name: "input", tensor: try reference.tensor(named: "input"), dtype: .f32)], to: input)
    let run = try convnet([
      "infer", "--arch", "resnet20", "--weights", weights.path, "--input", input.path, "--output",
      output.path,
    ])
    XCTAssertEqual(run.status, 0, run.standardError)
    let logits = try SafetensorsFile.read(from: output).tensor(named: "output")
    let expected = try reference.tensor(named: "output")
    XCTAssertEqual(logits.shape, expected.shape)
    let largest = expected.scalars.map(abs).max() ?? 1
    assertClose(logits, expected, absoluteTolerance: 1e-4 * largest, relativeTolerance: 0)
  }

  /// Errors are one clear line on standard error and a non-zero exit status.
  func testErrorsNameTheProblem() throws {
    let directory = try temporaryDirectory()
    let missing = try convnet([
      "eval", "--weights", directory.appendingPathComponent("none.safetensors").path,
    ])
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(missing.standardError.contains("none.safetensors"), missing.standardError)

    let badArch = try convnet(["summary", "--arch", "lenet6"])
    XCTAssertNotEqual(badArch.status, 0)
    XCTAssertTrue(badArch.standardError.contains("unknown architecture \"lenet6\""), badArch.standardError)

    let garbage = directory.appendingPathComponent("garbage.safetensors")
    try Data([1, 2, 3]).write(to: garbage)
    let badWeights = try convnet(["eval", "--weights", garbage.path])
    XCTAssertNotEqual(badWeights.status, 0)
    XCTAssertTrue(badWeights.standardError.contains("garbage.safetensors"), badWeights.standardError)

    let emptyData = try convnet(["train", "--data", directory.path, "--max-steps", "1"])
    XCTAssertNotEqual(emptyData.status, 0)
    XCTAssertTrue(emptyData.standardError.contains(directory.lastPathComponent), emptyData.standardError)
  }
}
