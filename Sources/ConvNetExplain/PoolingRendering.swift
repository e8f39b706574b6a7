extension ExplanationRenderer {
  /// The pooling explained: sizes, no parameters, pooling as a special convolution and, with
  /// values, every window with its winner (max) or its mean (average).
  public func render(_ e: PoolingExplanation) -> String {
    let g = e.geometry
    var lines: [String] = []
    lines.append(
      t(
        e.kind == .max ? .maxPoolingTitle : .averagePoolingTitle,
        NumberText.size(g.inputHeight, g.inputWidth) + "×\(g.channels)",
        NumberText.size(g.kernelHeight, g.kernelWidth), sizePair(g.strideHeight, g.strideWidth),
        sizePair(g.paddingHeight, g.paddingWidth)))
    lines.append(heading(t(.poolingOutputSizeHeading)))
    lines += sizeLines(height: e.height, width: e.width)
    lines.append(featureMapsLine(channels: g.channels, height: g.outputHeight, width: g.outputWidth))
    lines.append(heading(t(.parametersHeading)))
    lines.append("  " + t(.poolingParameters, e.parameterCount))
    lines.append(heading(t(.specialConvolutionHeading)))
    if e.kind == .max {
      lines.append("  " + t(.maxAsConvolution, NumberText.size(g.kernelHeight, g.kernelWidth)))
    } else {
      let area = g.kernelHeight * g.kernelWidth
      lines.append(
        "  "
          + t(
            .averageAsConvolution, NumberText.size(g.kernelHeight, g.kernelWidth),
            "1/(\(g.kernelHeight)·\(g.kernelWidth)) = " + NumberText.value(1 / Float(area))))
    }
    lines.append(heading(t(.receptiveFieldHeading)))
    lines.append(
      "  " + t(.poolingReceptiveField, NumberText.size(e.receptiveField.height, e.receptiveField.width)))
    guard let c = e.computation else { return lines.joined(separator: "\n") }
    lines.append(heading(t(.inputHeading)))
    lines.append(
      TextLayout.wrappedSideBySide(c.input.enumerated().map { TextLayout.block(label: "x[\($0)]", $1) }))
    lines.append(heading(t(.windowsHeading, c.steps.count)))
    let shown = shownSteps(of: c.steps.count)
    for (index, step) in c.steps.prefix(shown).enumerated() {
      lines += poolingStepLines(step, index: index, total: c.steps.count, kind: e.kind)
    }
    if let more = moreLine(hidden: c.steps.count - shown) { lines.append(more) }
    lines.append(heading(t(.outputMapsHeading)))
    lines.append(
      TextLayout.wrappedSideBySide(c.output.enumerated().map { TextLayout.block(label: "o[\($0)]", $1) }))
    lines.append("")
    lines.append(
      check(
        c.matchesKernel, e.kind == .max ? .maxPoolingKernelAgrees : .averagePoolingKernelAgrees,
        difference: largestDifference(c.output, c.kernelOutput)))
    if let matches = c.matchesConvolution, let output = c.convolutionOutput, let weight = c.convolutionWeight
    {
      lines.append(
        check(matches, .averageConvolutionAgrees, difference: largestDifference(c.output, output))
          + t(.everyWeight, NumberText.value(weight)))
    }
    return lines.joined(separator: "\n")
  }

  /// A window written inline with "·" for padding cells.
  func inlineWindow(_ window: [[Float?]]) -> String {
    "["
      + window.map { $0.map { $0.map { NumberText.value($0) } ?? "·" }.joined(separator: " ") }
      .joined(separator: "; ") + "]"
  }

  func poolingStepLines(_ step: PoolingStep, index: Int, total: Int, kind: PoolingKind) -> [String] {
    let place = windowPlace(
      row: step.windowRow, column: step.windowColumn, height: step.window.count,
      width: step.window.first?.count ?? 0)
    var lines = [
      t(
        .stepHeader, index + 1, total, t(.channelLabel, step.channel),
        "o[\(step.channel)][\(step.row), \(step.column)]", place, t(.ofInput))
    ]
    let window = inlineWindow(step.window)
    if kind == .max, let winner = step.winner {
      lines.append(
        "  \(window) → "
          + t(
            .maxWinner, NumberText.value(step.value),
            "(\(winner.windowRow), \(winner.windowColumn))", "(\(winner.inputRow), \(winner.inputColumn))"))
    } else {
      let terms = step.window.joined().compactMap { $0 }.map { NumberText.term($0) }
      let padding = step.window.joined().filter { $0 == nil }.count
      let sum = (terms + [String](repeating: "0", count: padding)).joined(separator: " + ")
      lines.append(
        "  \(window) → (\(sum))/\(step.divisor) = \(NumberText.value(step.sum))/\(step.divisor) = "
          + NumberText.value(step.value))
    }
    return lines
  }
}
