import ConvNetAutograd
import ConvNetTensor

/// Operators that move, select or describe elements: Flatten, Reshape, Transpose, Squeeze,
/// Unsqueeze, Concat, Split, Slice, Pad, Gather, Shape, Cast, Constant, ConstantOfShape. Each
/// works on float data (differentiably) and on integer data (shape arithmetic), and reads its
/// axes, shapes and pads from attributes or inputs as its opset says.
enum ONNXShapeOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "Flatten": { context in
      let axis = try context.int("axis", default: 1)
      try context.finish()
      return { args in
        let x = try args.value(0)
        let rank = x.shape.count
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a <= rank else {
          throw args.fail("axis \(axis) is out of range for rank \(rank)")
        }
        let outer = x.shape[..<a].reduce(1, *)
        return [x.reshaped([outer, x.shape[a...].reduce(1, *)])]
      }
    },
    "Reshape": { context in
      let allowZero = try context.int("allowzero", default: 0) != 0
      let attributeShape = try context.ints("shape")  // opset < 5
      try context.finish()
      return { args in
        let x = try args.value(0)
        let requested = try attributeShape ?? args.intList(1)
        var shape = requested
        for (axis, size) in requested.enumerated() where size == 0 && !allowZero {
          guard axis < x.shape.count else { throw args.fail("shape \(requested) copies axis \(axis) of \(x.shape)") }
          shape[axis] = x.shape[axis]
        }
        let known = shape.filter { $0 != -1 }.reduce(1, *)
        let unknown = shape.filter { $0 == -1 }.count
        if unknown == 1, known > 0 { shape = shape.map { $0 == -1 ? x.shape.reduce(1, *) / known : $0 } }
        guard unknown <= 1, shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == x.shape.reduce(1, *) else {
          throw args.fail("cannot reshape \(x.shape) to \(requested)")
        }
        return [x.reshaped(shape)]
      }
    },
    "Transpose": { context in
      let perm = try context.ints("perm")
      try context.finish()
      return { args in
        let x = try args.value(0)
        let permutation = perm ?? Array((0..<x.shape.count).reversed())
        guard permutation.sorted() == Array(0..<x.shape.count) else {
          throw args.fail("perm \(permutation) is not a permutation of the axes of \(x.shape)")
        }
        if permutation == Array(0..<x.shape.count) { return [x] }
        if case .float(let variable) = x { return [.float(permuted(variable, axes: permutation))] }
        let (sources, shape) = IndexMaps.transpose(x.shape, permutation: permutation)
        return [x.gathering(sources: sources, shape: shape)]
      }
    },
    "Squeeze": { context in
      let attributeAxes = try context.ints("axes")
      try context.finish()
      return { args in
        let x = try args.value(0)
        let axesGiven = try attributeAxes ?? (args.isPresent(1) ? args.intList(1) : nil)
        let axes = try (axesGiven ?? x.shape.indices.filter { x.shape[$0] == 1 }).map { axis -> Int in
          guard let a = normalizedAxis(axis, rank: x.shape.count), x.shape[a] == 1 else {
            throw args.fail("cannot squeeze axis \(axis) of \(x.shape)")
          }
          return a
        }
        return [x.reshaped(x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] })]
      }
    },
    "Unsqueeze": { context in
      let attributeAxes = try context.ints("axes")
      try context.finish()
      return { args in
        let x = try args.value(0)
        let axes = try attributeAxes ?? args.intList(1)
        let rank = x.shape.count + axes.count
        let normalized = try axes.map { axis -> Int in
          guard let a = normalizedAxis(axis, rank: rank) else { throw args.fail("axis \(axis) is out of range") }
          return a
        }
        guard Set(normalized).count == normalized.count else { throw args.fail("axes \(axes) repeat") }
        var shape: [Int] = []
        var rest = x.shape.makeIterator()
        for axis in 0..<rank { shape.append(normalized.contains(axis) ? 1 : rest.next()!) }
        return [x.reshaped(shape)]
      }
    },
    "Concat": { context in
      guard let axis = try context.int("axis") else {
        throw ONNXImportError.malformed(node: context.label, reason: "axis is required")
      }
      try context.finish()
      return { args in
        let values = try (0..<args.count).map { try args.value($0) }
        guard let first = values.first, let a = normalizedAxis(axis, rank: first.shape.count) else {
          throw args.fail("axis \(axis) is out of range")
        }
        for value in values {
          guard value.shape.count == first.shape.count,
            value.shape.indices.allSatisfy({ $0 == a || value.shape[$0] == first.shape[$0] })
          else { throw args.fail("shapes \(values.map { $0.shape }) differ off axis \(a)") }
        }
        switch first {
        case .float:
          let variables = try (0..<args.count).map { try args.float($0) }
          return [.float(concatenate(variables, axis: a))]
        case .integer(let head):
          let tensors = try (0..<args.count).map { try args.integers($0) }
          var shape = head.shape
          shape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
          let outer = head.shape[..<a].reduce(1, *)
          var values: [Int64] = []
          for o in 0..<outer {
            for t in tensors {
              let block = t.shape[a...].reduce(1, *)
              values += t.values[(o * block)..<((o + 1) * block)]
            }
          }
          return [.integer(IntegerTensor(shape: shape, values: values, elementType: head.elementType))]
        }
      }
    },
    "Split": { context in
      let axis = try context.int("axis", default: 0)
      let attributeSplit = try context.ints("split")
      let numOutputs = try context.int("num_outputs")
      let outputs = context.node.outputs.count
      try context.finish(outputs: outputs)
      return { args in
        let x = try args.value(0)
        guard let a = normalizedAxis(axis, rank: x.shape.count) else { throw args.fail("axis \(axis) is out of range") }
        let size = x.shape[a]
        var sizes = try attributeSplit ?? (args.isPresent(1) ? args.intList(1) : nil) ?? []
        if sizes.isEmpty {
          let parts = numOutputs ?? outputs
          let chunk = (size + parts - 1) / max(parts, 1)
          sizes = (0..<parts).map { max(0, min(chunk, size - $0 * chunk)) }
        }
        guard sizes.count == outputs, sizes.reduce(0, +) == size, sizes.allSatisfy({ $0 >= 0 }) else {
          throw args.fail("split \(sizes) does not divide axis \(a) of \(x.shape) into \(outputs) parts")
        }
        var start = 0
        return sizes.map { length in
          var starts = [Int](repeating: 0, count: x.shape.count)
          starts[a] = start
          var counts = x.shape
          counts[a] = length
          start += length
          let sources = IndexMaps.slice(
            x.shape, starts: starts, steps: Array(repeating: 1, count: x.shape.count), counts: counts)
          return x.gathering(sources: sources, shape: counts)
        }
      }
    },
    "Slice": { context in
      // opset < 10: starts/ends/axes attributes; from 10: inputs (with steps).
      let attributeStarts = try context.ints("starts")
      let attributeEnds = try context.ints("ends")
      let attributeAxes = try context.ints("axes")
      try context.finish()
      return { args in
        let x = try args.value(0)
        let starts = try attributeStarts ?? args.intList(1)
        let ends = try attributeEnds ?? args.intList(2)
        let rank = x.shape.count
        let axes = try attributeAxes ?? (args.isPresent(3) ? args.intList(3) : Array(0..<starts.count))
        let steps = try args.isPresent(4) ? args.intList(4) : Array(repeating: 1, count: starts.count)
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
          throw args.fail("starts \(starts), ends \(ends), axes \(axes) and steps \(steps) differ in length")
        }
        var first = [Int](repeating: 0, count: rank)
        var step = [Int](repeating: 1, count: rank)
        var counts = x.shape
        for k in 0..<axes.count {
          guard let a = normalizedAxis(axes[k], rank: rank), steps[k] != 0 else {
            throw args.fail("axis \(axes[k]) or step \(steps[k]) is invalid for \(x.shape)")
          }
          let n = x.shape[a]
          var s = starts[k] < 0 ? starts[k] + n : starts[k]
          var e = ends[k] < 0 ? ends[k] + n : ends[k]
          if steps[k] > 0 {
            s = min(max(s, 0), n)
            e = min(max(e, 0), n)
            counts[a] = max(0, (e - s + steps[k] - 1) / steps[k])
          } else {
            s = min(max(s, 0), n - 1)
            e = min(max(e, -1), n - 1)
            counts[a] = max(0, (s - e + (-steps[k]) - 1) / (-steps[k]))
          }
          (first[a], step[a]) = (s, steps[k])
        }
        let sources = IndexMaps.slice(x.shape, starts: first, steps: step, counts: counts)
        return [x.gathering(sources: sources, shape: counts)]
      }
    },
    "Pad": { context in
      let modeName = try context.string("mode") ?? "constant"
      let attributePads = try context.ints("pads") ?? context.ints("paddings")
      let attributeValue = try context.float("value")
      try context.finish()
      guard let mode = IndexMaps.PadMode(rawValue: modeName) else {
        throw context.unsupported("Pad mode \(modeName)", supported: "constant, reflect, edge")
      }
      return { args in
        let x = try args.value(0)
        let rank = x.shape.count
        var pads = try attributePads ?? args.intList(1)
        let value = try attributeValue ?? (args.isPresent(2) ? args.scalar(2) : 0)
        if args.isPresent(3) {
          // opset 18: pads for the listed axes only.
          let axes = try args.intList(3)
          guard pads.count == 2 * axes.count else { throw args.fail("pads \(pads) do not match axes \(axes)") }
          var full = [Int](repeating: 0, count: 2 * rank)
          for (k, axis) in axes.enumerated() {
            guard let a = normalizedAxis(axis, rank: rank) else { throw args.fail("axis \(axis) is out of range") }
            (full[a], full[rank + a]) = (pads[k], pads[axes.count + k])
          }
          pads = full
        }
        guard pads.count == 2 * rank else { throw args.fail("pads \(pads) do not match rank \(rank)") }
        let before = Array(pads[..<rank])
        let after = Array(pads[rank...])
        guard (0..<rank).allSatisfy({ x.shape[$0] + before[$0] + after[$0] >= 0 }) else {
          throw args.fail("pads \(pads) crop more than \(x.shape)")
        }
        if mode != .constant, x.shape.contains(0) { throw args.fail("cannot \(modeName)-pad an empty tensor") }
        if mode == .constant, case .float(let variable) = x {
          return [.float(padded(variable, pads: (0..<rank).map { (before[$0], after[$0]) }, value: value))]
        }
        let (sources, shape) = IndexMaps.pad(x.shape, before: before, after: after, mode: mode)
        return [x.gathering(sources: sources, shape: shape, fill: value)]
      }
    },
    "Gather": { context in
      let axis = try context.int("axis", default: 0)
      try context.finish()
      return { args in
        let x = try args.value(0)
        var indices = try args.integers(1)
        guard let a = normalizedAxis(axis, rank: x.shape.count), !x.shape.isEmpty else {
          throw args.fail("axis \(axis) is out of range for \(x.shape)")
        }
        let n = Int64(x.shape[a])
        indices.values = try indices.values.map { i in
          guard i >= -n, i < n else { throw args.fail("index \(i) is out of range for axis \(a) of size \(n)") }
          return i < 0 ? i + n : i
        }
        let (sources, shape) = IndexMaps.gather(x.shape, axis: a, indices: indices)
        return [x.gathering(sources: sources, shape: shape)]
      }
    },
    "Shape": { context in
      let start = try context.int("start", default: 0)
      let end = try context.int("end")
      try context.finish()
      return { args in
        let shape = try args.value(0).shape
        let rank = shape.count
        let s = min(max(start < 0 ? start + rank : start, 0), rank)
        let e = min(max(end.map { $0 < 0 ? $0 + rank : $0 } ?? rank, 0), rank)
        return [.integer(IntegerTensor(vector: Array(shape[s..<max(s, e)])))]
      }
    },
    "Cast": { context in
      guard let target = try context.int("to") else {
        throw ONNXImportError.malformed(node: context.label, reason: "attribute to is required")
      }
      context.ignore("saturate")  // float8 targets only, which are refused
      try context.finish()
      let type = ONNXElementType(rawValue: target)
      guard type.isSupported else {
        throw context.unsupported("Cast to \(type)", supported: ONNXElementType.supportedDescription)
      }
      return { args in
        switch (try args.value(0), type) {
        case (.float(let x), .float): return [.float(x)]
        case (.integer(let t), .float):
          return [.float(Variable(Tensor(shape: t.shape, scalars: t.values.map { Float($0) })))]
        case (.float(let x), _):
          let values = try x.value.scalars.map { v -> Int64 in
            guard v.isFinite, abs(v) < 9.2e18 else { throw args.fail("cannot cast \(v) to \(type)") }
            return Int64(v)
          }
          return [.integer(IntegerTensor(shape: x.shape, values: values, elementType: type))]
        case (.integer(var t), _):
          if type == .int32 { t.values = t.values.map { Int64(Int32(truncatingIfNeeded: $0)) } }
          t.elementType = type
          return [.integer(t)]
        }
      }
    },
    "Constant": { context in
      let data: ONNXTensorData
      if let tensor = try context.tensor("value") {
        data = tensor
      } else if let value = try context.float("value_float") {
        data = .float(Tensor(value))
      } else if let values = try context.floats("value_floats") {
        data = .float(Tensor(shape: [values.count], scalars: values))
      } else if let value = try context.int("value_int") {
        data = .integer(IntegerTensor(shape: [], values: [Int64(value)]))
      } else if let values = try context.ints("value_ints") {
        data = .integer(IntegerTensor(vector: values))
      } else {
        throw context.unsupported(
          "Constant without value/value_float(s)/value_int(s)", supported: "value, value_float, value_floats, value_int, value_ints")
      }
      try context.finish()
      return { _ in [ONNXValue(data)] }
    },
    "ConstantOfShape": { context in
      let fill = try context.tensor("value") ?? .float(Tensor(shape: [1], scalars: [0]))
      try context.finish()
      return { args in
        let shape = try args.intList(0)
        guard shape.allSatisfy({ $0 >= 0 }) else { throw args.fail("shape \(shape) has a negative size") }
        switch fill {
        case .float(let t):
          guard t.count == 1 else { throw args.fail("value must hold one element") }
          return [.float(Variable(Tensor(shape: shape, repeating: t.scalars[0])))]
        case .integer(let t):
          guard t.values.count == 1 else { throw args.fail("value must hold one element") }
          let count = shape.reduce(1, *)
          return [.integer(IntegerTensor(shape: shape, values: Array(repeating: t.values[0], count: count), elementType: t.elementType))]
        }
      }
    },
  ]
}
