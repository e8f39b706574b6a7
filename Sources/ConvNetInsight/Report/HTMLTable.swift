/// A table for the report: a header row and rows of typed cells, so that numbers line up on
/// the right in figures of equal width and text from data is escaped.
public struct HTMLTable {
  public struct Column {
    public var title: String
    /// Right-aligned, tabular figures.
    public var numeric: Bool

    public init(_ title: String, numeric: Bool = false) {
      self.title = title
      self.numeric = numeric
    }
  }

  public enum Cell {
    case text(String)
    /// A row heading (e.g. the true class in a confusion matrix).
    case header(String)
    /// A number, already formatted.
    case number(String)
    /// A formula or code, in a monospace face.
    case formula(String)
    /// A horizontal bar filling `fraction` ∈ [0, 1] of the cell, `text` written beside it.
    case bar(fraction: Double, text: String, tone: HTMLBar.Tone)
    /// A number on a background whose strength is `intensity` ∈ [0, 1] (a heat map in cells);
    /// `tone` picks the hue: good (e.g. the diagonal of a confusion matrix), bad, neutral.
    case heat(String, intensity: Double, tone: HTMLBar.Tone)
  }

  public var columns: [Column]
  public var rows: [[Cell]]
  public var caption: String?
  /// Smaller type and tighter cells, for wide grids such as a confusion matrix.
  public var compact: Bool

  public init(columns: [Column], rows: [[Cell]] = [], caption: String? = nil, compact: Bool = false) {
    self.columns = columns
    self.rows = rows
    self.caption = caption
    self.compact = compact
  }
}
