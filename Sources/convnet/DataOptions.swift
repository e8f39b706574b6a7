import ArgumentParser
import ConvNet
import Foundation

/// The dataset options shared by `train` and `eval`: where the data is, how it is read,
/// normalised and augmented. Used as `@OptionGroup var dataOptions: DataOptions`.
struct DataOptions: ParsableArguments {
  @Option(
    help:
      "A dataset: an IDX folder (MNIST, Fashion-MNIST, …), CIFAR-10/100 binaries, class folders (<class>/<image>.png|jpg, or train/ + val/), or a CSV of pixels. Default: the bundled MNIST."
  )
  var data: String?

  @Option(help: "The dataset format: idx, cifar10, cifar100, folder or csv (default: detected).")
  var format: String?

  @Option(
    help:
      "Image size HxW or one number, for class folders and CSV (default for folders: the architecture's input size)."
  )
  var imageSize: String?

  @Flag(help: "Class folders: convert images to one grey channel.")
  var grayscale = false

  @Flag(help: "Class folders: convert images to three RGB channels.")
  var rgb = false

  @Option(
    parsing: .unconditional,
    help:
      "Hold out this fraction of each training class (stratified, seeded by --seed) and evaluate on it instead of the test split."
  )
  var valSplit: Double?

  @Option(
    help:
      "Training augmentation, e.g. crop:32:4,flip-h,rotate:10 (steps: \(TransformSpecParser.validSteps.joined(separator: ", ")))."
  )
  var augment: String?

  @Option(
    help:
      "Normalise pixels: none (the default), mnist (mean 0.1307, std 0.3081), cifar10 or imagenet (per-channel RGB statistics)."
  )
  var normalize: String?

  @Flag(help: "Class folders: keep decoded, resized images in memory (small sets).")
  var cache = false

  @Option(
    help:
      "Class folders: what to do with an image that cannot be decoded: fail (the default) or skip (leave it out and report it)."
  )
  var onBadImage: String?

  @Option(
    parsing: .unconditional,
    help:
      "Class folders: refuse, before decoding, an image whose width × height × channels exceeds this (bounds memory; an RGB pixel counts 3; default: \(ImageDecoder.defaultMaximumSampleCount))."
  )
  var maxImagePixels: Int?

  func validate() throws {
    if let maxImagePixels, maxImagePixels < 1 {
      throw CLIError("--max-image-pixels must be at least 1, got \(maxImagePixels)")
    }
    _ = try parsedFormat()
    _ = try parsedImageSize()
    _ = try skipsBadImages()
    _ = try normalization()
    if grayscale && rgb { throw CLIError("--grayscale and --rgb exclude each other") }
    if let valSplit, !(valSplit > 0 && valSplit < 1) {
      throw CLIError("--val-split must be a fraction strictly between 0 and 1, got \(valSplit)")
    }
    if let augment { _ = try TransformPipeline(parsing: augment) }
  }

  /// The data source these options describe: every option given replaces the value of `base`.
  func dataSource(base: DataSource = DataSource()) throws -> DataSource {
    var source = base
    if let data { source.path = data }
    if let format = try parsedFormat() { source.format = format }
    if let (height, width) = try parsedImageSize() { source.imageSize = [height, width] }
    if grayscale { source.channels = 1 }
    if rgb { source.channels = 3 }
    if let valSplit { source.validationFraction = valSplit }
    if cache { source.cache = true }
    if let skips = try skipsBadImages() { source.skipsBadImages = skips }
    if let maxImagePixels { source.maximumImagePixels = maxImagePixels }
    return source
  }

  /// Puts the options given into `configuration`: its data source, normalisation and augmentation.
  func apply(to configuration: inout TrainingConfiguration) throws {
    configuration.data = try dataSource(base: configuration.data)
    if let preset = try normalization() { configuration.normalization = preset }
    if let augment { configuration.augmentation = augment }
  }

  /// Opens the configuration's training set and the set to evaluate on (the test split, or the
  /// held-out part of the training set), fitted to `architecture`, and prints what was found
  /// and done.
  static func load(_ configuration: TrainingConfiguration, architecture: Architecture) throws
    -> FittedDatasets
  {
    try load(
      configuration.data, architecture: architecture, channels: configuration.inputChannels,
      seed: configuration.seed)
  }

