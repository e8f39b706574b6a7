import ConvNetData
import ConvNetDraw
import ConvNetImage
import ConvNetNN
import ConvNetTensor
import ConvNetTraining
import Foundation

/// Gathers a `TrainingReport` from a run: its description and history, the trained model and
/// its test set. It evaluates the model on every test image, and draws the pictures.
public struct TrainingReportMaker {
  /// The run's `run.json`, when there is one.
  public var description: RunDescription?
  /// The run's history, or why there is none.
  public var history: ReportPart<TrainingHistory>
  /// The `--arch` name.
  public var architecture: String
  /// The trained model (weights loaded).
  public var model: any Module
  /// The set to evaluate on (its pixels are read with `transform` for the model, and in
  /// [0, 1] for the pictures), or why there is none.
  public var testSet: ReportPart<any LabeledImageDataset>
  public var transform: PixelTransform
  public var classCount: Int
  /// Label names; when nil, the run description's or the dataset's are used, else numbers.
  public var classNames: [String]?
  /// Where the run's files are, for the page's subtitle.
  public var runLocation: String?
  /// How many test images get feature maps and a Grad-CAM.
  public var explainedImageCount = 3

  public init(
    description: RunDescription?, history: ReportPart<TrainingHistory>, architecture: String,
    model: any Module, testSet: ReportPart<any LabeledImageDataset>, transform: PixelTransform,
    classCount: Int
  ) {
    self.description = description
    self.history = history
    self.architecture = architecture
    self.model = model
    self.testSet = testSet
    self.transform = transform
    self.classCount = classCount
  }

  /// Evaluates the model and assembles the report (`made`: the time written on the page).
  public func make(made: Date = Date()) -> TrainingReport {
    let sampleShape = testSetValue?.sampleShape ?? description?.dataset?.sampleShape
    let summary: ReportPart<ModelSummaryTable> =
      sampleShape.map {
        .shown(ModelSummaryTable(ModelSummary(model: model, sampleShape: $0), architecture: architecture))
      }
      ?? .missing(reason: "The input shape is unknown: the run records no dataset and there is no test set.")

    let evaluation = evaluate()
    let explained = explainedSamples(evaluation.value)
    var report = TrainingReport(
      title: title, modelSummary: summary, history: epochRows(), curves: curves(),
      evaluation: evaluation, featureMaps: featureMaps(of: explained.first),
      gradCAM: gradCAM(of: explained))
    var subtitle = ["report made \(Self.readableTime(RunDescription.timestamp(made)))"]
    if let started = description?.started {
      subtitle.insert("run started \(Self.readableTime(started))", at: 0)
    }
    if let runLocation { subtitle.insert(runLocation, at: 0) }
    report.subtitle = subtitle.joined(separator: " · ")
    report.command = description.map { Self.commandLine($0.command) }
    report.settings = settings()
    report.classNames = resolvedClassNames ?? []
    report.confusionPicture = confusionPicture(evaluation.value, tableLimit: report.largestConfusionTable)
    return report
  }

  /// "2026-12-07T11:20:30Z" → "2026-12-07 11:20 UTC"; other text as it is.
  static func readableTime(_ timestamp: String) -> String {
    let parts = timestamp.split(separator: "T")
    guard parts.count == 2, timestamp.hasSuffix("Z"), parts[1].count >= 6 else { return timestamp }
    return "\(parts[0]) \(parts[1].prefix(5)) UTC"
  }

  /// The command as typed: the program by its name (argv[0] is often the full path of the
  /// executable, which says where it was built rather than what was run).
  static func commandLine(_ words: [String]) -> String {
    guard let program = words.first else { return "" }
    return ShellWords.join([URL(fileURLWithPath: program).lastPathComponent] + words.dropFirst())
  }

  private var testSetValue: (any LabeledImageDataset)? { testSet.value }

  private var title: String {
    if let dataset = description?.dataset { return "\(architecture) on \(dataset.name)" }
    return "\(architecture) training report"
  }

