import ConvNetImage
import Foundation
import XCTest

/// One entry of Fixtures/manifest.json, written by Fixtures/make_fixtures.py.
struct Fixture: Decodable {
  let file: String
  let kind: String
  let width: Int
  let height: Int
  let channels: Int
  /// Bits per reference sample: 8 or 16.
  let bits: Int
  let reference: String

  static let all: [Fixture] = {
    guard let url = Bundle.module.url(forResource: "Fixtures/manifest", withExtension: "json"),
      let data = try? Data(contentsOf: url),
      let fixtures = try? JSONDecoder().decode([Fixture].self, from: data)
    else { return [] }
    return fixtures
  }()

  static func url(_ name: String) -> URL? {
    Bundle.module.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(name)
  }

  static func bytes(_ name: String) throws -> [UInt8] {
    guard let url = url(name) else { throw CocoaError(.fileNoSuchFile) }
    return [UInt8](try Data(contentsOf: url))
  }

  /// The reference samples, interleaved (HWC) as Pillow's `tobytes()`.
  func referenceSamples() throws -> [Int] {
    let raw = try Fixture.bytes(reference)
    if bits == 8 { return raw.map(Int.init) }
    return stride(from: 0, to: raw.count - 1, by: 2).map { Int(raw[$0]) | Int(raw[$0 + 1]) << 8 }
  }

  /// The image's samples in the reference's order and scale (0…255 or 0…65535).
  func samples(of image: Image) -> [Int] {
    let scale = Float(bits == 8 ? 255 : 65535)
    var out: [Int] = []
    out.reserveCapacity(image.pixels.count)
    for y in 0..<image.height {
      for x in 0..<image.width {
        for c in 0..<image.channels { out.append(Int((image[c, y, x] * scale).rounded())) }
      }
    }
    return out
  }
}

/// Asserts that decoding `body` throws an `ImageDecodingError` of `kind` whose description
/// contains every string in `fragments`.
func assertDecodingError(
  _ kind: ImageDecodingError.Kind, containing fragments: [String],
  file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Image
) {
  do {
    let image = try body()
    XCTFail("expected an error, decoded \(image.width)×\(image.height)", file: file, line: line)
  } catch let error as ImageDecodingError {
    XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(
        error.description.contains(fragment), "“\(error)” lacks “\(fragment)”",
        file: file, line: line)
    }
  } catch {
    XCTFail("unexpected error type: \(error)", file: file, line: line)
  }
}
