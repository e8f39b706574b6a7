import ConvNetTensor
import XCTest

/// Writing a tensor through any public write path leaves every copy of it — a plain copy, a
/// reshaped view, another tensor over the same storage — as it was, and the written tensor
/// holds the new values.
final class CopyOnWriteTests: XCTestCase {
  /// Every public way to write elements, each changing element 0 of [1, 2, 3, 4] to 9 (or, for
  /// the in-place arithmetic, adding to every element).
  static let writePaths: [(name: String, write: (inout Tensor) -> Void, expected: [Float])] = [
    ("subscript", { $0[0] = 9 }, [9, 2, 3, 4]),
    ("withUnsafeMutableBufferPointer", { $0.withUnsafeMutableBufferPointer { $0[0] = 9 } }, [9, 2, 3, 4]),
    ("uniqueElements", { $0.uniqueElements()[0] = 9 }, [9, 2, 3, 4]),
    ("+=", { $0 += Tensor(shape: [4], scalars: [8, 0, 0, 0]) }, [9, 2, 3, 4]),
    ("addScaled", { $0.addScaled(Tensor(shape: [4], scalars: [4, 0, 0, 0]), scale: 2) }, [9, 2, 3, 4]),
  ]

  func testWritingTheOriginalLeavesACopyUnchanged() {
    for path in Self.writePaths {
      var original = Tensor(shape: [4], scalars: [1, 2, 3, 4])
      let copy = original
      path.write(&original)
      XCTAssertEqual(copy.scalars, [1, 2, 3, 4], path.name)
      XCTAssertEqual(original.scalars, path.expected, path.name)
    }
  }

  func testWritingACopyLeavesTheOriginalUnchanged() {
    for path in Self.writePaths {
      let original = Tensor(shape: [4], scalars: [1, 2, 3, 4])
      var copy = original
      path.write(&copy)
      XCTAssertEqual(original.scalars, [1, 2, 3, 4], path.name)
      XCTAssertEqual(copy.scalars, path.expected, path.name)
    }
  }

  /// A reshaped view and a tensor made over the same storage share it too.
  func testWritingLeavesViewsOfTheSameStorageUnchanged() {
    for path in Self.writePaths {
      var original = Tensor(shape: [4], scalars: [1, 2, 3, 4])
      let view = original.reshaped([2, 2])
      let sameStorage = Tensor(shape: [1, 4], storage: original.storage)
      path.write(&original)
      XCTAssertEqual(view.scalars, [1, 2, 3, 4], path.name)
      XCTAssertEqual(sameStorage.scalars, [1, 2, 3, 4], path.name)
      XCTAssertEqual(original.scalars, path.expected, path.name)
    }
  }

  /// A tensor that owns its storage alone is written in place: the check copies only when
  /// the storage is shared.
  func testAnUnsharedTensorIsWrittenInPlace() {
    for path in Self.writePaths {
      var tensor = Tensor(shape: [4], scalars: [1, 2, 3, 4])
      let storage = ObjectIdentifier(tensor.storage)
      path.write(&tensor)
      XCTAssertEqual(ObjectIdentifier(tensor.storage), storage, path.name)
    }
  }
}
