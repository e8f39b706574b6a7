import Foundation

/// A section of the page: a heading, its content, and an anchor the navigation bar links to.
public struct HTMLSection {
  /// Unique within the page; letters, digits and `-` (see `HTMLText.identifier`).
  public var id: String
  public var title: String
  public var blocks: [HTMLBlock]

  public init(id: String, title: String, blocks: [HTMLBlock]) {
    self.id = HTMLText.identifier(id)
    self.title = title
    self.blocks = blocks
  }
}

/// One self-contained HTML page: the style sheet is inline, every picture is a data URI and
/// there is no script, so the file opens offline and fetches nothing. A Content-Security-Policy
/// says so to the browser too: it refuses any resource that is not inline or a `data:` image.
public struct HTMLDocument {
  public var title: String
  public var subtitle: String?
  /// The page's language (`<html lang>`), e.g. "en" or "zh".
  public var language: String
  public private(set) var sections: [HTMLSection] = []

  public init(title: String, subtitle: String? = nil, language: String = "en") {
    self.title = title
    self.subtitle = subtitle
    self.language = language
  }

  public mutating func append(_ section: HTMLSection) { sections.append(section) }

  /// The page's policy: nothing from the network, images only from `data:`, inline styles only.
  public static let contentSecurityPolicy =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

  /// The whole page.
  public func render() -> String {
    var html = """
      <!DOCTYPE html>
      <html lang="\(HTMLText.escape(language))">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
      <title>\(HTMLText.escape(title))</title>
      <style>
      \(ReportStyle.css)
      </style>
      </head>
      <body>
      <header class="page-header"><div class="wrap">
      <h1>\(HTMLText.escape(title))</h1>

      """
    if let subtitle { html += "<p class=\"subtitle\">\(HTMLText.escape(subtitle))</p>\n" }
    html += "<nav aria-label=\"sections\">"
    html += sections.map { "<a href=\"#\($0.id)\">\(HTMLText.escape($0.title))</a>" }.joined(separator: " ")
    html += "</nav>\n</div></header>\n<main class=\"wrap\">\n"
    for section in sections {
      html += "<section id=\"\(section.id)\">\n<h2>\(HTMLText.escape(section.title))</h2>\n"
      for block in section.blocks { html += render(block) }
      html += "</section>\n"
    }
    html += "</main>\n</body>\n</html>\n"
    return html
  }

