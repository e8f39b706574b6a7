import ConvNet
import ConvNetCompression
import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// Every mistake a user can type or feed (issue 12, §1, §2, §6) run against the built `convnet`:
/// each must end with exit status 1 (a failure) or 2 (a usage error) — never a signal — with
/// exactly one "Error:" line on standard error that names the offending flag or file, no
/// backtrace, no raw control character, and a peak resident memory under a bound.
///
/// The data files are made here, small, in a temporary folder: CIFAR records, IDX files, a
/// CSV, PNGs, weights and input tensors, plus hostile files whose headers announce far more
/// than they hold (a 1.3 MB gzip that inflates to 200 MB, a 5 MB PNG of 16384² RGB pixels).
final class CLIErrorTableTests: XCTestCase {
  /// One run of the executable: how it ended, what it printed and its peak memory.
  struct ChildRun {
    /// The exit status, or nil when a signal ended the process.
    let status: Int32?
    let signal: Int32?
    let standardError: String
    /// Peak resident set size (wait4's ru_maxrss), in bytes.
    let peakBytes: Int
  }

  /// A case of the table: arguments, the exit status expected and what the error line names.
  struct Case {
    let arguments: [String]
    let status: Int32
    let names: [String]
    /// The peak resident memory allowed, in bytes.
    var memoryBound = 600 << 20
  }

  private static var folder: URL!
  private static var fixturesError: Error?

  override class func setUp() {
    super.setUp()
    do {
      folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("convnet-error-table-\(UUID().uuidString)")
      try makeFixtures(in: folder)
    } catch {
      fixturesError = error
    }
  }

  override class func tearDown() {
    if let folder { try? FileManager.default.removeItem(at: folder) }
    super.tearDown()
  }

  private var folder: URL { Self.folder }
  private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  // MARK: - The table

