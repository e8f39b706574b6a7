import ConvNet
import Foundation
import XCTest

/// `convnet train` killed or interrupted at random moments, as a user's run would be: every
/// checkpoint left behind loads and is consistent, and resuming with the same command ends with
/// the weights of the uninterrupted run, bit for bit.
///
/// The runs are small (smallcnn with its two dropout layers, 160 generated 28×28 images,
/// batches of 8, augmentation on: 20 steps an epoch, 60 in all) so that the suite stays quick.
final class CheckpointInterruptionTests: XCTestCase {
  private func temporaryDirectory() throws -> URL { try makeTemporaryDirectory(prefix: "convnet-ckpt-cli") }

  /// A CSV of `rows` images (sparse random pixels, labels 0…9 in turn), Kaggle's layout.
  private func makeCSV(rows: Int, in directory: URL) throws -> URL {
    var generator = SeededGenerator(seed: 12)
    var text = "label," + (0..<784).map { "pixel\($0)" }.joined(separator: ",") + "\n"
    for row in 0..<rows {
      let pixels = (0..<784).map { _ in generator.next() % 4 == 0 ? String(generator.next() % 256) : "0" }
      text += "\(row % 10)," + pixels.joined(separator: ",") + "\n"
    }
    let url = directory.appendingPathComponent("train.csv")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  private func arguments(data: URL, optimizer: String, epochs: Int = 3, batchSize: Int = 8) -> [String] {
    [
      "train", "--data", data.path, "--arch", "smallcnn", "--epochs", "\(epochs)", "--batch-size",
      "\(batchSize)",
      "--optimizer", optimizer, "--augment", "crop:28:2,rotate:10",
    ]
  }

  /// A running `convnet` whose standard error is collected as it comes.
  private final class Child: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var collected = Data()
    private let errorPipe = Pipe()

    init(executable: URL, arguments: [String]) throws {
      process.executableURL = executable
      process.arguments = arguments
      process.standardError = errorPipe
      process.standardOutput = FileHandle.nullDevice
      errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
        let data = handle.availableData
        guard let self else { return }
        self.lock.lock()
        self.collected.append(data)
        self.lock.unlock()
      }
      try process.run()
    }

    var standardError: String {
      lock.lock()
      defer { lock.unlock() }
      return String(decoding: collected, as: UTF8.self)
    }

