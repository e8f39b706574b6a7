import ConvNetInsight
import ConvNetTraining
import Foundation
import XCTest

/// Training history: entries from trainer events, the JSON-lines file, resuming, locating a run.
final class TrainingHistoryTests: XCTestCase {
  private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-history-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  /// A clock that moves one second per reading, starting at 1000.
  private func tickingClock() -> () -> Date {
    var seconds = 999.0
    return {
      seconds += 1
      return Date(timeIntervalSince1970: seconds)
    }
  }

  private func step(_ epoch: Int, _ step: Int, loss: Float, accuracy: Float = 0.5) -> TrainingEvent {
    .step(
      epoch: epoch, step: step, stepsInEpoch: 4, loss: loss, runningAccuracy: accuracy, imagesPerSecond: 100,
      secondsRemaining: 0)
  }

  /// 4 steps per epoch, a line every 2: step lines at 2 and 4 hold the mean of their two batch
  /// losses ((1+2)/2, (3+4)/2); the epoch line sits at step 4. In epoch 2 the run-wide step
  /// count goes on (6), and an epoch cut short after 1 step ends at step 5.
  func testRecorderAveragesLossOverEachInterval() {
    var rate: Float = 0.1
    let recorder = HistoryRecorder(
      stepsPerEpoch: 4, stepInterval: 2, learningRate: { rate }, clock: tickingClock())
    var entries: [HistoryEntry] = []
    for (index, loss) in [Float(1), 2, 3, 4].enumerated() {
      if let entry = recorder.record(step(1, index + 1, loss: loss, accuracy: Float(index) / 4)) {
        entries.append(entry)
      }
    }
    rate = 0.05
    entries += [
      recorder.record(
        .epoch(epoch: 1, trainLoss: 2.5, trainAccuracy: 0.75, test: nil, seconds: 7, learningRate: 0.05)),
      recorder.record(step(2, 1, loss: 8)),
      recorder.record(
        .epoch(epoch: 2, trainLoss: 8, trainAccuracy: 0.5, test: nil, seconds: 1, learningRate: 0.05)),
      recorder.record(.saved(URL(fileURLWithPath: "/x"))),
    ].compactMap { $0 }

    XCTAssertEqual(entries.map(\.kind), [.step, .step, .epoch, .epoch])
    XCTAssertEqual(entries.map(\.step), [2, 4, 4, 5])
    XCTAssertEqual(entries.map(\.trainLoss), [1.5, 3.5, 2.5, 8])
    XCTAssertEqual(entries[0].trainAccuracy, 0.25)
    XCTAssertEqual(entries[0].learningRate, 0.1)
    XCTAssertEqual(entries[2].learningRate, 0.05)
    XCTAssertEqual(entries[2].epochSeconds, 7)
    XCTAssertNil(entries[2].testLoss)
    XCTAssertEqual(entries[0].imagesPerSecond, 100)
    // The clock started at 1000 (construction); the second step reading is its 3rd tick.
    XCTAssertEqual(entries[0].wallTime, 1002)
    XCTAssertEqual(entries[0].elapsedSeconds, 2)
  }

  /// Told the batch size (10) and epoch size (35), a step line's accuracy is that of its own
  /// steps: running accuracies 5/10, 12/20, 21/30, 24/35 give 12/20 = 0.6 at step 2 and
  /// (24 − 12)/(35 − 20) = 0.8 at step 4; the count restarts with epoch 2: 9/10, 17/20 → 0.85.
  func testStepAccuracyCoversItsOwnSteps() {
    let recorder = HistoryRecorder(
      stepsPerEpoch: 4, stepInterval: 2, batchSize: 10, samplesPerEpoch: 35, learningRate: { 0.1 })
    let running: [(epoch: Int, step: Int, accuracy: Float)] = [
      (1, 1, 0.5), (1, 2, 0.6), (1, 3, 0.7), (1, 4, 24 / 35), (2, 1, 0.9), (2, 2, 0.85),
    ]
    let lines = running.compactMap {
      recorder.record(step($0.epoch, $0.step, loss: 1, accuracy: $0.accuracy))
    }
    XCTAssertEqual(lines.map(\.step), [2, 4, 6])
    XCTAssertEqual(lines.map(\.trainAccuracy), [0.6, 0.8, 0.85])
  }

