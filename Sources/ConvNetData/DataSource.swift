import ConvNetImage
import Foundation

extension DatasetFormat: Codable {}

/// Where a training run's images come from and how they are read — a value that can be
/// stored (a checkpoint or `run.json` records it) and opened again.
///
/// `open` finds the format (unless given), opens the training and test splits
/// (`DatasetLocator.open`) and, with a validation fraction, holds out a stratified part of the
/// training split to evaluate on instead of the test split.
public struct DataSource: Codable, Equatable, Sendable {
  /// The dataset's path (a folder, or a CSV file); nil for the MNIST copy inside ConvNet.
  public var path: String?
  /// Nil: detected (`DatasetLocator.detect`); IDX for the bundled MNIST.
  public var format: DatasetFormat?
  /// [height, width] for class folders and CSV; nil: for folders the size the network takes
  /// (see `open(defaultImageSize:seed:)`), for CSV square.
  public var imageSize: [Int]?
  /// 1 or 3: class-folder images are converted to this many channels; nil: as decoded.
  public var channels: Int?
  /// Hold out this fraction of each training class (in (0, 1), drawn with the run's seed) and
  /// evaluate on it instead of the test split.
  public var validationFraction: Double?
  /// Class folders: keep decoded, resized images in memory.
  public var cache: Bool
  /// Class folders: leave out (and list) an image that cannot be decoded instead of failing.
  public var skipsBadImages: Bool
  /// Class folders: refuse, before decoding, an image whose width × height × channels exceeds this.
  public var maximumImagePixels: Int

  public init(
    path: String? = nil, format: DatasetFormat? = nil, imageSize: [Int]? = nil, channels: Int? = nil,
    validationFraction: Double? = nil, cache: Bool = false, skipsBadImages: Bool = false,
    maximumImagePixels: Int = ImageDecoder.defaultMaximumSampleCount
  ) {
    self.path = path
    self.format = format
    self.imageSize = imageSize
    self.channels = channels
    self.validationFraction = validationFraction
    self.cache = cache
    self.skipsBadImages = skipsBadImages
    self.maximumImagePixels = maximumImagePixels
  }

  /// What `open` found.
  public struct Opened {
    /// The split to train on (without its held-out part, with a validation fraction).
    public var train: any LabeledImageDataset
    /// The split to evaluate on: the test split, the held-out part, or nil.
    public var test: (any LabeledImageDataset)?
    public var format: DatasetFormat
    /// "bundled MNIST (IDX)" or the format's display name, for messages.
    public var sourceName: String
    /// "test", or "validation" for a held-out part.
    public var testKind: String
    /// The class folders read (training, then test split), whose skipped and ignored files a
    /// front end may want to list.
    public var folders: [ImageFolderDataset]
  }

  /// Opens the training and evaluation splits.
  /// - Parameters:
  ///   - defaultImageSize: (height, width) for class folders when `imageSize` is nil —
  ///     usually the size the network takes.
  ///   - seed: draws the validation part.
  /// - Throws: `DataError` naming the file and field of the first problem (also for a
  ///   validation fraction outside (0, 1), an image size below 1 or a channel count other
  ///   than 1 or 3, as field "validation fraction", "image size" or "channels").
  public func open(defaultImageSize: (Int, Int)? = nil, seed: UInt64) throws -> Opened {
    let url: URL
    var format = self.format
    let sourceName: String
    if let path {
      url = URL(fileURLWithPath: path)
      format = try format ?? DatasetLocator.detect(path: url)
      sourceName = format?.displayName ?? ""
    } else {
      url = try EmbeddedMNIST.directory()
      format = format ?? .idx
      sourceName = "bundled MNIST (IDX)"
    }
    let origin = path ?? "bundled MNIST"
    if let imageSize, imageSize.count != 2 || imageSize.contains(where: { $0 < 1 }) {
      throw DataError(
        file: origin, field: "image size",
        problem: "must be [height, width], each at least 1, got \(imageSize)")
    }
    if let channels, channels != 1 && channels != 3 {
      throw DataError(file: origin, field: "channels", problem: "must be 1 or 3, got \(channels)")
    }
    if let validationFraction, !(validationFraction > 0 && validationFraction < 1) {
      throw DataError(
        file: origin, field: "validation fraction",
        problem: "must be strictly between 0 and 1, got \(validationFraction)")
    }
    var options = DatasetOptions()
    options.cache = cache
    options.onBadImage = skipsBadImages ? .skipAndReport : .fail
    options.maximumImageSampleCount = maximumImagePixels
    let size = imageSize.map { ($0[0], $0[1]) } ?? (format == .folder ? defaultImageSize : nil)
    let opened = try DatasetLocator.open(
      path: url, format: format, imageSize: size, channels: channels, options: options)
    var train = opened.train
    var test = opened.test
    var testKind = "test"
    if let validationFraction {
      (train, test) = Self.heldOut(train, fraction: validationFraction, seed: seed)
      testKind = "validation"
    }
    let folders = [opened.train, opened.test].compactMap { $0 as? ImageFolderDataset }
    return Opened(
      train: train, test: test, format: opened.format, sourceName: sourceName, testKind: testKind,
      folders: folders)
  }

  /// `dataset` split into training and validation parts (generic, to open the existential).
  private static func heldOut<Dataset: LabeledImageDataset>(
    _ dataset: Dataset, fraction: Double, seed: UInt64
  ) -> (any LabeledImageDataset, any LabeledImageDataset) {
    let parts = dataset.stratifiedSplit(validationFraction: fraction, seed: seed)
    return (parts.train, parts.validation)
  }
}
