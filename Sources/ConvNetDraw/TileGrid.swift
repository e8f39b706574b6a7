import ConvNetImage

/// A picture of many small pictures: a title, then tiles in rows, each with a label under it —
/// the layout of feature-map grids ("conv1: 6 maps of 28×28") and filter grids.
///
/// Maps are coloured through `colormap` after `range` (by default each tile's own min/max, so
/// every map shows its full contrast); images are drawn as they are. Tiles are scaled by a
/// whole factor up to `tileSize` pixels on their longer side (so small maps stay crisp blocks),
/// or shrunk to it when larger. Every cell is as large as the largest tile.
///
/// ```swift
/// var grid = TileGrid(title: "features.0 (conv 3×3, 16 channels)")
/// for c in 0..<16 {
///   grid.append(.map(try ScalarMap(width: 28, height: 28, values: maps[c])), label: "\(c)")
/// }
/// try grid.render().writePNG(to: url)
/// ```
public struct TileGrid: Sendable {
  /// What one tile shows.
  public enum Content: Sendable {
    /// Numbers coloured by the grid's colour map; `range` overrides the grid's `range`.
    case map(ScalarMap, range: DisplayRange? = nil)
    /// An image (grey images through the grid's colour map, values in [0, 1]).
    case image(Image)

    var size: (width: Int, height: Int) {
      switch self {
      case .map(let map, _): return (map.width, map.height)
      case .image(let image): return (image.width, image.height)
      }
    }
  }

  public struct Tile: Sendable {
    public var content: Content
    /// Written under the tile (shortened with "…" when wider than the cell).
    public var label: String

    public init(_ content: Content, label: String) {
      self.content = content
      self.label = label
    }
  }

  /// Written large above the grid.
  public var title: String
  /// Written small under the title (shapes, value ranges, the colour map's meaning); "" for none.
  public var subtitle: String
  public var tiles: [Tile] = []
  /// Tiles per row; nil chooses about as many columns as rows make a roughly square picture.
  public var columns: Int?
  /// The longer side of a tile in pixels (see the type's description).
  public var tileSize: Int = 64
  public var colormap: Colormap = .viridis
  public var range: DisplayRange = .minMax
  public var interpolation: Interpolation = .nearest
  /// Space between cells and around the grid.
  public var spacing: Int = 8
  public var background: RGBColor = .white
  public var textColor: RGBColor = RGBColor(hex: 0x202020)
  /// The 1-pixel frame around each tile, so dark tiles stand out from each other; nil for none.
  public var frameColor: RGBColor? = RGBColor(hex: 0xB0B0B0)

  public init(title: String, subtitle: String = "", tiles: [Tile] = []) {
    self.title = title
    self.subtitle = subtitle
    self.tiles = tiles
  }

  /// Adds a tile at the end.
  public mutating func append(_ content: Content, label: String) {
    tiles.append(Tile(content, label: label))
  }

  /// The pixel size a tile of `width`×`height` is drawn at.
  public func displaySize(width: Int, height: Int) -> (width: Int, height: Int) {
    let longer = max(width, height, 1)
    let target = max(tileSize, 1)
    if longer <= target {
      let factor = target / longer
      return (width * factor, height * factor)
    }
    return (max(1, width * target / longer), max(1, height * target / longer))
  }

  /// Draws the grid.
  /// - Throws: `DrawError` when there are no tiles or the picture would exceed
  ///   `Canvas.maximumSide` (fewer tiles, a smaller `tileSize` or more columns help).
  public func render() throws -> Canvas {
    guard !tiles.isEmpty else { throw DrawError("grid \"\(title)\"", "no tiles to draw") }
    let sizes = tiles.map { displaySize(width: $0.content.size.width, height: $0.content.size.height) }
    let tileWidth = sizes.map(\.width).max() ?? 1
    let tileHeight = sizes.map(\.height).max() ?? 1
    // Labels may widen a cell up to twice the tile; longer ones are shortened.
    let widestLabel = tiles.map { Canvas.textSize($0.label).width }.max() ?? 0
    let cellWidth = max(tileWidth, min(widestLabel, 2 * tileWidth))
    let labelHeight = tiles.contains { !$0.label.isEmpty } ? BitmapFont.standard.glyphHeight + 4 : 0
    let cellHeight = tileHeight + labelHeight

    let count = tiles.count
    let columnCount: Int
    if let columns, columns >= 1 {
      columnCount = min(columns, count)
    } else {
      // c columns and ⌈n/c⌉ rows: pick c so the grid's width and height are about equal.
      let ratio = Double(cellHeight + spacing) / Double(cellWidth + spacing)
      columnCount = min(count, max(1, Int((Double(count) * ratio).squareRoot().rounded(.up))))
    }
    let rowCount = (count + columnCount - 1) / columnCount

    let titleScale = 2
    let titleSize = Canvas.textSize(title, scale: titleScale)
    let subtitleSize = Canvas.textSize(subtitle)
    var header = spacing
    if !title.isEmpty { header += titleSize.height + spacing / 2 }
    if !subtitle.isEmpty { header += subtitleSize.height + spacing / 2 }
    if header > spacing { header += spacing / 2 }

    let gridWidth = columnCount * cellWidth + (columnCount - 1) * spacing
    let width = max(gridWidth, titleSize.width, subtitleSize.width) + 2 * spacing
    let height = header + rowCount * cellHeight + (rowCount - 1) * spacing + spacing
    var canvas = try Canvas(width: width, height: height, background: background)

    var y = spacing
    if !title.isEmpty {
      canvas.drawText(title, at: PixelPoint(x: spacing, y: y), color: textColor, scale: titleScale)
      y += titleSize.height + spacing / 2
    }
    if !subtitle.isEmpty {
      canvas.drawText(subtitle, at: PixelPoint(x: spacing, y: y), color: textColor)
    }
    let left = spacing + (width - 2 * spacing - gridWidth) / 2
    for (index, tile) in tiles.enumerated() {
      let row = index / columnCount
      let column = index % columnCount
      let cellX = left + column * (cellWidth + spacing)
      let cellY = header + row * (cellHeight + spacing)
      let size = sizes[index]
      // Centred in its cell, flush with the top of the tile area.
      let rect = PixelRect(
        x: cellX + (cellWidth - size.width) / 2, y: cellY + (tileHeight - size.height) / 2,
        width: size.width, height: size.height)
      switch tile.content {
      case .map(let map, let tileRange):
        canvas.drawMap(
          map, in: rect, colormap: colormap, range: tileRange ?? range,
          interpolation: interpolation)
      case .image(let image):
        canvas.drawImage(image, in: rect, interpolation: interpolation, colormap: colormap)
      }
      if let frameColor {
        canvas.strokeRectangle(rect.inset(by: -1), color: frameColor)
      }
      if !tile.label.isEmpty {
        canvas.drawText(
          TileGrid.shortened(tile.label, toWidth: cellWidth),
          at: PixelPoint(x: cellX + cellWidth / 2, y: cellY + tileHeight + 4), color: textColor,
          anchor: .topCenter)
      }
    }
    return canvas
  }

  /// `text`, cut and ended with "…" so that it is at most `width` pixels wide.
  static func shortened(_ text: String, toWidth width: Int) -> String {
    if Canvas.textSize(text).width <= width { return text }
    var characters = Array(text)
    while !characters.isEmpty && Canvas.textSize(String(characters) + "…").width > width {
      characters.removeLast()
    }
    return String(characters) + "…"
  }
}
