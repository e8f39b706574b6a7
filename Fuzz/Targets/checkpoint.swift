// Checkpoints loaded into a LeNet-5 (1 channel, 10 classes) and an SGD optimiser with momentum.
// The input is two files: a little-endian UInt32 n, then n bytes of weights file (the
// checkpoint) and, after them, its companion optimiser-state file.
import ConvNetModels
import ConvNetNN
import ConvNetTraining
import Foundation

private let model = LeNet5(inputChannels: 1, classCount: 10)
private let optimizer = SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  guard bytes.count >= 4 else { return 0 }
  let declared = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
  let split = 4 + min(declared, bytes.count - 4)
  let url = writeScratchFile("fuzz.safetensors", bytes[4..<split])
  _ = writeScratchFile(Checkpoint.optimizerURL(for: url).lastPathComponent, bytes[split...])
  try? Checkpoint.loadWeights(into: model, from: url)
  _ = try? Checkpoint.resume(model: model, optimizer: optimizer, from: url)
  return 0
}
