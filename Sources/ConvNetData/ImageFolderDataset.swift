import ConvNetBase
import ConvNetImage
import Foundation

/// Images in class folders, `root/<class>/<image>` (torchvision's `ImageFolder` layout), decoded
/// when a sample is asked for, so memory stays bounded however large the folder is.
///
/// Each image is decoded (PNG or JPEG), converted to the dataset's channels (grey: ITU-R 601
/// luma; RGB: grey copied to three channels; alpha dropped) and resized to the dataset's size
/// (bilinear, antialiased, see `Image.resized`). With `cache` the converted images are kept in
/// memory after the first pass, which suits sets that fit in RAM.
///
/// Unreadable images are found when the dataset is opened: every file is decoded once, in
/// parallel (the cost of one epoch of decoding), so that training never meets a bad file
/// halfway. With `.fail` the first bad file (in sorted order) is thrown; with `.skipAndReport`
/// bad files are left out and listed in `skipped`. A file that decoded at opening but no longer
/// does when read (changed on disk meanwhile) stops the program with its name.
public struct ImageFolderDataset: ClassNamedDataset {
  /// What to do with an image file that cannot be decoded.
  public enum BadImagePolicy: String, Sendable {
    /// Throw a `DataError` naming the first bad file.
    case fail
    /// Leave bad files out and list them in `skipped`.
    case skipAndReport
  }

  /// A file left out, and why.
  public struct SkippedFile: Equatable, Sendable {
    public let path: String
    public let reason: String
  }

  /// Decodes an image file; `ImageDecoder.decode(contentsOf:)` unless a test injects another.
  public typealias Decoder = @Sendable (URL) throws -> Image

  public let name: String
  public let root: URL
  /// Sorted class sub-folder names; label k is `classNames[k]`.
  public let classNames: [String]?
  /// The images used, class by class, sorted by path within each class.
  public let files: [URL]
  /// The label of each file.
  public let labels: [Int32]
  /// [C, H, W]: C is 1 (grey) or 3 (RGB).
  public let sampleShape: [Int]
  /// Files that could not be decoded (only with `.skipAndReport`).
  public let skipped: [SkippedFile]
  /// Files that are not PNG/JPEG by their extension and were not considered.
  public let ignoredFileCount: Int
  private let decode: Decoder
  /// The converted images, `sampleElementCount` values each in file order, when caching.
  private let cached: [Float]?

  public var count: Int { files.count }
  public var classCount: Int { classNames?.count ?? 0 }
  public func label(at index: Int) -> Int { Int(labels[index]) }

