import ConvNet
import Foundation
import XCTest

/// A checkpoint is one unit: one file, restoring everything a run needs to continue exactly.
final class CheckpointUnitTests: XCTestCase {
  private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  /// A small net with every kind of state a checkpoint must carry: weights, batch-norm running
  /// statistics and counter, two dropout layers and an RReLU (their own random streams).
  private func makeModel(seed: UInt64) -> Sequential {
    RandomSource.withSeed(seed) {
      Sequential {
        Conv2d(1, 4, kernelSize: 3)
        BatchNorm2d(4)
        RReLU()
        Dropout(0.3)
        MaxPool2d(2)
        Flatten()
        Linear(4 * 13 * 13, 16)
        ReLU()
        Dropout(0.5)
        Linear(16, 10)
      }
    }
  }

  private func makeLoader(batchSize: Int = 16) throws -> DataLoader {
    try DataLoader(
      dataset: EmbeddedMNIST.load(.train).prefix(80), batchSize: batchSize, seed: 5,
      augmentation: TransformPipeline(parsing: "crop:28:2,rotate:10"))
  }

  private func makeOptimizer(_ kind: String, _ model: any Module) -> any Optimizer {
    kind == "adam"
      ? Adam(parameters: model.parameters, learningRate: 0.002)
      : SGD(parameters: model.parameters, learningRate: 0.02, momentum: 0.9)
  }

  private func weightsAndState(_ model: any Module, _ optimizer: any Optimizer) -> [String: Tensor] {
    var all = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    for (key, value) in optimizer.stateTensors() { all["optimizer." + key] = value }
    return all
  }

  /// Stopped after 7 steps (inside epoch 2 of 5-step epochs) and continued in a new model built
  /// from another seed, the run ends with the same weights, optimiser state and generators, bit
  /// for bit, as the uninterrupted one — for SGD and Adam, with augmentation, dropout and RReLU.
  func testMidEpochResumeIsBitIdentical() throws {
    let directory = try temporaryDirectory()
    for kind in ["sgd", "adam"] {
      let url = directory.appendingPathComponent("\(kind).safetensors")
      let straightModel = makeModel(seed: 2)
      let straight = Trainer(
        model: straightModel, optimizer: makeOptimizer(kind, straightModel), trainLoader: try makeLoader(),
        testLoader: nil, classCount: 10)
      straight.stepSchedule = CosineCycles(initial: 0.02, boundaries: [0, 15])
      try straight.run(epochs: 3)

      let firstModel = makeModel(seed: 2)
      let first = Trainer(
        model: firstModel, optimizer: makeOptimizer(kind, firstModel), trainLoader: try makeLoader(),
        testLoader: nil, classCount: 10)
      first.stepSchedule = straight.stepSchedule
      first.maximumSteps = 7
      first.checkpointURL = url
      try first.run(epochs: 3)

      let resumedModel = makeModel(seed: 99)
      let resumedOptimizer = makeOptimizer(kind, resumedModel)
      let loaded = try Checkpoint.load(from: url, model: resumedModel, optimizer: resumedOptimizer)
      XCTAssertFalse(loaded.isLegacy)
      XCTAssertEqual(loaded.state.epoch, 1)
      XCTAssertEqual(loaded.state.step, 2, "7 steps = one epoch of 5 and 2 steps: labelled with its step")
      XCTAssertEqual(loaded.state.globalStep, 7)
      XCTAssertEqual(loaded.state.generators?.count, 3)
      let resumed = Trainer(
        model: resumedModel, optimizer: resumedOptimizer, trainLoader: try makeLoader(), testLoader: nil,
        classCount: 10)
      resumed.stepSchedule = straight.stepSchedule
      var firstReportedStep: Int?
      try resumed.run(epochs: 3, resumingFrom: loaded.state) { event in
        if case .step(_, let step, _, _, _, _, _) = event, firstReportedStep == nil {
          firstReportedStep = step
        }
      }
      XCTAssertEqual(firstReportedStep, 3, "continues with step 3 of epoch 2")
      XCTAssertEqual(
        weightsAndState(resumedModel, resumedOptimizer), weightsAndState(straightModel, straight.optimizer),
        kind)
      XCTAssertEqual(
        resumedModel.generatorStates().mapValues(\.stateWords),
        straightModel.generatorStates().mapValues(\.stateWords), kind)
    }
  }

