import ConvNetAutograd
import ConvNetNN

/// GoogLeNet (Inception v1) exactly as torchvision's `googlenet` with `transform_input=False`
/// (keys `conv1.conv`, `conv1.bn`, `inception3a.branch1.conv`, …, `aux1.fc1`, `fc`).
///
/// Stem: BasicConv2d 7×7/2 (64) → max pool 3/2 → BasicConv2d 1×1 (64) → BasicConv2d 3×3 (192) →
/// max pool 3/2; Inception 3a, 3b → max pool 3/2 → 4a–4e → max pool 2/2 → 5a, 5b (the paper's
/// table 1); global average pool → dropout (0.2) → linear classifier. All max pools round up
/// (`ceil_mode=True`).
///
/// **Auxiliary classifiers.** With `auxiliaryClassifiers: true` the network also holds `aux1`
/// (on 4a's output) and `aux2` (on 4d's), as torchvision builds it by default: 13,004,888
/// parameters for 1,000 classes instead of 6,624,904. They run only in training mode; `forward`
/// still returns the main logits and leaves the two auxiliary logits in
/// `lastAuxiliaryOutputs`, so a training loop can add them to the loss (the paper weights them
/// by 0.3). The `googlenet` architecture of the catalogue is built without them (6,624,904
/// parameters, the shape of torchvision's pretrained model after loading), because the
/// standard training loop only sees `forward`'s result.
///
/// Input: 3×224×224 natively; anything from 32×32 up works (32×32 reaches maxpool4 as 2×2).
/// 28×28 digits reach maxpool4 (2×2, stride 2, ceil mode) as a 1×1 map, which PyTorch pools to
/// 1×1 but this library's pooling rejects as smaller than the kernel — pad them to 32×32.
///
/// - Paper: C. Szegedy et al., "Going Deeper with Convolutions", CVPR 2015.
public final class GoogLeNet: Module {
  /// One Inception module of the paper's table 1: its name and channel columns.
  struct InceptionSpec {
    let name: String
    let input, ones, threesReduce, threes, fivesReduce, fives, poolProjection: Int
    init(_ name: String, _ columns: Int...) {
      self.name = name
      (input, ones, threesReduce, threes) = (columns[0], columns[1], columns[2], columns[3])
      (fivesReduce, fives, poolProjection) = (columns[4], columns[5], columns[6])
    }
  }

  /// Table 1 of the paper (torchvision's values). Columns: input channels, #1×1, #3×3 reduce,
  /// #3×3, #5×5 reduce, #5×5, pool proj.
  // swift-format-ignore
  static let table: [InceptionSpec] = [
    InceptionSpec("inception3a", 192,  64,  96, 128,  16,  32,  32),
    InceptionSpec("inception3b", 256, 128, 128, 192,  32,  96,  64),
    InceptionSpec("inception4a", 480, 192,  96, 208,  16,  48,  64),
    InceptionSpec("inception4b", 512, 160, 112, 224,  24,  64,  64),
    InceptionSpec("inception4c", 512, 128, 128, 256,  24,  64,  64),
    InceptionSpec("inception4d", 512, 112, 144, 288,  32,  64,  64),
    InceptionSpec("inception4e", 528, 256, 160, 320,  32, 128, 128),
    InceptionSpec("inception5a", 832, 256, 160, 320,  32, 128, 128),
    InceptionSpec("inception5b", 832, 384, 192, 384,  48, 128, 128),
  ]

  public let conv1: BasicConv2d
  public let maxpool1 = MaxPool2d(3, stride: 2, ceilMode: true)
  public let conv2: BasicConv2d
  public let conv3: BasicConv2d
  public let maxpool2 = MaxPool2d(3, stride: 2, ceilMode: true)
  /// inception3a … inception5b, in order.
  public let inceptions: [Inception]
  public let maxpool3 = MaxPool2d(3, stride: 2, ceilMode: true)
  public let maxpool4 = MaxPool2d(2, stride: 2, ceilMode: true)
  public let aux1: InceptionAux?
  public let aux2: InceptionAux?
  public let avgpool = AdaptiveAvgPool2d(1)
  public let dropout: Dropout
  public let fc: Linear
  public var isTraining = true
  /// The auxiliary logits (aux1, aux2) of the last forward pass in training mode; empty after a
  /// pass in evaluation mode or without auxiliary classifiers.
  public private(set) var lastAuxiliaryOutputs: [Variable] = []

  /// - Parameters:
  ///   - inputChannels: channels of the input images.
  ///   - classCount: outputs of `fc` (and of the auxiliary classifiers).
  ///   - auxiliaryClassifiers: build `aux1` and `aux2` (torchvision's `aux_logits`).
  public init(inputChannels: Int = 3, classCount: Int = 1000, auxiliaryClassifiers: Bool = false) {
    conv1 = BasicConv2d(inputChannels, 64, kernelSize: 7, stride: 2, padding: 3)
    conv2 = BasicConv2d(64, 64, kernelSize: 1)
    conv3 = BasicConv2d(64, 192, kernelSize: 3, padding: 1)
    inceptions = Self.table.map {
      Inception(
        $0.input, ones: $0.ones, threesReduce: $0.threesReduce, threes: $0.threes,
        fivesReduce: $0.fivesReduce, fives: $0.fives, poolProjection: $0.poolProjection)
    }
    aux1 = auxiliaryClassifiers ? InceptionAux(512, classCount: classCount) : nil
    aux2 = auxiliaryClassifiers ? InceptionAux(528, classCount: classCount) : nil
    dropout = Dropout(0.2)
    fc = Linear(1024, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    var list: [(name: String, module: any Module)] = [
      ("conv1", conv1), ("maxpool1", maxpool1), ("conv2", conv2), ("conv3", conv3),
      ("maxpool2", maxpool2),
    ]
    for (spec, module) in zip(Self.table, inceptions) {
      list.append((spec.name, module))
      if spec.name == "inception3b" { list.append(("maxpool3", maxpool3)) }
      if spec.name == "inception4e" { list.append(("maxpool4", maxpool4)) }
    }
    if let aux1, let aux2 { list += [("aux1", aux1), ("aux2", aux2)] }
    return list + [("avgpool", avgpool), ("dropout", dropout), ("fc", fc)]
  }

  public func forward(_ input: Variable) -> Variable {
    var x = maxpool2(conv3(conv2(maxpool1(conv1(input)))))
    var auxiliary: [Variable] = []
    for (spec, module) in zip(Self.table, inceptions) {
      x = module(x)
      switch spec.name {
      case "inception3b": x = maxpool3(x)
      case "inception4a": if isTraining, let aux1 { auxiliary.append(aux1(x)) }
      case "inception4d": if isTraining, let aux2 { auxiliary.append(aux2(x)) }
      case "inception4e": x = maxpool4(x)
      default: break
      }
    }
    lastAuxiliaryOutputs = auxiliary
    return fc(dropout(avgpool(x).flattened()))
  }
}
