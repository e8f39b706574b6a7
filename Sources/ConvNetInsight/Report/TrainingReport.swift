import ConvNetTraining
import Foundation

/// Everything the training report shows, gathered; `document()` lays it out as one HTML page.
///
/// Gathering (running the model, drawing pictures) and laying out are apart, so that the page
/// can be tested with hand-made numbers. A part that could not be made is `.missing` with the
/// reason, and the page says so in that part's place.
public struct TrainingReport {
  /// One epoch of the training history, as the report's table lists it.
  public struct EpochRow {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testLoss: Double?
    public var testAccuracy: Double?
    public var learningRate: Double?
    public var seconds: Double?

    public init(
      epoch: Int, trainLoss: Double, trainAccuracy: Double, testLoss: Double? = nil,
      testAccuracy: Double? = nil, learningRate: Double? = nil, seconds: Double? = nil
    ) {
      self.epoch = epoch
      self.trainLoss = trainLoss
      self.trainAccuracy = trainAccuracy
      self.testLoss = testLoss
      self.testAccuracy = testAccuracy
      self.learningRate = learningRate
      self.seconds = seconds
    }
  }

  /// The model's predictions on the test set.
  public struct Evaluation {
    /// E.g. "mnist test".
    public var datasetName: String
    public var samples: ClassifiedSamples
    /// PNG thumbnails of the shown samples, by dataset index.
    public var thumbnails: [Int: [UInt8]]
    /// Scale thumbnails up with hard pixel edges (small images such as 28×28 digits).
    public var pixelatedThumbnails: Bool

    public init(
      datasetName: String, samples: ClassifiedSamples, thumbnails: [Int: [UInt8]] = [:],
      pixelatedThumbnails: Bool = true
    ) {
      self.datasetName = datasetName
      self.samples = samples
      self.thumbnails = thumbnails
      self.pixelatedThumbnails = pixelatedThumbnails
    }
  }

  public var title: String
  /// E.g. the run folder and when the report was made.
  public var subtitle: String?
  /// The command line that trained the network, as typed.
  public var command: String?
  /// The run's settings, in a meaningful order (architecture, data, optimiser, …).
  public var settings: [(key: String, value: String)] = []
  /// `classNames[k]` names label k; empty: labels are shown as numbers.
  public var classNames: [String] = []
  public var modelSummary: ReportPart<ModelSummaryTable>
  public var history: ReportPart<[EpochRow]>
  /// Loss and accuracy curves (PNG).
  public var curves: ReportPart<[HTMLFigure]>
  public var evaluation: ReportPart<Evaluation>
  /// A drawn heat map of the confusion matrix, for class counts too large for a table.
  public var confusionPicture: HTMLFigure?
  /// Feature-map grids of test images (PNG).
  public var featureMaps: ReportPart<[HTMLFigure]>
  /// Grad-CAM heat maps over test images (PNG).
  public var gradCAM: ReportPart<[HTMLFigure]>
  /// How many correct and how many wrong predictions the samples section shows.
  public var shownCorrect = 8
  public var shownWrong = 8
  /// Confusion matrices with at most this many classes are a table of numbers; larger ones
  /// are shown as `confusionPicture`.
  public var largestConfusionTable = 20

  public init(
    title: String, modelSummary: ReportPart<ModelSummaryTable>, history: ReportPart<[EpochRow]>,
    curves: ReportPart<[HTMLFigure]>, evaluation: ReportPart<Evaluation>,
    featureMaps: ReportPart<[HTMLFigure]>, gradCAM: ReportPart<[HTMLFigure]>
  ) {
    self.title = title
    self.modelSummary = modelSummary
    self.history = history
    self.curves = curves
    self.evaluation = evaluation
    self.featureMaps = featureMaps
    self.gradCAM = gradCAM
  }

  /// The section ids, in page order.
  public static let sectionIDs = [
    "overview", "model", "curves", "confusion", "per-class", "samples", "feature-maps", "grad-cam",
  ]

  /// The name of class `label`: its name from the data, else the number.
  public func className(_ label: Int) -> String {
    label >= 0 && label < classNames.count ? classNames[label] : String(label)
  }

  /// The page.
  public func document() -> HTMLDocument {
    var page = HTMLDocument(title: title, subtitle: subtitle)
    page.append(HTMLSection(id: "overview", title: "Overview", blocks: overview()))
    page.append(HTMLSection(id: "model", title: "Model", blocks: model()))
    page.append(HTMLSection(id: "curves", title: "Training curves", blocks: trainingCurves()))
    page.append(HTMLSection(id: "confusion", title: "Confusion matrix", blocks: confusion()))
    page.append(HTMLSection(id: "per-class", title: "Per-class accuracy", blocks: perClass()))
    page.append(HTMLSection(id: "samples", title: "Sample predictions", blocks: samples()))
    page.append(
      HTMLSection(
        id: "feature-maps", title: "Feature maps",
        blocks: figures(
          featureMaps,
          intro: "What each layer's channels respond to in a test image: every map is "
            + "scaled to its own minimum (black) and maximum (white).")))
    page.append(
      HTMLSection(
        id: "grad-cam", title: "Grad-CAM",
        blocks: figures(
          gradCAM,
          intro: "Where the network looked (Selvaraju et al. 2017): the last convolutional "
            + "block's channels weighted by the gradient of the class score, blended over the input.")))
    return page
  }