  /// Everything typed on the command line (§1): numbers, sizes, shapes and files.
  func testTypedMistakesAreOneErrorLine() throws {
    if let error = Self.fixturesError { throw error }
    let cases: [Case] = [
      // Optimiser numbers: not finite, negative (also written after a space), momentum ≥ 1.
      Case(arguments: ["train", "--lr", "-1"], status: 2, names: ["--lr", "-1"]),
      Case(arguments: ["train", "--lr", "nan"], status: 2, names: ["--lr", "nan"]),
      Case(arguments: ["train", "--lr", "inf"], status: 2, names: ["--lr", "inf"]),
      Case(arguments: ["train", "--momentum", "2"], status: 2, names: ["--momentum", "2"]),
      Case(arguments: ["train", "--momentum", "nan"], status: 2, names: ["--momentum"]),
      Case(arguments: ["train", "--weight-decay", "-1"], status: 2, names: ["--weight-decay", "-1"]),
      Case(arguments: ["train", "--weight-decay", "inf"], status: 2, names: ["--weight-decay"]),
      Case(
        arguments: ["train", "--schedule", "step:1:nan"], status: 2, names: ["--schedule", "step:1:nan"]),
      Case(arguments: ["train", "--schedule", "step:0"], status: 2, names: ["--schedule"]),
      Case(arguments: ["train", "--epochs", "-3"], status: 2, names: ["--epochs", "-3"]),
      Case(arguments: ["train", "--batch-size", "0"], status: 2, names: ["--batch-size"]),
      Case(arguments: ["train", "--label-smoothing", "nan"], status: 2, names: ["--label-smoothing"]),
      Case(arguments: ["train", "--optimizer", "sgdd"], status: 2, names: ["--optimizer", "sgdd"]),
      Case(arguments: ["train", "--bogus"], status: 2, names: ["--bogus"]),
      Case(arguments: ["train", "--seed", "-1"], status: 2, names: ["--seed", "-1"]),
      Case(arguments: ["train", "--freeze", ",,"], status: 2, names: ["--freeze"]),
      Case(arguments: ["summary", "--input", "-1x5x5"], status: 2, names: ["--input", "-1x5x5"]),
      Case(arguments: ["train", "--val-split", "-0.5"], status: 2, names: ["--val-split"]),
      Case(arguments: ["train", "--max-image-pixels", "0"], status: 2, names: ["--max-image-pixels"]),
      // Image sizes the architecture cannot take, typed explicitly.
      Case(
        arguments: ["train", "--image-size", "32"], status: 2, names: ["--image-size", "28×28", "32×32"]),
      Case(
        arguments: ["train", "--image-size", "100000"], status: 2,
        names: ["--image-size", "28×28", "100000×100000"]),
      // Sizes that would need more memory than the machine has: refused with the figure.
      Case(
        arguments: ["train", "--data", path("idx"), "--arch", "resnet18", "--image-size", "100000"],
        status: 1, names: ["resnet18", "100000×100000", "of memory", "--image-size"]),
      Case(
        arguments: ["train", "--data", path("idx"), "--num-classes", "100000000"], status: 1,
        names: ["100000000 classes", "GB", "--num-classes"]),
      Case(
        arguments: ["summary", "--input", "3x100000x100000"], status: 1, names: ["3×100000×100000", "GB"]),
      Case(
        arguments: ["summary", "--arch", "resnet18", "--input", "3x100000x100000"], status: 1,
        names: ["resnet18", "TB"]),
      Case(
        arguments: ["summary", "--num-classes", "100000000"], status: 1, names: ["100000000 classes", "GB"]),
      // Shapes: too small, wrong rank, zero classes.
      Case(arguments: ["summary", "--input", "1x5x5"], status: 1, names: ["--input", "5×5", "28×28"]),
      Case(
        arguments: ["summary", "--arch", "googlenet", "--input", "3x10x10"], status: 1,
        names: ["15×15", "10×10"]),
      Case(arguments: ["summary", "--input", "1x2x3x4"], status: 2, names: ["--input", "1x2x3x4"]),
      Case(arguments: ["summary", "--num-classes", "0"], status: 2, names: ["--num-classes"]),
      Case(arguments: ["summary", "--arch", "lenet6"], status: 1, names: ["lenet6"]),
      // A last batch of one image where ResNet-18's batch norm sees 1×1 maps (20 = 19 + 1).
      Case(
        arguments: ["train", "--arch", "resnet18", "--data", path("cifar"), "--batch-size", "19"], status: 1,
        names: ["single image", "batch norm", "resnet18"]),
      // Data splits that disagree, checked before the first step.
      Case(
        arguments: ["train", "--data", path("idxmix"), "--epochs", "1"], status: 1,
        names: ["1×32×32", "1×28×28"]),
      // Weights and inputs: wrong size, empty batch, channels, directories, FIFOs.
      Case(
        arguments: [
          "infer", "--weights", path("lenet5.safetensors"), "--input", path("input32.safetensors"),
          "--output", path("out.safetensors"),
        ],
        status: 1, names: ["input32.safetensors", "28×28", "32×32"]),
      Case(
        arguments: [
          "infer", "--weights", path("lenet5.safetensors"), "--input", path("input0.safetensors"), "--output",
          path("out.safetensors"),
        ],
        status: 1, names: ["input0.safetensors", "batch of 0"]),
      Case(
        arguments: [
          "infer", "--weights", path("lenet5.safetensors"), "--input", path("input3ch.safetensors"),
          "--output", path("out.safetensors"),
        ],
        status: 1, names: ["the input has 3 channel(s)", "made for 1"]),
      Case(
        arguments: ["eval", "--weights", path("lenet5.safetensors"), "--data", path("cifar")],
        status: 1, names: ["the input has 3 channel(s)", "lenet5.safetensors"]),
      Case(
        arguments: ["train", "--data", path("cifar"), "--init-weights", path("lenet5.safetensors")],
        status: 1, names: ["the input has 3 channel(s)", "made for 1"]),
      Case(
        arguments: ["eval", "--weights", folder.path], status: 2, names: ["--weights", "is a directory"]),
      Case(
        arguments: ["eval", "--weights", path("fifo")], status: 2, names: ["--weights", "not a regular file"]),
      Case(
        arguments: [
          "infer", "--weights", path("lenet5.safetensors"), "--input", folder.path, "--output", path("o"),
        ],
        status: 2, names: ["--input", "is a directory"]),
      Case(
        arguments: ["train", "--init-weights", path("fifo")], status: 2,
        names: ["--init-weights", "not a regular file"]),
      Case(
        arguments: ["eval", "--weights", path("missing.safetensors")], status: 2,
        names: ["missing.safetensors"]),
      Case(
        arguments: ["eval", "--weights", path("garbage.safetensors"), "--data", path("idx")], status: 1,
        names: ["garbage.safetensors"]),
    ]
    try check(cases)
  }

