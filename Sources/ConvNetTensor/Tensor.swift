/// An N-dimensional array of float32 values in row-major order.
///
/// Images are laid out NCHW (batch, channels, height, width), as in PyTorch, so that weight
/// files interchange without transposes. `Tensor` is a value type: copies share one
/// `TensorStorage` until one of them is written to (copy-on-write).
public struct Tensor: @unchecked Sendable {
  /// The size of each dimension; `[]` is a scalar (one element).
  public private(set) var shape: [Int]
  public private(set) var storage: TensorStorage

  /// The number of elements: the product of `shape`.
  @inlinable public var count: Int { storage.count }
  @inlinable public var rank: Int { shape.count }

  /// A tensor over an existing storage; `shape` must describe exactly `storage.count` elements.
  public init(shape: [Int], storage: TensorStorage) {
    precondition(
      Tensor.elementCount(of: shape) == storage.count,
      "Tensor: shape \(shape) needs \(Tensor.elementCount(of: shape)) elements, storage has \(storage.count)")
    self.shape = shape
    self.storage = storage
  }

  /// A tensor whose elements are not initialised; for kernels that write every element.
  public init(uninitializedShape shape: [Int]) {
    self.init(shape: shape, storage: TensorStorage(uninitializedCount: Tensor.elementCount(of: shape)))
  }

  public init(shape: [Int], repeating value: Float) {
    self.init(
      shape: shape,
      storage: TensorStorage(repeating: value, count: Tensor.elementCount(of: shape)))
  }

  /// A tensor of the given shape holding `scalars` in row-major order.
  public init(shape: [Int], scalars: [Float]) {
    precondition(
      Tensor.elementCount(of: shape) == scalars.count,
      "Tensor: shape \(shape) needs \(Tensor.elementCount(of: shape)) values, got \(scalars.count)")
    self.init(uninitializedShape: shape)
    let target = uniqueElements()
    scalars.withUnsafeBufferPointer { source in
      if let base = source.baseAddress { target.initialize(from: base, count: scalars.count) }
    }
  }

  /// A rank-0 tensor holding one value.
  public init(_ scalar: Float) { self.init(shape: [], scalars: [scalar]) }

  public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
  public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

  /// The product of the dimensions; 1 for a scalar.
  public static func elementCount(of shape: [Int]) -> Int {
    var product = 1
    for dimension in shape {
      precondition(dimension >= 0, "Tensor: negative dimension in shape \(shape)")
      product *= dimension
    }
    return product
  }

  /// All elements in row-major order.
  public var scalars: [Float] {
    Array(UnsafeBufferPointer(start: readOnlyElements, count: count))
  }

  /// The single value of a one-element tensor.
  public var scalar: Float {
    precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
    return readOnlyElements[0]
  }

  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try body(UnsafeBufferPointer(start: readOnlyElements, count: count))
  }

  /// Gives write access to the elements, copying the storage first if it is shared.
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    return try body(UnsafeMutableBufferPointer(start: uniqueElements(), count: count))
  }

  /// Makes this tensor the only owner of its storage (copy-on-write), and counts a write in
  /// its `version` (every write path calls this first).
  public mutating func ensureUniqueStorage() {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    storage.version &+= 1
  }

  /// Element access by multi-dimensional index, e.g. `t[0, 2, 1, 1]`.
  public subscript(index: Int...) -> Float {
    get { readOnlyElements[flatIndex(index)] }
    set {
      let offset = flatIndex(index)
      uniqueElements()[offset] = newValue
    }
  }

  func flatIndex(_ index: [Int]) -> Int {
    precondition(
      index.count == shape.count, "Tensor: index \(index) does not match rank of shape \(shape)")
    var offset = 0
    for (axis, i) in index.enumerated() {
      precondition(i >= 0 && i < shape[axis], "Tensor: index \(index) out of range for shape \(shape)")
      offset = offset * shape[axis] + i
    }
    return offset
  }

  /// The same elements viewed with another shape of equal element count (storage is shared).
  /// One dimension may be -1: it is inferred.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var resolved = newShape
    if let inferred = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
      precondition(
        known > 0 && count % known == 0, "Tensor.reshaped: cannot reshape \(shape) to \(newShape)")
      resolved[inferred] = count / known
    }
    precondition(
      Tensor.elementCount(of: resolved) == count,
      "Tensor.reshaped: cannot reshape \(shape) (\(count) elements) to \(newShape)")
    return Tensor(shape: resolved, storage: storage)
  }

  /// Keeps dimension 0 and flattens the rest: [N, C, H, W] → [N, C·H·W].
  public func flattened(startAxis: Int = 1) -> Tensor {
    precondition(startAxis >= 0 && startAxis <= rank, "Tensor.flattened: bad start axis \(startAxis)")
    let head = Array(shape[..<startAxis])
    return reshaped(head + [Tensor.elementCount(of: Array(shape[startAxis...]))])
  }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
  }
}

extension Tensor: Equatable {
  /// Exact equality of shape and every element; use a tolerance-based check for numerics.
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
  }
}