  /// A mid-epoch checkpoint cannot be continued with another batch size (the rest of the epoch
  /// would be other batches); the error says what differs.
  func testMidEpochResumeRefusesAnotherDataOrder() throws {
    let url = try temporaryDirectory().appendingPathComponent("run.safetensors")
    let model = makeModel(seed: 1)
    let trainer = Trainer(
      model: model, optimizer: makeOptimizer("sgd", model), trainLoader: try makeLoader(), testLoader: nil,
      classCount: 10)
    trainer.maximumSteps = 3
    trainer.checkpointURL = url
    try trainer.run(epochs: 2)
    let other = makeModel(seed: 1)
    let otherOptimizer = makeOptimizer("sgd", other)
    let loaded = try Checkpoint.load(from: url, model: other, optimizer: otherOptimizer)
    let resumed = Trainer(
      model: other, optimizer: otherOptimizer, trainLoader: try makeLoader(batchSize: 8), testLoader: nil,
      classCount: 10)
    XCTAssertThrowsError(try resumed.run(epochs: 2, resumingFrom: loaded.state)) { error in
      XCTAssertTrue("\(error)".contains("batches of 16"), "\(error)")
      XCTAssertTrue("\(error)".contains("batches of 8"), "\(error)")
    }
  }

  /// One file: weights under PyTorch keys, optimiser state under "optimizer.", no companion
  /// file; `readWeights`/`loadWeights` (infer, eval, --init-weights) see the weights only.
  func testOneFileWithOptimizerUnderAPrefix() throws {
    let directory = try temporaryDirectory()
    let url = directory.appendingPathComponent("run.safetensors")
    let model = makeModel(seed: 3)
    let trainer = Trainer(
      model: model, optimizer: makeOptimizer("adam", model), trainLoader: try makeLoader(), testLoader: nil,
      classCount: 10)
    trainer.checkpointURL = url
    trainer.maximumSteps = 2
    try trainer.run(epochs: 1)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["run.safetensors"])
    let names = try SafetensorsFile.read(from: url).names
    XCTAssertEqual(Set(names.filter { !$0.hasPrefix("optimizer.") }), Set(model.stateDict().map(\.name)))
    // Adam keeps step, exp_avg and exp_avg_sq for each of the 8 parameters.
    XCTAssertEqual(names.filter { $0.hasPrefix("optimizer.") }.count, 8 * 3)
    XCTAssertTrue(names.contains("optimizer.7.exp_avg_sq"))
    XCTAssertEqual(Set(try Checkpoint.readWeights(from: url).keys), Set(model.stateDict().map(\.name)))
    let copy = makeModel(seed: 4)
    try Checkpoint.loadWeights(into: copy, from: url)
    XCTAssertEqual(copy.stateDict().map(\.value), model.stateDict().map(\.value))
  }

  /// The training state survives the metadata exactly (the loss sum as bits, generator words),
  /// and a malformed field is refused by name.
  func testTrainingStateRoundTripsThroughMetadata() throws {
    let model = makeModel(seed: 1)
    var generators = model.generatorStates()
    XCTAssertEqual(Set(generators.keys), ["2", "3", "8"])
    _ = generators["3"]?.next()
    let state = TrainingState(
      epoch: 4, step: 17, globalStep: 257, cycles: [0, 5, 8],
      dataOrder: .init(seed: 1 << 63, shuffle: true, batchSize: 64, sampleCount: 60000),
      progress: .init(samplesSeen: 1088, correct: 1001, lossSum: 0.1 + 0.2),
      generators: generators, settings: ["optimizer": "adam", "augmentation": "crop:28:2,flip-h"])
    let url = try temporaryDirectory().appendingPathComponent("s.safetensors")
    try Checkpoint.save(model: model, optimizer: nil, architecture: "test", state: state, to: url)
    let file = try SafetensorsFile.read(from: url)
    XCTAssertEqual(file.metadata["epoch"], "4")
    XCTAssertEqual(file.metadata["convnet.step"], "17")
    XCTAssertEqual(file.metadata["convnet.cycles"], "0,5,8")

    let other = makeModel(seed: 7)
    let loaded = try Checkpoint.load(
      from: url, model: other, optimizer: makeOptimizer("sgd", other), settings: ["optimizer": "adam"])
    XCTAssertEqual(loaded.state, state)
    XCTAssertEqual(other.generatorStates().mapValues(\.stateWords), generators.mapValues(\.stateWords))

    XCTAssertThrowsError(
      try Checkpoint.load(
        from: url, model: other, optimizer: makeOptimizer("sgd", other), settings: ["optimizer": "sgd"])
    ) { error in
      XCTAssertTrue("\(error)".contains("optimizer adam, this run has optimizer sgd"), "\(error)")
    }
    for (key, value) in [
      ("convnet.step", "-1"), ("convnet.generators", "3=0:0:0:0"), ("convnet.cycles", "0,5,5"),
    ] {
      var metadata = file.metadata
      metadata[key] = value
      let broken = url.deletingLastPathComponent().appendingPathComponent("broken.safetensors")
      try SafetensorsFile.write(
        try file.names.map {
          (name: $0, tensor: try file.tensor(named: $0), dtype: try file.entry(named: $0).dtype)
        },
        metadata: metadata, to: broken)
      XCTAssertThrowsError(
        try Checkpoint.load(from: broken, model: other, optimizer: makeOptimizer("sgd", other))
      ) {
        XCTAssertTrue("\($0)".contains("\"\(key)\""), "\($0)")
      }
    }
  }

  /// The earlier two-file format still loads when both files are of the same epoch, and is
  /// refused when a save was interrupted between them.
  func testLegacyTwoFileCheckpoints() throws {
    let directory = try temporaryDirectory()
    let url = directory.appendingPathComponent("old.safetensors")
    let companion = Checkpoint.legacyOptimizerURL(for: url)
    XCTAssertEqual(companion.lastPathComponent, "old.optimizer.safetensors")
    let model = makeModel(seed: 1)
    let optimizer = makeOptimizer("sgd", model)
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: try makeLoader(), testLoader: nil, classCount: 10)
    trainer.maximumSteps = 2
    try trainer.run(epochs: 1)
    func writeOld(weightsEpoch: Int, optimizerEpoch: Int) throws {
      try SafetensorsFile.write(
        model.stateDict().map { (name: $0.name, tensor: $0.value, dtype: $0.isInteger ? .i64 : .f32) },
        metadata: ["epoch": "\(weightsEpoch)", "architecture": "test", "format": "pt"], to: url)
      try SafetensorsFile.write(
        optimizer.stateTensors().sorted { $0.key < $1.key }.map {
          (name: $0.key, tensor: $0.value, dtype: .f32)
        },
        metadata: ["epoch": "\(optimizerEpoch)"], to: companion)
    }
    try writeOld(weightsEpoch: 2, optimizerEpoch: 2)
    let copy = makeModel(seed: 5)
    let copyOptimizer = makeOptimizer("sgd", copy)
    let loaded = try Checkpoint.load(from: url, model: copy, optimizer: copyOptimizer)
    XCTAssertTrue(loaded.isLegacy)
    XCTAssertEqual(loaded.state.epoch, 2)
    XCTAssertEqual(weightsAndState(copy, copyOptimizer), weightsAndState(model, optimizer))

    try writeOld(weightsEpoch: 3, optimizerEpoch: 2)
    XCTAssertThrowsError(try Checkpoint.load(from: url, model: copy, optimizer: copyOptimizer)) { error in
      XCTAssertTrue("\(error)".contains("saved after different epochs"), "\(error)")
    }
    try FileManager.default.removeItem(at: companion)
    XCTAssertThrowsError(try Checkpoint.load(from: url, model: copy, optimizer: copyOptimizer)) { error in
      XCTAssertTrue("\(error)".contains("holds weights only"), "\(error)")
    }
  }

  /// Resuming and extending, case by case (a run planned for 3 epochs).
  func testResumePlan() throws {
    let finished = TrainingState(epoch: 3, globalStep: 30, cycles: [0, 3])
    let inside = TrainingState(epoch: 1, step: 4, globalStep: 14, cycles: [0, 3])
    XCTAssertEqual(try ResumePlan.make(saved: nil, epochs: 3).cycles, [0, 3])
    XCTAssertThrowsError(try ResumePlan.make(saved: finished, epochs: 2)) { error in
      XCTAssertTrue("\(error)".contains("3 epochs completed"), "\(error)")
    }
    XCTAssertThrowsError(try ResumePlan.make(saved: inside, epochs: 1))
    XCTAssertEqual(try ResumePlan.make(saved: finished, epochs: 3).action, .nothingToDo)
    XCTAssertEqual(try ResumePlan.make(saved: inside, epochs: 3, maximumSteps: 14).action, .nothingToDo)
    let continued = try ResumePlan.make(saved: inside, epochs: 3, maximumSteps: 20)
    XCTAssertEqual(continued.action, .continueRun)
    XCTAssertEqual(continued.cycles, [0, 3])
    XCTAssertEqual(try ResumePlan.make(saved: inside, epochs: 2).action, .stopEarly)
    XCTAssertEqual(try ResumePlan.make(saved: inside, epochs: 2).cycles, [0, 3])
    let extended = try ResumePlan.make(saved: finished, epochs: 5)
    XCTAssertEqual(extended.action, .extend)
    XCTAssertEqual(extended.cycles, [0, 3, 5])
    XCTAssertTrue(extended.summary.contains("epochs 4–5"), extended.summary)
    XCTAssertEqual(try ResumePlan.make(saved: inside, epochs: 5).cycles, [0, 3, 5])
    // An older checkpoint has no plan: the requested epochs are the plan.
    XCTAssertEqual(
      try ResumePlan.make(saved: TrainingState(epoch: 2, globalStep: 0), epochs: 4).action, .continueRun)
  }

  /// One cycle is CosineAnnealingLR value for value; the second restarts at η0 and halves it
  /// at its middle: η = η0·(1 + cos(π/2))/2 = η0/2.
  func testCosineCycles() {
    let single = CosineCycles(initial: 0.1, boundaries: [0, 30])
    let reference = CosineAnnealingLR(initial: 0.1, length: 30)
    for step in 0...35 { XCTAssertEqual(single.learningRate(at: step), reference.learningRate(at: step)) }
    let two = CosineCycles(initial: 0.1, boundaries: [0, 30, 50])
    XCTAssertEqual(two.learningRate(at: 29), reference.learningRate(at: 29))
    XCTAssertEqual(two.learningRate(at: 30), 0.1)
    XCTAssertEqual(two.learningRate(at: 40), 0.05, accuracy: 1e-7)
    XCTAssertEqual(two.learningRate(at: 50), 0, accuracy: 1e-9)
  }

  /// Saving over a checkpoint keeps its permission bits; leftovers of killed saves (and only
  /// they) are removed before a run; a missing folder, a folder or a FIFO as the save path is
  /// refused before any work.
  func testSaveDestination() throws {
    let directory = try temporaryDirectory()
    let url = directory.appendingPathComponent("keep.safetensors")
    let model = makeModel(seed: 1)
    try Checkpoint.save(model: model, architecture: "test", epoch: 1, to: url)
    try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: url.path)
    try Checkpoint.save(model: model, architecture: "test", epoch: 2, to: url)
    let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
    XCTAssertEqual(permissions, 0o640)

    let leftover = directory.appendingPathComponent(".keep.safetensors.\(UUID().uuidString).tmp")
    let unrelated = [
      "keep.safetensors.tmp", ".keep.safetensors.backup.tmp", ".other.safetensors.\(UUID().uuidString).tmp",
    ]
    for name in [leftover.lastPathComponent] + unrelated {
      XCTAssertTrue(
        FileManager.default.createFile(
          atPath: directory.appendingPathComponent(name).path, contents: Data([1])))
    }
    XCTAssertEqual(
      try Checkpoint.prepareDestination(url).map(\.lastPathComponent), [leftover.lastPathComponent])
    XCTAssertEqual(
      Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)),
      Set(["keep.safetensors"] + unrelated))

    let missing = directory.appendingPathComponent("no/such/folder/x.safetensors")
    XCTAssertThrowsError(try Checkpoint.prepareDestination(missing)) {
      XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
    }
    XCTAssertThrowsError(try Checkpoint.prepareDestination(directory)) {
      XCTAssertTrue("\($0)".contains("is a directory"), "\($0)")
    }
    let fifo = directory.appendingPathComponent("fifo")
    XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
    XCTAssertThrowsError(try Checkpoint.prepareDestination(fifo)) {
      XCTAssertTrue("\($0)".contains("not a regular file"), "\($0)")
    }
  }

  /// The reference safetensors reader (Python, as PyTorch users load files) reads a checkpoint:
  /// the weights under the model's keys and dtypes (int64 batch-norm counter), the optimiser
  /// state under "optimizer.", the training position in the metadata.
  func testReferenceReaderSeesWeightsAndOptimizerState() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/read_checkpoint.py")
    let url = try temporaryDirectory().appendingPathComponent("run.safetensors")
    let model = makeModel(seed: 1)
    let optimizer = makeOptimizer("adam", model)
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: try makeLoader(), testLoader: nil, classCount: 10)
    trainer.maximumSteps = 2
    trainer.checkpointURL = url
    try trainer.run(epochs: 1)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, url.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    do { try process.run() } catch { throw XCTSkip("python3 is not available") }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw XCTSkip("python3 with the safetensors module is not available")
    }
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    let weights = try XCTUnwrap(json["weights"] as? [String: [Any]])
    let optimizerState = try XCTUnwrap(json["optimizer"] as? [String: [Any]])
    let metadata = try XCTUnwrap(json["metadata"] as? [String: String])

    XCTAssertEqual(Set(weights.keys), Set(model.stateDict().map(\.name)))
    for entry in model.stateDict() {
      XCTAssertEqual(weights[entry.name]?[0] as? String, entry.isInteger ? "int64" : "float32", entry.name)
      XCTAssertEqual(weights[entry.name]?[1] as? [Int], entry.value.shape, entry.name)
    }
    XCTAssertEqual(weights["1.num_batches_tracked"]?[0] as? String, "int64")
    let expected = optimizer.stateTensors()
    XCTAssertEqual(Set(optimizerState.keys), Set(expected.keys.map { "optimizer." + $0 }))
    for (key, tensor) in expected {
      XCTAssertEqual(optimizerState["optimizer." + key]?[1] as? [Int], tensor.shape, key)
    }
    XCTAssertEqual(metadata["convnet.global_step"], "2")
    XCTAssertEqual(metadata["format"], "pt")
  }

  /// Continuing an epoch from batch k gives exactly the full epoch's batches k, k+1, … —
  /// prefetched or not, augmented, shuffled.
  func testBatchesFromAStepEqualTheFullEpochs() throws {
    var loader = try makeLoader()
    let full = Array(loader.batches(epoch: 3))
    for depth in [0, 2] {
      loader.prefetchDepth = depth
      let rest = Array(loader.batches(epoch: 3, from: 2))
      XCTAssertEqual(rest.count, full.count - 2)
      XCTAssertEqual(rest.map(\.images), full.dropFirst(2).map(\.images))
      XCTAssertEqual(rest.map(\.labels), full.dropFirst(2).map(\.labels))
    }
    XCTAssertTrue(Array(loader.batches(epoch: 3, from: full.count)).isEmpty)
  }
}
