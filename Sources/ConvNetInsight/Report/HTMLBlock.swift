/// The pieces a report section is made of. Each case renders to escaped HTML: the strings it
/// holds are plain text (never markup), and pictures are PNG bytes embedded as data URIs.
public enum HTMLBlock {
  /// A paragraph of text.
  case paragraph(String)
  /// A short remark in smaller, quieter type.
  case note(String)
  /// A boxed notice that something the page should show is not there, and why.
  case missing(String)
  /// A row of headline numbers ("test accuracy 98.7 %").
  case metrics([HTMLMetric])
  /// Name–value pairs (settings), values in a monospace face when `monospaceValues`.
  case keyValues([(key: String, value: String)], monospaceValues: Bool)
  /// Preformatted text, e.g. a command line.
  case code(String)
  case table(HTMLTable)
  case figure(HTMLFigure)
  /// Figures side by side, wrapping to the page width.
  case figures([HTMLFigure])
  /// Small panels side by side, each a picture with a title and labelled bars.
  case cards([HTMLCard])
}

/// A headline number: a label above a large value, with an optional detail line below.
public struct HTMLMetric {
  public var label: String
  public var value: String
  public var detail: String?

  public init(label: String, value: String, detail: String? = nil) {
    self.label = label
    self.value = value
    self.detail = detail
  }
}

/// A PNG picture with its caption.
public struct HTMLFigure {
  /// The PNG file's bytes.
  public var png: [UInt8]
  /// The text a screen reader says, and the browser shows if the picture cannot be drawn.
  public var alternativeText: String
  public var caption: String?
  /// The widest the picture is drawn, in CSS pixels (nil: up to the column's width).
  public var maximumWidth: Int?
  /// Scale up with hard pixel edges (for small images such as 28×28 digits), not blurred.
  public var pixelated: Bool

  public init(
    png: [UInt8], alternativeText: String, caption: String? = nil, maximumWidth: Int? = nil,
    pixelated: Bool = false
  ) {
    self.png = png
    self.alternativeText = alternativeText
    self.caption = caption
    self.maximumWidth = maximumWidth
    self.pixelated = pixelated
  }
}

/// One labelled bar: a fraction of the full width with its value written beside it.
public struct HTMLBar {
  public enum Tone: String { case neutral, good, bad }
  public var label: String
  /// In [0, 1]; values outside are clamped when drawn.
  public var fraction: Double
  public var valueText: String
  public var tone: Tone

  public init(label: String, fraction: Double, valueText: String, tone: Tone = .neutral) {
    self.label = label
    self.fraction = fraction
    self.valueText = valueText
    self.tone = tone
  }
}

/// A small panel: a picture, a title line, a subtitle and bars (e.g. a test image with its
/// true label and the top classes' probabilities). `tone` colours the panel's edge.
public struct HTMLCard {
  public var figure: HTMLFigure?
  public var title: String
  public var subtitle: String?
  public var bars: [HTMLBar]
  public var tone: HTMLBar.Tone

  public init(
    figure: HTMLFigure?, title: String, subtitle: String? = nil, bars: [HTMLBar] = [],
    tone: HTMLBar.Tone = .neutral
  ) {
    self.figure = figure
    self.title = title
    self.subtitle = subtitle
    self.bars = bars
    self.tone = tone
  }
}
