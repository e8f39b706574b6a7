import ConvNetBase
import ConvNetImage
import TestSupport
import XCTest

/// The seeded pipeline and the command-line spec parser.
final class TransformPipelineTests: XCTestCase {
  private let courseSpec = "crop:32:4,flip-h,rotate:10,translate:0.1,scale:0.1,clahe,erase:0.5"

  private func noiseImage(seed: UInt64) -> Image {
    var generator = SeededGenerator(seed: seed)
    return Image(
      width: 32, height: 32, channels: 3, pixels: (0..<3072).map { _ in generator.nextUnitFloat() })
  }

  func testSameSeedReproducesAndDifferentSeedsDiffer() throws {
    let pipeline = try TransformPipeline(parsing: courseSpec)
    let image = noiseImage(seed: 1)
    var first = SeededGenerator(seed: 7)
    var second = SeededGenerator(seed: 7)
    var other = SeededGenerator(seed: 8)
    let a = pipeline.apply(image, using: &first)
    XCTAssertEqual(a, pipeline.apply(image, using: &second))
    XCTAssertNotEqual(a, pipeline.apply(image, using: &other))
    XCTAssertEqual([a.width, a.height, a.channels], [32, 32, 3])
    // The generator moves on, so the next sample is augmented differently.
    XCTAssertNotEqual(a, pipeline.apply(image, using: &first))
  }

  func testPipelineAppliesStepsInOrder() {
    let image = Image(width: 3, height: 1, channels: 1, pixels: [0.2, 0.4, 0.6])
    let pipeline = TransformPipeline([
      RandomHorizontalFlip(1), CenterCrop(width: 2, height: 1), Normalize(mean: [0.5], std: [0.1]),
    ])
    var generator = SeededGenerator(seed: 0)
    // Flip → 0.6, 0.4, 0.2; centre crop at ⌊1/2⌋ = 0 → 0.6, 0.4; normalise → 1, −1.
    assertClose(pipeline.apply(image, using: &generator).pixels, [1, -1])
    XCTAssertEqual(TransformPipeline([]).apply(image, using: &generator), image)
  }

  func testParserBuildsTheStepsAndMergesAdjacentAffineParts() throws {
    let transforms = try TransformSpecParser.parse(courseSpec)
    XCTAssertEqual(transforms.count, 5)
    let crop = try XCTUnwrap(transforms[0] as? RandomCrop)
    XCTAssertEqual([crop.size, crop.padding], [32, 4])
    XCTAssertEqual((transforms[1] as? RandomHorizontalFlip)?.p, 0.5)
    let affine = try XCTUnwrap(transforms[2] as? RandomAffine)
    XCTAssertEqual(
      [affine.degrees, affine.translate, affine.scale, affine.shear], [10, 0.1, 0.1, 0])
    let clahe = try XCTUnwrap(transforms[3] as? CLAHE)
    XCTAssertEqual([clahe.tileColumns, clahe.tileRows], [8, 8])
    XCTAssertEqual(clahe.clipLimit, 2)
    XCTAssertEqual((transforms[4] as? RandomErasing)?.p, 0.5)

    // Repeating a part starts a new RandomAffine; other steps in between also split.
    let split = try TransformSpecParser.parse("rotate:5, rotate:10,flip-v:0.25,scale:0.2")
    XCTAssertEqual(split.compactMap { ($0 as? RandomAffine)?.degrees }, [5, 10, 0])
    XCTAssertEqual((split[2] as? RandomVerticalFlip)?.p, 0.25)
    XCTAssertEqual((split[3] as? RandomAffine)?.scale, 0.2)
  }

