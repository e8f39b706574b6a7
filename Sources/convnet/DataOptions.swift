import ArgumentParser
import ConvNet
import Foundation

/// The dataset options shared by `train` and `eval`: where the data is, how it is read,
/// normalised and augmented. Used as `@OptionGroup var dataOptions: DataOptions`.
struct DataOptions: ParsableArguments {
  @Option(help: "A dataset: an IDX folder (MNIST, Fashion-MNIST, …), CIFAR-10/100 binaries, class folders (<class>/<image>.png|jpg, or train/ + val/), or a CSV of pixels. Default: the bundled MNIST.")
  var data: String?

  @Option(help: "The dataset format: idx, cifar10, cifar100, folder or csv (default: detected).")
  var format: String?

  @Option(help: "Image size HxW or one number, for class folders and CSV (default for folders: the architecture's input size).")
  var imageSize: String?

  @Flag(help: "Class folders: convert images to one grey channel.")
  var grayscale = false

  @Flag(help: "Class folders: convert images to three RGB channels.")
  var rgb = false

  @Option(parsing: .unconditional, help: "Hold out this fraction of each training class (stratified, seeded by --seed) and evaluate on it instead of the test split.")
  var valSplit: Double?

  @Option(help: "Training augmentation, e.g. crop:32:4,flip-h,rotate:10 (steps: \(TransformSpecParser.validSteps.joined(separator: ", "))).")
  var augment: String?

  @Option(help: "Normalise pixels: none, mnist (mean 0.1307, std 0.3081), cifar10 or imagenet (per-channel RGB statistics).")
  var normalize = "none"

  @Flag(help: "Class folders: keep decoded, resized images in memory (small sets).")
  var cache = false

  @Option(help: "Class folders: what to do with an image that cannot be decoded: fail or skip (leave it out and report it).")
  var onBadImage = "fail"

  @Option(parsing: .unconditional, help: "Class folders: refuse, before decoding, an image whose width × height × channels exceeds this (bounds memory; an RGB pixel counts 3).")
  var maxImagePixels = ImageDecoder.defaultMaximumSampleCount

  func validate() throws {
    guard maxImagePixels >= 1 else { throw CLIError("--max-image-pixels must be at least 1, got \(maxImagePixels)") }
    _ = try parsedFormat()
    _ = try parsedImageSize()
    _ = try badImagePolicy()
    _ = try pixelTransformChannels()
    if grayscale && rgb { throw CLIError("--grayscale and --rgb exclude each other") }
    if let valSplit, !(valSplit > 0 && valSplit < 1) {
      throw CLIError("--val-split must be a fraction strictly between 0 and 1, got \(valSplit)")
    }
    if let augment { _ = try TransformPipeline(parsing: augment) }
  }

  /// Opens the training set and the set to evaluate on (the test split, or the held-out part
  /// of the training set with --val-split), and prints what was found.
  /// - Parameters:
  ///   - inputShape: the architecture's natural [C, H, W]; its size is the default for folders.
  ///   - seed: seeds the --val-split draw.
  func load(inputShape: [Int], seed: UInt64) throws
    -> (train: any LabeledImageDataset, test: (any LabeledImageDataset)?)
  {
    var options = DatasetOptions()
    options.cache = cache
    options.onBadImage = try badImagePolicy()
    options.maximumImageSampleCount = maxImagePixels
    let explicitSize = try parsedImageSize()
    let channels = grayscale ? 1 : (rgb ? 3 : nil)

    let path: URL
    var format = try parsedFormat()
    var source: String
    if let data {
      path = URL(fileURLWithPath: data)
      format = try format ?? DatasetLocator.detect(path: path)
      source = format?.displayName ?? ""
    } else {
      path = try EmbeddedMNIST.directory()
      format = format ?? .idx
      source = "bundled MNIST (IDX)"
    }
    let size = explicitSize ?? (format == .folder ? (inputShape[1], inputShape[2]) : nil)
    let opened: (train: any LabeledImageDataset, test: (any LabeledImageDataset)?, format: DatasetFormat)
    do {
      opened = try DatasetLocator.open(
        path: path, format: format, imageSize: size, channels: channels, options: options)
    } catch let error as DataError where error.field == "image" {
      // Say which option helps: a larger cap for a large image, skipping for a broken one.
      let hint = error.problem.contains("exceeds the limit of")
        ? "--max-image-pixels raises the limit" : "--on-bad-image skip leaves such files out and lists them"
      throw CLIError("\(error.description) (\(hint))")
    }

    var train = opened.train
    var test = opened.test
    var testKind = "test"
    if let valSplit {
      (train, test) = heldOut(train, fraction: valSplit, seed: seed)
      testKind = "validation"
    }
    let shape = train.sampleShape.map(String.init).joined(separator: "×")
    let counts = test.map {
      "\(formatCount(train.count)) train / \(formatCount($0.count)) \(testKind) images"
    } ?? "\(formatCount(train.count)) train images, no test set"
    printError("data: \(source), \(counts), \(shape), \(train.classCount) classes")
    for case let folder as ImageFolderDataset in [opened.train, opened.test].compactMap({ $0 }) {
      report(folder)
    }
    return (train, test)
  }

