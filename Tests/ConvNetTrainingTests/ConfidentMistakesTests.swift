import ConvNet
import Foundation
import XCTest

final class ConfidentMistakesTests: XCTestCase {
  /// A linear "model" whose class-1 logit is the top-left pixel (in 0…1) times ln 9 and class-0
  /// logit 0: pixel value v gives p(1) = 9^v / (9^v + 1). Pixels 255 → p(1) = 9/10, 0 → p(1) = 1/2
  /// (argmax ties go to class 0), 128 → 9^(128/255)/(…) ≈ 0.7513.
  func testMostConfidentMistakesByHand() {
    let linear = Linear(4, 2)
    linear.weight.value = Tensor(shape: [2, 4], scalars: [0, 0, 0, 0, Float(log(9.0)), 0, 0, 0])
    linear.bias!.value = Tensor.zeros([2])
    let model = Sequential {
      Flatten()
      linear
    }
    // Samples: 0: v=255 label 0 (wrong, 0.9); 1: v=255 label 1 (right); 2: v=0 label 1 (wrong,
    // predicted 0 with 1/2); 3: v=128 label 0 (wrong, ≈ 0.7513); 4: v=255 label 0 (wrong, 0.9).
    let values: [UInt8] = [255, 255, 0, 128, 255]
    let dataset = ImageClassificationDataset(
      name: "tiny", pixels: values.flatMap { [$0, 0, 0, 0] }, labels: [0, 1, 1, 0, 0],
      sampleShape: [1, 2, 2], classCount: 2)
    let loader = DataLoader(dataset: dataset, batchSize: 2, shuffle: false)
    model.train()
    let mistakes = mostConfidentMistakes(model, on: loader, classCount: 2, limit: 3)
    XCTAssertTrue(model.isTraining)
    XCTAssertEqual(mistakes.map(\.index), [0, 4, 3])
    XCTAssertEqual(mistakes.map(\.trueLabel), [0, 0, 0])
    XCTAssertEqual(mistakes.map(\.predictedLabel), [1, 1, 1])
    XCTAssertEqual(mistakes[0].probability, 0.9, accuracy: 1e-6)
    XCTAssertEqual(mistakes[0].trueProbability, 0.1, accuracy: 1e-6)
    let middle = pow(9.0, 128.0 / 255.0)
    XCTAssertEqual(mistakes[2].probability, Float(middle / (middle + 1)), accuracy: 1e-6)
    let all = mostConfidentMistakes(model, on: loader, classCount: 2, limit: 10)
    XCTAssertEqual(all.map(\.index), [0, 4, 3, 2])
    XCTAssertEqual(all[3].probability, 0.5, accuracy: 1e-6)
    XCTAssertEqual(mostConfidentMistakes(model, on: loader, classCount: 2, limit: 0), [])
  }
}