  /// JSON field names are the documented snake_case ones; absent figures are left out.
  func testJSONLineFieldNames() throws {
    let entry = HistoryEntry(
      kind: .epoch, epoch: 2, step: 10, trainLoss: 0.5, trainAccuracy: 0.25, testLoss: 0.75,
      testAccuracy: 0.125,
      learningRate: 0.5, epochSeconds: 3, wallTime: 4, elapsedSeconds: 5)
    XCTAssertEqual(
      try entry.jsonLine(),
      #"{"elapsed_seconds":5,"epoch":2,"epoch_seconds":3,"kind":"epoch","learning_rate":0.5,"step":10,"#
        + #""test_accuracy":0.125,"test_loss":0.75,"train_accuracy":0.25,"train_loss":0.5,"wall_time":4}"#)
    let step = HistoryEntry(kind: .step, epoch: 1, step: 1, trainLoss: .nan, wallTime: 0, elapsedSeconds: 0)
    XCTAssertEqual(
      try step.jsonLine(),
      #"{"elapsed_seconds":0,"epoch":1,"kind":"step","step":1,"train_loss":"NaN","wall_time":0}"#)
    let back = try TrainingHistory(jsonLines: Data((try step.jsonLine()).utf8), source: "x")
    XCTAssertTrue(try XCTUnwrap(back.entries.first?.trainLoss).isNaN)
  }

  /// A resume from an older checkpoint rewrites lines: the later ones replace the stale ones
  /// from the same step on, and epoch 1's line at step 6 (the epoch continued after a resume)
  /// supersedes its cut-short line at step 4. An unfinished last line is skipped; a broken middle line is an error
  /// naming the file and the line.
  func testReadingResumedAndDamagedHistories() throws {
    func line(_ kind: String, _ step: Int, _ loss: Double) -> String {
      #"{"kind":"\#(kind)","epoch":1,"step":\#(step),"train_loss":\#(loss),"wall_time":0,"elapsed_seconds":0}"#
    }
    let text = [
      line("step", 2, 1), line("step", 4, 2), line("epoch", 4, 3), line("step", 6, 4),
      line("step", 6, 5), line("epoch", 6, 6), "", line("step", 8, 7), #"{"kind":"st"#,
    ].joined(separator: "\n")
    let history = try TrainingHistory(jsonLines: Data(text.utf8), source: "h.jsonl")
    XCTAssertEqual(history.entries.map(\.step), [2, 4, 6, 6, 8])
    XCTAssertEqual(history.entries.map(\.trainLoss), [1, 2, 5, 6, 7])
    XCTAssertEqual(history.epochs.map(\.step), [6])
    XCTAssertEqual(history.steps.count, 4)

    let broken = [line("step", 2, 1), #"{"kind":"step"}"#, line("step", 4, 2)].joined(separator: "\n")
    XCTAssertThrowsError(try TrainingHistory(jsonLines: Data(broken.utf8), source: "h.jsonl")) { error in
      XCTAssertEqual(
        "\(error)",
        "h.jsonl: line 2 is not a history entry (expected a JSON object with kind, epoch, step, wall_time, elapsed_seconds): field \"epoch\" missing"
      )
    }
  }

  /// Both layouts, found from any of their paths.
  func testLocatingRuns() throws {
    let directory = try temporaryDirectory()
    let checkpoint = directory.appendingPathComponent("model.safetensors")
    let beside = RunRecord.beside(checkpoint: checkpoint)
    XCTAssertEqual(beside.historyURL.lastPathComponent, "model.history.jsonl")
    XCTAssertEqual(beside.descriptionURL.lastPathComponent, "model.run.json")
    XCTAssertEqual(try RunRecord.locate(checkpoint), beside)
    XCTAssertEqual(try RunRecord.locate(beside.historyURL), beside)
    XCTAssertEqual(try RunRecord.locate(beside.descriptionURL), beside)

    let started = Date(timeIntervalSince1970: 1_796_642_835)  // 2026-12-07 11:27:15 UTC
    let folder = RunRecord.newFolder(architecture: "lenet5", started: started, in: directory)
    XCTAssertEqual(folder.lastPathComponent, "lenet5-20261207-112715")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try RunDescription(
      architecture: "lenet5", command: ["convnet"], started: started, weights: "/w.safetensors"
    )
    .write(to: folder.appendingPathComponent("run.json"))
    let inFolder = try RunRecord.locate(folder)
    XCTAssertEqual(inFolder.historyURL, folder.appendingPathComponent("history.jsonl"))
    XCTAssertEqual(inFolder.weightsURL?.path, "/w.safetensors")
    XCTAssertEqual(try RunRecord.locate(folder.appendingPathComponent("history.jsonl")), inFolder)
    XCTAssertEqual(try inFolder.loadDescription().started, "2026-12-07T11:27:15Z")

    let other = directory.appendingPathComponent("notes.txt")
    try Data().write(to: other)
    XCTAssertThrowsError(try RunRecord.locate(other)) { error in
      XCTAssertTrue("\(error)".hasPrefix(other.path + ": not a run"), "\(error)")
    }
  }

  /// A run, then a resume: the history file grows (never truncated; a half-written last line
  /// from a killed run is cut), run.json keeps the first start and lists the resume.
  func testRecorderWritesAndResumeAppends() throws {
    let directory = try temporaryDirectory()
    let record = RunRecord.beside(checkpoint: directory.appendingPathComponent("m.safetensors"))
    let first = RunDescription(
      architecture: "lenet5", parameterCount: 61706, settings: ["epochs": "1"],
      command: ["convnet", "train"], started: Date(timeIntervalSince1970: 0))
    do {
      let recorder = try TrainingRunRecorder(
        record: record, description: first,
        recorder: HistoryRecorder(stepsPerEpoch: 2, stepInterval: 1, learningRate: { 1 }))
      recorder.handle(step(1, 1, loss: 1))
      recorder.handle(step(1, 2, loss: 2))
      recorder.handle(
        .epoch(epoch: 1, trainLoss: 1.5, trainAccuracy: 0.5, test: nil, seconds: 1, learningRate: 1))
    }
    XCTAssertEqual(try record.loadHistory().entries.count, 3)
    let handle = try FileHandle(forWritingTo: record.historyURL)
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"kind":"step","ep"#.utf8))
    try handle.close()

    let second = RunDescription(
      architecture: "lenet5", command: ["convnet", "train", "--resume"],
      started: Date(timeIntervalSince1970: 60))
    do {
      let recorder = try TrainingRunRecorder(
        record: record, description: second, resumedAfterEpoch: 1,
        recorder: HistoryRecorder(stepsPerEpoch: 2, stepInterval: 1, learningRate: { 1 }))
      recorder.handle(step(2, 1, loss: 3))
    }
    let text = try String(contentsOf: record.historyURL, encoding: .utf8)
    XCTAssertEqual(text.split(separator: "\n").count, 4)
    XCTAssertTrue(text.hasSuffix("}\n"))
    XCTAssertEqual(try record.loadHistory().entries.map(\.step), [1, 2, 2, 3])
    let description = try record.loadDescription()
    XCTAssertEqual(description.started, "1970-01-01T00:00:00Z")
    XCTAssertEqual(description.parameterCount, 61706)
    XCTAssertEqual(
      description.resumes,
      [
        RunDescription.Resume(
          started: "1970-01-01T00:01:00Z", command: ["convnet", "train", "--resume"], afterEpoch: 1)
      ])
  }
}