  /// `dataset` split into training and validation parts (generic, to open the existential).
  private func heldOut<Dataset: LabeledImageDataset>(
    _ dataset: Dataset, fraction: Double, seed: UInt64
  ) -> (any LabeledImageDataset, any LabeledImageDataset) {
    let parts = dataset.stratifiedSplit(validationFraction: fraction, seed: seed)
    return (parts.train, parts.validation)
  }

  /// Prints the files an image folder skipped or ignored.
  private func report(_ folder: ImageFolderDataset) {
    if !folder.skipped.isEmpty {
      let names = folder.skipped.prefix(3).map { URL(fileURLWithPath: $0.path).lastPathComponent }
      printError(
        "\(folder.name): skipped \(formatCount(folder.skipped.count)) unreadable image(s): "
          + names.joined(separator: ", ") + (folder.skipped.count > 3 ? ", …" : "")
          + " (first: \(folder.skipped[0].reason))")
    }
    if folder.ignoredFileCount > 0 {
      printError("\(folder.name): ignored \(formatCount(folder.ignoredFileCount)) file(s) that are not .png/.jpg/.jpeg")
    }
  }

  /// The --normalize transform, checked against the data's channel count.
  func pixelTransform(channels: Int) throws -> PixelTransform {
    let transform = try namedPixelTransform()
    guard transform.mean.count <= 1 || transform.mean.count == channels else {
      throw CLIError(
        "--normalize \(normalize) has \(transform.mean.count) per-channel means, but the images have \(channels) channel(s); use --normalize mnist or none (or --rgb for class folders)")
    }
    return transform
  }

  /// The --augment pipeline, or nil.
  func augmentation() throws -> TransformPipeline? {
    try augment.map { try TransformPipeline(parsing: $0) }
  }

  private func namedPixelTransform() throws -> PixelTransform {
    guard let transform = PixelTransform.preset(named: normalize) else {
      throw CLIError("--normalize \"\(normalize)\": expected none, mnist, cifar10 or imagenet")
    }
    return transform
  }

  private func pixelTransformChannels() throws -> Int { try namedPixelTransform().mean.count }

  private func parsedFormat() throws -> DatasetFormat? {
    guard let format else { return nil }
    guard let parsed = DatasetFormat(rawValue: format.lowercased()) else {
      throw CLIError("--format \"\(format)\": expected \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return parsed
  }

  /// "HxW" (also "H×W") or one number for a square.
  func parsedImageSize() throws -> (Int, Int)? {
    guard let imageSize else { return nil }
    let parts = imageSize.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" }).map { Int($0) }
    guard (1...2).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
      throw CLIError("--image-size \"\(imageSize)\": expected HxW (e.g. 32x32) or one number, each at least 1")
    }
    let height = parts[0]!
    return (height, parts.count == 2 ? parts[1]! : height)
  }

  private func badImagePolicy() throws -> ImageFolderDataset.BadImagePolicy {
    switch onBadImage.lowercased() {
    case "fail": return .fail
    case "skip": return .skipAndReport
    default: throw CLIError("--on-bad-image \"\(onBadImage)\": expected fail or skip")
    }
  }
}

/// The datasets brought to the shape `architecture` takes (`Architecture.fittedShape`):
/// `channels` (default: the data's), and the architecture's own size when it takes only that
/// size (e.g. CIFAR's 32×32 for LeNet-5, made for 28×28) or when the images are smaller than its
/// minimum (e.g. 28×28 digits for LeNet-5 (1998), which needs 32×32). Says on standard error
/// what it does. A test split whose shape differs from the training split's is left as it is,
/// for `Preflight` to refuse.
func fitted(
  _ datasets: (train: any LabeledImageDataset, test: (any LabeledImageDataset)?),
  to architecture: Architecture, channels: Int?
) -> (train: any LabeledImageDataset, test: (any LabeledImageDataset)?) {
  let shape = datasets.train.sampleShape
  let target = architecture.fittedShape(for: shape, channels: channels)
  guard target != shape else { return datasets }
  let train = ResampledDataset(datasets.train, sampleShape: target)
  let from = shape.map(String.init).joined(separator: "×")
  let to = target.map(String.init).joined(separator: "×")
  let how = target[1...] == shape[1...] ? "channels converted" : (train.pads ? "zero padding" : "resizing")
  printError("images: \(from) → \(to) (\(how)) for \(architecture.name)")
  let test = datasets.test.map { test -> any LabeledImageDataset in
    test.sampleShape == shape ? ResampledDataset(test, sampleShape: target) : test
  }
  return (train, test)
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
