import Foundation
import XCTest

/// `convnet train --deterministic` gives bit-identical weights for any thread count: the same
/// short run in child processes with CONVNET_NUM_THREADS = 1, 2 and 3 (the thread count is read
/// once per process, so it cannot vary within one) must save byte-identical checkpoints — one
/// file holding the weights, the optimiser state (`optimizer.*`) and the training position.
final class DeterministicTrainingTests: XCTestCase {
  private func temporaryDirectory() throws -> URL {
    try makeTemporaryDirectory(prefix: "convnet-deterministic")
  }

  /// Runs `convnet train ARGUMENTS --save FILE` on `threads` threads and returns the bytes of
  /// the checkpoint.
  private func train(_ arguments: [String], threads: Int, in directory: URL) throws -> Data {
    let weights = directory.appendingPathComponent("threads\(threads).safetensors")
    let process = Process()
    process.executableURL = ConvNetExecutable.url
    process.arguments = ["train"] + arguments + ["--save", weights.path]
    process.environment = ProcessInfo.processInfo.environment.merging(
      ["CONVNET_NUM_THREADS": String(threads)]) { $1 }
    let error = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = error
    try process.run()
    let errorText = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, errorText)
    return try Data(contentsOf: weights)
  }

  private func assertSameBitsForOneTwoThreeThreads(
    _ arguments: [String], file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let directory = try temporaryDirectory()
    let checkpoint1 = try train(arguments, threads: 1, in: directory)
    for threads in [2, 3] {
      let checkpoint = try train(arguments, threads: threads, in: directory)
      XCTAssertTrue(
        checkpoint == checkpoint1, "checkpoints (weights, optimiser state) differ: 1 vs \(threads) threads",
        file: file, line: line)
    }
  }

  /// LeNet-5 on the bundled MNIST: batch 50 exercises the weight gradient's chunks of images
  /// (gather tiles for the second convolution, im2col + GEMM for the first) and the linear
  /// layers' GEMMs.
  func testLeNet5IsBitIdenticalOnOneTwoAndThreeThreads() throws {
    try assertSameBitsForOneTwoThreeThreads([
      "--arch", "lenet5", "--max-steps", "4", "--batch-size", "50", "--optimizer", "adam",
      "--deterministic",
    ])
  }

  /// ResNet-20 (batch norm, Winograd, 1×1 shortcuts, small late planes whose weight gradient
  /// runs one GEMM over a chunk of images) on random 32×32 CIFAR-10 records.
  func testResNet20WithBatchNormIsBitIdenticalOnOneTwoAndThreeThreads() throws {
    let directory = try temporaryDirectory()
    var generator = SystemRandomNumberGenerator()
    func records(_ count: Int) -> Data {
      var bytes: [UInt8] = []
      for _ in 0..<count {
        bytes.append(UInt8.random(in: 0..<10, using: &generator))
        bytes += (0..<3072).map { _ in UInt8.random(in: 0...255, using: &generator) }
      }
      return Data(bytes)
    }
    try records(40).write(to: directory.appendingPathComponent("data_batch_1.bin"))
    try records(10).write(to: directory.appendingPathComponent("test_batch.bin"))
    try assertSameBitsForOneTwoThreeThreads([
      "--arch", "resnet20", "--data", directory.path, "--max-steps", "2", "--batch-size", "20",
      "--deterministic",
    ])
  }
}
