import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// The settings of a recurrent layer (PyTorch's `nn.LSTM`/`nn.GRU`/`nn.RNN` arguments).
public struct RecurrentSettings: Sendable, Equatable {
  public var cell: RecurrentCell
  public var inputSize: Int
  public var hiddenSize: Int
  public var numLayers: Int
  public var bias: Bool
  /// Input and output are [N, T, ·] instead of [T, N, ·].
  public var batchFirst: Bool
  /// Dropout probability on the outputs of every layer but the last, in training mode only.
  public var dropout: Float
  public var bidirectional: Bool

  /// 2 for a bidirectional layer, else 1.
  public var directions: Int { bidirectional ? 2 : 1 }
}

/// What `LSTM`, `GRU` and `RNN` share: their parameters (one `RecurrentDirectionParameters`
/// per layer and direction, with PyTorch's names) and the run over the layers — one
/// `recurrentLayer` op per layer, dropout between layers, final states gathered in PyTorch's
/// order.
final class RecurrentStack {
  let settings: RecurrentSettings
  /// [layer][direction].
  let layers: [[RecurrentDirectionParameters]]
  private let typeName: String

  /// Draws every weight and bias from U(−1/√H, 1/√H) (PyTorch's `reset_parameters`), from
  /// `RandomSource.current`, in PyTorch's parameter order.
  init(settings: RecurrentSettings, typeName: String) {
    precondition(
      settings.inputSize > 0 && settings.hiddenSize > 0 && settings.numLayers > 0,
      "\(typeName): inputSize, hiddenSize and numLayers must be positive")
    precondition(
      settings.dropout >= 0 && settings.dropout <= 1, "\(typeName): dropout must be in [0, 1], got \(settings.dropout)")
    self.settings = settings
    self.typeName = typeName
    let h = settings.hiddenSize
    let width = settings.cell.gateCount * h
    let bound = 1 / Float(h).squareRoot()
    let source = RandomSource.current
    func draw(_ shape: [Int]) -> Variable {
      Variable(Tensor.randomUniform(shape, low: -bound, high: bound, using: &source.generator), requiresGrad: true)
    }
    layers = (0..<settings.numLayers).map { layer in
      let inputSize = layer == 0 ? settings.inputSize : h * settings.directions
      return (0..<settings.directions).map { _ in
        let inputWeight = draw([width, inputSize])
        let hiddenWeight = draw([width, h])
        let inputBias = settings.bias ? draw([width]) : nil
        let hiddenBias = settings.bias ? draw([width]) : nil
        return RecurrentDirectionParameters(
          inputWeight: inputWeight, hiddenWeight: hiddenWeight, inputBias: inputBias, hiddenBias: hiddenBias)
      }
    }
  }

  /// PyTorch's names: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the `_reverse`
  /// four, then layer 1 …
  var parameters: [(name: String, parameter: Variable)] {
    var result: [(name: String, parameter: Variable)] = []
    for (layer, directions) in layers.enumerated() {
      for (direction, parameters) in directions.enumerated() {
        let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
        result.append(("weight_ih" + suffix, parameters.inputWeight))
        result.append(("weight_hh" + suffix, parameters.hiddenWeight))
        if let bias = parameters.inputBias { result.append(("bias_ih" + suffix, bias)) }
        if let bias = parameters.hiddenBias { result.append(("bias_hh" + suffix, bias)) }
      }
    }
    return result
  }

  /// Checks what `run` would otherwise stop the program on.
  func validate(shape: [Int], initialState: RecurrentState?, lengths: [Int]?) throws {
    let layoutName = settings.batchFirst ? "[N, T, \(settings.inputSize)] (batch first)" : "[T, N, \(settings.inputSize)]"
    guard shape.count == 3, shape[2] == settings.inputSize, shape[0] > 0, shape[1] > 0 else {
      throw RecurrentInputError("\(typeName) input: expected \(layoutName), got \(shape)")
    }
    let steps = settings.batchFirst ? shape[1] : shape[0]
    let batch = settings.batchFirst ? shape[0] : shape[1]
    if let lengths {
      guard lengths.count == batch else {
        throw RecurrentInputError("\(typeName) lengths: expected \(batch) values (one per sequence), got \(lengths.count)")
      }
      if let bad = lengths.first(where: { !(1...steps).contains($0) }) {
        throw RecurrentInputError("\(typeName) lengths: expected values in 1…\(steps) (the time steps), got \(bad)")
      }
    }
    if let initialState {
      let expected = [settings.numLayers * settings.directions, batch, settings.hiddenSize]
      guard initialState.hidden.shape == expected else {
        throw RecurrentInputError("\(typeName) initial hidden state: expected \(expected), got \(initialState.hidden.shape)")
      }
      if settings.cell.hasCellState {
        guard let cell = initialState.cell else {
          throw RecurrentInputError("\(typeName) initial state: the cell state is missing (expected \(expected))")
        }
        guard cell.shape == expected else {
          throw RecurrentInputError("\(typeName) initial cell state: expected \(expected), got \(cell.shape)")
        }
      } else if initialState.cell != nil {
        throw RecurrentInputError("\(typeName) initial state: has a cell state, which only LSTM takes")
      }
    }
  }

  func run(
    _ input: Variable, initialState: RecurrentState?, lengths: [Int]?, training: Bool,
    generator: inout SeededGenerator
  ) -> (output: Variable, state: RecurrentState) {
    do {
      try validate(shape: input.shape, initialState: initialState, lengths: lengths)
    } catch {
      preconditionFailure("\(error) (call validateInput first to get this as an error)")
    }
    var x = input
    var hidden: [Variable] = []
    var cells: [Variable] = []
    for (layer, parameters) in layers.enumerated() {
      if layer > 0 && training && settings.dropout > 0 {
        x = dropout(x, probability: settings.dropout, training: true, generator: &generator)
      }
      let result = recurrentLayer(
        x, cell: settings.cell, directions: parameters,
        initialStates: initialState.map { ($0.hidden, $0.cell) }, stateIndex: layer * settings.directions,
        batchFirst: settings.batchFirst, lengths: lengths)
      x = result.output
      hidden.append(result.hidden)
      if let cell = result.cell { cells.append(cell) }
    }
    let state = RecurrentState(
      hidden: hidden.count == 1 ? hidden[0] : concatenate(hidden, axis: 0),
      cell: cells.isEmpty ? nil : (cells.count == 1 ? cells[0] : concatenate(cells, axis: 0)))
    return (x, state)
  }

  func layerDescription() -> String {
    var text = "\(typeName)(\(settings.inputSize), \(settings.hiddenSize)"
    if settings.numLayers > 1 { text += ", num_layers=\(settings.numLayers)" }
    if !settings.bias { text += ", bias=False" }
    if settings.batchFirst { text += ", batch_first=True" }
    if settings.dropout > 0 { text += ", dropout=\(settings.dropout)" }
    if settings.bidirectional { text += ", bidirectional=True" }
    return text + ")"
  }

  /// Multiply-adds per sequence step: (input + hidden)·G·H per layer and direction.
  func multiplyAccumulatesPerStep() -> Int {
    let width = settings.cell.gateCount * settings.hiddenSize
    var total = 0
    for layer in 0..<settings.numLayers {
      let inputSize = layer == 0 ? settings.inputSize : settings.hiddenSize * settings.directions
      total += settings.directions * (inputSize + settings.hiddenSize) * width
    }
    return total
  }
}
