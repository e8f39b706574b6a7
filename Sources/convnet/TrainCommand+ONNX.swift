import ConvNet
import Foundation

extension TrainCommand {
  /// --model excludes what only a catalogue network has.
  func validateImportedModel() throws {
    guard let model else { return }
    try checkReadableFile(model, option: "--model")
    if arch != nil { throw CLIError("--model and --arch exclude each other") }
    if resume != nil || initWeights != nil {
      throw CLIError("--model starts from the ONNX file's weights: --resume and --init-weights do not apply")
    }
    if numClasses != nil || inChannels != nil {
      throw CLIError("--model: the class count and input channels are the ONNX graph's; leave out --num-classes and --in-channels")
    }
  }

  /// With --model: the imported graph as the run's architecture; the configuration takes the
  /// graph's class count and input channels.
  func importedArchitecture(adjusting configuration: inout TrainingConfiguration) throws -> Architecture? {
    guard let model else { return nil }
    let module = try importModel(model)
    do {
      let (architecture, classCount) = try module.trainingArchitecture(
        name: URL(fileURLWithPath: model).lastPathComponent)
      configuration.classCount = classCount
      configuration.inputChannels = architecture.inputShape[0]
      return architecture
    } catch let error as ONNXImportError {
      throw CLIError("\(model): \(error)")
    }
  }
}