  /// Files fed as data (§2, §6 and the hostile files): each refused with its full path, within
  /// a memory bound that a decoded or inflated payload would exceed many times over.
  func testFedFilesAreOneErrorLineWithinMemoryBound() throws {
    if let error = Self.fixturesError { throw error }
    let small = 150 << 20
    let cases: [Case] = [
      // A 1.3 MB gzip whose IDX header announces 800 bytes but which inflates to 200 MB.
      Case(
        arguments: ["train", "--data", path("gzipbomb")], status: 1,
        names: [path("gzipbomb/train-images-idx3-ubyte.gz"), "800 bytes"], memoryBound: small),
      // A 5 MB PNG announcing 16384×16384 RGB (805 M values, 3.2 GB as floats).
      Case(
        arguments: ["train", "--data", path("pngbomb")], status: 1,
        names: ["big.png", "16384×16384", "--max-image-pixels"], memoryBound: small),
      // A stray label byte of 250 among ten digits; a CSV label of 10,000,000.
      Case(
        arguments: ["train", "--data", path("label250")], status: 1,
        names: [path("label250/train-labels-idx1-ubyte"), "label 19", "250"], memoryBound: small),
      Case(
        arguments: ["train", "--data", path("biglabel.csv")], status: 1,
        names: [path("biglabel.csv"), "line 4", "10000000"], memoryBound: small),
      // Directories and FIFOs where files are expected.
      Case(
        arguments: ["train", "--data", path("fifo.csv")], status: 1,
        names: [path("fifo.csv"), "not a regular file"]),
      Case(
        arguments: ["train", "--data", path("dirlabels")], status: 1,
        names: [path("dirlabels/train-labels-idx1-ubyte"), "is a directory"]),
      // Hostile files the readers already refused: truncated IDX, a CIFAR file of the wrong
      // size, a PNG with a broken CRC (with the hint naming --on-bad-image skip), no data.
      Case(
        arguments: ["train", "--data", path("truncated")], status: 1,
        names: [path("truncated/train-images-idx3-ubyte"), "truncated"]),
      Case(
        arguments: ["train", "--data", path("cifarbad")], status: 1,
        names: [path("cifarbad/data_batch_1.bin"), "file size"]),
      Case(
        arguments: ["train", "--data", path("badpng")], status: 1,
        names: ["broken.png", "--on-bad-image skip"]),
      Case(
        arguments: ["train", "--data", path("missing-folder")], status: 1, names: [path("missing-folder")]),
    ]
    try check(cases)
  }

  /// Text taken from data files is printed with its control characters escaped: a CSV header
  /// holding an escape sequence and a carriage return stays one visible line.
  func testControlCharactersFromFilesAreEscaped() throws {
    if let error = Self.fixturesError { throw error }
    let run = try convnet(["train", "--data", path("control.csv")])
    XCTAssertEqual(run.status, 1, run.standardError)
    XCTAssertFalse(run.standardError.contains("\u{1B}"), run.standardError)
    XCTAssertTrue(run.standardError.contains("\\u{1B}[31m"), run.standardError)
    XCTAssertTrue(run.standardError.contains("red\\rline"), run.standardError)
    XCTAssertEqual(run.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count, 1)
  }