  private var resolvedClassNames: [String]? {
    if let classNames { return classNames }
    if let names = description?.dataset?.classNames { return names }
    return (testSetValue as? any ClassNamedDataset)?.classNames
  }

  /// The class names when the pictures' bitmap font can draw every one of them; else nil, so
  /// that pictures say "class 3" rather than a row of empty boxes (the page's captions, in the
  /// browser's fonts, name the class).
  private var drawableClassNames: [String]? {
    guard let names = resolvedClassNames else { return nil }
    let font = BitmapFont.standard.characters
    return names.allSatisfy { $0.allSatisfy(font.contains) } ? names : nil
  }

  private func className(_ label: Int) -> String {
    if let names = resolvedClassNames, label >= 0, label < names.count { return names[label] }
    return String(label)
  }

  /// The run's settings, the ones people look for first, then the rest alphabetically.
  private func settings() -> [(key: String, value: String)] {
    guard let description else { return [] }
    var pairs: [(key: String, value: String)] = [(key: "architecture", value: description.architecture)]
    if let dataset = description.dataset {
      var text = "\(dataset.name): \(NumberText.count(dataset.trainCount)) train"
      if let test = dataset.testCount { text += " / \(NumberText.count(test)) test" }
      text += " images, \(NumberText.shape(dataset.sampleShape)), \(dataset.classCount) classes"
      pairs.append((key: "dataset", value: text))
    }
    // A run described by its configuration alone (a library user's) lists it in words.
    if description.settings.isEmpty, let configuration = description.configuration {
      pairs += configuration.describedSettings.map { (key: $0.name, value: $0.value) }
    }
    let first = ["data", "epochs", "batch-size", "optimizer", "lr", "momentum", "weight-decay", "schedule"]
    // "arch" is the architecture, listed first already.
    let keys =
      first.filter { description.settings[$0] != nil }
      + description.settings.keys.filter { !first.contains($0) && $0 != "arch" }.sorted()
    pairs += keys.map { (key: $0, value: description.settings[$0] ?? "") }
    if let weights = description.weights { pairs.append((key: "weights", value: weights)) }
    if let commit = description.convnetCommit { pairs.append((key: "ConvNet commit", value: commit)) }
    for resume in description.resumes {
      pairs.append(
        (
          key: "resumed after epoch \(resume.afterEpoch)",
          value: "\(resume.started): \(Self.commandLine(resume.command))"
        ))
    }
    return pairs
  }

  private func epochRows() -> ReportPart<[TrainingReport.EpochRow]> {
    switch history {
    case .missing(let reason): return .missing(reason: reason)
    case .shown(let history):
      let rows = history.epochs.map { entry in
        TrainingReport.EpochRow(
          epoch: entry.epoch, trainLoss: Double(entry.trainLoss ?? .nan),
          trainAccuracy: Double(entry.trainAccuracy ?? .nan),
          testLoss: entry.testLoss.map(Double.init), testAccuracy: entry.testAccuracy.map(Double.init),
          learningRate: entry.learningRate.map(Double.init), seconds: entry.epochSeconds)
      }
      return rows.isEmpty ? .missing(reason: "The history holds no finished epoch yet.") : .shown(rows)
    }
  }

  private func evaluate() -> ReportPart<TrainingReport.Evaluation> {
    guard case .shown(let test) = testSet else {
      if case .missing(let reason) = testSet { return .missing(reason: reason) }
      return .missing(reason: "")
    }
    let loader = DataLoader(dataset: test, batchSize: 250, shuffle: false, transform: transform)
    let samples = classifyEachSample(model, on: loader, classCount: classCount)
    let chosen = SampleShowcase.choose(from: samples.predictions, correctCount: 8, wrongCount: 8)
    var thumbnails: [Int: [UInt8]] = [:]
    for prediction in chosen.correct + chosen.wrong {
      if let png = thumbnail(test, index: prediction.index) { thumbnails[prediction.index] = png }
    }
    let shape = test.sampleShape
    return .shown(
      TrainingReport.Evaluation(
        datasetName: test.name, samples: samples, thumbnails: thumbnails,
        pixelatedThumbnails: max(shape[1], shape[2]) < 64))
  }

