// Checkpoints loaded into a LeNet-5 (1 channel, 10 classes) and an SGD optimiser with momentum,
// as `convnet train --resume` and `--init-weights` load them. The input is a little-endian
// UInt32 n, then n bytes of the checkpoint file and, after them, the bytes of the companion
// optimiser-state file that checkpoints of the earlier two-file format had (empty for today's
// one-file checkpoints, whose optimiser state and training position are inside the file).
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
  // No bytes left: no companion file (writeScratchFile removes it).
  _ = writeScratchFile(Checkpoint.legacyOptimizerURL(for: url).lastPathComponent, bytes[split...])
  try? Checkpoint.loadWeights(into: model, from: url)
  _ = try? Checkpoint.load(from: url, model: model, optimizer: optimizer, settings: ["optimizer": "sgd"])
  return 0
}
