import ConvNetTensor
import Foundation

/// Reads every tensor of a safetensors file as Float32, keyed by name — the shape of a PyTorch
/// `state_dict` saved with `safetensors.torch.save_file`.
///
/// Integer tensors (e.g. batch norm's I64 `num_batches_tracked`) are converted to Float32;
/// use `SafetensorsFile.int64Values(named:)` when exact 64-bit values matter.
/// - Parameter url: The file to read.
/// - Throws: `SafetensorsError` if the file is unreadable or malformed.
public func readStateDict(from url: URL) throws -> [String: Tensor] {
  let file = try SafetensorsFile.read(from: url)
  var stateDict: [String: Tensor] = [:]
  for name in file.names { stateDict[name] = try file.tensor(named: name) }
  return stateDict
}

/// Writes a state dict as a safetensors file, atomically, with tensors stored in name order.
///
/// - Parameters:
///   - stateDict: Tensors keyed by name.
///   - url: The file to create or replace.
///   - dtype: The on-disk dtype of tensors not listed in `dtypes` (`.f32`, `.f16` or `.i64`).
///   - dtypes: Per-name dtypes, e.g. `["bn1.num_batches_tracked": .i64]` to match PyTorch.
///   - metadata: Free-form strings for the header's `__metadata__`, or `nil`.
/// - Throws: `SafetensorsError` (see `SafetensorsFile.write(_:metadata:to:)`), including when
///   `dtypes` names a tensor that is not in `stateDict`.
public func writeStateDict(
  _ stateDict: [String: Tensor], to url: URL, dtype: SafetensorsDType = .f32,
  dtypes: [String: SafetensorsDType] = [:], metadata: [String: String]? = nil
) throws {
  if let stray = dtypes.keys.sorted().first(where: { stateDict[$0] == nil }) {
    throw SafetensorsError(
      path: url.path, tensor: stray, field: "dtype",
      reason: "a dtype was given for a tensor that is not in the state dict")
  }
  let tensors = stateDict.sorted { $0.key < $1.key }.map { name, tensor in
    (name: name, tensor: tensor, dtype: dtypes[name] ?? dtype)
  }
  try SafetensorsFile.write(tensors, metadata: metadata, to: url)
}
