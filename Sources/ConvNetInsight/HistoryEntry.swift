import Foundation

/// One line of a training history (`history.jsonl`): the figures of a run at one moment.
///
/// Two kinds of line are written. A `step` line every N optimiser steps carries the training
/// figures of the last N steps; an `epoch` line after every epoch carries the epoch's training
/// figures and the test figures. JSON field names are snake_case (see `CodingKeys`); a figure
/// that does not apply to a line is left out, not written as null.
public struct HistoryEntry: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable {
    case step
    case epoch
  }

  public var kind: Kind
  /// The epoch this line belongs to, from 1.
  public var epoch: Int
  /// Optimiser steps taken since the run began (from 1), counting the epochs before a resume
  /// as full epochs — the x axis of step-wise curves.
  public var step: Int
  /// `step` lines: the mean of the batch losses since the previous step line. `epoch` lines:
  /// the epoch's mean training loss per sample.
  public var trainLoss: Float?
  /// `step` lines: the fraction of the last N steps' training samples classified right (the
  /// epoch's running figure when the recorder was not told the batch size). `epoch` lines:
  /// the whole epoch's.
  public var trainAccuracy: Float?
  /// `epoch` lines with a test set: mean cross-entropy per test sample.
  public var testLoss: Float?
  /// `epoch` lines with a test set: fraction of test samples classified right, in [0, 1].
  public var testAccuracy: Float?
  /// The optimiser's learning rate when the line was written.
  public var learningRate: Float?
  /// `step` lines: training throughput in this epoch so far.
  public var imagesPerSecond: Double?
  /// `epoch` lines: how long the epoch took, evaluation included.
  public var epochSeconds: Double?
  /// When the line was written, seconds since 1970-01-01 UTC.
  public var wallTime: Double
  /// Seconds since this training session started (it restarts at 0 after a resume).
  public var elapsedSeconds: Double

  public init(
    kind: Kind, epoch: Int, step: Int, trainLoss: Float? = nil, trainAccuracy: Float? = nil,
    testLoss: Float? = nil, testAccuracy: Float? = nil, learningRate: Float? = nil,
    imagesPerSecond: Double? = nil, epochSeconds: Double? = nil, wallTime: Double,
    elapsedSeconds: Double
  ) {
    self.kind = kind
    self.epoch = epoch
    self.step = step
    self.trainLoss = trainLoss
    self.trainAccuracy = trainAccuracy
    self.testLoss = testLoss
    self.testAccuracy = testAccuracy
    self.learningRate = learningRate
    self.imagesPerSecond = imagesPerSecond
    self.epochSeconds = epochSeconds
    self.wallTime = wallTime
    self.elapsedSeconds = elapsedSeconds
  }

  enum CodingKeys: String, CodingKey {
    case kind, epoch, step
    case trainLoss = "train_loss"
    case trainAccuracy = "train_accuracy"
    case testLoss = "test_loss"
    case testAccuracy = "test_accuracy"
    case learningRate = "learning_rate"
    case imagesPerSecond = "images_per_second"
    case epochSeconds = "epoch_seconds"
    case wallTime = "wall_time"
    case elapsedSeconds = "elapsed_seconds"
  }

  /// The entry as one line of JSON (no newline), keys sorted. A loss that is not finite is
  /// written as the string "NaN", "Infinity" or "-Infinity" (JSON has no such numbers).
  public func jsonLine() throws -> String {
    String(decoding: try HistoryEntry.encoder.encode(self), as: UTF8.self)
  }

  static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
  }

  static var decoder: JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return decoder
  }
}