  /// Opens `source` for `architecture` (its size is the default for folders), fits it to the
  /// architecture with `channels` input channels, and prints what was found and done.
  /// - Parameter seed: seeds the --val-split draw.
  static func load(_ source: DataSource, architecture: Architecture, channels: Int?, seed: UInt64) throws
    -> FittedDatasets
  {
    let opened: DataSource.Opened
    do {
      opened = try source.open(
        defaultImageSize: (architecture.inputShape[1], architecture.inputShape[2]), seed: seed)
    } catch let error as DataError where error.field == "image" {
      // Say which option helps: a larger cap for a large image, skipping for a broken one.
      let hint =
        error.problem.contains("exceeds the limit of")
        ? "--max-image-pixels raises the limit" : "--on-bad-image skip leaves such files out and lists them"
      throw CLIError("\(error.description) (\(hint))")
    }
    let train = opened.train
    let shape = train.sampleShape.map(String.init).joined(separator: "×")
    let counts =
      opened.test.map {
        "\(formatCount(train.count)) train / \(formatCount($0.count)) \(opened.testKind) images"
      } ?? "\(formatCount(train.count)) train images, no test set"
    printError("data: \(opened.sourceName), \(counts), \(shape), \(train.classCount) classes")
    for folder in opened.folders { report(folder) }
    let fitted = FittedDatasets(
      train: train, test: opened.test, architecture: architecture, channels: channels)
    if let resampling = fitted.resampling { printError("images: \(resampling)") }
    return fitted
  }

  /// Prints the files an image folder skipped or ignored.
  private static func report(_ folder: ImageFolderDataset) {
    if !folder.skipped.isEmpty {
      let names = folder.skipped.prefix(3).map { URL(fileURLWithPath: $0.path).lastPathComponent }
      printError(
        "\(folder.name): skipped \(formatCount(folder.skipped.count)) unreadable image(s): "
          + names.joined(separator: ", ") + (folder.skipped.count > 3 ? ", …" : "")
          + " (first: \(folder.skipped[0].reason))")
    }
    if folder.ignoredFileCount > 0 {
      printError(
        "\(folder.name): ignored \(formatCount(folder.ignoredFileCount)) file(s) that are not .png/.jpg/.jpeg"
      )
    }
  }

  /// The --normalize transform (default: none), checked against the data's channel count.
  func pixelTransform(channels: Int) throws -> PixelTransform {
    try namingFlags { try (normalization() ?? .none).pixelTransform(channels: channels) }
  }

  /// The --normalize preset, or nil when the option is left out.
  private func normalization() throws -> NormalizationPreset? {
    guard let normalize else { return nil }
    guard let preset = NormalizationPreset(named: normalize) else {
      throw CLIError("--normalize \"\(normalize)\": expected \(NormalizationPreset.namesList)")
    }
    return preset
  }

  private func parsedFormat() throws -> DatasetFormat? {
    guard let format else { return nil }
    guard let parsed = DatasetFormat(rawValue: format.lowercased()) else {
      throw CLIError(
        "--format \"\(format)\": expected \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return parsed
  }

  /// "HxW" (also "H×W") or one number for a square.
  func parsedImageSize() throws -> (Int, Int)? {
    guard let imageSize else { return nil }
    let parts = imageSize.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" }).map { Int($0) }
    guard (1...2).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
      throw CLIError(
        "--image-size \"\(imageSize)\": expected HxW (e.g. 32x32) or one number, each at least 1")
    }
    let height = parts[0]!
    return (height, parts.count == 2 ? parts[1]! : height)
  }

  /// --on-bad-image as `DataSource.skipsBadImages`, or nil when the option is left out.
  private func skipsBadImages() throws -> Bool? {
    guard let onBadImage else { return nil }
    switch onBadImage.lowercased() {
    case "fail": return false
    case "skip": return true
    default: throw CLIError("--on-bad-image \"\(onBadImage)\": expected fail or skip")
    }
  }
}

extension DataOptions {
  /// Refuses an explicit --image-size that the architecture named `arch` cannot take (a size
  /// other than its own when its classifier is sized for it, or below its minimum).
  func validateImageSize(for arch: String) throws {
    guard let (height, width) = try parsedImageSize(),
      let architecture = try? Architectures.named(arch)
    else { return }
    do {
      try architecture.checkInput(sampleShape: [architecture.inputShape[0], height, width])
    } catch let error as InputShapeError {
      throw CLIError("--image-size \(imageSize ?? ""): \(error.description)")
    }
  }
}
