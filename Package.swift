// swift-tools-version:6.0
//
// ConvNet — convolutional neural networks on the CPU, in Swift.
//
// The targets are layered bottom-up; every dependency points downward:
//
//   CConvNetThreadPool  the C fork–join thread pool behind parallelFor
//   ConvNetBase         what every layer needs: seeded random numbers, parallelFor, atomic writes
//   CConvNetKernels     C micro-kernels (SIMD, chosen at run time by CPU features)
//   ConvNetKernels      pointer-level kernels (GEMM, convolution, pooling, …) + reference twins
//   ConvNetTensor       Tensor: float32, N-dimensional, row-major, copy-on-write
//   ConvNetAutograd     Variable + reverse-mode automatic differentiation over tensor ops
//   ConvNetNN           modules, layers, losses, optimisers, schedules
//   ConvNetCompression  DEFLATE / gzip / zlib decoding (no system zlib needed)
//   ConvNetImage        image decoding (PNG, JPEG), resizing and augmentation
//   ConvNetData         datasets (IDX, …) and the batching data loader
//   ConvNetIO           weight files (safetensors)
//   ConvNetModels       named architectures (LeNet-5, …)
//   ConvNetTraining     the training loop, evaluation, checkpoints
//   ConvNetONNX         ONNX models: the protobuf messages (generated), file read/write, export
//   ConvNetDraw         pictures: canvas, bitmap font, colour maps, grids, charts (PNG)
//   ConvNetInsight      feature maps, filters, Grad-CAM, history, TensorBoard, the report
//   ConvNetExplain      the course's worked examples explained step by step (en/zh)
//   ConvNet             the umbrella module users import
//   ConvNetBenchmarks   the workloads `convnet bench` measures (bench/ holds the PyTorch peer)
//   convnet             the command-line tool (parsing and printing only)
import Foundation
import PackageDescription

