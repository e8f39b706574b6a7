extension ExplanationRenderer {
  /// Backpropagation through a convolution: the rotated kernel, the padded output gradient, the
  /// full convolution step by step, and the weight and bias gradients, each checked against
  /// autograd.
  public func render(_ e: ConvolutionBackwardExplanation) -> String {
    let (kernelHeight, kernelWidth) = (e.kernel[0].count, e.kernel[0][0].count)
    var lines = [t(.convolutionBackwardTitle)]
    lines.append(heading(t(.forwardHeading)))
    var blocks = e.input.enumerated().map { TextLayout.block(label: "x[\($0)]", $1) }
    blocks += e.kernel.enumerated().map { TextLayout.block(label: "w[\($0)]", $1) }
    blocks.append(TextLayout.block(label: "b", [[e.bias]]))
    blocks.append(TextLayout.block(label: "y", e.output))
    lines.append(TextLayout.wrappedSideBySide(blocks))
    lines.append(heading(t(.outputGradientHeading)))
    lines.append(TextLayout.wrappedSideBySide([TextLayout.block(label: "∂L/∂y", e.outputGradient)]))

    lines.append(heading(t(.inputGradientHeading)))
    lines.append("  " + t(.rotateKernel))
    var rotation: [[String]] = []
    for channel in e.kernel.indices {
      rotation.append(TextLayout.block(label: "w[\(channel)]", e.kernel[channel]))
      rotation.append(TextLayout.block(label: t(.rotatedLabel, channel), e.rotatedKernel[channel]))
    }
    lines.append(TextLayout.wrappedSideBySide(rotation))
    let (top, left) = (kernelHeight - 1, kernelWidth - 1)
    let gradientRows = e.outputGradient.count
    let gradientColumns = e.outputGradient[0].count
    lines.append("  " + t(.padGradient, sizePair(top, left)))
    lines.append(
      TextLayout.sideBySide([
        TextLayout.block(label: t(.paddedGradientLabel), e.paddedGradient) { r, c in
          r < top || r >= top + gradientRows || c < left || c >= left + gradientColumns
        }
      ]))
    lines.append("  " + t(.fullConvolutionSteps, e.steps.count))
    let shown = shownSteps(of: e.steps.count)
    for (index, step) in e.steps.prefix(shown).enumerated() {
      lines += stepLines(
        step, index: index, total: e.steps.count, mapLabel: t(.channelLabel, step.map),
        inputName: { _ in "∂L/∂y" }, kernelName: { channel, _ in t(.rotatedLabel, channel) },
        outputName: "∂L/∂x", placeNote: t(.ofPaddedGradient))
    }
    if let more = moreLine(hidden: e.steps.count - shown) { lines.append(more) }
    lines.append(
      TextLayout.wrappedSideBySide(
        e.inputGradient.enumerated().map { TextLayout.block(label: "∂L/∂x[\($0)]", $1) }))
    lines.append(
      check(
        e.inputGradientMatchesAutograd, .inputGradientAgrees,
        difference: largestDifference(e.inputGradient, e.autogradInputGradient)))

    lines.append(heading(t(.weightGradientHeading)))
    lines.append(
      TextLayout.wrappedSideBySide(
        e.weightGradient.enumerated().map { TextLayout.block(label: "∂L/∂w[\($0)]", $1) }))
    lines.append(
      check(
        e.weightGradientMatchesAutograd, .weightGradientAgrees,
        difference: largestDifference(e.weightGradient, e.autogradWeightGradient)))
    lines.append(heading(t(.biasGradientHeading)))
    lines.append(
      "  ∂L/∂b = Σ ∂L/∂y = " + NumberText.value(e.biasGradient) + "  "
        + check(
          e.biasGradientMatchesAutograd, .biasGradientAgrees,
          difference: abs(e.biasGradient - e.autogradBiasGradient)))
    return lines.joined(separator: "\n")
  }

  /// Backpropagation through pooling: where each output gradient goes.
  public func render(_ e: PoolingBackwardExplanation) -> String {
    let forward = e.forward
    var lines = [t(forward.kind == .max ? .maxPoolingBackwardTitle : .averagePoolingBackwardTitle)]
    lines.append(heading(t(.forwardHeading)))
    let output = forward.computation?.output ?? []
    var blocks = (forward.computation?.input ?? []).enumerated().map {
      TextLayout.block(label: "x[\($0)]", $1)
    }
    blocks += output.enumerated().map { TextLayout.block(label: "y[\($0)]", $1) }
    lines.append(TextLayout.wrappedSideBySide(blocks))
    lines.append(heading(t(.outputGradientHeading)))
    lines.append(
      TextLayout.wrappedSideBySide(
        e.outputGradient.enumerated().map { TextLayout.block(label: "∂L/∂y[\($0)]", $1) }))
    let g = forward.geometry
    lines.append(heading(t(.routingHeading)))
    if forward.kind == .max {
      lines.append("  " + t(.maxRouting))
    } else {
      lines.append(
        "  " + t(.averageRouting, "\(g.kernelHeight)·\(g.kernelWidth) = \(g.kernelHeight * g.kernelWidth)"))
    }
    // One line per output cell, listing every input cell its gradient reaches.
    var groups: [(key: [Int], routes: [PoolingBackwardExplanation.Route])] = []
    for route in e.routes {
      let key = [route.channel, route.outputRow, route.outputColumn]
      if groups.last?.key == key {
        groups[groups.count - 1].routes.append(route)
      } else {
        groups.append((key, [route]))
      }
    }
    let shown = shownSteps(of: groups.count)
    for group in groups.prefix(shown) {
      let (channel, row, column) = (group.key[0], group.key[1], group.key[2])
      let incoming = NumberText.value(e.outputGradient[channel][row][column])
      let targets = group.routes.map { "x[\(channel)][\($0.inputRow), \($0.inputColumn)]" }.joined(
        separator: ", ")
      let amount = NumberText.value(group.routes[0].amount)
      let source = "∂L/∂y[\(channel)][\(row), \(column)] = \(incoming)"
      if forward.kind == .max,
        let winner = forward.computation?.steps.first(where: {
          $0.channel == channel && $0.row == row && $0.column == column
        })
      {
        lines.append("  " + t(.maxRoute, source, NumberText.value(winner.value), targets, amount))
      } else {
        lines.append("  " + t(.averageRoute, source, targets, amount))
      }
    }
    if let more = moreLine(hidden: groups.count - shown) { lines.append(more) }
    lines.append(heading(t(.inputGradientResultHeading)))
    lines.append(
      TextLayout.wrappedSideBySide(
        e.inputGradient.enumerated().map { TextLayout.block(label: "∂L/∂x[\($0)]", $1) }))
    lines.append("")
    lines.append(
      check(
        e.matchesAutograd, .inputGradientAgrees,
        difference: largestDifference(e.inputGradient, e.autogradInputGradient)))
    return lines.joined(separator: "\n")
  }
}