  /// Opens `root` (layout `root/<class>/<image>`).
  ///
  /// - Parameters:
  ///   - imageSize: (height, width) every image is resized to; nil: the first image's size.
  ///   - channels: 1 (grey) or 3 (RGB); nil: the first image's (grey or grey + alpha → 1,
  ///     colour → 3).
  ///   - cache: keep the converted images in memory (4 bytes per value).
  ///   - onBadImage: `.fail` or `.skipAndReport`.
  ///   - classNames: the label of each sub-folder name, for a validation folder that must
  ///     follow its training folder's labels; nil: the sorted sub-folder names.
  ///   - decode: the image decoder; tests may inject one.
  /// - Throws: `DataError` for a missing root, no class folders, an empty class folder, an
  ///   unknown class, a bad image (with `.fail`), no usable image at all, or a bad channel count.
  public init(
    root: URL, imageSize: (height: Int, width: Int)? = nil, channels: Int? = nil,
    cache: Bool = false, onBadImage: BadImagePolicy = .fail, classNames: [String]? = nil,
    name: String? = nil, decode: @escaping Decoder = { try ImageDecoder.decode(contentsOf: $0) }
  ) throws {
    if let channels, channels != 1 && channels != 3 {
      throw DataError(
        file: root.path, field: "channels", problem: "\(channels), expected 1 (grey) or 3 (RGB)")
    }
    if let imageSize, imageSize.height < 1 || imageSize.width < 1 {
      throw DataError(
        file: root.path, field: "image size",
        problem: "\(imageSize.height)×\(imageSize.width), expected at least 1×1")
    }
    let scan = try ImageFolderScan(root: root, classNames: classNames)

    // Decode every file once, in parallel, to find the bad ones up front; the images are kept
    // only for the cache, so that memory stays bounded without it.
    let outcomes = ImageFolderDataset.decodeAll(scan.files, keep: cache, decode: decode)
    var goodFiles: [URL] = []
    var goodLabels: [Int32] = []
    var goodImages: [Image] = []
    var skipped: [SkippedFile] = []
    for (k, outcome) in outcomes.enumerated() {
      switch outcome {
      case .success(let image):
        goodFiles.append(scan.files[k])
        goodLabels.append(scan.labels[k])
        if let image { goodImages.append(image) }
      case .failure(let error):
        guard onBadImage == .skipAndReport else {
          throw DataError(
            file: scan.files[k].path, field: "image",
            problem: "cannot be decoded: \(error)")
        }
        skipped.append(SkippedFile(path: scan.files[k].path, reason: "\(error)"))
      }
    }
    guard let firstFile = goodFiles.first else {
      throw DataError(
        file: root.path, field: "images",
        problem: "none of the \(scan.files.count) image files could be decoded")
    }
    // Without the cache, decode the first good image again for its size and channels.
    let first: Image
    do {
      first = try goodImages.first ?? decode(firstFile)
    } catch {
      throw DataError(file: firstFile.path, field: "image", problem: "cannot be decoded: \(error)")
    }
    let sampleChannels = channels ?? (first.channels <= 2 ? 1 : 3)
    let size = imageSize ?? (first.height, first.width)

    self.name = name ?? root.lastPathComponent
    self.root = root
    self.classNames = scan.classNames
    self.files = goodFiles
    self.labels = goodLabels
    self.sampleShape = [sampleChannels, size.height, size.width]
    self.skipped = skipped
    self.ignoredFileCount = scan.ignoredFileCount
    self.decode = decode
    if cache {
      let shape = sampleShape
      var values: [Float] = []
      values.reserveCapacity(goodImages.count * shape.reduce(1, *))
      for image in goodImages {
        values += ImageFolderDataset.converted(image, to: shape).pixels
      }
      self.cached = values
    } else {
      self.cached = nil
    }
  }

  /// `image` with `shape[0]` channels, resized to `shape[1]`×`shape[2]`.
  static func converted(_ image: Image, to shape: [Int]) -> Image {
    var result = shape[0] == 1 ? image.grayscale() : image.rgb()
    if result.height != shape[1] || result.width != shape[2] {
      result = result.resized(width: shape[2], height: shape[1])
    }
    return result
  }

  /// Decodes every file, spread over the cores; the result for file k is at position k, with
  /// the image itself only when `keep` is set.
  private static func decodeAll(_ files: [URL], keep: Bool, decode: Decoder)
    -> [Result<Image?, Error>]
  {
    var outcomes = [Result<Image?, Error>?](repeating: nil, count: files.count)
    outcomes.withUnsafeMutableBufferPointer { slots in
      let slots = slots
      parallelChunks(files.count) { range in
        for k in range {
          slots[k] = Result {
            let image = try decode(files[k])
            return keep ? image : nil
          }
        }
      }
    }
    return outcomes.map { $0! }
  }

  public func writeImage(
    at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform
  ) {
    precondition(index >= 0 && index < count, "\(name): image index \(index) out of 0..<\(count)")
    let planeSize = sampleShape[1] * sampleShape[2]
    let sampleSize = sampleShape[0] * planeSize
    let write = { (values: UnsafePointer<Float>) in
      for channel in 0..<self.sampleShape[0] {
        transform.apply(
          unitValues: values + channel * planeSize, to: destination + channel * planeSize,
          count: planeSize, channel: channel)
      }
    }
    if let cached {
      cached.withUnsafeBufferPointer { all in
        if let base = all.baseAddress { write(base + index * sampleSize) }
      }
      return
    }
    let image: Image
    do {
      image = ImageFolderDataset.converted(try decode(files[index]), to: sampleShape)
    } catch {
      preconditionFailure(
        "\(files[index].path): decoded when the dataset was opened but not now: \(error)")
    }
    image.pixels.withUnsafeBufferPointer { pixels in
      if let base = pixels.baseAddress { write(base) }
    }
  }
}
