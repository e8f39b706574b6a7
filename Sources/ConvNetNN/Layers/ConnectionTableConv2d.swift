import ConvNetAutograd
import ConvNetTensor

/// A convolution in which each output map sees only some of the input maps, listed in a
/// connection table — LeNet-5's C3 (LeCun et al. 1998, Table I), which "keeps the number of
/// connections within reasonable bounds" and "forces a break of symmetry in the network".
///
/// Only the connected weights exist: output map j owns `maps.j.weight`
/// [1, table[j].count, kH, kW] and `maps.j.bias` [1], and computes a small convolution over
/// the input channels `table[j]` (gathered with `selectChannels`); the maps are then joined
/// along the channel axis. [N, Cin, H, W] → [N, table.count, Hout, Wout] with the usual
/// Hout = H + 2·padding − kH + 1 (stride 1). For LeNet-5's table the count is
/// 6·(3·25+1) + 9·(4·25+1) + 1·(6·25+1) = 1,516 parameters, against 2,416 for a full
/// 6 → 16 convolution.
public final class ConnectionTableConv2d: Module, LayerPresentation {
  public let inputChannels: Int
  /// table[j] = the input channels that output map j sees, in order.
  public let table: [[Int]]
  public let kernelSize: Size2
  /// One single-output convolution per output map, over `table[j].count` channels.
  public let maps: [Conv2d]

  public init(
    _ inputChannels: Int, table: [[Int]], kernelSize: Size2, padding: Padding = 0,
    initialization: WeightInitialization = .pytorchDefault
  ) {
    precondition(!table.isEmpty, "ConnectionTableConv2d: the table needs at least one output map")
    for (j, inputs) in table.enumerated() {
      precondition(
        !inputs.isEmpty && inputs.allSatisfy { 0 <= $0 && $0 < inputChannels }
          && Set(inputs).count == inputs.count,
        "ConnectionTableConv2d: map \(j) lists \(inputs), "
          + "expected distinct channels in 0..<\(inputChannels)"
      )
    }
    self.inputChannels = inputChannels
    self.table = table
    self.kernelSize = kernelSize
    maps = table.map { inputs in
      Conv2d(
        inputs.count, 1, kernelSize: kernelSize, padding: padding, initialization: initialization)
    }
  }

  public func forward(_ input: Variable) -> Variable {
    precondition(
      input.value.rank == 4 && input.shape[1] == inputChannels,
      "\(layerDescription): expects input [N, \(inputChannels), H, W], got \(input.shape)")
    let outputs = zip(table, maps).map { inputs, map in
      map.forward(selectChannels(input, indices: inputs))
    }
    return concatenate(outputs, axis: 1)
  }

  public var ownParameters: [(name: String, parameter: Variable)] {
    maps.enumerated().flatMap { j, map in
      map.ownParameters.map { ("maps.\(j).\($0.name)", $0.parameter) }
    }
  }

  public var outputChannels: Int { table.count }

  public var layerDescription: String {
    "ConnectionTableConv2d(\(inputChannels), \(table.count), kernel \(kernelSize))"
  }

  /// Groups maps by fan-in: "6·(3·25+1) + 9·(4·25+1) + 1·(6·25+1) = 1516" for LeNet-5's C3.
  public var parameterFormula: String? {
    let area = kernelSize.height * kernelSize.width
    var groups: [(fanIn: Int, maps: Int)] = []
    for inputs in table {
      if let last = groups.last, last.fanIn == inputs.count {
        groups[groups.count - 1].maps += 1
      } else {
        groups.append((inputs.count, 1))
      }
    }
    let total = table.reduce(0) { $0 + $1.count * area + 1 }
    let terms = groups.map { "\($0.maps)·(\($0.fanIn)·\(area)+1)" }
    return "\(terms.joined(separator: " + ")) = \(total)"
  }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    let positions = outputShape.count == 4 ? outputShape[2] * outputShape[3] : 0
    return table.reduce(0) { $0 + $1.count } * kernelSize.height * kernelSize.width * positions
  }
}
