import ConvNetModels
import ConvNetNN

/// Where the parameters of a named architecture come from, layer by layer, with each layer's
/// own formula (`Module.parameterFormula`, via `ModelSummary`), the connections a convolution's
/// shared weights stand for, and any connection table (LeNet-5's C3).
public struct ParameterExplanation {
  /// One layer that owns parameters.
  public struct Layer: Sendable {
    /// The state-dict prefix, e.g. "features.0".
    public let name: String
    /// e.g. "Conv2d(1, 6, kernel 5, padding 2)".
    public let description: String
    /// The output shape of one sample, [C, H, W] or [features].
    public let outputShape: [Int]
    public let parameterCount: Int
    /// The layer's own formula, e.g. "(5·5·1+1)·6 = 156".
    public let formula: String?
    /// For a convolution: output positions (H·W of its output) — every one reuses the same
    /// weights.
    public let positions: Int?
    /// For a convolution: parameterCount · positions, the connections a layer without weight
    /// sharing would need a weight for (LeCun et al. count C1's as 122,304).
    public let connections: Int?
    public let multiplyAccumulates: Int
  }

  /// A partially connected convolution's table: which input maps each output map sees.
  public struct ConnectionTable: Sendable {
    public let name: String
    public let inputChannels: Int
    /// table[j] = the input maps output map j sees.
    public let table: [[Int]]
    /// The layer's formula grouped by fan-in, e.g. "6·(3·25+1) + 9·(4·25+1) + 1·(6·25+1) = 1516".
    public let formula: String?
    /// What a full convolution with the same maps and kernel would have, and its formula.
    public let fullyConnectedCount: Int
    public let fullyConnectedFormula: String?
  }

  public let architecture: String
  public let inputShape: [Int]
  public let layers: [Layer]
  public let connectionTables: [ConnectionTable]
  public let totalParameters: Int
  public let trainableParameters: Int

  /// Explains `name` (an `--arch` name of the catalogue) at its natural input shape — the one
  /// its layers are built for (LeNet-5's classifier expects exactly 16·5·5 features, so another
  /// size could not run).
  public init(architecture name: String) throws {
    let architecture: Architecture
    do {
      architecture = try Architectures.named(name)
    } catch {
      throw ExplainError(
        .architecture,
        "unknown \"\(name)\"; expected one of \(Architectures.all.map(\.name).joined(separator: ", "))")
    }
    let shape = architecture.inputShape
    let model = architecture.build(inputChannels: shape[0])
    let summary = ModelSummary(model: model, sampleShape: shape)
    let modules = Dictionary(
      model.namedModules().map { ($0.name, $0.module) }, uniquingKeysWith: { first, _ in first })
    self.architecture = architecture.name
    self.inputShape = shape
    layers = summary.rows.filter { $0.parameterCount > 0 }.map { row in
      let module = modules[row.name]
      let isConvolution = module is Conv2d || module is ConnectionTableConv2d
      let positions =
        isConvolution && row.outputShape.count == 3
        ? row.outputShape[1] * row.outputShape[2] : nil
      return Layer(
        name: row.name, description: row.layer, outputShape: row.outputShape,
        parameterCount: row.parameterCount, formula: row.parameterFormula, positions: positions,
        connections: positions.map { $0 * row.parameterCount },
        multiplyAccumulates: row.multiplyAccumulates)
    }
    connectionTables = model.namedModules().compactMap { path, module in
      guard let layer = module as? ConnectionTableConv2d else { return nil }
      let full = Conv2d(layer.inputChannels, layer.outputChannels, kernelSize: layer.kernelSize)
      return ConnectionTable(
        name: path, inputChannels: layer.inputChannels, table: layer.table,
        formula: layer.parameterFormula, fullyConnectedCount: full.parameterCount,
        fullyConnectedFormula: full.parameterFormula)
    }
    totalParameters = summary.totalParameters
    trainableParameters = summary.trainableParameters
  }
}