  private func overview() -> [HTMLBlock] {
    var metrics: [HTMLMetric] = []
    if let evaluation = evaluation.value {
      let result = evaluation.samples.result
      metrics.append(
        HTMLMetric(
          label: "test accuracy", value: NumberText.percent(Double(result.accuracy)),
          detail: evaluation.datasetName))
      metrics.append(
        HTMLMetric(
          label: "test loss", value: String(format: "%.4f", result.loss), detail: "mean cross-entropy"))
    }
    if let rows = history.value, let last = rows.last {
      metrics.append(
        HTMLMetric(
          label: "epochs", value: String(last.epoch),
          detail: String(format: "final train loss %.4f", last.trainLoss)))
      let seconds = rows.compactMap(\.seconds)
      if !seconds.isEmpty {
        metrics.append(
          HTMLMetric(label: "training time", value: Self.duration(seconds.reduce(0, +)), detail: "all epochs")
        )
      }
    }
    if let summary = modelSummary.value {
      metrics.append(HTMLMetric(label: "parameters", value: NumberText.count(summary.totalParameters)))
    }
    var blocks: [HTMLBlock] = metrics.isEmpty ? [] : [.metrics(metrics)]
    if let command {
      blocks.append(.code(command))
    } else {
      blocks.append(.missing("The run did not record its command line."))
    }
    if !settings.isEmpty { blocks.append(.keyValues(settings, monospaceValues: true)) }
    return blocks
  }

  private func model() -> [HTMLBlock] {
    switch modelSummary {
    case .missing(let reason): return [.missing(reason)]
    case .shown(let summary):
      return [
        .paragraph(
          "Each leaf layer with its PyTorch state-dict name, output shape for one sample, parameter "
            + "count (with the formula that gives it) and multiply-accumulates per sample."),
        .table(summary.htmlTable),
        .keyValues(summary.totals.map { (key: $0.label, value: $0.value) }, monospaceValues: false),
      ]
    }
  }

  private func trainingCurves() -> [HTMLBlock] {
    var blocks: [HTMLBlock] = []
    switch curves {
    case .shown(let figures): blocks.append(.figures(figures))
    case .missing(let reason): blocks.append(.missing(reason))
    }
    if case .shown(let rows) = history, !rows.isEmpty {
      let hasTest = rows.contains { $0.testLoss != nil }
      var columns = [
        HTMLTable.Column("epoch", numeric: true), .init("train loss", numeric: true),
        .init("train accuracy", numeric: true),
      ]
      if hasTest { columns += [.init("test loss", numeric: true), .init("test accuracy", numeric: true)] }
      columns += [.init("learning rate", numeric: true), .init("time", numeric: true)]
      let table = HTMLTable(
        columns: columns,
        rows: rows.map { row in
          var cells: [HTMLTable.Cell] = [
            .number(String(row.epoch)), .number(String(format: "%.4f", row.trainLoss)),
            .number(NumberText.percent(row.trainAccuracy)),
          ]
          if hasTest {
            cells += [
              .number(row.testLoss.map { String(format: "%.4f", $0) } ?? "–"),
              .number(row.testAccuracy.map { NumberText.percent($0) } ?? "–"),
            ]
          }
          cells += [
            .number(row.learningRate.map { String(format: "%.3g", $0) } ?? "–"),
            .number(row.seconds.map(Self.duration) ?? "–"),
          ]
          return cells
        }, caption: "Per epoch (test figures after each epoch's training)")
      blocks.append(.table(table))
    } else if case .missing(let reason) = history {
      blocks.append(.missing(reason))
    }
    return blocks
  }

  private func confusion() -> [HTMLBlock] {
    guard case .shown(let evaluation) = evaluation else { return [.missing(missingEvaluationReason)] }
    let matrix = evaluation.samples.result.confusion
    guard matrix.count <= largestConfusionTable else {
      if let confusionPicture { return [.figure(confusionPicture)] }
      return [
        .missing("\(matrix.count) classes are too many for a table, and no heat-map picture was drawn.")
      ]
    }
    let rows = matrix.enumerated().map { label, row -> [HTMLTable.Cell] in
      let total = max(1, row.reduce(0, +))
      return [.header(className(label))]
        + row.enumerated().map { predicted, count in
          // Shaded by the square root of the share of the true class's samples: rare classes show
          // as clearly as common ones, and a handful of confusions beside a full diagonal stays visible.
          HTMLTable.Cell.heat(
            String(count), intensity: (Double(count) / Double(total)).squareRoot(),
            tone: predicted == label ? .good : .bad)
        }
    }
    let columns =
      [HTMLTable.Column("true ↓ / predicted →")]
      + matrix.indices.map { HTMLTable.Column(className($0), numeric: true) }
    return [
      .paragraph(
        "Rows are the true classes, columns the predicted ones: the diagonal (green) counts correct "
          + "predictions, everything off it (red) a confusion. Shading grows with the share of the row's samples "
          + "(as its square root, so that a few confusions still show)."),
      .table(HTMLTable(columns: columns, rows: rows, caption: evaluation.datasetName, compact: true)),
    ]
  }

