import Foundation

/// CIFAR-10 or CIFAR-100 in the "binary version" the authors distribute: 32 × 32 RGB images,
/// held in memory as bytes.
///
/// Each file is a run of fixed-size records. CIFAR-10 (`data_batch_1.bin` … `data_batch_5.bin`,
/// `test_batch.bin`): 1 label byte (0…9) then 3,072 pixel bytes. CIFAR-100 (`train.bin`,
/// `test.bin`): a coarse label byte (0…19), a fine label byte (0…99), then 3,072 pixel bytes.
/// The pixels are the red plane, then green, then blue, each 32 rows of 32 — already the CHW
/// layout of a batch tensor, so a record's pixels are stored as they are.
public struct CIFARDataset: ClassNamedDataset {
  /// Which of the two releases.
  public enum Variant: String, Sendable, CaseIterable {
    case cifar10 = "CIFAR-10"
    case cifar100 = "CIFAR-100"
  }

  /// CIFAR-100's two labellings: 20 superclasses or 100 classes.
  public enum LabelKind: String, Sendable {
    case coarse
    case fine
  }

  /// The bytes before the pixels in each record (1 label for CIFAR-10, 2 for CIFAR-100), plus
  /// the 3 × 32 × 32 pixel bytes.
  public static func recordSize(_ variant: Variant) -> Int {
    (variant == .cifar10 ? 1 : 2) + pixelsPerImage
  }

  /// 3 · 32 · 32.
  public static let pixelsPerImage = 3 * 32 * 32

  public let variant: Variant
  public let labelKind: LabelKind
  /// The images and labels; `images.pixels` is N × 3 × 32 × 32 bytes.
  public let images: ImageClassificationDataset
  public let classNames: [String]?

  public var name: String { images.name }
  public var count: Int { images.count }
  public var sampleShape: [Int] { images.sampleShape }
  public var classCount: Int { images.classCount }
  public func label(at index: Int) -> Int { images.label(at: index) }
  public func writeImage(
    at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform
  ) {
    images.writeImage(at: index, into: destination, transform: transform)
  }

  /// The file names of a split: data_batch_1…5.bin / test_batch.bin for CIFAR-10, train.bin /
  /// test.bin for CIFAR-100.
  public static func fileNames(_ variant: Variant, split: DatasetSplit) -> [String] {
    switch (variant, split) {
    case (.cifar10, .train): return (1...5).map { "data_batch_\($0).bin" }
    case (.cifar10, .test): return ["test_batch.bin"]
    case (.cifar100, .train): return ["train.bin"]
    case (.cifar100, .test): return ["test.bin"]
    }
  }

  /// The folder the archives unpack to: `cifar-10-batches-bin` / `cifar-100-binary`.
  public static func archiveFolderName(_ variant: Variant) -> String {
    variant == .cifar10 ? "cifar-10-batches-bin" : "cifar-100-binary"
  }

