import ConvNetDraw
import ConvNetImage
import ConvNetInsight
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

final class PictureTests: XCTestCase {
  func testLeNet5FeatureMapGridsHaveOneLabelledTilePerMap() throws {
    let model = RandomSource.withSeed(31) { LeNet5() }
    let x = FeatureMapCaptureTests.input([1, 28, 28])
    let capture = try FeatureMapCapture.capture(model, input: x)
    let grids = capture.featureMaps.map { FeatureMapPictures.grid($0) }
    XCTAssertEqual(grids.map(\.title), ["features.0", "features.2", "features.3", "features.5"])
    XCTAssertEqual(grids.map(\.tiles.count), [6, 6, 16, 16])
    XCTAssertEqual(grids[2].tiles.map(\.label), (0..<16).map(String.init))
    XCTAssertTrue(grids[0].subtitle.hasPrefix("Conv2d(1, 6, kernel 5"), grids[0].subtitle)
    // With the input: one more tile, first, labelled "input".
    let image = Image(width: 28, height: 28, channels: 1, pixels: x.scalars)
    let withInput = FeatureMapPictures.grid(capture.featureMaps[0], input: image)
    XCTAssertEqual(withInput.tiles.map(\.label), ["input"] + (0..<6).map(String.init))
    // Each map is scaled from its minimum (0, black) to its maximum (1, white).
    let maps = capture.featureMaps[2]
    for channel in [0, 3, 15] {
      let values = maps.plane(channel: channel)
      let shown = maps.displayImage(channel: channel).pixels
      let (low, high) = (values.min()!, values.max()!)
      assertClose(shown, values.map { ($0 - low) / (high - low) }, absoluteTolerance: 1e-6)
    }
    XCTAssertNoThrow(try grids[3].render())
  }

  func testResNet18FeatureMapGridsHaveTheChannelsOfEachStage() throws {
    let model = RandomSource.withSeed(32) { ResNet(depth: .resNet18, inputChannels: 3, classCount: 10) }
    let capture = try FeatureMapCapture.capture(model, input: FeatureMapCaptureTests.input([3, 64, 64]))
    let grids = capture.featureMaps.map { FeatureMapPictures.grid($0) }
    // conv1, maxpool, layer1.0, layer1.1 (64 maps); then per stage: shortcut, block 0, block 1.
    XCTAssertEqual(
      grids.map(\.tiles.count), [64, 64, 64, 64, 128, 128, 128, 256, 256, 256, 512, 512, 512])
    XCTAssertEqual(grids[10].title, "layer4.0.downsample")
    XCTAssertEqual(grids[12].tiles.last?.label, "511")
    XCTAssertNoThrow(try grids[12].render())
  }

  func testFilterTilesFollowTheLayerShape() throws {
    let lenet = RandomSource.withSeed(33) { LeNet5() }
    let first = try FilterTiles(model: lenet)
    XCTAssertEqual(first.layerName, "features.0")
    XCTAssertEqual(first.layout, .perInputChannel)
    XCTAssertEqual(first.tiles.map(\.label), (0..<6).map { "0→\($0)" })
    let second = try FilterTiles(model: lenet, layer: "features.3")
    XCTAssertEqual(second.tiles.count, 16 * 6)
    XCTAssertEqual(second.suggestedColumns, 6)
    // Shared symmetric scale: w ↦ 0.5 + 0.5·w / max|w| over the layer.
    let w = lenet.features[3].ownParameters[0].parameter.value
    let largest = w.scalars.map(abs).max()!
    XCTAssertEqual(second.tiles[7].label, "1→1")
    assertClose(second.tiles[7].image.pixels, (0..<25).map { 0.5 + 0.5 * w[1, 1, $0 / 5, $0 % 5] / largest })

    let resnet = RandomSource.withSeed(34) { ResNet(depth: .resNet18, inputChannels: 3, classCount: 10) }
    let colour = try FilterTiles(model: resnet)
    XCTAssertEqual(colour.layerName, "conv1")
    XCTAssertEqual(colour.layout, .colour)
    XCTAssertEqual(colour.tiles.count, 64)
    XCTAssertEqual(colour.tiles[0].image.channels, 3)
    let filter = Array(resnet.conv1.weight.value.scalars[(5 * 147)..<(6 * 147)])
    let (low, high) = (filter.min()!, filter.max()!)
    assertClose(colour.tiles[5].image.pixels, filter.map { ($0 - low) / (high - low) })
    let deep = try FilterTiles(model: resnet, layer: "layer4.0.conv2")
    XCTAssertEqual(deep.layout, .averagedOverInputs)
    XCTAssertEqual(deep.tiles.count, 512)
    XCTAssertThrowsError(try FilterTiles(model: resnet, layer: "layer4.0.bn1")) {
      XCTAssertTrue("\($0)".contains("not a convolution"), "\($0)")
    }
  }

  func testConnectionTableFiltersShowOnlyConnectedPairs() throws {
    let model = RandomSource.withSeed(35) { LeNet1998() }
    let filters = try FilterTiles(model: model, layer: "c3")
    XCTAssertEqual(filters.tiles.count, 6 * 3 + 9 * 4 + 6)
    XCTAssertEqual(filters.tiles.prefix(3).map(\.label), ["0→0", "1→0", "2→0"])
  }

  func testPicturesAreWrittenAsPNGFilesThatDecode() throws {
    let model = RandomSource.withSeed(36) { LeNet5() }
    let x = FeatureMapCaptureTests.input([1, 28, 28])
    let image = Image(width: 28, height: 28, channels: 1, pixels: x.scalars)
    let capture = try FeatureMapCapture.capture(model, input: x)
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("insight-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try FeatureMapPictures.write(capture.featureMaps, input: image, to: directory)
    XCTAssertEqual(
      files.map(\.lastPathComponent),
      ["00-input.png", "01-features.0.png", "02-features.2.png", "03-features.3.png", "04-features.5.png"])
    let decoded = try ImageDecoder.decode(contentsOf: files[1])
    let canvas = try FeatureMapPictures.grid(capture.featureMaps[0], input: image).render()
    XCTAssertEqual(decoded, canvas.image())

    let cam = try GradCAM(model: model, input: x)
    let camURL = directory.appendingPathComponent("cam.png")
    try GradCAMPicture.write(cam, image: image, to: camURL)
    let camImage = try ImageDecoder.decode(contentsOf: camURL)
    XCTAssertGreaterThan(camImage.width, 2 * 224)
  }
}
