import ConvNet
import Foundation

/// A real report of a real (short) run: LeNet-5 trained for two epochs on 512 MNIST digits,
/// evaluated on the first 200 test digits, its classes named in Chinese (零 … 九) so that the
/// page exercises the CJK font stack. Made once and shared by the tests.
enum ReportFixture {
  static let classNames = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

  static func report() throws -> TrainingReport { try made.get() }

  private static let made = Result { try make() }

  private static func make() throws -> TrainingReport {
    let architecture = try Architectures.named("lenet5")
    let model = RandomSource.withSeed(7) { architecture.build(inputChannels: 1, classCount: 10) }
    let train = DataLoader(
      dataset: try EmbeddedMNIST.load(.train).prefix(512), batchSize: 32, shuffle: true, seed: 7)
    let test = try EmbeddedMNIST.load(.test).prefix(200)
    let testLoader = DataLoader(dataset: test, batchSize: 100, shuffle: false)
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 0)
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: train, testLoader: testLoader, classCount: 10)
    let recorder = HistoryRecorder(
      stepsPerEpoch: train.batchCount, stepInterval: 4, learningRate: { optimizer.learningRate })
    var entries: [HistoryEntry] = []
    try trainer.run(epochs: 2) { event in
      if let entry = recorder.record(event) { entries.append(entry) }
    }
    let description = RunDescription(
      architecture: "lenet5", parameterCount: model.parameterCount,
      settings: ["epochs": "2", "batch-size": "32", "lr": "0.05", "momentum": "0.9", "optimizer": "sgd"],
      dataset: RunDescription.Dataset(
        name: "mnist train (512 of 60000)", trainCount: 512, testCount: 200, sampleShape: [1, 28, 28],
        classCount: 10, classNames: classNames),
      command: ["convnet", "train", "--epochs", "2", "--batch-size", "32", "--report", "报告.html"],
      started: Date(timeIntervalSince1970: 1_796_000_000))
    var maker = TrainingReportMaker(
      description: description, history: .shown(TrainingHistory(entries: entries)), architecture: "lenet5",
      model: model, testSet: .shown(test), transform: .unitRange, classCount: 10)
    maker.runLocation = "a test report made by ConvNetInsightTests"
    return maker.make(made: Date(timeIntervalSince1970: 1_796_000_100))
  }
}
