import ConvNetModels
import ConvNetNN

/// Which layers' outputs are worth looking at, found from the structure of the module tree
/// (not from type names of particular architectures), and named by their module path — the
/// prefix of their state-dict keys (`features.0`, `layer2.1`, `inception3a.branch2.1`).
///
/// **The conv/pool blocks** (`LayerSelection.blockPaths(of:)`), walking the tree from the root:
/// - a *sequence* (`Sequential`, `NamedSequential`, and the root network itself) is only a
///   container: its children are examined in turn;
/// - outside any block, a *convolution or pooling layer* (`Conv2d`, `ConnectionTableConv2d`,
///   `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, `Subsampling2d`) is a block of its own: its
///   output, before any activation that follows it (LeNet-5's `features.0`, VGG's convolutions);
/// - a sequence of layers that holds exactly one convolution (a conv–norm–activation unit such
///   as MobileNet's `features.0` or ResNet's `downsample`) is a block: its output after the
///   norm and activation;
/// - any other module with children is a block: a residual block (its output after the
///   addition), an Inception module (after the concatenation), a dense layer, a dense block,
///   a transition, an inverted residual, a squeeze-excitation; inside a block its *sub-blocks*
///   are blocks too (an Inception module's four branches and their `BasicConv2d`s, a dense
///   block's layers, a residual block's projection shortcut), but single layers are not.
///
/// The feature maps shown by default are the blocks' outputs that are feature maps bigger than
/// 1×1 (global pooling is left out), in the order the forward pass finishes them: a block's
/// parts before the block.
public enum LayerSelection {
  /// The module paths of `model`'s conv/pool blocks (see the type's description), parents
  /// before children. Which of them produce feature maps is only known after a forward pass.
  public static func blockPaths(of model: any Module) -> [String] {
    var paths: [String] = []
    for (name, child) in model.children { visit(child, path: name, insideBlock: false, into: &paths) }
    return paths
  }

  private static func visit(_ module: any Module, path: String, insideBlock: Bool, into paths: inout [String])
  {
    let children = module.children
    if children.isEmpty {
      if !insideBlock && (isConvolution(module) || isPooling(module)) { paths.append(path) }
      return
    }
    if isSequence(module) && !isConvolutionUnit(module) {
      for (name, child) in children {
        visit(child, path: "\(path).\(name)", insideBlock: insideBlock, into: &paths)
      }
      return
    }
    paths.append(path)
    for (name, child) in children where !child.children.isEmpty {
      visit(child, path: "\(path).\(name)", insideBlock: true, into: &paths)
    }
  }

  /// A container that applies its children one after another.
  static func isSequence(_ module: any Module) -> Bool {
    module is Sequential || module is NamedSequential
  }

  /// A sequence of single layers holding exactly one convolution (conv → norm → activation).
  static func isConvolutionUnit(_ module: any Module) -> Bool {
    let children = module.children.map(\.module)
    return children.allSatisfy { $0.children.isEmpty } && children.filter(isConvolution).count == 1
  }

  /// A layer whose output is a bank of convolution feature maps.
  public static func isConvolution(_ module: any Module) -> Bool {
    module is Conv2d || module is ConnectionTableConv2d
  }

  /// A spatial pooling (or subsampling) layer.
  public static func isPooling(_ module: any Module) -> Bool {
    module is MaxPool2d || module is AvgPool2d || module is AdaptiveAvgPool2d || module is Subsampling2d
  }

  /// A layer that maps each value on its own (normalisation in evaluation mode, activations,
  /// dropout): it keeps the feature maps' shape and meaning. Grad-CAM looks through such layers
  /// after a convolution to read its rectified output, as Selvaraju et al. do.
  static func isElementwise(_ module: any Module) -> Bool {
    module is BatchNorm2d || module is ReLU || module is LeakyReLU || module is RReLU
      || module is Sigmoid || module is Tanh || module is Dropout || module is ReLU6
      || module is Hardsigmoid || module is Hardswish || module is ScaledTanh || module is Identity
  }

  /// Every module of `model` by path ("" is the root), first path of a shared module kept.
  static func modulesByPath(_ model: any Module) -> [String: any Module] {
    Dictionary(model.namedModules().map { ($0.name, $0.module) }, uniquingKeysWith: { first, _ in first })
  }

  /// The module at `path`, or an error that names the path and some valid ones.
  static func module(at path: String, in model: any Module) throws -> any Module {
    if !path.isEmpty, let module = modulesByPath(model)[path] { return module }
    let examples = blockPaths(of: model).prefix(8).joined(separator: ", ")
    throw InsightError(
      "no layer named \"\(path)\" in the network; layer names are module paths such as \(examples)")
  }

  /// For a convolution inside a sequence, the last of the element-wise layers directly after
  /// it (its normalised, rectified output); otherwise `path` itself.
  static func rectifiedOutputPath(of path: String, in model: any Module) -> String {
    let modules = modulesByPath(model)
    guard let module = modules[path], isConvolution(module) else { return path }
    // The parent is "" (the root network itself) for a top-level layer.
    let dot = path.lastIndex(of: ".")
    let parentPath = dot.map { String(path[..<$0]) } ?? ""
    let name = dot.map { String(path[path.index(after: $0)...]) } ?? path
    guard let parent = parentPath.isEmpty ? model : modules[parentPath], isSequence(parent),
      let index = parent.children.firstIndex(where: { $0.name == name })
    else { return path }
    var last = path
    for (siblingName, sibling) in parent.children[(index + 1)...] {
      guard isElementwise(sibling) else { break }
      last = parentPath.isEmpty ? siblingName : "\(parentPath).\(siblingName)"
    }
    return last
  }
}
