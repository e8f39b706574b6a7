import ConvNet
import Foundation
import XCTest

/// `convnet export`: the file it writes holds the weights it was given under their keys, with a
/// dynamic batch; bad flags are named. (That the graph computes what ConvNet computes is
/// ONNXExportRoundTripTests' job.)
final class ExportCLITests: XCTestCase {
  private func lenetWeights(in directory: URL) throws -> (url: URL, state: [String: Tensor]) {
    let model = RandomSource.withSeed(5) { LeNet5(inputChannels: 1, classCount: 10) }
    let state = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    let url = directory.appendingPathComponent("lenet.safetensors")
    try writeStateDict(state, to: url)
    return (url, state)
  }

  func testExportWritesTheWeightsUnderTheirKeys() throws {
    let directory = try makeTemporaryDirectory()
    let (weights, state) = try lenetWeights(in: directory)
    let out = directory.appendingPathComponent("lenet.onnx")
    let run = try ConvNetExecutable.run(
      ["export", "--arch", "lenet5", "--weights", weights.path, "--out", out.path, "--opset", "18"])
    XCTAssertEqual(run.status, 0, run.standardError)
    XCTAssertTrue(
      run.standardError.contains("wrote \(out.path): lenet5, input batch×1×28×28"), run.standardError)
    let model = try ONNXModelFile.read(out)
    XCTAssertEqual(model.opsetImport.first?.version, 18)
    XCTAssertEqual(model.graph.input.first?.type.tensorType.shape.dim.map(\.dimParam), ["batch", "", "", ""])
    XCTAssertEqual(model.graph.input.first?.type.tensorType.shape.dim.map(\.dimValue), [0, 1, 28, 28])
    XCTAssertEqual(model.graph.output.first?.type.tensorType.shape.dim.map(\.dimValue), [0, 10])
    let initializers = model.graph.initializer.filter { !$0.name.contains("/") }
    XCTAssertEqual(Set(initializers.map(\.name)), Set(state.keys))  // LeNet-5 has no buffers
    for initializer in initializers {
      let expected = try XCTUnwrap(state[initializer.name])
      XCTAssertEqual(try initializer.floatTensor().scalars, expected.scalars, initializer.name)
    }
    XCTAssertEqual(model.graph.node.filter { $0.opType == "Conv" }.count, 2)
  }

  func testBadFlagsAreNamed() throws {
    let directory = try makeTemporaryDirectory()
    let (weights, _) = try lenetWeights(in: directory)
    let out = directory.appendingPathComponent("x.onnx").path
    let opset = try ConvNetExecutable.run(
      ["export", "--arch", "lenet5", "--weights", weights.path, "--out", out, "--opset", "9"])
    XCTAssertEqual(opset.status, 2)
    XCTAssertTrue(opset.standardError.contains("--opset 9: expected 14…21"), opset.standardError)
    let size = try ConvNetExecutable.run(
      ["export", "--arch", "lenet5", "--weights", weights.path, "--out", out, "--input", "1x32x32"])
    XCTAssertEqual(size.status, 1)
    XCTAssertTrue(size.standardError.contains("--input 1x32x32"), size.standardError)
    let folder = try ConvNetExecutable.run(
      ["export", "--arch", "lenet5", "--weights", weights.path, "--out", "/nonexistent/x.onnx"])
    XCTAssertEqual(folder.status, 1)
    XCTAssertTrue(folder.standardError.contains("/nonexistent/x.onnx"), folder.standardError)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out))
  }
}
