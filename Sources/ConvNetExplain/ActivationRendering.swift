extension ExplanationRenderer {
  /// An activation function: formula, derivative, a table of values, saturation, the gradient
  /// through many layers, and a plot.
  public func render(_ e: ActivationExplanation) -> String {
    var lines: [String] = [t(.activationTitle, e.kind.rawValue)]
    lines.append("")
    let slope = e.negativeSlope.map { NumberText.value($0) } ?? ""
    switch e.kind {
    case .sigmoid:
      lines.append("  f(x) = σ(x) = 1 / (1 + e^(−x))")
      lines.append("  f′(x) = σ(x)·(1 − σ(x))")
    case .tanh:
      lines.append("  f(x) = tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))")
      lines.append("  f′(x) = 1 − tanh²(x)")
    case .relu:
      lines.append("  f(x) = max(0, x)")
      lines.append("  " + t(.reluDerivative))
    case .leaky:
      lines.append("  " + t(.leakyFormula, slope))
      lines.append("  " + t(.leakyDerivative, slope))
    case .rrelu:
      let range =
        e.trainingSlopeRange.map { (NumberText.value($0.lower), NumberText.value($0.upper)) } ?? ("", "")
      lines.append("  " + t(.rreluFormula, range.0, range.1, slope))
      lines.append("  " + t(.rreluDerivative))
      let drawn = e.trainingSlopes.map { NumberText.value($0) }.joined(separator: ", ")
      lines.append("  " + t(.rreluDrawn, e.trainingSlopes.count, drawn))
    }
    lines.append("")
    var rows = [["x", "f(x)", "f′(x)"]]
    for sample in e.samples {
      rows.append([
        NumberText.value(sample.x), NumberText.value(sample.value), NumberText.value(sample.derivative),
      ])
    }
    lines += table(rows, rightAligned: [0, 1, 2]).map { "  " + $0 }
    lines.append("")
    if let beyond = e.saturatesBeyond {
      lines.append(
        "  " + t(.steepest, NumberText.value(e.steepest.x), NumberText.value(e.steepest.derivative)))
      lines.append("  " + t(.saturates, NumberText.value(e.saturationLevel), NumberText.value(beyond)))
    } else {
      lines.append("  " + t(.noSaturation, slope))
    }
    lines.append(
      "  "
        + t(
          .gradientThroughLayers, e.layerCount, NumberText.value(e.steepest.derivative),
          NumberText.value(e.gradientBound)))
    if e.gradientBound < 1e-3 {
      lines.append("  " + t(.vanishing))
    } else if let beyond = e.saturatesBeyond {
      lines.append("  " + t(.vanishingWhenSaturated, NumberText.value(beyond)))
    } else {
      lines.append("  " + t(.noVanishing))
    }
    lines.append("")
    lines.append("  " + t(.plotLegend))
    let plot = ASCIIPlot().render([
      ASCIIPlot.Series(mark: "*", points: e.curve.map { ($0.x, $0.value) }),
      ASCIIPlot.Series(mark: "+", points: e.curve.map { ($0.x, $0.derivative) }),
    ])
    lines += plot.map { "  " + $0 }
    return lines.joined(separator: "\n")
  }
}
