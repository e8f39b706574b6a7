import XCTest

/// One buffer a kernel pass writes: a fresh output (it starts as NaN, so a kernel that
/// accumulates into its output, or leaves part of it unwritten, fails the comparison), or a
/// buffer the kernel updates in place (it starts as `initial`, e.g. batch norm's running
/// statistics).
public struct KernelBuffer {
  /// What the buffer holds, for failure messages ("gradInput", "running mean").
  public let name: String
  /// The buffer's contents before the kernel runs: all NaN for an output.
  public let initial: [Float]

  /// A buffer of `count` floats that the kernel must overwrite completely; it starts as NaN.
  public static func output(_ name: String, count: Int) -> KernelBuffer {
    KernelBuffer(name: name, initial: [Float](repeating: .nan, count: count))
  }

  /// A buffer the kernel reads and updates in place; it starts as `initial`.
  public static func updated(_ name: String, from initial: [Float]) -> KernelBuffer {
    KernelBuffer(name: name, initial: initial)
  }
}

/// One pass of an op (its forward, or one of its backward passes) run by the fast kernel and by
/// its plain reference twin on the same inputs.
///
/// Both closures receive one pointer per entry of `buffers`, in that order, each to its own
/// copy of the buffer's initial contents, and write their results there; the inputs they read
/// are captured by the closures. `checkOp` (or `checkKernelPass`) then asserts that every
/// buffer agrees within the tolerance.
///
/// ```swift
/// KernelPass(
///   "gradInput", buffers: [.output("gradInput", count: geometry.inputCount)],
///   fast: { out in conv2DBackwardInput(
///     gradOutput: dy, weight: w, gradInput: out[0], geometry: geometry) },
///   reference: { out in conv2DBackwardInputReference(
///     gradOutput: dy, weight: w, gradInput: out[0], geometry: geometry) })
/// ```
public struct KernelPass {
  /// The pass's name for failure messages ("forward", "backward weight").
  public let name: String
  public let buffers: [KernelBuffer]
  public let fast: ([UnsafeMutablePointer<Float>]) -> Void
  public let reference: ([UnsafeMutablePointer<Float>]) -> Void

  public init(
    _ name: String, buffers: [KernelBuffer],
    fast: @escaping ([UnsafeMutablePointer<Float>]) -> Void,
    reference: @escaping ([UnsafeMutablePointer<Float>]) -> Void
  ) {
    self.name = name
    self.buffers = buffers
    self.fast = fast
    self.reference = reference
  }

  /// Runs `body` on fresh copies of the buffers' initial contents and returns what it left there.
  public func run(_ body: ([UnsafeMutablePointer<Float>]) -> Void) -> [[Float]] {
    let pointers = buffers.map { buffer -> UnsafeMutablePointer<Float> in
      // At least one element, so that empty buffers still get a valid pointer.
      let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(1, buffer.initial.count))
      pointer.initialize(from: buffer.initial, count: buffer.initial.count)
      return pointer
    }
    defer { for pointer in pointers { pointer.deallocate() } }
    body(pointers)
    return zip(buffers, pointers).map { buffer, pointer in
      Array(UnsafeBufferPointer(start: pointer, count: buffer.initial.count))
    }
  }
}

/// An allowed difference: |actual − expected| ≤ absolute + relative · |expected| per element.
public struct OpTolerance: Sendable {
  public var absolute: Float
  public var relative: Float

  public init(absolute: Float = 1e-5, relative: Float = 1e-4) {
    self.absolute = absolute
    self.relative = relative
  }
}

/// Runs `pass` through its fast kernel and its reference twin and asserts that every buffer
/// agrees within `tolerance`. Buffers left NaN by both still fail (NaN never compares close).
public func checkKernelPass(
  _ pass: KernelPass, tolerance: OpTolerance = OpTolerance(absolute: 1e-4), _ label: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let fast = pass.run(pass.fast)
  let reference = pass.run(pass.reference)
  for (index, buffer) in pass.buffers.enumerated() {
    assertClose(
      fast[index], reference[index], absoluteTolerance: tolerance.absolute,
      relativeTolerance: tolerance.relative, "\(label): \(pass.name) \(buffer.name), fast vs reference",
      file: file, line: line)
  }
}