  /// The folder that holds the binary files: `directory` itself, or its
  /// `cifar-10-batches-bin` / `cifar-100-binary` sub-folder. Nil when neither has the
  /// split's first file.
  public static func dataDirectory(
    in directory: URL, variant: Variant, split: DatasetSplit = .train
  ) -> URL? {
    let first = fileNames(variant, split: split)[0]
    for candidate in [directory, directory.appendingPathComponent(archiveFolderName(variant))] {
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(first).path) {
        return candidate
      }
    }
    return nil
  }

  /// Loads a split from `directory` (or its `cifar-10-batches-bin` / `cifar-100-binary`
  /// sub-folder).
  ///
  /// CIFAR-10's training split is every `data_batch_K.bin` present for K = 1, 2, … up to 5
  /// with no gap (so a subset of the five batches can be used). Class names come from
  /// `batches.meta.txt` (CIFAR-10) or `fine_label_names.txt` / `coarse_label_names.txt`
  /// (CIFAR-100) when present.
  ///
  /// - Parameters:
  ///   - labelKind: CIFAR-100 only: `.fine` (100 classes, the default) or `.coarse` (20).
  /// - Throws: `DataError` naming the file for a missing file, a length that is not a whole
  ///   number of records, a label out of range or a names file with the wrong number of names.
  public static func load(
    directory: URL, variant: Variant, split: DatasetSplit, labelKind: LabelKind = .fine,
    name: String? = nil
  ) throws -> CIFARDataset {
    let folder = dataDirectory(in: directory, variant: variant, split: split) ?? directory
    let names = fileNames(variant, split: split)
    var files: [URL] = []
    for (k, fileName) in names.enumerated() {
      let url = folder.appendingPathComponent(fileName)
      guard FileManager.default.fileExists(atPath: url.path) else {
        if k == 0 {
          throw DataError(
            file: folder.path, field: fileName,
            problem: "not found, expected the \(variant.rawValue) \(split.rawValue) file "
              + "\(names.joined(separator: ", ")) here or in \(archiveFolderName(variant))/")
        }
        // A later batch may be absent only if none after it is present.
        if let extra = names[(k + 1)...].first(where: {
          FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
        }) {
          throw DataError(
            file: folder.path, field: fileName,
            problem: "not found, but \(extra) is: expected the batches to be numbered from 1 "
              + "without gaps")
        }
        break
      }
      files.append(url)
    }

    let classCount = variant == .cifar10 ? 10 : (labelKind == .fine ? 100 : 20)
    var pixels: [UInt8] = []
    var labels: [Int32] = []
    for url in files {
      try readRecords(
        url, variant: variant, labelKind: labelKind, classCount: classCount,
        pixels: &pixels, labels: &labels)
    }
    let images = ImageClassificationDataset(
      name: name ?? "\(variant.rawValue.lowercased()) \(split.rawValue)", pixels: pixels,
      labels: labels, sampleShape: [3, 32, 32], classCount: classCount)
    let classNames = try readClassNames(
      in: folder, variant: variant, labelKind: labelKind, classCount: classCount)
    return CIFARDataset(
      variant: variant, labelKind: labelKind, images: images, classNames: classNames)
  }

  /// Appends the records of one file, validating its length and every label.
  static func readRecords(
    _ url: URL, variant: Variant, labelKind: LabelKind, classCount: Int,
    pixels: inout [UInt8], labels: inout [Int32]
  ) throws {
    let fileName = url.path
    let data = try DataFile.read(url)
    let recordSize = recordSize(variant)
    let labelBytes = recordSize - pixelsPerImage
    let layout =
      variant == .cifar10
      ? "1 label byte + 3,072 pixel bytes" : "2 label bytes + 3,072 pixel bytes"
    let (records, leftover) = data.count.quotientAndRemainder(dividingBy: recordSize)
    guard leftover == 0 && records > 0 else {
      throw DataError(
        file: fileName, field: "file size",
        problem: "\(data.count) bytes = \(records) records of \(recordSize) bytes and "
          + "\(leftover) leftover bytes, expected a whole, non-zero number of \(variant.rawValue) "
          + "records (\(layout)); the file may be truncated or not \(variant.rawValue)")
    }
    // CIFAR-100 keeps the coarse label first and the fine label second.
    let labelOffset = variant == .cifar100 && labelKind == .fine ? 1 : 0
    let labelName =
      variant == .cifar10 ? "label" : (labelKind == .fine ? "fine label" : "coarse label")
    pixels.reserveCapacity(pixels.count + records * pixelsPerImage)
    labels.reserveCapacity(labels.count + records)
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      let bytes = raw.bindMemory(to: UInt8.self)
      for record in 0..<records {
        let start = record * recordSize
        let label = Int(bytes[start + labelOffset])
        guard label < classCount else {
          throw DataError(
            file: fileName, field: "\(labelName) of record \(record)",
            problem: "is \(label), expected 0…\(classCount - 1)")
        }
        labels.append(Int32(label))
        pixels.append(contentsOf: bytes[(start + labelBytes)..<(start + recordSize)])
      }
    }
  }

  /// The class names from the release's text file, or nil when the file is absent.
  static func readClassNames(
    in folder: URL, variant: Variant, labelKind: LabelKind, classCount: Int
  ) throws -> [String]? {
    let fileName =
      variant == .cifar10
      ? "batches.meta.txt"
      : (labelKind == .fine ? "fine_label_names.txt" : "coarse_label_names.txt")
    let url = folder.appendingPathComponent(fileName)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
    let names = text.split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard names.count == classCount else {
      throw DataError(
        file: fileName, field: "class names",
        problem: "\(names.count) non-empty lines, expected \(classCount), one name per class")
    }
    return names
  }
}