  /// Test image `index` as a PNG, its pixels as stored (in [0, 1], before normalisation);
  /// nil for a channel count a PNG cannot hold.
  private func thumbnail(_ dataset: any LabeledImageDataset, index: Int) -> [UInt8]? {
    let shape = dataset.sampleShape
    guard shape.count == 3, (1...4).contains(shape[0]) else { return nil }
    var pixels = [Float](repeating: 0, count: shape[0] * shape[1] * shape[2])
    pixels.withUnsafeMutableBufferPointer {
      dataset.writeImage(at: index, into: $0.baseAddress!, transform: .unitRange)
    }
    return try? PNGEncoder.encode(
      Image(width: shape[2], height: shape[1], channels: shape[0], pixels: pixels))
  }

  /// The width the curves are drawn at: the page's column, so they show at natural size.
  public static let curvesWidth = 1080

  private func curves() -> ReportPart<[HTMLFigure]> {
    guard case .shown(let history) = history else {
      if case .missing(let reason) = history { return .missing(reason: reason) }
      return .missing(reason: "")
    }
    guard !history.entries.isEmpty else { return .missing(reason: "The history holds no lines yet.") }
    do {
      let canvas = try TrainingCurves.render(history, width: Self.curvesWidth, height: 420)
      var caption = "Train (blue) against test (orange), the marked lines per epoch."
      if !history.steps.isEmpty {
        caption += " The thin line is the training figure between epochs (the history's step lines)."
      }
      caption += " `convnet plot` draws the same from the history file."
      return .shown([
        HTMLFigure(
          png: [UInt8](canvas.pngData()), alternativeText: "loss and accuracy curves", caption: caption)
      ])
    } catch {
      return .missing(reason: "The curves could not be drawn: \(error)")
    }
  }

  /// The confusion matrix as a heat-map picture, for class counts too large for a table.
  private func confusionPicture(_ evaluation: TrainingReport.Evaluation?, tableLimit: Int) -> HTMLFigure? {
    guard let result = evaluation?.samples.result, result.confusion.count > tableLimit else { return nil }
    guard let canvas = try? ConfusionMatrixPicture.render(result, classNames: drawableClassNames) else {
      return nil
    }
    return HTMLFigure(
      png: [UInt8](canvas.pngData()), alternativeText: "confusion matrix heat map",
      caption: "True classes down, predicted classes across; colour on a square-root scale.")
  }

  /// The test images whose insides are shown: correct ones first (one per class in turn), then
  /// the most confident mistake — Grad-CAM of a wrong answer shows what misled the network.
  private func explainedSamples(_ evaluation: TrainingReport.Evaluation?) -> [SamplePrediction] {
    guard let evaluation, explainedImageCount > 0 else { return [] }
    let chosen = SampleShowcase.choose(
      from: evaluation.samples.predictions, correctCount: explainedImageCount, wrongCount: 1)
    let correct = chosen.correct.prefix(chosen.wrong.isEmpty ? explainedImageCount : explainedImageCount - 1)
    return Array(correct) + chosen.wrong
  }

  /// Test image `index` twice: for the network (`transform` applied, [1, C, H, W]) and for
  /// showing (values in [0, 1]).
  private func image(_ dataset: any LabeledImageDataset, index: Int) -> (input: Tensor, picture: Image) {
    let shape = dataset.sampleShape
    var input = Tensor(uninitializedShape: [1] + shape)
    input.withUnsafeMutableBufferPointer {
      dataset.writeImage(at: index, into: $0.baseAddress!, transform: transform)
    }
    var pixels = [Float](repeating: 0, count: shape.reduce(1, *))
    pixels.withUnsafeMutableBufferPointer {
      dataset.writeImage(at: index, into: $0.baseAddress!, transform: .unitRange)
    }
    return (input, Image(width: shape[2], height: shape[1], channels: shape[0], pixels: pixels))
  }