  /// CIFAR images into the default LeNet-5 (made for 28×28): resized, and said so; the same
  /// with `eval --in-channels 1` (grey 28×28) on weights for one channel.
  func testCIFARIntoLeNetIsResizedAndSaid() throws {
    if let error = Self.fixturesError { throw error }
    let train = try convnet(["train", "--data", path("cifar"), "--epochs", "1", "--max-steps", "1"])
    XCTAssertEqual(train.status, 0, train.standardError)
    XCTAssertTrue(
      train.standardError.contains("images: 3×32×32 → 3×28×28 (resizing) for lenet5"), train.standardError)
    let eval = try convnet([
      "eval", "--weights", path("lenet5.safetensors"), "--data", path("cifar"), "--in-channels", "1",
      "--json",
    ])
    XCTAssertEqual(eval.status, 0, eval.standardError)
    XCTAssertTrue(eval.standardError.contains("3×32×32 → 1×28×28"), eval.standardError)
  }

  // MARK: - Running the cases

  private func check(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) throws {
    for item in cases {
      let run = try convnet(item.arguments)
      let label = "convnet " + item.arguments.joined(separator: " ")
      XCTAssertNil(
        run.signal, "\(label): ended by signal \(run.signal ?? 0)\n\(run.standardError)", file: file,
        line: line)
      XCTAssertEqual(run.status, item.status, "\(label)\n\(run.standardError)", file: file, line: line)
      let errorLines = run.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
      XCTAssertEqual(errorLines.count, 1, "\(label): \(run.standardError)", file: file, line: line)
      for name in item.names {
        XCTAssertTrue(
          errorLines.first?.contains(name) ?? false,
          "\(label): the error does not name \"\(name)\": \(run.standardError)",
          file: file, line: line)
      }
      for trace in ["Fatal error", "Stack trace", "backtrace", "Illegal instruction"] {
        XCTAssertFalse(
          run.standardError.contains(trace), "\(label): \(run.standardError)", file: file, line: line)
      }
      XCTAssertFalse(
        run.standardError.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F },
        "\(label): a raw control character on standard error", file: file, line: line)
      XCTAssertLessThan(
        run.peakBytes, item.memoryBound,
        "\(label): peak memory \(run.peakBytes >> 20) MiB, bound \(item.memoryBound >> 20) MiB", file: file,
        line: line)
    }
  }

  /// Runs `convnet` as a child (posix_spawn, stdin from /dev/null, output to files) and
  /// collects it with wait4, whose rusage is this child's alone. A child still running after
  /// 120 s is killed and reported.
  ///
  /// Peak memory: Linux counts into the child's ru_maxrss the peak of the memory image it
  /// replaced at exec — with posix_spawn, this test process's own peak (VmHWM). So ru_maxrss
  /// is the child's peak exactly when it exceeds ours; otherwise the child stayed below our
  /// peak and its own VmHWM, polled from /proc every 2 ms while it runs, is used.
  private func convnet(_ arguments: [String]) throws -> ChildRun {
    let id = UUID().uuidString
    let outPath = folder.appendingPathComponent("stdout-\(id)").path
    let errPath = folder.appendingPathComponent("stderr-\(id)").path
    defer {
      try? FileManager.default.removeItem(atPath: outPath)
      try? FileManager.default.removeItem(atPath: errPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var environment = ProcessInfo.processInfo.environment
    // A trap must end the child at once (the backtracer can take minutes), and is still a
    // signal that the test reports.
    environment["SWIFT_BACKTRACE"] = "enable=no"
    let argv = ([ConvNetExecutable.url.path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    let parentPeak = Self.highWaterMark(of: "self") ?? Int.max
    var pid = pid_t()
    let spawned = posix_spawn(&pid, ConvNetExecutable.url.path, &actions, nil, argv, envp)
    guard spawned == 0 else {
      throw NSError(
        domain: NSPOSIXErrorDomain, code: Int(spawned),
        userInfo: [NSFilePathErrorKey: ConvNetExecutable.url.path])
    }
    var status: Int32 = 0
    var usage = rusage()
    let deadline = Date().addingTimeInterval(120)
    var polledPeak = 0
    while wait4(pid, &status, WNOHANG, &usage) == 0 {
      polledPeak = max(polledPeak, Self.highWaterMark(of: "\(pid)") ?? 0)
      if Date() > deadline {
        kill(pid, SIGKILL)
        _ = wait4(pid, &status, 0, &usage)
        break
      }
      usleep(2000)
    }
    let reported = Int(usage.ru_maxrss) * 1024
    let signal = status & 0x7F
    let standardError = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return ChildRun(
      status: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
      standardError: standardError, peakBytes: reported > parentPeak ? reported : max(polledPeak, 0))
  }

  /// VmHWM (peak resident set) of /proc/`process`/status in bytes, nil when unreadable.
  private static func highWaterMark(of process: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else {
      return nil
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(line.split(separator: " ").dropFirst().first ?? "").map { $0 * 1024 }
    }
    return nil
  }
}

// MARK: - Fixtures

extension CLIErrorTableTests {
  fileprivate static func makeFixtures(in folder: URL) throws {
    let manager = FileManager.default
    func directory(_ name: String) throws -> URL {
      let url = folder.appendingPathComponent(name)
      try manager.createDirectory(at: url, withIntermediateDirectories: true)
      return url
    }
    func write(_ bytes: [UInt8], _ url: URL) throws { try Data(bytes).write(to: url) }
    var generator = SeededGenerator(seed: 12)
    func noise(_ count: Int) -> [UInt8] {
      (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    // CIFAR-10: 20 training and 10 test records (label byte + 3,072 pixels).
    let cifar = try directory("cifar")
    try write(
      (0..<20).flatMap { [UInt8($0 % 10)] + noise(3072) }, cifar.appendingPathComponent("data_batch_1.bin"))
    try write(
      (0..<10).flatMap { [UInt8($0 % 10)] + noise(3072) }, cifar.appendingPathComponent("test_batch.bin"))
    let cifarBad = try directory("cifarbad")
    try write(noise(3073 * 2 + 5), cifarBad.appendingPathComponent("data_batch_1.bin"))

    // IDX: 28×28 train and test; a test split of 32×32; a stray label of 250.
    func idxImages(_ count: Int, _ side: Int) -> [UInt8] {
      bigEndian([0x803, count, side, side]) + noise(count * side * side)
    }
    func idxLabels(_ labels: [UInt8]) -> [UInt8] { bigEndian([0x801, labels.count]) + labels }
    let digits = (0..<20).map { UInt8($0 % 10) }
    let idx = try directory("idx")
    try write(idxImages(20, 28), idx.appendingPathComponent("train-images-idx3-ubyte"))
    try write(idxLabels(digits), idx.appendingPathComponent("train-labels-idx1-ubyte"))
    try write(idxImages(10, 28), idx.appendingPathComponent("t10k-images-idx3-ubyte"))
    try write(idxLabels(Array(digits[0..<10])), idx.appendingPathComponent("t10k-labels-idx1-ubyte"))
    let mixed = try directory("idxmix")
    try write(idxImages(20, 28), mixed.appendingPathComponent("train-images-idx3-ubyte"))
    try write(idxLabels(digits), mixed.appendingPathComponent("train-labels-idx1-ubyte"))
    try write(idxImages(10, 32), mixed.appendingPathComponent("t10k-images-idx3-ubyte"))
    try write(idxLabels(Array(digits[0..<10])), mixed.appendingPathComponent("t10k-labels-idx1-ubyte"))
    let label250 = try directory("label250")
    try write(idxImages(20, 28), label250.appendingPathComponent("train-images-idx3-ubyte"))
    try write(
      idxLabels(Array(digits[0..<19]) + [250]), label250.appendingPathComponent("train-labels-idx1-ubyte"))
    let truncated = try directory("truncated")
    try write(
      Array(idxImages(20, 28).dropLast(100)), truncated.appendingPathComponent("train-images-idx3-ubyte"))
    try write(idxLabels(digits), truncated.appendingPathComponent("train-labels-idx1-ubyte"))
    // The labels "file" is a directory.
    let dirLabels = try directory("dirlabels")
    try write(idxImages(20, 28), dirLabels.appendingPathComponent("train-images-idx3-ubyte"))
    try manager.createDirectory(
      at: dirLabels.appendingPathComponent("train-labels-idx1-ubyte"), withIntermediateDirectories: true)

    // gzip bomb: an IDX header for one 28×28 image, then 200 MB of zeros.
    let gzipBomb = try directory("gzipbomb")
    let header = bigEndian([0x803, 1, 28, 28])
    try write(
      gzip(prefix: header, zeros: 784 + 200_000_000),
      gzipBomb.appendingPathComponent("train-images-idx3-ubyte.gz"))
    try write(idxLabels([0]), gzipBomb.appendingPathComponent("train-labels-idx1-ubyte"))

    // PNG bomb: 16384×16384 RGB of zeros (5 MB), beside two small images.
    let pngBomb = try directory("pngbomb")
    for name in ["a", "b"] { _ = try directory("pngbomb/\(name)") }
    try write(png(width: 16384, height: 16384), pngBomb.appendingPathComponent("a/big.png"))
    try write(png(width: 4, height: 4), pngBomb.appendingPathComponent("a/small.png"))
    try write(png(width: 4, height: 4), pngBomb.appendingPathComponent("b/small.png"))
    let badPNG = try directory("badpng")
    for name in ["a", "b"] { _ = try directory("badpng/\(name)") }
    var broken = png(width: 4, height: 4)
    broken[broken.count - 20] ^= 0xFF
    try write(broken, badPNG.appendingPathComponent("a/broken.png"))
    try write(png(width: 4, height: 4), badPNG.appendingPathComponent("b/small.png"))

    // CSV: 28×28 pixels, the fourth line's label 10,000,000; a header with control characters.
    let pixels = (0..<784).map { _ in "0" }.joined(separator: ",")
    let header784 = "label," + (0..<784).map { "p\($0)" }.joined(separator: ",")
    let rows = ["1", "2", "10000000", "0"].map { "\($0),\(pixels)" }
    try ([header784] + rows).joined(separator: "\n").write(
      to: folder.appendingPathComponent("biglabel.csv"), atomically: true, encoding: .utf8)
    try Data("\u{1B}[31mred\rline,p0\n1,2\n".utf8).write(to: folder.appendingPathComponent("control.csv"))

    // A FIFO (as --weights, --init-weights and as a CSV) and a file that is not safetensors.
    mkfifo(folder.appendingPathComponent("fifo").path, 0o644)
    mkfifo(folder.appendingPathComponent("fifo.csv").path, 0o644)
    try write([1, 2, 3], folder.appendingPathComponent("garbage.safetensors"))

    // LeNet-5 weights for one channel, and input tensors for infer.
    let model = RandomSource.withSeed(1) { LeNet5() }
    try SafetensorsFile.write(
      model.stateDict().map { (name: $0.name, tensor: $0.value, dtype: .f32) },
      to: folder.appendingPathComponent("lenet5.safetensors"))
    for (name, shape) in [
      ("input32", [1, 1, 32, 32]), ("input0", [0, 1, 28, 28]), ("input3ch", [2, 3, 28, 28]),
    ] {
      try SafetensorsFile.write(
        [(name: "input", tensor: Tensor.zeros(shape), dtype: .f32)],
        to: folder.appendingPathComponent("\(name).safetensors"))
    }
  }

  /// Big-endian 32-bit words.
  fileprivate static func bigEndian(_ words: [Int]) -> [UInt8] {
    words.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) } }
  }

  /// A raw DEFLATE stream (one fixed-Huffman block) of `prefix` then `zeros` zero bytes: the
  /// zeros as one literal and matches of length 258 at distance 1 (13 bits per 258 bytes).
  fileprivate static func deflate(prefix: [UInt8], zeros: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    var accumulator: UInt64 = 0
    var filled = 0
    func bits(_ value: Int, _ count: Int) {  // LSB first, as DEFLATE packs header bits
      accumulator |= UInt64(value) << UInt64(filled)
      filled += count
      while filled >= 8 {
        bytes.append(UInt8(truncatingIfNeeded: accumulator))
        accumulator >>= 8
        filled -= 8
      }
    }
    func code(_ value: Int, _ count: Int) {  // Huffman codes go most significant bit first
      var reversed = 0
      for k in 0..<count where value & (1 << k) != 0 { reversed |= 1 << (count - 1 - k) }
      bits(reversed, count)
    }
    func literal(_ byte: UInt8) {
      if byte < 144 { code(0x30 + Int(byte), 8) } else { code(0x190 + Int(byte) - 144, 9) }
    }
    bits(1, 1)  // BFINAL
    bits(1, 2)  // BTYPE 01: fixed Huffman codes
    prefix.forEach(literal)
    var remaining = zeros
    if remaining > 0 {
      literal(0)
      remaining -= 1
    }
    while remaining >= 258 {
      code(0xC5, 8)  // length symbol 285: 258
      code(0, 5)  // distance symbol 0: 1
      remaining -= 258
    }
    for _ in 0..<remaining { literal(0) }
    code(0, 7)  // end of block (256)
    if filled > 0 { bytes.append(UInt8(truncatingIfNeeded: accumulator)) }
    return bytes
  }

  /// Checksums of `prefix` followed by `zeros` zero bytes.
  fileprivate static func checksums(prefix: [UInt8], zeros: Int) -> (crc: UInt32, adler: UInt32) {
    var crc = CRC32()
    var adler = Adler32()
    crc.update(prefix)
    adler.update(prefix)
    let chunk = [UInt8](repeating: 0, count: 1 << 20)
    var remaining = zeros
    while remaining > 0 {
      let part = chunk[0..<min(remaining, chunk.count)]
      crc.update(part)
      adler.update(part)
      remaining -= part.count
    }
    return (crc.value, adler.value)
  }

  fileprivate static func gzip(prefix: [UInt8], zeros: Int) -> [UInt8] {
    let sums = checksums(prefix: prefix, zeros: zeros)
    let size = UInt32(truncatingIfNeeded: prefix.count + zeros)
    return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + deflate(prefix: prefix, zeros: zeros)
      + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: sums.crc >> $0) }
      + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: size >> $0) }
  }

  /// An 8-bit RGB PNG of zeros (each row: filter byte 0 and 3·width zero bytes).
  fileprivate static func png(width: Int, height: Int) -> [UInt8] {
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let body = Array(type.utf8) + data
      return bigEndian([data.count]) + body + bigEndian([Int(CRC32.checksum(of: body))])
    }
    let raw = (3 * width + 1) * height
    let adler = checksums(prefix: [], zeros: raw).adler
    let zlib = [0x78, 0x01] + deflate(prefix: [], zeros: raw) + bigEndian([Int(adler)])
    let header = bigEndian([width, height]) + [8, 2, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib)
      + chunk("IEND", [])
  }
}
