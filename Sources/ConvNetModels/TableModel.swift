import ConvNetNN
import Foundation

/// A model for rows of a table: a feature vector in, one number (regression) or class scores out.
///
/// This is a catalogue of its own beside `Architectures` because `Architecture` describes image
/// networks: a [C, H, W] input, a minimum image size, a classifier prefix whose rows are classes,
/// memory estimates for pre-flight checks. A table model's input width is known only after the
/// table's preprocessing (one-hot columns), and its output is a number or class scores.
///
/// State-dict keys are PyTorch's for the same modules: `linear-regression` and
/// `logistic-regression` are one `nn.Linear(d, k)` (keys `weight` [k, d], `bias` [k]); `mlp` is
/// `nn.Sequential(nn.Linear(d, h1), nn.ReLU(), …, nn.Linear(hn, k))` (keys `0.weight`, `0.bias`,
/// `2.weight`, … — the ReLUs take the odd indices).
public struct TableModel: Codable, Equatable, Sendable {
  /// The metadata key the description is stored under next to the weights.
  public static let metadataKey = "convnet.table-model"

  /// The model families, by their command-line names.
  public enum Kind: String, Codable, CaseIterable, Sendable {
    /// y = x·wᵀ + b, trained with mean squared error.
    case linearRegression = "linear-regression"
    /// Class logits = x·Wᵀ + b: one logit with binary cross-entropy for two classes (the second
    /// class is the positive one), one per class with cross-entropy (multinomial) for more.
    case logisticRegression = "logistic-regression"
    /// Linear layers with ReLU between them; regression or classification.
    case mlp

    /// One line for `--help` and listings.
    public var summary: String {
      switch self {
      case .linearRegression: return "one Linear(d, 1), mean squared error"
      case .logisticRegression:
        return "one Linear(d, 1) with binary cross-entropy (2 classes) or Linear(d, K) with cross-entropy"
      case .mlp: return "Linear → ReLU → … → Linear (hidden sizes chosen), for a number or classes"
      }
    }
  }

  public var kind: Kind
  /// The width of a row after preprocessing (d).
  public var inputFeatures: Int
  /// 1 for regression and binary classification, else the class count.
  public var outputs: Int
  /// The hidden layers' widths (`mlp` only; empty otherwise).
  public var hidden: [Int]

  public init(kind: Kind, inputFeatures: Int, outputs: Int, hidden: [Int] = []) {
    self.kind = kind
    self.inputFeatures = inputFeatures
    self.outputs = outputs
    self.hidden = kind == .mlp ? hidden : []
  }

  /// True when the model is one linear map of the features (its weights are coefficients).
  public var isLinear: Bool { kind != .mlp || hidden.isEmpty }

  /// Builds the module with fresh weights drawn from `RandomSource.current`.
  public func build() -> any Module {
    guard kind == .mlp, !hidden.isEmpty else { return Linear(inputFeatures, outputs) }
    var layers: [any Module] = []
    var width = inputFeatures
    for size in hidden {
      layers.append(Linear(width, size))
      layers.append(ReLU())
      width = size
    }
    layers.append(Linear(width, outputs))
    return Sequential(layers)
  }

  /// The state-dict key of the last linear layer (its weight and bias), e.g. "" or "4.".
  public var outputLayerPrefix: String {
    isLinear ? "" : "\(2 * hidden.count)."
  }

  /// One-line JSON for safetensors metadata.
  public func serialized() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Cannot fail: strings and integers.
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }

  /// Reads `serialized()`'s text back; `source` names where it came from in errors.
  public init(serialized text: String, source: String) throws {
    let decoded: TableModel
    do {
      decoded = try JSONDecoder().decode(TableModel.self, from: Data(text.utf8))
    } catch {
      throw StateDictError("\(source): metadata \(Self.metadataKey) is not a table model description")
    }
    guard decoded.inputFeatures > 0, decoded.outputs > 0, decoded.hidden.allSatisfy({ $0 > 0 }) else {
      throw StateDictError(
        "\(source): metadata \(Self.metadataKey) has a width that is not positive "
          + "(inputs \(decoded.inputFeatures), outputs \(decoded.outputs), hidden \(decoded.hidden))")
    }
    self = decoded
  }
}
