import ConvNetTensor
import Foundation

/// eˣ elementwise. The backward reuses the output: d eˣ/dx = eˣ.
public func exp(_ input: Variable) -> Variable {
  let output = input.value.map { Foundation.exp($0) }
  return Variable.makeOutput(output, name: "exp", inputs: [input]) { gradient in [gradient * output] }
}

/// The natural logarithm elementwise (−∞ at 0 and NaN below, as PyTorch). d ln x/dx = 1/x.
public func log(_ input: Variable) -> Variable {
  let x = input.value
  return Variable.makeOutput(x.map { Foundation.log($0) }, name: "log", inputs: [input]) { gradient in
    [gradient / x]
  }
}