  func testParserReadsEveryStepName() throws {
    let spec =
      "resize:256,resize:40:30,center-crop:224,center-crop:20:10,resized-crop:224:0.2,"
      + "shear:5,contrast-norm:3,clahe:3:4,jitter:0.2:0.1,normalize:imagenet,normalize:0.5:0.25"
    let transforms = try TransformSpecParser.parse(spec)
    XCTAssertEqual((transforms[0] as? Resize)?.target, .shorterSide(256))
    XCTAssertEqual((transforms[1] as? Resize)?.target, .size(width: 40, height: 30))
    XCTAssertEqual((transforms[2] as? CenterCrop).map { [$0.width, $0.height] }, [224, 224])
    XCTAssertEqual((transforms[3] as? CenterCrop).map { [$0.width, $0.height] }, [20, 10])
    XCTAssertEqual((transforms[4] as? RandomResizedCrop)?.scale, 0.2...1)
    XCTAssertEqual((transforms[5] as? RandomAffine)?.shear, 5)
    XCTAssertEqual((transforms[6] as? ContrastNormalization)?.k, 3)
    XCTAssertEqual((transforms[7] as? CLAHE).map { [$0.tileColumns, $0.tileRows] }, [4, 4])
    XCTAssertEqual(
      (transforms[8] as? ColorJitter).map { [$0.brightness, $0.contrast] }, [0.2, 0.1])
    XCTAssertEqual((transforms[9] as? Normalize)?.std, [0.229, 0.224, 0.225])
    XCTAssertEqual((transforms[10] as? Normalize)?.mean, [0.5])
    XCTAssertTrue(try TransformSpecParser.parse("  ").isEmpty)
  }

  func testParserErrorsNameTheTokenAndWhatWasExpected() {
    let cases: [(spec: String, token: String, mentions: [String])] = [
      (
        "crop:32:4,rotat:10", "rotat:10", ["unknown transform \"rotat\"", "rotate:D", "flip-h[:P]"]
      ),
      ("rotate:abc", "rotate:abc", ["argument 1 \"abc\"", "degrees"]),
      ("crop:32:4:1", "crop:32:4:1", ["1 to 2 arguments", "got 3", "crop:S[:P]"]),
      ("crop:0", "crop:0", ["whole number ≥ 1"]),
      ("flip-h:2", "flip-h:2", ["probability in [0, 1]"]),
      ("translate:nan", "translate:nan", ["fraction"]),
      ("crop:32,,flip-h", "", ["empty step"]),
      ("flip-h,", "", ["empty step"]),
      ("normalize:foo", "normalize:foo", ["imagenet"]),
      ("rotate", "rotate", ["takes 1 argument", "got 0"]),
      ("scale:1", "scale:1", ["[0, 1)"]),
    ]
    for test in cases {
      XCTAssertThrowsError(try TransformPipeline(parsing: test.spec), test.spec) { error in
        guard let specError = error as? TransformSpecError else {
          return XCTFail("\(test.spec): unexpected error type \(error)")
        }
        XCTAssertEqual(specError.token, test.token, test.spec)
        let message = specError.description
        XCTAssertTrue(message.contains("\"\(test.token)\""), message)
        for fragment in test.mentions {
          XCTAssertTrue(message.contains(fragment), "\(test.spec): \(message) lacks \(fragment)")
        }
      }
    }
  }

  func testValidationReportsChannelMismatchesBeforeTraining() throws {
    let pipeline = try TransformPipeline(parsing: "flip-h,normalize:imagenet")
    XCTAssertNoThrow(try pipeline.validate(channels: 3))
    XCTAssertThrowsError(try pipeline.validate(channels: 1)) { error in
      XCTAssertEqual(
        (error as? ImageTransformError)?.description,
        "Normalize: mean has 3 values but the images have 1 channel; expected 1 value")
    }
    XCTAssertNoThrow(try TransformPipeline(parsing: "normalize:0.5:0.2").validate(channels: 1))
    let twoChannels = Normalize(mean: [0.1, 0.2], std: [1, 1])
    XCTAssertThrowsError(try twoChannels.validate(channels: 3)) { error in
      XCTAssertEqual(
        (error as? ImageTransformError)?.description,
        "Normalize: mean has 2 values but the images have 3 channels; expected 1 value or 3")
    }
  }
}
