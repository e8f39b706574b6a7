import ConvNetAutograd
import ConvNetNN
import XCTest

/// Stateless layers and containers declare no `isTraining`; the default keeps their mode.
final class TrainingModeTests: XCTestCase {
  func testEvalAndTrainReachModulesThatDeclareNoMode() {
    let relu = ReLU()
    let inner = Sequential {
      Linear(2, 2)
      relu
    }
    let dropout = Dropout(0.5)
    let model = Sequential {
      inner
      dropout
      Flatten()
    }
    XCTAssertTrue(model.namedModules().allSatisfy { $0.module.isTraining }, "new modules train")
    model.eval()
    XCTAssertEqual(
      model.namedModules().map { $0.module.isTraining }, [false, false, false, false, false, false])
    model.train()
    XCTAssertTrue(model.namedModules().allSatisfy { $0.module.isTraining })
    relu.isTraining = false
    XCTAssertFalse(relu.isTraining)
    XCTAssertTrue(inner.isTraining, "switching one module leaves the others")
  }

  /// Modules switched to evaluation and then freed leave nothing behind: new modules, some at
  /// the freed modules' addresses, start in training mode.
  func testANewModuleAtAFreedModulesAddressStartsTraining() throws {
    var freedAddresses = Set<ObjectIdentifier>()
    for _ in 0..<200 {
      let relu = ReLU()
      relu.isTraining = false
      freedAddresses.insert(ObjectIdentifier(relu))
    }
    var reused = 0
    for _ in 0..<200 {
      let relu = ReLU()
      if freedAddresses.contains(ObjectIdentifier(relu)) { reused += 1 }
      XCTAssertTrue(relu.isTraining)
    }
    if reused == 0 { throw XCTSkip("the allocator gave no freed address back; nothing was tested") }
  }
}
