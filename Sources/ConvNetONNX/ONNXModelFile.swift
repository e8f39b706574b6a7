import ConvNetBase
import Foundation
import SwiftProtobuf

/// Reading and writing ONNX model files (`.onnx`: one serialized `ModelProto`).
///
/// Reading never traps on a damaged file: a truncated or garbage file, a file too large for
/// protobuf, or a model without a graph is a thrown `ONNXError` naming the file. Writing is
/// atomic (`AtomicFileWrite`): a reader sees the old file or the whole new one.
public enum ONNXModelFile {
  /// Protobuf messages are limited to 2 GiB − 1 bytes; larger ONNX models keep their weights in
  /// external data files, which ConvNet does not read.
  public static let maximumByteCount = Int(Int32.max)
  /// Nesting depth accepted while decoding (graphs inside If/Loop attributes nest): a bound so
  /// that a hostile file cannot exhaust the stack.
  public static let maximumMessageDepth = 64

  /// Reads and decodes the model in `url`.
  ///
  /// - Throws: `ONNXError` naming the file: unreadable, over `maximumByteCount`, not a
  ///   `ModelProto`, or without `ir_version` or `graph`.
  public static func read(_ url: URL) throws -> Onnx_ModelProto {
    let path = url.path
    let attributes: [FileAttributeKey: Any]
    do {
      attributes = try FileManager.default.attributesOfItem(atPath: path)
    } catch {
      throw ONNXError(path: path, reason: "cannot read the file: expected an existing, readable .onnx file")
    }
    if let size = attributes[.size] as? NSNumber, size.int64Value > Int64(maximumByteCount) {
      throw ONNXError(
        path: path,
        reason: "the file has \(size.int64Value) bytes, over protobuf's \(maximumByteCount)-byte limit "
          + "(models this large keep their weights in external data, which is not supported)")
    }
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw ONNXError(path: path, reason: "cannot read the file: \(error.localizedDescription)")
    }
    return try decode(data, path: path)
  }

  /// Decodes a serialized `ModelProto`; `path` names the source in errors.
  public static func decode(_ data: Data, path: String) throws -> Onnx_ModelProto {
    guard data.count <= maximumByteCount else {
      throw ONNXError(
        path: path, reason: "\(data.count) bytes, over protobuf's \(maximumByteCount)-byte limit")
    }
    guard !data.isEmpty else {
      throw ONNXError(path: path, reason: "the file is empty; expected an ONNX model (a ModelProto)")
    }
    var options = BinaryDecodingOptions()
    options.messageDepthLimit = maximumMessageDepth
    let model: Onnx_ModelProto
    do {
      model = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch {
      throw ONNXError(
        path: path,
        reason: "not a valid ONNX model (protobuf decoding failed: \(error)); "
          + "expected a ModelProto as written by onnx.save or torch.onnx.export — "
          + "the file may be truncated or not an .onnx file")
    }
    // Protobuf accepts many byte strings as a message of unknown fields; a model has both.
    guard model.hasIrVersion, model.hasGraph else {
      throw ONNXError(
        path: path,
        reason: "not an ONNX model: \(model.hasIrVersion ? "" : "no ir_version")"
          + "\(model.hasIrVersion || model.hasGraph ? "" : " and ")\(model.hasGraph ? "" : "no graph")"
          + "; the file may be truncated or not an .onnx file")
    }
    return model
  }

  /// Serializes `model` and writes it to `url` atomically.
  ///
  /// - Throws: `ONNXError` naming the file when encoding or writing fails.
  public static func write(_ model: Onnx_ModelProto, to url: URL) throws {
    let data: Data
    do {
      data = try model.serializedBytes()
    } catch {
      throw ONNXError(path: url.path, reason: "cannot encode the model: \(error)")
    }
    guard data.count <= maximumByteCount else {
      throw ONNXError(
        path: url.path,
        reason: "the model needs \(data.count) bytes, over protobuf's \(maximumByteCount)-byte limit")
    }
    do {
      try AtomicFileWrite.write(data, to: url)
    } catch let error as AtomicWriteError {
      throw ONNXError(path: url.path, reason: error.reason)
    } catch {
      throw ONNXError(path: url.path, reason: "cannot write the file: \(error.localizedDescription)")
    }
  }
}
