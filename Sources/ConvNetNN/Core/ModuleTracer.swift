import ConvNetAutograd

/// Records, while active, every module call with its input and output shapes — the basis of
/// `convnet summary` — and, optionally, hands every module's output to a hook that may keep it
/// or replace it (feature maps, Grad-CAM). Activate with `ModuleTracer.trace(model, input:)` or
/// `ModuleTracer.observingOutputs(_:_:)`.
///
/// While a tracer is active, `Sequential` runs its layers one by one (no fused pairs), so that
/// every layer's output exists and is seen.
public final class ModuleTracer {
  public struct Call {
    public let module: any Module
    public let inputShape: [Int]
    public let outputShape: [Int]
  }

  @TaskLocal static var current: ModuleTracer?

  public private(set) var calls: [Call] = []
  /// Sees each module's output as its call returns and gives back what the caller receives.
  private let outputHook: ((any Module, Variable) -> Variable)?

  init(outputHook: ((any Module, Variable) -> Variable)? = nil) {
    self.outputHook = outputHook
  }

  /// Records one finished call; returns the output the caller should receive.
  func record(_ module: any Module, input: Variable, output: Variable) -> Variable {
    let delivered = outputHook?(module, output) ?? output
    calls.append(Call(module: module, inputShape: input.shape, outputShape: delivered.shape))
    return delivered
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

  /// Runs `body` (typically one forward pass) with `hook` called on every module call as it
  /// returns, children before their parents. The hook receives the module and its output and
  /// returns the variable the caller receives: the output itself to only look at it, or a
  /// stand-in of the same value — e.g. a fresh leaf that requires a gradient, so that
  /// `backward()` leaves d(result)/d(that output) in the leaf's `grad` (how Grad-CAM reads the
  /// gradient at an intermediate layer without any special support in the autograd). Gradient
  /// recording is left as the caller set it.
  ///
  /// - Returns: `body`'s result and every module call, in the order the calls finished.
  public static func observingOutputs<Result>(
    _ hook: @escaping (any Module, Variable) -> Variable, _ body: () throws -> Result
  ) rethrows -> (result: Result, calls: [Call]) {
    let tracer = ModuleTracer(outputHook: hook)
    let result = try $current.withValue(tracer) { try body() }
    return (result, tracer.calls)
  }
}
