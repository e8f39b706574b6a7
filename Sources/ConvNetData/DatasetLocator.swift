import ConvNetImage
import Foundation

/// The on-disk dataset layouts ConvNet reads.
public enum DatasetFormat: String, CaseIterable, Sendable {
  /// MNIST-style IDX files (MNIST, Fashion-MNIST, KMNIST, …): `train-images-idx3-ubyte[.gz]`…
  case idx
  /// CIFAR-10 binary batches: `data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`.
  case cifar10
  /// CIFAR-100 binary files: `train.bin`, `test.bin`.
  case cifar100
  /// Class folders: `root/<class>/<image>`, optionally under `root/train/` and `root/val/`.
  case folder
  /// A CSV of pixels (Kaggle digit-recognizer layout).
  case csv

  /// How the format is named in messages, e.g. "CIFAR-10 binary".
  public var displayName: String {
    switch self {
    case .idx: return "IDX"
    case .cifar10: return "CIFAR-10 binary"
    case .cifar100: return "CIFAR-100 binary"
    case .folder: return "image folders"
    case .csv: return "CSV"
    }
  }
}

/// How to read a dataset beyond its format and size.
public struct DatasetOptions: Sendable {
  /// Image folders: keep decoded, resized images in memory.
  public var cache = false
  /// Image folders: what to do with an image that cannot be decoded.
  public var onBadImage = ImageFolderDataset.BadImagePolicy.fail
  /// CIFAR-100: fine (100 classes) or coarse (20) labels.
  public var cifar100Labels = CIFARDataset.LabelKind.fine
  /// CSV: where the label is.
  public var csvLabelColumn = CSVImageDataset.LabelColumn.named("label")
  /// Image folders: an image whose width × height × channels exceeds this is refused before
  /// it is decoded (`ImageDecoder.decode(contentsOf:maximumSampleCount:)`).
  public var maximumImageSampleCount = ImageDecoder.defaultMaximumSampleCount

  public init() {}
}

/// Finds out what kind of dataset a path holds and opens its training and test splits.
public enum DatasetLocator {
  /// What `detect` looks for, in order, as listed in its error.
  public static let recognisedLayouts = [
    "IDX files (train-images-idx3-ubyte[.gz] with train-labels-idx1-ubyte[.gz])",
    "CIFAR-10 binaries (data_batch_1.bin …, here or in cifar-10-batches-bin/)",
    "CIFAR-100 binaries (train.bin, here or in cifar-100-binary/)",
    "a CSV file (a .csv path, or train.csv in the folder)",
    "class folders (<class>/<image>.png|jpg, or train/<class>/… with val/ or test/)",
  ]