let package = Package(
  name: "ConvNet",
  products: [
    .library(name: "ConvNet", targets: ["ConvNet"]),
    .executable(name: "convnet", targets: ["convnet"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // ONNX model files are protobuf; the message code is generated once and committed
    // (scripts/generate-onnx-proto.sh), so only the runtime library is built here.
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    .target(name: "CConvNetThreadPool"),
    .target(name: "ConvNetBase", dependencies: ["CConvNetThreadPool"]),
    .target(name: "CConvNetKernels"),
    .target(name: "ConvNetKernels", dependencies: ["CConvNetKernels", "ConvNetBase"]),
    .target(name: "ConvNetTensor", dependencies: ["ConvNetKernels", "ConvNetBase"]),
    .target(name: "ConvNetAutograd", dependencies: ["ConvNetTensor", "ConvNetKernels"]),
    .target(name: "ConvNetNN", dependencies: ["ConvNetAutograd", "ConvNetTensor", "ConvNetKernels"]),
    .target(name: "ConvNetCompression"),
    .target(name: "ConvNetImage", dependencies: ["ConvNetBase", "ConvNetCompression"]),
    .target(
      name: "ConvNetData",
      dependencies: ["ConvNetBase", "ConvNetCompression", "ConvNetImage", "ConvNetTensor"],
      resources: [.copy("Resources/mnist")]),
    .target(name: "ConvNetIO", dependencies: ["ConvNetBase", "ConvNetTensor"]),
    .target(name: "ConvNetModels", dependencies: ["ConvNetNN"]),
    .target(
      name: "ConvNetTraining",
      dependencies: ["ConvNetNN", "ConvNetData", "ConvNetIO", "ConvNetModels"]),
    .target(
      name: "ConvNetONNX",
      dependencies: [
        "ConvNetBase", "ConvNetTensor", "ConvNetAutograd", "ConvNetNN", "ConvNetModels", "ConvNetIO",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]),
    // Runs the ONNX backend's test cases through the importer (scripts/onnx-node-tests.sh).
    .executableTarget(name: "onnx-node-tests", dependencies: ["ConvNetONNX"], path: "Tools/onnx-node-tests"),
    .target(name: "ConvNetDraw", dependencies: ["ConvNetBase", "ConvNetImage"]),
    .target(
      name: "ConvNetInsight",
      dependencies: ["ConvNetTraining", "ConvNetModels", "ConvNetDraw", "ConvNetData", "ConvNetIO"]),
    .target(
      name: "ConvNetExplain",
      dependencies: ["ConvNetModels", "ConvNetKernels", "ConvNetNN", "ConvNetAutograd", "ConvNetTensor"]),
    .target(
      name: "ConvNet",
      dependencies: [
        "ConvNetBase", "ConvNetKernels", "ConvNetTensor", "ConvNetAutograd", "ConvNetNN", "ConvNetImage",
        "ConvNetData", "ConvNetIO", "ConvNetModels", "ConvNetTraining", "ConvNetDraw", "ConvNetInsight",
        "ConvNetExplain", "ConvNetONNX",
      ]),
    .target(name: "ConvNetBenchmarks", dependencies: ["ConvNet"]),
    .executableTarget(
      name: "convnet",
      dependencies: [
        "ConvNet", "ConvNetBenchmarks",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "quickstart", dependencies: ["ConvNet"], path: "Examples/QuickStart"),

    .target(
      name: "TestSupport", dependencies: ["ConvNetAutograd", "ConvNetKernels", "ConvNetTensor"], path: "Tests/TestSupport"),
    .testTarget(name: "ConvNetKernelsTests", dependencies: ["ConvNetKernels", "TestSupport"]),
    .testTarget(name: "ConvNetTensorTests", dependencies: ["ConvNetTensor", "TestSupport"]),
    .testTarget(
      name: "ConvNetAutogradTests", dependencies: ["ConvNetAutograd", "ConvNetNN", "TestSupport"]),
    .testTarget(name: "ConvNetNNTests", dependencies: ["ConvNetNN", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "ConvNetImageTests", dependencies: ["ConvNetImage", "ConvNetCompression", "TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ConvNetCompressionTests", dependencies: ["ConvNetCompression", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ConvNetDataTests",
      dependencies: ["ConvNetData", "ConvNetCompression", "TestSupport"]),
    .testTarget(
      name: "ConvNetIOTests", dependencies: ["ConvNetIO", "TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ConvNetModelsTests", dependencies: ["ConvNetModels", "ConvNetIO", "TestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ConvNetExplainTests",
      dependencies: ["ConvNetExplain", "ConvNetAutograd", "ConvNetKernels", "ConvNetTensor", "TestSupport"]),
    .testTarget(
      name: "ConvNetONNXTests", dependencies: ["ConvNetONNX", "ConvNetModels", "ConvNetIO", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "ConvNetDrawTests", dependencies: ["ConvNetDraw", "ConvNetImage"]),
    .testTarget(
      name: "ConvNetTrainingTests", dependencies: ["ConvNet", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "ConvNetInsightTests", dependencies: ["ConvNet", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "ConvNetCLITests", dependencies: ["convnet", "ConvNet", "TestSupport"]),
    .testTarget(name: "ConvNetBenchmarksTests", dependencies: ["ConvNetBenchmarks", "ConvNet", "convnet"]),
  ],
  swiftLanguageModes: [.v5]
)

// Data-parallel training over MPI (`mpirun -np N convnet train …`), only in a build that asks
// for it, so that ConvNet builds and runs where no MPI is installed:
//
//   CONVNET_MPI=1 swift build -c release      (needs Open MPI: apt-get install libopenmpi-dev)
//
//   CMPI                 mpi.h as a Swift module (pkg-config "ompi"), macros wrapped in functions
//   ConvNetDistributed   the communicator, bucketed gradient all-reduce, sync batch norm
// The `convnet` target then gains the distributed mode (compiled under `#if CONVNET_MPI`).
if ProcessInfo.processInfo.environment["CONVNET_MPI"] == "1" {
  package.products.append(.library(name: "ConvNetDistributed", targets: ["ConvNetDistributed"]))
  package.targets += [
    .systemLibrary(
      name: "CMPI", pkgConfig: "ompi", providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]),
    .target(name: "ConvNetDistributed", dependencies: ["CMPI", "ConvNetTraining"]),
  ]
  if let cli = package.targets.first(where: { $0.name == "convnet" }) {
    cli.dependencies.append("ConvNetDistributed")
    cli.swiftSettings = (cli.swiftSettings ?? []) + [.define("CONVNET_MPI")]
  }
}
