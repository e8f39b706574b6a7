import ConvNetKernels

extension ExplanationRenderer {
  /// The convolution explained: sizes, parameters, MACs, receptive field and, with values,
  /// every step of the sliding window.
  public func render(_ e: ConvolutionExplanation) -> String {
    let g = e.geometry
    var lines: [String] = []
    lines.append(
      t(
        .convolutionTitle, NumberText.size(g.inputHeight, g.inputWidth) + "×\(g.inputChannels)",
        g.outputChannels, NumberText.size(g.kernelHeight, g.kernelWidth) + "×\(g.inputChannels)",
        sizePair(g.strideHeight, g.strideWidth), sizePair(g.paddingTop, g.paddingLeft)))
    lines.append(heading(t(.outputSizeHeading)))
    lines += sizeLines(height: e.height, width: e.width)
    lines.append(featureMapsLine(channels: g.outputChannels, height: g.outputHeight, width: g.outputWidth))
    lines.append(heading(t(.parametersHeading)))
    lines.append("  " + e.parameterFormula)
    lines.append(
      "  "
        + t(
          .weightSharing, NumberText.count(e.parameterCount),
          NumberText.count(g.outputHeight * g.outputWidth),
          NumberText.count(e.parameterCount * g.outputHeight * g.outputWidth)))
    lines.append(heading(t(.macsHeading)))
    let perOutput = g.kernelHeight * g.kernelWidth * g.inputChannels
    let outputs = g.outputHeight * g.outputWidth * g.outputChannels
    lines.append(
      "  \(g.outputHeight)·\(g.outputWidth)·\(g.outputChannels) × \(g.kernelHeight)·\(g.kernelWidth)·\(g.inputChannels)"
        + " = \(NumberText.count(outputs)) × \(NumberText.count(perOutput)) = \(NumberText.count(e.multiplyAccumulates))"
    )
    lines.append(heading(t(.receptiveFieldHeading)))
    lines.append(
      "  "
        + t(
          .receptiveFieldWindow, NumberText.size(e.receptiveField.height, e.receptiveField.width),
          g.inputChannels))
    let rowFirst = affine(coefficient: g.strideHeight, offset: -g.paddingTop, variable: "i")
    let rowLast = affine(
      coefficient: g.strideHeight, offset: e.receptiveField.height - 1 - g.paddingTop, variable: "i")
    let columnFirst = affine(coefficient: g.strideWidth, offset: -g.paddingLeft, variable: "j")
    let columnLast = affine(
      coefficient: g.strideWidth, offset: e.receptiveField.width - 1 - g.paddingLeft, variable: "j")
    lines.append(
      "  " + t(.receptiveFieldPlace, "\(rowFirst) … \(rowLast)", "\(columnFirst) … \(columnLast)"))
    if g.paddingTop > 0 || g.paddingLeft > 0 {
      lines.append("  " + t(.paddingReadsZeros, g.inputHeight, g.inputWidth))
    }
    let stacked = e.stackedReceptiveFields.enumerated().map { index, size in
      t(.layersSeeing, index + 1, NumberText.size(size.height, size.width))
    }
    lines.append("  " + t(.stackedReceptiveField, stacked.joined(separator: t(.listSeparator))))
    if let c = e.computation { lines += computationLines(c, geometry: e.geometry) }
    return lines.joined(separator: "\n")
  }

  /// "2" when both axes agree, else "2×1".
  func sizePair(_ height: Int, _ width: Int) -> String {
    height == width ? "\(height)" : NumberText.size(height, width)
  }

  private func computationLines(_ c: ConvolutionComputation, geometry g: Conv2DGeometry)
    -> [String]
  {
    var lines: [String] = []
    let padded = g.paddingTop > 0 || g.paddingLeft > 0
    lines.append(
      heading(padded ? t(.paddedInputHeading, sizePair(g.paddingTop, g.paddingLeft)) : t(.inputHeading)))
    let (top, left) = (g.paddingTop, g.paddingLeft)
    let blocks = c.paddedInput.enumerated().map { channel, plane in
      TextLayout.block(label: "x[\(channel)]", plane) { r, col in
        r < top || r >= top + g.inputHeight || col < left || col >= left + g.inputWidth
      }
    }
    lines.append(TextLayout.wrappedSideBySide(blocks))
    lines.append(heading(t(.filtersHeading)))
    for (filter, channels) in c.weights.enumerated() {
      let blocks =
        channels.enumerated().map { channel, kernel in
          TextLayout.block(label: "w\(filter)[\(channel)]", kernel)
        }
        + [TextLayout.block(label: "b\(filter)", [[c.bias[filter]]])]
      lines.append(TextLayout.wrappedSideBySide(blocks))
    }
    lines.append(heading(t(.slidingHeading, c.steps.count, sizePair(g.strideHeight, g.strideWidth))))
    let shown = shownSteps(of: c.steps.count)
    for (index, step) in c.steps.prefix(shown).enumerated() {
      lines += stepLines(
        step, index: index, total: c.steps.count, mapLabel: t(.filterLabel, step.map),
        inputName: { "x[\($0)]" }, kernelName: { "w\($0)[\($1)]" }, outputName: "o",
        placeNote: padded ? t(.ofPaddedInput) : t(.ofInput))
    }
    if let more = moreLine(hidden: c.steps.count - shown) { lines.append(more) }
    lines.append(heading(t(.outputMapsHeading)))
    lines.append(
      TextLayout.wrappedSideBySide(c.output.enumerated().map { TextLayout.block(label: "o[\($0)]", $1) }))
    lines.append("")
    lines.append(
      check(
        c.matchesKernel, .convolutionKernelAgrees, difference: largestDifference(c.output, c.kernelOutput)))
    return lines
  }
}