  /// The format of the dataset at `path`.
  ///
  /// A file ending in `.csv` is CSV. In a folder, the first match wins: IDX training images,
  /// CIFAR-10's `data_batch_1.bin`, CIFAR-100's `train.bin` (both also one folder down, as the
  /// archives unpack), `train.csv`, then any visible sub-folder (class folders).
  /// - Throws: `DataError` for a missing path, or listing what was looked for when nothing
  ///   matches.
  public static func detect(path: URL) throws -> DatasetFormat {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
      throw DataError(file: path.path, field: "path", problem: "not found")
    }
    guard isDirectory.boolValue else {
      if path.pathExtension.lowercased() == "csv" { return .csv }
      throw DataError(
        file: path.path, field: "file type",
        problem: "not recognised: a single file must be a .csv of pixels; for IDX, CIFAR or "
          + "image folders give the folder that holds the files")
    }
    let names = Set((try? manager.contentsOfDirectory(atPath: path.path)) ?? [])
    let idxNames = ["train-images-idx3-ubyte", "train-images.idx3-ubyte"].flatMap {
      [$0, $0 + ".gz"]
    }
    if idxNames.contains(where: names.contains) { return .idx }
    if CIFARDataset.dataDirectory(in: path, variant: .cifar10) != nil { return .cifar10 }
    if CIFARDataset.dataDirectory(in: path, variant: .cifar100) != nil { return .cifar100 }
    if names.contains("train.csv") { return .csv }
    let hasSubfolder = names.contains { name in
      var isFolder: ObjCBool = false
      return !name.hasPrefix(".")
        && manager.fileExists(
          atPath: path.appendingPathComponent(name).path, isDirectory: &isFolder)
        && isFolder.boolValue
    }
    if hasSubfolder { return .folder }
    throw DataError(
      file: path.path, field: "dataset",
      problem: "not recognised; looked for " + recognisedLayouts.joined(separator: "; ")
        + ". Name the format explicitly if the files are there under other names")
  }

  /// Opens the dataset at `path`: its training split, its test split when it has one, and the
  /// format that was read (detected unless `format` is given).
  ///
  /// Test splits: IDX `t10k-*` files; CIFAR `test_batch.bin` / `test.bin`; image folders
  /// `val/` or else `test/` beside `train/`; CSV `test.csv` beside `train.csv` when it has the
  /// label column (Kaggle's unlabelled one is left out). A missing test split gives nil; a
  /// present one must be valid.
  ///
  /// - Parameters:
  ///   - imageSize: (height, width). Image folders are resized to it (nil: the first image's
  ///     size); CSV rows are read as this shape (nil: square); IDX and CIFAR images are padded or
  ///     resized to it (`ResampledDataset`).
  ///   - channels: 1 or 3: images are converted to it (grey ↔ RGB).
  /// - Throws: `DataError` naming the file and field of the first problem.
  public static func open(
    path: URL, format: DatasetFormat? = nil, imageSize: (Int, Int)? = nil, channels: Int? = nil,
    options: DatasetOptions = DatasetOptions()
  ) throws -> (
    train: any LabeledImageDataset, test: (any LabeledImageDataset)?, format: DatasetFormat
  ) {
    let format = try format ?? detect(path: path)
    let train: any LabeledImageDataset
    var test: (any LabeledImageDataset)? = nil
    switch format {
    case .idx:
      let trainIDX = try ImageClassificationDataset.mnistStyle(directory: path, split: .train)
      train = trainIDX
      let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
      if names.contains(where: { $0.hasPrefix("t10k-") }) {
        test = try ImageClassificationDataset.mnistStyle(
          directory: path, split: .test, classCount: trainIDX.classCount)
      }
    case .cifar10, .cifar100:
      let variant: CIFARDataset.Variant = format == .cifar10 ? .cifar10 : .cifar100
      train = try CIFARDataset.load(
        directory: path, variant: variant, split: .train, labelKind: options.cifar100Labels)
      if CIFARDataset.dataDirectory(in: path, variant: variant, split: .test) != nil {
        test = try CIFARDataset.load(
          directory: path, variant: variant, split: .test, labelKind: options.cifar100Labels)
      }
    case .csv:
      (train, test) = try openCSV(path, imageSize: imageSize, options: options)
    case .folder:
      (train, test) = try openFolders(
        path, imageSize: imageSize, channels: channels, options: options)
    }
    // Folders are decoded at the requested shape; CSV rows are read at `imageSize` already.
    let size = format == .folder || format == .csv ? nil : imageSize
    let convertedChannels = format == .folder ? nil : channels
    return (
      resampled(train, imageSize: size, channels: convertedChannels),
      test.map { resampled($0, imageSize: size, channels: convertedChannels) }, format
    )
  }

  private static func openCSV(
    _ path: URL, imageSize: (Int, Int)?, options: DatasetOptions
  ) throws -> (any LabeledImageDataset, (any LabeledImageDataset)?) {
    let isFolder = path.pathExtension.lowercased() != "csv"
    let trainURL = isFolder ? path.appendingPathComponent("train.csv") : path
    let size = imageSize.map { (height: $0.0, width: $0.1) }
    let train = try CSVImageDataset.load(
      contentsOf: trainURL, labelColumn: options.csvLabelColumn, imageSize: size)
    let testURL = trainURL.deletingLastPathComponent().appendingPathComponent("test.csv")
    guard isFolder, FileManager.default.fileExists(atPath: testURL.path),
      case .named(let labelName) = options.csvLabelColumn,
      CSVImageDataset.header(of: testURL).contains(labelName)
    else { return (train, nil) }
    let test = try CSVImageDataset.load(
      contentsOf: testURL, labelColumn: options.csvLabelColumn, imageSize: size,
      classCount: train.classCount)
    return (train, test)
  }

  private static func openFolders(
    _ path: URL, imageSize: (Int, Int)?, channels: Int?, options: DatasetOptions
  ) throws -> (any LabeledImageDataset, (any LabeledImageDataset)?) {
    let size = imageSize.map { (height: $0.0, width: $0.1) }
    let manager = FileManager.default
    let limit = options.maximumImageSampleCount
    let decode: ImageFolderDataset.Decoder = {
      try ImageDecoder.decode(contentsOf: $0, maximumSampleCount: limit)
    }
    let trainRoot = path.appendingPathComponent("train")
    guard manager.fileExists(atPath: trainRoot.path) else {
      let all = try ImageFolderDataset(
        root: path, imageSize: size, channels: channels, cache: options.cache,
        onBadImage: options.onBadImage, decode: decode)
      return (all, nil)
    }
    let train = try ImageFolderDataset(
      root: trainRoot, imageSize: size, channels: channels, cache: options.cache,
      onBadImage: options.onBadImage, name: "\(path.lastPathComponent) train", decode: decode)
    let testRoot = ["val", "test"].map { path.appendingPathComponent($0) }
      .first { manager.fileExists(atPath: $0.path) }
    guard let testRoot else { return (train, nil) }
    // The test images take the training set's size, channels and labels.
    let test = try ImageFolderDataset(
      root: testRoot, imageSize: (train.sampleShape[1], train.sampleShape[2]),
      channels: train.sampleShape[0], cache: options.cache, onBadImage: options.onBadImage,
      classNames: train.classNames, name: "\(path.lastPathComponent) \(testRoot.lastPathComponent)",
      decode: decode)
    return (train, test)
  }

  /// IDX, CIFAR and CSV images are stored at one size: a different requested size or channel
  /// count is met by resampling each sample as it is read (`ResampledDataset`).
  private static func resampled(
    _ dataset: any LabeledImageDataset, imageSize: (Int, Int)?, channels: Int?
  ) -> any LabeledImageDataset {
    let shape = dataset.sampleShape
    let target = [channels ?? shape[0], imageSize?.0 ?? shape[1], imageSize?.1 ?? shape[2]]
    return target == shape ? dataset : ResampledDataset(dataset, sampleShape: target)
  }

}
