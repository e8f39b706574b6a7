import ArgumentParser
import ConvNet
import Foundation

/// `convnet visualize features|filters|cam`: pictures of what a trained network does with an
/// image. Parsing and printing only; the pictures are made by ConvNetInsight.
struct VisualizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "visualize",
    abstract: "Draw a network's feature maps, learned filters or Grad-CAM heat map as PNG pictures.",
    subcommands: [VisualizeFeaturesCommand.self, VisualizeFiltersCommand.self, VisualizeCAMCommand.self])
}

/// The options every `visualize` subcommand shares: which network and weights.
struct NetworkOptions: ParsableArguments {
  @Option(help: "The architecture (\(Architectures.all.map(\.name).joined(separator: ", "))).")
  var arch = "lenet5"

  @Option(help: "The trained weights (safetensors), e.g. from `convnet train --save`.")
  var weights: String

  func load() throws -> TrainedNetwork {
    try TrainedNetwork(architecture: Architectures.named(arch), weights: URL(fileURLWithPath: weights))
  }
}

/// The options of the subcommands that read an image.
struct ImageOptions: ParsableArguments {
  @Option(
    help:
      "The input image (PNG or JPEG); converted to the network's channels and size as the data pipeline does."
  )
  var image: String

  @Option(help: "Image size HxW or one number (default: the architecture's input size).")
  var imageSize: String?

  @Option(help: "Normalise pixels as in training: none, mnist, cifar10 or imagenet.")
  var normalize = "none"

  func validate() throws {
    _ = try sampleSize()
    _ = try pixelTransform()
  }

  /// The image fitted to the network and the tensor it is fed.
  func load(for network: TrainedNetwork) throws -> (picture: Image, input: Tensor) {
    var shape = network.sampleShape
    if let (height, width) = try sampleSize() { (shape[1], shape[2]) = (height, width) }
    let picture = try NetworkInput.fittedImage(contentsOf: URL(fileURLWithPath: image), sampleShape: shape)
    return (picture, NetworkInput.tensor(from: picture, transform: try pixelTransform()))
  }

  private func sampleSize() throws -> (Int, Int)? {
    guard let imageSize else { return nil }
    let parts = imageSize.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" }).map { Int($0) }
    guard (1...2).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
      throw CLIError(
        "--image-size \"\(imageSize)\": expected HxW (e.g. 32x32) or one number, each at least 1")
    }
    return (parts[0]!, parts.count == 2 ? parts[1]! : parts[0]!)
  }

  private func pixelTransform() throws -> PixelTransform {
    guard let transform = PixelTransform.preset(named: normalize) else {
      throw CLIError("--normalize \"\(normalize)\": expected \(NormalizationPreset.namesList)")
    }
    return transform
  }
}

struct VisualizeFeaturesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "features",
    abstract: "One PNG grid of feature maps per layer for one image, plus the input itself.",
    discussion: """
      Default layers: every conv/pool block's output — convolution and pooling layers of plain \
      networks, residual blocks (and their projection shortcuts), Inception modules and their \
      branches, dense layers, dense blocks and transitions — named by module path, which is the \
      layer's state-dict prefix (features.0, layer1.0, inception3a.branch2.1). Each map is \
      scaled from its own minimum (black) to its maximum (white).
      """)

  @OptionGroup var network: NetworkOptions
  @OptionGroup var imageOptions: ImageOptions

  @Option(
    help: "Comma-separated module paths to show instead of the default blocks, e.g. features.0,features.1.")
  var layers: String?

  @Option(help: "The directory for the PNG files (created if missing).")
  var out: String

  func run() throws {
    let trained = try network.load()
    let (picture, input) = try imageOptions.load(for: trained)
    let names = layers?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let capture = try FeatureMapCapture.capture(trained.model, input: input, layers: names)
    let directory = URL(fileURLWithPath: out)
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw CLIError("--out \(out): cannot create the directory (\(error.localizedDescription))")
    }
    let files = try FeatureMapPictures.write(capture.featureMaps, input: picture, to: directory)
    for file in files { print(file.path) }
    printError("wrote \(files.count) pictures to \(out) (\(capture.featureMaps.count) layers and the input)")
  }
}

struct VisualizeFiltersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "filters",
    abstract: "The learned kernels of one convolution as a PNG grid.",
    discussion: """
      A layer with 3 input channels shows one colour tile per filter; otherwise one grey tile per \
      (filter, input channel) pair when there are at most \(FilterTiles.pairLimit) pairs, else one \
      tile per filter averaged over its input channels. Grey tiles share one scale over the \
      layer: mid-grey is 0, white the largest positive and black the largest negative weight.
      """)

  @OptionGroup var network: NetworkOptions

  @Option(help: "The convolution's module path, e.g. features.3 (default: the first convolution).")
  var layer: String?

  @Option(help: "The PNG file to write.")
  var out: String

  func run() throws {
    let trained = try network.load()
    let filters = try FilterTiles(model: trained.model, layer: layer)
    try FilterPicture.write(filters, to: URL(fileURLWithPath: out))
    printError(
      "wrote \(out): \(filters.tiles.count) tiles of \(filters.layerName) (\(filters.layout.rawValue))")
  }
}

struct VisualizeCAMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cam",
    abstract: "A Grad-CAM heat map (Selvaraju et al. 2017) over the image, with the top-5 classes.",
    discussion: """
      The maps of the last convolutional block (or --layer) are weighted by the mean gradient of \
      the class score, summed and rectified, resized to the image and blended over it.
      """)

  @OptionGroup var network: NetworkOptions
  @OptionGroup var imageOptions: ImageOptions

  @Option(name: .customLong("class"), help: "The class to explain (default: the predicted class).")
  var classIndex: Int?

  @Option(help: "The module path of the layer to weight (default: the last convolutional block).")
  var layer: String?

  @Option(help: "The PNG file to write.")
  var out: String

  func run() throws {
    let trained = try network.load()
    let (picture, input) = try imageOptions.load(for: trained)
    let cam = try GradCAM(model: trained.model, input: input, classIndex: classIndex, layer: layer)
    try GradCAMPicture.write(cam, image: picture, to: URL(fileURLWithPath: out))
    for prediction in cam.topClasses {
      print(String(format: "class %d  %.4f", prediction.classIndex, prediction.probability))
    }
    printError(
      "wrote \(out): Grad-CAM of class \(cam.classIndex) at \(cam.layerName) (\(cam.layerDescription))")
  }
}
