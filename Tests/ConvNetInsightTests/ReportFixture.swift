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
    let train = DataLoader(dataset: try EmbeddedMNIST.load(.train).prefix(512), batchSize: 32, shuffle: true, seed: 7)
    let test = DataLoader(dataset: try EmbeddedMNIST.load(.test).prefix(200), batchSize: 100, shuffle: false)
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 0)
    let trainer = Trainer(model: model, optimizer: optimizer, trainLoader: train, testLoader: test, classCount: 10)
    var rows: [TrainingReport.EpochRow] = []
    try trainer.run(epochs: 2) { event in
      if case .epoch(let epoch, let trainLoss, let trainAccuracy, let result, let seconds, let learningRate) = event {
        rows.append(
          TrainingReport.EpochRow(
            epoch: epoch, trainLoss: Double(trainLoss), trainAccuracy: Double(trainAccuracy),
            testLoss: result.map { Double($0.loss) }, testAccuracy: result.map { Double($0.accuracy) },
            learningRate: Double(learningRate), seconds: seconds))
      }
    }
    let samples = classifyEachSample(model, on: test, classCount: 10)
    var report = TrainingReport(
      title: "LeNet-5 on MNIST — 训练报告",
      modelSummary: .shown(ModelSummaryTable(ModelSummary(model: model, sampleShape: [1, 28, 28]), architecture: "lenet5")),
      history: .shown(rows),
      curves: .missing(reason: "No curves in this test report."),
      evaluation: .shown(TrainingReport.Evaluation(datasetName: "mnist test (200 of 10000)", samples: samples)),
      featureMaps: .missing(reason: "No feature maps in this test report."),
      gradCAM: .missing(reason: "No Grad-CAM in this test report."))
    report.subtitle = "a test report made by ConvNetInsightTests"
    report.command = "convnet train --epochs 2 --batch-size 32 --data 'mnist <first 512>' --report report.html"
    report.settings = [(key: "architecture", value: "lenet5"), (key: "optimizer", value: "SGD lr 0.05 momentum 0.9")]
    report.classNames = classNames
    return report
  }
}
