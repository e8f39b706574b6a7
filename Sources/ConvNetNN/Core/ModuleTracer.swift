import ConvNetAutograd

/// Records, while active, every module call with its input and output shapes — the basis of
/// `convnet summary`. Activate with `ModuleTracer.trace(model, input:)`.
public final class ModuleTracer {
  public struct Call {
    public let module: any Module
    public let inputShape: [Int]
    public let outputShape: [Int]
  }

  @TaskLocal static var current: ModuleTracer?

  public private(set) var calls: [Call] = []

  func record(_ module: any Module, input: [Int], output: [Int]) {
    calls.append(Call(module: module, inputShape: input, outputShape: output))
  }

  /// Runs `model` once on `input` without gradients and returns every module call, in the order
  /// the calls finished (children before their parents).
  public static func trace(_ model: any Module, input: Variable) -> [Call] {
    let tracer = ModuleTracer()
    $current.withValue(tracer) {
      _ = withoutGradients { model(input) }
    }
    return tracer.calls
  }
}
