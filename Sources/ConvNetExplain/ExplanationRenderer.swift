/// How many sliding-window steps (or gradient routes) a rendering shows.
public enum StepDisplay: Equatable, Sendable {
  /// Every step of a small case (at most `ExplanationRenderer.automaticLimit`), else the first
  /// `ExplanationRenderer.automaticPreview` and a line saying how many more there are.
  case automatic
  case all
  case first(Int)
}

/// Turns explanations into text in one language. The words come from that language's phrase
/// table; every number comes from the explanation.
public struct ExplanationRenderer {
  public var language: ExplainLanguage
  public var steps: StepDisplay
  /// How the reader asks for every step (a front end's flag, e.g. "--all-steps"), named in the
  /// "… N more" line; nil to name nothing.
  public var showAllHint: String?

  /// Cases with at most this many steps are shown in full by `.automatic` (the course's
  /// 5×5×3 input with two 3×3 filters at stride 2 has 18).
  public static let automaticLimit = 18
  /// Steps shown of a larger case by `.automatic`.
  public static let automaticPreview = 4

  public init(
    language: ExplainLanguage = .english, steps: StepDisplay = .automatic, showAllHint: String? = nil
  ) {
    self.language = language
    self.steps = steps
    self.showAllHint = showAllHint
  }

  func t(_ phrase: Phrase, _ arguments: Any...) -> String { language.text(phrase, arguments: arguments) }

  /// How many of `total` steps to show.
  func shownSteps(of total: Int) -> Int {
    switch steps {
    case .all: return total
    case .first(let count): return min(max(count, 0), total)
    case .automatic: return total <= Self.automaticLimit ? total : min(Self.automaticPreview, total)
    }
  }

  /// "… 14 more steps not shown (show them all with --all-steps)", or nil when none are hidden.
  func moreLine(hidden: Int) -> String? {
    guard hidden > 0 else { return nil }
    return showAllHint.map { t(.moreStepsWithHint, hidden, $0) } ?? t(.moreSteps, hidden)
  }

  /// "✓ …" when a hand-worked result equals the library's, "✗ … (largest difference …)" if not.
  func check(_ matches: Bool, _ phrase: Phrase, difference: Float? = nil) -> String {
    matches
      ? "✓ " + t(phrase) : "✗ " + t(phrase) + " — " + t(.checkFailed, NumberText.value(difference ?? .nan))
  }

  /// A section heading.
  func heading(_ text: String) -> String { "\n" + text }

  /// "2i − 1": the first input row (or column) a window reads for output index i.
  func affine(coefficient: Int, offset: Int, variable: String) -> String {
    let head = coefficient == 1 ? variable : "\(coefficient)\(variable)"
    if offset == 0 { return head }
    return offset > 0 ? "\(head) + \(offset)" : "\(head) − \(-offset)"
  }

  /// One axis of (W − F + 2P)/S + 1 filled in: "(7 − 3 + 2·1)/2 + 1 = 6/2 + 1 = 4".
  func sizeFormula(_ d: OutputSizeDerivation) -> String {
    "(\(d.input) − \(d.kernel) + 2·\(d.padding))/\(d.stride) + 1 = \(d.span)/\(d.stride) + 1 = \(d.output)"
  }

  /// The output-size lines for both axes (one line when they agree), with the rounding note.
  func sizeLines(height: OutputSizeDerivation, width: OutputSizeDerivation) -> [String] {
    var lines: [String] = []
    if height == width {
      lines.append("  " + t(.bothAxes) + sizeFormula(height))
    } else {
      lines.append("  " + t(.heightAxis) + sizeFormula(height))
      lines.append("  " + t(.widthAxis) + sizeFormula(width))
    }
    for (axis, d) in [(t(.rowsWord), height), (t(.columnsWord), width)] where d.uncovered > 0 {
      lines.append("  " + t(.roundingNote, d.span, d.stride, d.uncovered, axis))
      if height == width { break }
    }
    return lines
  }

  /// The result line under the output size: "→ K feature map(s) of H×W (output H×W×K)".
  func featureMapsLine(channels: Int, height: Int, width: Int) -> String {
    let size = NumberText.size(height, width)
    return "  → " + t(.featureMapsResult, channels, size, size + "×\(channels)")
  }

  /// A step's window position: "rows 0…2, columns 0…2".
  func windowPlace(row: Int, column: Int, height: Int, width: Int) -> String {
    t(.windowPlace, "\(row)…\(row + height - 1)", "\(column)…\(column + width - 1)")
  }

  /// The lines of one convolution step.
  func stepLines(
    _ step: WindowStep, index: Int, total: Int, mapLabel: String, inputName: (Int) -> String,
    kernelName: (Int, Int) -> String, outputName: String, placeNote: String
  ) -> [String] {
    let kernel = step.terms.first?.kernel ?? []
    let place = windowPlace(
      row: step.windowRow, column: step.windowColumn, height: kernel.count, width: kernel.first?.count ?? 0)
    let target = "\(outputName)[\(step.map)][\(step.row), \(step.column)]"
    var lines = [t(.stepHeader, index + 1, total, mapLabel, target, place, placeNote)]
    for term in step.terms {
      lines.append(
        "  \(inputName(term.channel)) \(NumberText.inline(term.patch)) ⊙ \(kernelName(step.map, term.channel)) "
          + "\(NumberText.inline(term.kernel)) = \(NumberText.inline(term.products)) → \(NumberText.value(term.sum))"
      )
    }
    // One channel and no bias: its sum already is the cell's value.
    if step.terms.count == 1 && step.bias == nil { return lines }
    var sum = step.terms.map { NumberText.term($0.sum) }.joined(separator: " + ")
    if let bias = step.bias { sum += " + " + t(.biasTerm, step.map, NumberText.term(bias)) }
    lines.append("  \(sum) = \(NumberText.value(step.total))")
    return lines
  }
}