  private func perClass() -> [HTMLBlock] {
    guard case .shown(let evaluation) = evaluation else { return [.missing(missingEvaluationReason)] }
    let classes = ClassAccuracy.perClass(confusion: evaluation.samples.result.confusion)
    let rows = classes.map { entry -> [HTMLTable.Cell] in
      let accuracy = entry.accuracy
      let tone: HTMLBar.Tone = (accuracy ?? 0) >= Double(evaluation.samples.result.accuracy) ? .good : .bad
      return [
        .header(className(entry.label)), .number(NumberText.count(entry.samples)),
        .number(NumberText.count(entry.correct)),
        accuracy.map { .bar(fraction: $0, text: NumberText.percent($0), tone: tone) } ?? .text("no samples"),
        .text(entry.mostConfusedWith.map { "\(className($0.label)) (\(NumberText.count($0.count)))" } ?? "–"),
      ]
    }
    return [
      .note("Green: at or above the overall accuracy; red: below it."),
      .table(
        HTMLTable(
          columns: [
            .init("class"), .init("samples", numeric: true), .init("correct", numeric: true),
            .init("accuracy"),
            .init("most often mistaken for"),
          ], rows: rows)),
    ]
  }

  private func samples() -> [HTMLBlock] {
    guard case .shown(let evaluation) = evaluation else { return [.missing(missingEvaluationReason)] }
    let chosen = SampleShowcase.choose(
      from: evaluation.samples.predictions, correctCount: shownCorrect, wrongCount: shownWrong)
    var blocks: [HTMLBlock] = []
    if evaluation.thumbnails.isEmpty {
      blocks.append(
        .missing("No pictures of the test images were drawn; the predictions are listed without them."))
    }
    func card(_ prediction: SamplePrediction) -> HTMLCard {
      let figure = evaluation.thumbnails[prediction.index].map {
        HTMLFigure(
          png: $0, alternativeText: "test image \(prediction.index), class \(className(prediction.label))",
          pixelated: evaluation.pixelatedThumbnails)
      }
      let bars = prediction.top.prefix(3).map { entry in
        HTMLBar(
          label: className(entry.label), fraction: Double(entry.probability),
          valueText: NumberText.percent(Double(entry.probability), digits: 1),
          tone: entry.label == prediction.label
            ? .good : (entry.label == prediction.predicted ? .bad : .neutral))
      }
      return HTMLCard(
        figure: figure,
        title: prediction.isCorrect
          ? "✓ \(className(prediction.predicted))"
          : "✗ \(className(prediction.predicted)) (true: \(className(prediction.label)))",
        subtitle: prediction.isCorrect
          ? "image #\(prediction.index)"
          : "image #\(prediction.index) · true \(NumberText.percent(Double(prediction.labelProbability), digits: 1))",
        bars: bars, tone: prediction.isCorrect ? .good : .bad)
    }
    blocks.append(
      .paragraph("Softmax probabilities of the three most probable classes; the true class's bar is green."))
    if !chosen.correct.isEmpty {
      blocks.append(.note("Correct — the first test image of each class in turn:"))
      blocks.append(.cards(chosen.correct.map(card)))
    }
    if chosen.wrong.isEmpty {
      blocks.append(.note("The model classified every test image correctly: there are no mistakes to show."))
    } else {
      blocks.append(.note("Wrong — the most confident mistakes:"))
      blocks.append(.cards(chosen.wrong.map(card)))
    }
    return blocks
  }

  private func figures(_ part: ReportPart<[HTMLFigure]>, intro: String) -> [HTMLBlock] {
    switch part {
    case .missing(let reason): return [.missing(reason)]
    case .shown(let figures): return [.paragraph(intro), .figures(figures)]
    }
  }

  private var missingEvaluationReason: String {
    if case .missing(let reason) = evaluation { return reason }
    return ""
  }

  /// 4.25 → "4.2 s"; 75 → "1:15"; 3725 → "1:02:05".
  static func duration(_ seconds: Double) -> String {
    if seconds < 59.95 { return String(format: "%.1f s", seconds) }
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
      : String(format: "%d:%02d", total / 60, total % 60)
  }
}
