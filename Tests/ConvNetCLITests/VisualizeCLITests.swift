import ConvNet
import Foundation
import XCTest

/// `convnet visualize features|filters|cam` run as a user would, on seeded LeNet-5 weights.
final class VisualizeCLITests: XCTestCase {
  private func convnet(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let run = try ConvNetExecutable.run(arguments)
    return (run.status, run.standardOutput, run.standardError)
  }

  func testFeaturesFiltersAndCAMPictures() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-visualize-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let weights = folder.appendingPathComponent("lenet5.safetensors")
    let model = RandomSource.withSeed(41) { LeNet5() }
    try Checkpoint.save(model: model, architecture: "lenet5", epoch: 0, to: weights)
    // A 20×20 grey image with a bright bar: resized to LeNet-5's 28×28 on the way in.
    var pixels = [Float](repeating: 0, count: 400)
    for y in 4..<16 { for x in 9..<12 { pixels[y * 20 + x] = 1 } }
    let imageURL = folder.appendingPathComponent("bar.png")
    try Data(PNGEncoder.encode(Image(width: 20, height: 20, channels: 1, pixels: pixels))).write(to: imageURL)

    let out = folder.appendingPathComponent("maps")
    let features = try convnet([
      "visualize", "features", "--weights", weights.path, "--image", imageURL.path, "--out", out.path,
    ])
    XCTAssertEqual(features.status, 0, features.error)
    XCTAssertEqual(
      features.output.split(separator: "\n").map { URL(fileURLWithPath: String($0)).lastPathComponent },
      ["00-input.png", "01-features.0.png", "02-features.2.png", "03-features.3.png", "04-features.5.png"])
    let input = try ImageDecoder.decode(contentsOf: out.appendingPathComponent("00-input.png"))
    XCTAssertGreaterThan(input.width, 112)

    let filters = folder.appendingPathComponent("filters.png")
    let filterRun = try convnet([
      "visualize", "filters", "--weights", weights.path, "--layer", "features.3", "--out", filters.path,
    ])
    XCTAssertEqual(filterRun.status, 0, filterRun.error)
    XCTAssertTrue(filterRun.error.contains("96 tiles of features.3"), filterRun.error)
    XCTAssertNoThrow(try ImageDecoder.decode(contentsOf: filters))

    let cam = folder.appendingPathComponent("cam.png")
    let camRun = try convnet([
      "visualize", "cam", "--weights", weights.path, "--image", imageURL.path, "--class", "4", "--out",
      cam.path,
    ])
    XCTAssertEqual(camRun.status, 0, camRun.error)
    XCTAssertEqual(camRun.output.split(separator: "\n").count, 5, "the top-5 classes")
    XCTAssertTrue(camRun.error.contains("Grad-CAM of class 4 at features.4"), camRun.error)
    XCTAssertNoThrow(try ImageDecoder.decode(contentsOf: cam))

    let bad = try convnet([
      "visualize", "features", "--weights", weights.path, "--image", imageURL.path, "--layers", "conv9",
      "--out", out.path,
    ])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.error.contains("no layer named \"conv9\""), bad.error)
    let missing = try convnet([
      "visualize", "cam", "--weights", weights.path, "--image",
      folder.appendingPathComponent("none.png").path,
      "--out", cam.path,
    ])
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(missing.error.contains("none.png: cannot read the image file"), missing.error)
  }
}