    /// Waits until standard error contains `text` (true) or the process ends first (false).
    func waitFor(_ text: String, timeout: TimeInterval = 120) -> Bool {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        if standardError.contains(text) { return true }
        if !process.isRunning { return standardError.contains(text) }
        usleep(1000)
      }
      return false
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the end; returns how it ended and everything it wrote to standard error.
    func finish() -> (reason: Process.TerminationReason, status: Int32, standardError: String) {
      process.waitUntilExit()
      // The last bytes may not have reached the handler: read the rest directly.
      errorPipe.fileHandleForReading.readabilityHandler = nil
      let rest = errorPipe.fileHandleForReading.readDataToEndOfFile()
      lock.lock()
      collected.append(rest)
      lock.unlock()
      return (process.terminationReason, process.terminationStatus, standardError)
    }
  }

  private func run(_ arguments: [String]) throws -> (status: Int32, standardError: String) {
    let child = try Child(executable: ConvNetExecutable.url, arguments: arguments)
    let result = child.finish()
    return (result.status, result.standardError)
  }

  /// Loads the checkpoint into a fresh smallcnn and checks it is one consistent state: weights
  /// and optimiser state load, both dropout generators are there, the position adds up
  /// (20 steps an epoch), and — with Adam, whose per-parameter step count t is in the state —
  /// every parameter's t is the checkpoint's step count: weights and moments of the same step.
  private func checkConsistent(
    _ url: URL, optimizer kind: String, file: StaticString = #filePath, line: UInt = #line
  )
    throws
  {
    let model = try Architectures.named("smallcnn").build(inputChannels: 1, classCount: 10)
    let optimizer: any Optimizer =
      kind == "adam"
      ? Adam(parameters: model.parameters)
      : SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
    let state = try Checkpoint.load(from: url, model: model, optimizer: optimizer).state
    XCTAssertEqual(state.generators?.count, 2, file: file, line: line)
    XCTAssertEqual(state.globalStep, state.epoch * 20 + state.step, file: file, line: line)
    XCTAssertEqual(state.dataOrder?.batchSize, 8, file: file, line: line)
    if kind == "adam" {
      let steps = optimizer.stateTensors().filter { $0.key.hasSuffix(".step") }.map { Int($0.value.scalar) }
      XCTAssertEqual(steps.count, state.globalStep == 0 ? 0 : model.parameters.count, file: file, line: line)
      XCTAssertTrue(
        steps.allSatisfy { $0 == state.globalStep }, "\(steps) vs \(state.globalStep)", file: file, line: line
      )
    }
  }

  private func tensors(_ url: URL) throws -> [String: Tensor] { try readStateDict(from: url) }

  /// Runs the training to its end the hard way: started, signalled at a random moment after
  /// its first step, restarted with `--resume`, … until a run finishes. After every signalled
  /// run the checkpoint (if any yet) must load and be consistent.
  private func interruptRepeatedly(
    _ base: [String], checkpoint: URL, signal: Int32, optimizer: String, extra: [String], seed: UInt64
  ) throws -> (interrupted: Int, insideEpoch: Int, killedWhileSaving: Int) {
    var generator = SeededGenerator(seed: seed)
    var interrupted = 0
    var insideEpoch = 0
    var killedWhileSaving = 0
    for _ in 0..<200 {
      let resuming = FileManager.default.fileExists(atPath: checkpoint.path)
      let arguments =
        base + ["--save", checkpoint.path] + extra + (resuming ? ["--resume", checkpoint.path] : [])
      let child = try Child(executable: ConvNetExecutable.url, arguments: arguments)
      // " img/s" is on the progress line of the first step this process takes (the handlers
      // are installed by then); the signal comes 0–120 ms later (SIGKILL: a run must get past
      // its next save to make progress), or 0–40 ms (SIGINT, which always saves: on a quiet
      // machine 60 steps take little more than 120 ms, and the run must be interrupted often).
      if child.waitFor(" img/s") {
        usleep(UInt32(generator.next() % (signal == SIGINT ? 40_000 : 120_000)))
        child.signal(signal)
      }
      let (reason, status, standardError) = child.finish()
      if reason == .exit && status == 0 {
        // "nothing to do" when the previous run was killed after its last save.
        XCTAssertTrue(
          standardError.contains("done in") || standardError.contains("nothing to do"), standardError)
        return (interrupted, insideEpoch, killedWhileSaving)
      }
      interrupted += 1
      if signal == SIGINT {
        XCTAssertEqual(reason, .exit, standardError)
        XCTAssertEqual(status, 130, standardError)
        let lines = standardError.split(separator: "\n").filter { $0.hasPrefix("interrupted at") }
        XCTAssertEqual(lines.count, 1, standardError)
        let line = String(lines.first ?? "")
        XCTAssertTrue(line.contains("saved \(checkpoint.path)"), line)
        // The command to resume is this one, with --resume added when it was not there.
        let command = ["convnet"] + arguments + (resuming ? [] : ["--resume", checkpoint.path])
        XCTAssertTrue(line.hasSuffix("Resume with: " + command.joined(separator: " ")), line)
      } else {
        XCTAssertEqual(reason, .uncaughtSignal, standardError)
        XCTAssertEqual(status, signal, standardError)
        if !AtomicFileWrite.leftovers(for: checkpoint).isEmpty { killedWhileSaving += 1 }
      }
      if FileManager.default.fileExists(atPath: checkpoint.path) {
        try checkConsistent(checkpoint, optimizer: optimizer)
        if try SafetensorsFile.read(from: checkpoint).metadata["convnet.step"] != "0" { insideEpoch += 1 }
      }
    }
    XCTFail("the run did not finish after 200 restarts")
    return (interrupted, insideEpoch, killedWhileSaving)
  }

  private func checkInterruptAndResume(optimizer: String, signal: Int32, saveEvery: Int?, seed: UInt64) throws
  {
    let directory = try temporaryDirectory()
    let data = try makeCSV(rows: 160, in: directory)
    let base = arguments(data: data, optimizer: optimizer)
    let reference = directory.appendingPathComponent("reference.safetensors")
    let straight = try run(base + ["--save", reference.path])
    XCTAssertEqual(straight.status, 0, straight.standardError)

    let checkpoint = directory.appendingPathComponent("run.safetensors")
    let extra = saveEvery.map { ["--save-every", "\($0)"] } ?? []
    let (interrupted, insideEpoch, killedWhileSaving) = try interruptRepeatedly(
      base, checkpoint: checkpoint, signal: signal, optimizer: optimizer, extra: extra, seed: seed)
    print(
      "\(optimizer), signal \(signal): \(interrupted) runs interrupted, \(insideEpoch) inside an epoch, "
        + "\(killedWhileSaving) killed while saving")
    XCTAssertGreaterThanOrEqual(interrupted, 3, "the run was hardly interrupted")
    XCTAssertGreaterThanOrEqual(insideEpoch, 1, "no checkpoint inside an epoch")
    // 60 steps: with a save every step, at least 60 saves (and 3 at the epochs' ends) were made.
    XCTAssertEqual(try SafetensorsFile.read(from: checkpoint).metadata["convnet.global_step"], "60")
    XCTAssertEqual(try tensors(checkpoint), try tensors(reference), "\(optimizer), signal \(signal)")
    XCTAssertTrue(AtomicFileWrite.leftovers(for: checkpoint).isEmpty)
  }

  /// The kill-during-save loop: Adam, a checkpoint every step (60 + 3 saves), the process
  /// SIGKILLed at random moments — inside a step or inside a save — and restarted with
  /// `--resume` until it finishes. Every checkpoint found after a kill loads and is consistent;
  /// the end result is the uninterrupted run's, bit for bit.
  func testKillDuringSavesLeavesConsistentCheckpointsAndResumesBitIdentically() throws {
    try checkInterruptAndResume(optimizer: "adam", signal: SIGKILL, saveEvery: 1, seed: 1)
  }

  func testSIGKILLAndResumeWithSGDIsBitIdentical() throws {
    try checkInterruptAndResume(optimizer: "sgd", signal: SIGKILL, saveEvery: 3, seed: 2)
  }

  /// Ctrl-C (SIGINT): finishes the step, saves, prints one line with the command to resume,
  /// exits 130; resuming with that command gives the uninterrupted run's result.
  func testCtrlCAndResumeWithSGDIsBitIdentical() throws {
    try checkInterruptAndResume(optimizer: "sgd", signal: SIGINT, saveEvery: nil, seed: 3)
  }

  func testCtrlCAndResumeWithAdamIsBitIdentical() throws {
    try checkInterruptAndResume(optimizer: "adam", signal: SIGINT, saveEvery: nil, seed: 4)
  }

  /// SIGTERM is handled as Ctrl-C; without --save nothing is saved, and it says so.
  func testInterruptWithoutSaveSaysNothingWasSaved() throws {
    let directory = try temporaryDirectory()
    let data = try makeCSV(rows: 160, in: directory)
    let child = try Child(
      executable: ConvNetExecutable.url, arguments: arguments(data: data, optimizer: "sgd", epochs: 50))
    XCTAssertTrue(child.waitFor(" img/s"))
    child.signal(SIGTERM)
    let (reason, status, standardError) = child.finish()
    XCTAssertEqual(reason, .exit, standardError)
    XCTAssertEqual(status, 130, standardError)
    XCTAssertTrue(standardError.contains("nothing was saved (no --save given)"), standardError)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["train.csv"])
  }

  /// A second Ctrl-C quits at once (status 130) and leaves the previous checkpoint as it was;
  /// the next run removes what the unfinished save left behind.
  func testSecondCtrlCQuitsAtOnceKeepingTheCheckpoint() throws {
    let directory = try temporaryDirectory()
    let data = try makeCSV(rows: 160, in: directory)
    let checkpoint = directory.appendingPathComponent("run.safetensors")
    // Batches of 64: a step takes long enough for the second signal to arrive inside it.
    let base =
      arguments(data: data, optimizer: "adam", epochs: 50, batchSize: 64) + ["--save", checkpoint.path]
    let child = try Child(executable: ConvNetExecutable.url, arguments: base)
    XCTAssertTrue(child.waitFor("saved "), "no checkpoint after the first epoch")
    let before = try Data(contentsOf: checkpoint)
    // The first signal must land inside a step of epoch 2: sent right at the epoch's end it
    // finds no step to finish and the run stops before the second arrives. A step of 64 images
    // takes ~0.1 s here; 30 ms after the save the first one is under way.
    Thread.sleep(forTimeInterval: 0.03)
    // Two signals sent at once would merge into one: the second goes after the first's notice.
    child.signal(SIGINT)
    XCTAssertTrue(child.waitFor("stopping after this step"))
    child.signal(SIGINT)
    let (reason, status, standardError) = child.finish()
    XCTAssertEqual(reason, .exit, standardError)
    XCTAssertEqual(status, 130, standardError)
    XCTAssertTrue(standardError.contains("quit at once"), standardError)
    XCTAssertFalse(standardError.contains("interrupted at"), standardError)
    XCTAssertEqual(try Data(contentsOf: checkpoint), before)
    XCTAssertEqual(try SafetensorsFile.read(from: checkpoint).metadata["epoch"], "1")

    // A save killed half-way leaves a temporary file; the next start removes it.
    let leftover = directory.appendingPathComponent(".run.safetensors.\(UUID().uuidString).tmp")
    XCTAssertTrue(FileManager.default.createFile(atPath: leftover.path, contents: Data(count: 100)))
    let resumed = try run(
      arguments(data: data, optimizer: "adam", epochs: 2, batchSize: 64)
        + ["--save", checkpoint.path, "--resume", checkpoint.path])
    XCTAssertEqual(resumed.status, 0, resumed.standardError)
    XCTAssertTrue(resumed.standardError.contains("removed 1 unfinished save"), resumed.standardError)
    XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path))
  }

  /// --epochs below the checkpoint's is an error; equal to it, there is nothing to do; above
  /// it, the run is extended and says how; a save path that cannot work is refused before
  /// training starts.
  func testResumeEpochCountsAndSavePathChecks() throws {
    let directory = try temporaryDirectory()
    let data = try makeCSV(rows: 32, in: directory)
    let checkpoint = directory.appendingPathComponent("run.safetensors")
    let first = try run(arguments(data: data, optimizer: "sgd", epochs: 2) + ["--save", checkpoint.path])
    XCTAssertEqual(first.status, 0, first.standardError)

    let below = try run(arguments(data: data, optimizer: "sgd", epochs: 1) + ["--resume", checkpoint.path])
    XCTAssertEqual(below.status, 1, below.standardError)
    let errors = below.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
    XCTAssertEqual(errors.count, 1, below.standardError)
    XCTAssertTrue(errors.first?.contains("2 epochs completed") ?? false, below.standardError)

    let before = try Data(contentsOf: checkpoint)
    let equal = try run(arguments(data: data, optimizer: "sgd", epochs: 2) + ["--resume", checkpoint.path])
    XCTAssertEqual(equal.status, 0, equal.standardError)
    XCTAssertTrue(equal.standardError.contains("nothing to do"), equal.standardError)
    XCTAssertFalse(equal.standardError.contains("epoch 3"), equal.standardError)
    XCTAssertEqual(try Data(contentsOf: checkpoint), before)

    let extended = try run(
      arguments(data: data, optimizer: "sgd", epochs: 3) + ["--resume", checkpoint.path])
    XCTAssertEqual(extended.status, 0, extended.standardError)
    XCTAssertTrue(extended.standardError.contains("new cosine cycle"), extended.standardError)
    XCTAssertEqual(try SafetensorsFile.read(from: checkpoint).metadata["convnet.cycles"], "0,2,3")

    let otherSettings = try run(
      arguments(data: data, optimizer: "adam", epochs: 4) + ["--resume", checkpoint.path])
    XCTAssertEqual(otherSettings.status, 1, otherSettings.standardError)
    XCTAssertTrue(otherSettings.standardError.contains("optimizer sgd"), otherSettings.standardError)

    for (path, expected) in [
      (directory.appendingPathComponent("missing/run.safetensors").path, "does not exist"),
      (directory.path, "is a directory"),
    ] {
      let refused = try run(arguments(data: data, optimizer: "sgd") + ["--save", path])
      XCTAssertEqual(refused.status, 1, refused.standardError)
      XCTAssertTrue(refused.standardError.contains("--save"), refused.standardError)
      XCTAssertTrue(refused.standardError.contains(expected), refused.standardError)
      XCTAssertFalse(refused.standardError.contains("epoch 1"), "training started: \(refused.standardError)")
    }
  }

  /// A --max-steps checkpoint inside an epoch is labelled with its step; the same command
  /// without the limit continues from that step to the uninterrupted run's weights.
  func testMaxStepsCheckpointContinuesFromItsStep() throws {
    let directory = try temporaryDirectory()
    let data = try makeCSV(rows: 32, in: directory)  // 4 steps an epoch
    let base = arguments(data: data, optimizer: "adam", epochs: 2)
    let reference = directory.appendingPathComponent("reference.safetensors")
    XCTAssertEqual(try run(base + ["--save", reference.path]).status, 0)
    let checkpoint = directory.appendingPathComponent("run.safetensors")
    let limited = try run(base + ["--save", checkpoint.path, "--max-steps", "6"])
    XCTAssertEqual(limited.status, 0, limited.standardError)
    let metadata = try SafetensorsFile.read(from: checkpoint).metadata
    XCTAssertEqual(metadata["epoch"], "1")
    XCTAssertEqual(metadata["convnet.step"], "2")
    XCTAssertEqual(metadata["convnet.global_step"], "6")
    let again = try run(base + ["--save", checkpoint.path, "--max-steps", "6", "--resume", checkpoint.path])
    XCTAssertTrue(again.standardError.contains("nothing to do"), again.standardError)
    let resumed = try run(base + ["--save", checkpoint.path, "--resume", checkpoint.path])
    XCTAssertEqual(resumed.status, 0, resumed.standardError)
    XCTAssertTrue(resumed.standardError.contains("continuing from epoch 2, step 2"), resumed.standardError)
    XCTAssertEqual(try tensors(checkpoint), try tensors(reference))
  }
}
