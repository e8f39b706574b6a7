import ConvNetDraw
import ConvNetImage

/// A picture of small images in a grid under a title, each image with a label beneath it: the
/// layout shared by feature-map and filter pictures. Small maps are enlarged by a whole factor
/// (nearest neighbour, so every value stays a visible block), large ones shrunk to fit a tile.
public struct TileSheet {
  /// One drawn tile: its label and where its image lies on the canvas.
  public struct Tile: Equatable {
    public let label: String
    public let rect: PixelRect
  }

  /// The title lines drawn above the grid.
  public let title: [String]
  /// The tiles in drawing order (row by row).
  public let tiles: [Tile]
  /// Tiles per row.
  public let columns: Int
  public let canvas: Canvas

  /// Side of a tile's longer edge that small maps are enlarged to (at least), and the most
  /// any tile may take.
  static let smallestTile = 56
  static let largestTile = 128
  static let margin = 10
  static let gap = 6

  /// Where the leading image (e.g. the network's input beside its feature maps) lies, if any.
  public let leadingRect: PixelRect?

  /// Lays out and draws `images` (values in [0, 1]; grey ones through `colormap`).
  /// - Parameters:
  ///   - columns: tiles per row; nil: about as many columns as rows, at most 32.
  ///   - leading: an image drawn larger at the left of the grid, with its label under it (the
  ///     input a layer's feature maps come from, as in the course's figures).
  public init(
    title: [String], images: [(label: String, image: Image)], columns: Int? = nil,
    colormap: Colormap = .gray, leading: (label: String, image: Image)? = nil
  ) throws {
    let longest = images.map { max($0.image.width, $0.image.height) }.max() ?? 1
    let factor = max(1, (Self.smallestTile + longest - 1) / longest)
    let side = min(longest * factor, Self.largestTile)
    let scale = Double(side) / Double(longest)
    let cells = images.count
    let perRow = max(1, min(columns ?? Int(Double(cells).squareRoot().rounded(.up)), max(cells, 1), columns ?? 32))
    let rows = (cells + perRow - 1) / perRow
    let labelHeight = Canvas.textSize("0").height + 3
    let widestLabel = images.map { Canvas.textSize($0.label).width }.max() ?? 0
    let cellWidth = max(side, widestLabel)
    let cellHeight = side + labelHeight
    let titleSizes = title.enumerated().map { Canvas.textSize($0.element, scale: $0.offset == 0 ? 2 : 1) }
    let titleHeight = titleSizes.reduce(0) { $0 + $1.height + 4 } + (title.isEmpty ? 0 : 6)
    // The leading image: its longer side twice a tile's, between 112 and 224 pixels.
    var leadingSize = (width: 0, height: 0)
    if let leading {
      let longestSide = max(leading.image.width, leading.image.height, 1)
      let target = Double(min(max(2 * side, 112), 224))
      leadingSize = (
        max(1, Int((Double(leading.image.width) * target / Double(longestSide)).rounded())),
        max(1, Int((Double(leading.image.height) * target / Double(longestSide)).rounded()))
      )
    }
    let gridLeft = Self.margin + (leading == nil ? 0 : leadingSize.width + 3 * Self.gap)
    let gridWidth = perRow * cellWidth + (perRow - 1) * Self.gap
    let gridHeight = rows * cellHeight + max(0, rows - 1) * Self.gap
    let contentHeight = max(gridHeight, leading == nil ? 0 : leadingSize.height + labelHeight)
    let width = max(gridLeft - Self.margin + gridWidth, titleSizes.map(\.width).max() ?? 0) + 2 * Self.margin
    let height = titleHeight + contentHeight + 2 * Self.margin
    var canvas = try Canvas(width: width, height: height)
    var y = Self.margin
    for (index, line) in title.enumerated() {
      let scaleOfLine = index == 0 ? 2 : 1
      canvas.drawText(line, at: PixelPoint(x: Self.margin, y: y), color: index == 0 ? .black : .darkGray, scale: scaleOfLine)
      y += titleSizes[index].height + 4
    }
    let top = Self.margin + titleHeight
    if let leading {
      let rect = PixelRect(x: Self.margin, y: top, width: leadingSize.width, height: leadingSize.height)
      let enlarges = leadingSize.width >= leading.image.width
      canvas.drawImage(leading.image, in: rect, interpolation: enlarges ? .nearest : .bilinear, colormap: colormap)
      canvas.strokeRectangle(
        PixelRect(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2), color: .lightGray)
      canvas.drawText(
        leading.label, at: PixelPoint(x: rect.x + rect.width / 2, y: rect.maxY + 3), color: .darkGray,
        anchor: .topCenter)
      let separatorX = rect.maxX + 3 * Self.gap / 2
      canvas.drawLine(
        from: PixelPoint(x: separatorX, y: top), to: PixelPoint(x: separatorX, y: top + contentHeight),
        color: .lightGray)
      leadingRect = rect
    } else {
      leadingRect = nil
    }
    var tiles: [Tile] = []
    for (index, entry) in images.enumerated() {
      let column = index % perRow
      let row = index / perRow
      let cellX = gridLeft + column * (cellWidth + Self.gap)
      let cellY = top + row * (cellHeight + Self.gap)
      let w = max(1, Int((Double(entry.image.width) * scale).rounded()))
      let h = max(1, Int((Double(entry.image.height) * scale).rounded()))
      let rect = PixelRect(x: cellX + (cellWidth - w) / 2, y: cellY + (side - h) / 2, width: w, height: h)
      canvas.drawImage(
        entry.image, in: rect, interpolation: factor > 1 ? .nearest : .bilinear, colormap: colormap)
      canvas.strokeRectangle(
        PixelRect(x: rect.x - 1, y: rect.y - 1, width: w + 2, height: h + 2), color: .lightGray)
      canvas.drawText(
        entry.label, at: PixelPoint(x: cellX + cellWidth / 2, y: cellY + side + 3), color: .darkGray,
        anchor: .topCenter)
      tiles.append(Tile(label: entry.label, rect: rect))
    }
    self.title = title
    self.tiles = tiles
    self.columns = perRow
    self.canvas = canvas
  }
}
