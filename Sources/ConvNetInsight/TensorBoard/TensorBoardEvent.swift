import Foundation

/// An encoded image for TensorBoard's image dashboard (a PNG file's bytes and its size).
public struct TensorBoardImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  /// 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA — TensorBoard's `colorspace`.
  public var channels: Int
  /// The PNG file's bytes.
  public var png: [UInt8]

  public init(width: Int, height: Int, channels: Int, png: [UInt8]) {
    self.width = width
    self.height = height
    self.channels = channels
    self.png = png
  }
}

/// One named value of a summary: a number for the scalars dashboard or an image.
public enum TensorBoardValue: Sendable, Equatable {
  case scalar(tag: String, value: Float)
  case image(tag: String, image: TensorBoardImage)
}

/// TensorBoard's `Event` message: a wall time, a step and either the file-version marker
/// (the first event of every file) or a summary of values.
///
/// Field numbers, from tensorboard/compat/proto/event.proto and summary.proto (the same as
/// TensorFlow's tensorflow/core/util/event.proto and core/framework/summary.proto):
///
/// ```
/// Event          wall_time = 1 (double)  step = 2 (int64)  file_version = 3 (string)
///                summary = 5 (Summary)
/// Summary        value = 1 (repeated Value)
/// Summary.Value  tag = 1 (string)  simple_value = 2 (float)  image = 4 (Image)
/// Summary.Image  height = 1  width = 2  colorspace = 3 (int32)  encoded_image_string = 4 (bytes)
/// ```
/// Fields at their proto3 default (0, empty) are left out, as protobuf's own encoders do;
/// `simple_value` belongs to a oneof and is always written, 0 included.
public struct TensorBoardEvent: Sendable, Equatable {
  public enum Content: Sendable, Equatable {
    /// "brain.Event:2" opens every event file.
    case fileVersion(String)
    case summary([TensorBoardValue])
  }

  /// Seconds since 1970-01-01 UTC.
  public var wallTime: Double
  public var step: Int64
  public var content: Content

  public init(wallTime: Double, step: Int64, content: Content) {
    self.wallTime = wallTime
    self.step = step
    self.content = content
  }

  /// The serialized message.
  public func encoded() -> [UInt8] {
    var event = ProtobufWriter()
    if wallTime != 0 { event.double(1, wallTime) }
    if step != 0 { event.int(2, step) }
    switch content {
    case .fileVersion(let version):
      event.string(3, version)
    case .summary(let values):
      var summary = ProtobufWriter()
      for value in values { summary.lengthDelimited(1, TensorBoardEvent.encode(value)) }
      event.lengthDelimited(5, summary.bytes)
    }
    return event.bytes
  }

  static func encode(_ value: TensorBoardValue) -> [UInt8] {
    var message = ProtobufWriter()
    switch value {
    case .scalar(let tag, let number):
      message.string(1, tag)
      message.float(2, number)
    case .image(let tag, let image):
      message.string(1, tag)
      var encodedImage = ProtobufWriter()
      if image.height != 0 { encodedImage.int(1, Int64(image.height)) }
      if image.width != 0 { encodedImage.int(2, Int64(image.width)) }
      if image.channels != 0 { encodedImage.int(3, Int64(image.channels)) }
      if !image.png.isEmpty { encodedImage.lengthDelimited(4, image.png) }
      message.lengthDelimited(4, encodedImage.bytes)
    }
    return message.bytes
  }
}
