import ConvNet
import Foundation
import TestSupport
import XCTest

/// Training thousands of short epochs keeps memory flat: `Trainer.run` must not keep every
/// epoch's evaluation (issue 12 §6 — ~1.4 KB per epoch, a 10×10 confusion matrix each).
/// Before the fix (`run` returned every epoch's result) it measured ~550 bytes per epoch.
final class TrainerMemoryTests: XCTestCase {
  func testManyShortEpochsKeepMemoryFlat() throws {
    let two = try EmbeddedMNIST.load(.test).prefix(2)
    let model = RandomSource.withSeed(1) { LeNet5() }
    let trainer = Trainer(
      model: model, optimizer: SGD(parameters: model.parameters, learningRate: 0),
      trainLoader: DataLoader(dataset: two, batchSize: 2), testLoader: DataLoader(dataset: two, batchSize: 2),
      classCount: 10)
    var atStart = 0
    var atEnd = 0
    var failure: Error?
    try trainer.run(epochs: 20_000) { event in
      guard case .epoch(let epoch, _, _, _, _, _) = event else { return }
      do {
        if epoch == 2_000 { atStart = try residentBytes() }
        if epoch == 20_000 { atEnd = try residentBytes() }
      } catch { failure = error }
    }
    if let failure { throw failure }
    let perEpoch = Double(atEnd - atStart) / 18_000
    XCTAssertLessThan(perEpoch, 100, "training gains \(perEpoch) bytes per epoch")
  }
}
