import Foundation

/// The image files under a class-folder tree `root/<class>/…/<image>`, found by name only.
///
/// Class names are the non-hidden sub-folders of `root`, sorted (so the labels are the same on
/// every machine). Each class folder is searched recursively; files ending in `.png`, `.jpg` or
/// `.jpeg` (any case) are images, other files are counted in `ignoredFileCount`, hidden files
/// (starting with ".") are left out silently. Files directly in `root` are ignored too.
struct ImageFolderScan {
  /// Sorted sub-folder names.
  var classNames: [String]
  /// Image files, class by class, sorted by path within a class.
  var files: [URL]
  /// The class index of each file.
  var labels: [Int32]
  /// Files that are not images by their extension.
  var ignoredFileCount: Int

  /// The extensions taken as images (compared lower-cased).
  static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

  /// Scans `root`; when `classNames` is given (a validation folder beside a training folder),
  /// labels follow that list and a sub-folder not in it is an error.
  init(root: URL, classNames given: [String]? = nil) throws {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw DataError(file: root.path, field: "folder", problem: "not found")
    }
    let entries = try ImageFolderScan.visibleEntries(of: root)
    let folders = entries.filter { ImageFolderScan.isDirectory($0) }
    var ignored = entries.count - folders.count
    let found = folders.map(\.lastPathComponent).sorted()
    guard !found.isEmpty else {
      throw DataError(
        file: root.path, field: "class folders",
        problem: "none, expected one sub-folder per class holding its images (root/<class>/<image>)"
      )
    }
    let names = given ?? found
    if let stranger = found.first(where: { !names.contains($0) }) {
      let listed = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", …" : "")
      throw DataError(
        file: root.appendingPathComponent(stranger).path, field: "class folder",
        problem: "is not one of the \(names.count) training classes (\(listed))")
    }

    var files: [URL] = []
    var labels: [Int32] = []
    for name in found {
      let folder = root.appendingPathComponent(name)
      var images: [URL] = []
      try ImageFolderScan.collect(in: folder, images: &images, ignored: &ignored)
      guard !images.isEmpty else {
        throw DataError(
          file: folder.path, field: "images",
          problem: "none, expected at least one .png, .jpg or .jpeg file in each class folder")
      }
      images.sort { $0.path < $1.path }
      let label = Int32(names.firstIndex(of: name) ?? 0)
      files += images
      labels += [Int32](repeating: label, count: images.count)
    }
    self.classNames = names
    self.files = files
    self.labels = labels
    self.ignoredFileCount = ignored
  }

  private static func collect(in folder: URL, images: inout [URL], ignored: inout Int) throws {
    for entry in try visibleEntries(of: folder) {
      if isDirectory(entry) {
        try collect(in: entry, images: &images, ignored: &ignored)
      } else if imageExtensions.contains(entry.pathExtension.lowercased()) {
        images.append(entry)
      } else {
        ignored += 1
      }
    }
  }

  private static func visibleEntries(of folder: URL) throws -> [URL] {
    do {
      return try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { !$0.hasPrefix(".") }
        .map { folder.appendingPathComponent($0) }
    } catch {
      throw DataError(file: folder.path, field: "folder", problem: "unreadable: \(error)")
    }
  }

  private static func isDirectory(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }
}