  /// The largest number of layers whose feature maps the page shows (a DenseNet has over 100
  /// blocks; `convnet visualize features` draws them all).
  public static let largestFeatureMapLayerCount = 12

  private func featureMaps(of sample: SamplePrediction?) -> ReportPart<[HTMLFigure]> {
    guard let test = testSetValue, let sample else {
      return .missing(reason: "There is no test image to show the feature maps of (the test set is missing).")
    }
    guard test.sampleShape.count == 3, (1...4).contains(test.sampleShape[0]) else {
      return .missing(
        reason: "The test images have \(test.sampleShape) values, not a picture's 1–4 channels.")
    }
    let (input, picture) = image(test, index: sample.index)
    do {
      let maps = try FeatureMapCapture.capture(model, input: input).featureMaps
      let shown = maps.prefix(Self.largestFeatureMapLayerCount)
      var figures: [HTMLFigure] = []
      for layer in shown {
        // Each grid starts with the input, so every picture reads on its own.
        let grid = FeatureMapPictures.grid(layer, input: picture)
        figures.append(
          HTMLFigure(
            png: [UInt8](try grid.render().pngData()), alternativeText: "feature maps of \(layer.name)",
            caption:
              "\(layer.name) — \(layer.layerDescription), \(layer.channelCount) maps of \(layer.height)×\(layer.width)"
          ))
      }
      guard !figures.isEmpty else {
        return .missing(reason: "The network has no convolution or pooling block to show.")
      }
      var note =
        "Test image #\(sample.index) (class \(className(sample.label))), the first tile of every grid."
      if maps.count > shown.count {
        note +=
          " The first \(shown.count) of \(maps.count) blocks are shown; `convnet visualize features` draws them all."
      }
      figures[0].caption = note + " " + (figures[0].caption ?? "")
      return .shown(figures)
    } catch {
      return .missing(reason: "The feature maps could not be drawn: \(error)")
    }
  }

  private func gradCAM(of samples: [SamplePrediction]) -> ReportPart<[HTMLFigure]> {
    guard let test = testSetValue, !samples.isEmpty else {
      return .missing(reason: "There is no test image to explain (the test set is missing).")
    }
    guard test.sampleShape.count == 3, (1...4).contains(test.sampleShape[0]) else {
      return .missing(
        reason: "The test images have \(test.sampleShape) values, not a picture's 1–4 channels.")
    }
    var figures: [HTMLFigure] = []
    do {
      for sample in samples {
        let (input, picture) = image(test, index: sample.index)
        let cam = try GradCAM(model: model, input: input)
        let png = [UInt8](
          try GradCAMPicture.canvas(cam, image: picture, classNames: drawableClassNames).pngData())
        let verdict =
          sample.isCorrect
          ? "correctly classified as \(className(sample.predicted))"
          : "true class \(className(sample.label)), wrongly classified as \(className(sample.predicted))"
        figures.append(
          HTMLFigure(
            png: png, alternativeText: "Grad-CAM of test image \(sample.index)",
            caption:
              "Test image #\(sample.index), \(verdict): where the evidence for \(className(cam.classIndex)) lies "
              + "(layer \(cam.layerName))."))
      }
    } catch {
      return .missing(reason: "Grad-CAM could not be computed: \(error)")
    }
    return .shown(figures)
  }
}

extension TrainingReport {
  /// Writes the page to `url` atomically (a temporary file renamed into place).
  public func write(to url: URL) throws {
    do {
      try Data(document().render().utf8).write(to: url, options: .atomic)
    } catch {
      throw ReportError(path: url.path, reason: "cannot write the report (\(error.localizedDescription))")
    }
  }
}

/// A report that could not be made or written: the file and what went wrong.
public struct ReportError: Error, CustomStringConvertible {
  public let path: String
  public let reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }
}