  private func render(_ block: HTMLBlock) -> String {
    switch block {
    case .paragraph(let text):
      return "<p>\(HTMLText.escape(text))</p>\n"
    case .note(let text):
      return "<p class=\"note\">\(HTMLText.escape(text))</p>\n"
    case .missing(let reason):
      return
        "<div class=\"missing\" role=\"note\"><strong>Not shown.</strong> \(HTMLText.escape(reason))</div>\n"
    case .metrics(let metrics):
      let tiles = metrics.map { metric -> String in
        var tile = "<div class=\"metric\"><div class=\"metric-label\">\(HTMLText.escape(metric.label))</div>"
        tile += "<div class=\"metric-value\">\(HTMLText.escape(metric.value))</div>"
        if let detail = metric.detail {
          tile += "<div class=\"metric-detail\">\(HTMLText.escape(detail))</div>"
        }
        return tile + "</div>"
      }
      return "<div class=\"metrics\">\(tiles.joined())</div>\n"
    case .keyValues(let pairs, let monospaceValues):
      let items = pairs.map { pair in
        "<dt>\(HTMLText.escape(pair.key))</dt><dd\(monospaceValues ? " class=\"mono\"" : "")>\(HTMLText.escape(pair.value))</dd>"
      }
      // Long lists (a run's every setting) in two column pairs on a wide screen.
      return "<dl class=\"settings\(pairs.count > 8 ? " wide" : "")\">\(items.joined())</dl>\n"
    case .code(let text):
      return "<pre class=\"code\">\(HTMLText.escape(text))</pre>\n"
    case .table(let table):
      return render(table)
    case .figure(let figure):
      return render(figure)
    case .figures(let figures):
      return "<div class=\"figures\">\(figures.map(render).joined())</div>\n"
    case .cards(let cards):
      return "<div class=\"cards\">\(cards.map(render).joined())</div>\n"
    }
  }

  private func render(_ figure: HTMLFigure) -> String {
    var style = ""
    if let width = figure.maximumWidth { style = " style=\"max-width:\(max(1, width))px\"" }
    var html =
      "<figure><img src=\"\(DataURI.png(figure.png))\" alt=\"\(HTMLText.escape(figure.alternativeText))\""
    html += (figure.pixelated ? " class=\"pixelated\"" : "") + style + ">"
    if let caption = figure.caption { html += "<figcaption>\(HTMLText.escape(caption))</figcaption>" }
    return html + "</figure>"
  }

  private func render(_ card: HTMLCard) -> String {
    var html = "<div class=\"card tone-\(card.tone.rawValue)\">"
    if let figure = card.figure { html += render(figure) }
    html += "<div class=\"card-title\">\(HTMLText.escape(card.title))</div>"
    if let subtitle = card.subtitle {
      html += "<div class=\"card-subtitle\">\(HTMLText.escape(subtitle))</div>"
    }
    if !card.bars.isEmpty {
      html += "<div class=\"bars\">"
      for bar in card.bars {
        html +=
          "<div class=\"bar-row tone-\(bar.tone.rawValue)\"><span class=\"bar-label\">\(HTMLText.escape(bar.label))</span>"
        html +=
          "<span class=\"bar-track\"><span class=\"bar-fill\" style=\"width:\(percent(bar.fraction))\"></span></span>"
        html += "<span class=\"bar-value\">\(HTMLText.escape(bar.valueText))</span></div>"
      }
      html += "</div>"
    }
    return html + "</div>"
  }

  private func render(_ table: HTMLTable) -> String {
    var html = "<div class=\"table-scroll\"><table class=\"\(table.compact ? "compact" : "")\">"
    if let caption = table.caption { html += "<caption>\(HTMLText.escape(caption))</caption>" }
    html += "<thead><tr>"
    for column in table.columns {
      html +=
        "<th scope=\"col\"\(column.numeric ? " class=\"num\"" : "")>\(HTMLText.escape(column.title))</th>"
    }
    html += "</tr></thead>\n<tbody>\n"
    for row in table.rows {
      html += "<tr>"
      for cell in row { html += render(cell) }
      html += "</tr>\n"
    }
    return html + "</tbody></table></div>\n"
  }

  private func render(_ cell: HTMLTable.Cell) -> String {
    switch cell {
    case .text(let text):
      return "<td>\(HTMLText.escape(text))</td>"
    case .header(let text):
      return "<th scope=\"row\">\(HTMLText.escape(text))</th>"
    case .number(let text):
      return "<td class=\"num\">\(HTMLText.escape(text))</td>"
    case .formula(let text):
      return "<td class=\"mono\">\(HTMLText.escape(text))</td>"
    case .bar(let fraction, let text, let tone):
      return
        "<td class=\"bar-cell tone-\(tone.rawValue)\"><span class=\"bar-track\"><span class=\"bar-fill\" "
        + "style=\"width:\(percent(fraction))\"></span></span><span class=\"bar-value\">\(HTMLText.escape(text))</span></td>"
    case .heat(let text, let intensity, let tone):
      let strength = min(max(intensity.isFinite ? intensity : 0, 0), 1)
      let (red, green, blue) = tone == .good ? (37, 136, 84) : tone == .bad ? (204, 64, 52) : (66, 110, 190)
      // Dark text on light cells, white on strong ones, so every count stays readable.
      let textClass = strength > 0.55 ? " strong" : ""
      return "<td class=\"num heat\(textClass)\" style=\"background:rgba(\(red),\(green),\(blue),"
        + "\(String(format: "%.3f", strength * 0.9)))\">\(HTMLText.escape(text))</td>"
    }
  }

  /// A CSS width for a fraction, clamped to [0, 100] %.
  private func percent(_ fraction: Double) -> String {
    String(format: "%.1f%%", min(max(fraction.isFinite ? fraction : 0, 0), 1) * 100)
  }
}
