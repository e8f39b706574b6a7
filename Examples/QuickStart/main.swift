// The README's library example; built by `swift build`, run by `swift run -c release quickstart`.
import ConvNet
import Foundation

// A small CNN, built like PyTorch's nn.Sequential; keys are "0.weight", "3.bias", …
let model = RandomSource.withSeed(42) {
  Sequential {
    Conv2d(1, 8, kernelSize: 3, padding: .same)
    BatchNorm2d(8)
    ReLU()
    MaxPool2d(2)
    Flatten()
    Linear(8 * 14 * 14, 10)
  }
}

let train = try EmbeddedMNIST.load(.train).prefix(10_000)
let loader = DataLoader(dataset: train, batchSize: 64, seed: 1)
let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)

for epoch in 0..<2 {
  for batch in loader.batches(epoch: epoch) {
    let logits = model(Variable(batch.images))  // forward, recorded for autograd
    let loss = crossEntropy(logits: logits, labels: batch.labels)
    optimizer.zeroGradients()
    loss.backward()  // gradients accumulate into parameters
    optimizer.step()
  }
}

let test = DataLoader(dataset: try EmbeddedMNIST.load(.test), batchSize: 1000, shuffle: false)
print("test accuracy:", evaluate(model, on: test, classCount: 10).accuracy)
try Checkpoint.save(
  model: model, architecture: "custom", epoch: 2, to: URL(fileURLWithPath: "small.safetensors"))
