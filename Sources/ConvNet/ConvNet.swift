// The umbrella module: `import ConvNet` brings in every layer of the library.
@_exported import ConvNetAutograd
@_exported import ConvNetBase
@_exported import ConvNetData
@_exported import ConvNetDraw
@_exported import ConvNetExplain
@_exported import ConvNetIO
@_exported import ConvNetImage
@_exported import ConvNetInsight
@_exported import ConvNetKernels
@_exported import ConvNetModels
@_exported import ConvNetNN
@_exported import ConvNetONNX
@_exported import ConvNetTensor
@_exported import ConvNetTraining
