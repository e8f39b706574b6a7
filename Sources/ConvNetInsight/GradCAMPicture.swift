import ConvNetDraw
import ConvNetImage
import Foundation

/// A Grad-CAM result as a picture: the input, the heat map (jet colour map, half opaque) blended
/// over it, and beside them the class explained, the layer, and the top classes with their
/// probabilities as numbers and bars.
public enum GradCAMPicture {
  /// The picture of `cam` for the image it explains (`image`: the fitted input, values in [0, 1]).
  /// - Parameter classNames: names for the class indices, when the data has them.
  public static func canvas(_ cam: GradCAM, image: Image, classNames: [String]? = nil) throws -> Canvas {
    let longest = max(image.width, image.height, 1)
    let factor = max(1, (224 + longest - 1) / longest)
    let shown = (width: image.width * factor, height: image.height * factor)
    let margin = 12
    let gap = 16
    let lineHeight = Canvas.textSize("0").height + 6
    func name(_ index: Int) -> String {
      if let classNames, index < classNames.count { return "\(index) \(classNames[index])" }
      return "class \(index)"
    }
    let predicted = cam.topClasses.first?.classIndex == cam.classIndex
    let header = [
      "Grad-CAM: \(name(cam.classIndex))\(predicted ? " (predicted)" : "")",
      "layer \(cam.layerName) (\(cam.layerDescription)), "
        + "\(cam.coarseMap.shape[0])×\(cam.coarseMap.shape[1])",
    ]
    let rows = cam.topClasses.map { prediction in
      (
        text: name(prediction.classIndex) + String(format: "  %6.2f%%", 100 * Double(prediction.probability)),
        probability: prediction.probability, isExplained: prediction.classIndex == cam.classIndex
      )
    }
    let barWidth = 120
    let textWidth =
      ([Canvas.textSize("top \(rows.count)").width] + rows.map { Canvas.textSize($0.text).width }).max() ?? 0
    let panelWidth = max(textWidth + 8 + barWidth, header.map { Canvas.textSize($0).width }.max() ?? 0)
    let headerHeight = Canvas.textSize(header[0], scale: 2).height + 6 + lineHeight + 8
    let width = margin * 2 + shown.width * 2 + gap * 2 + panelWidth
    let height = margin * 2 + headerHeight + max(shown.height + lineHeight, (rows.count + 1) * lineHeight)
    var canvas = try Canvas(width: width, height: height)
    canvas.drawText(header[0], at: PixelPoint(x: margin, y: margin), color: .black, scale: 2)
    canvas.drawText(
      header[1], at: PixelPoint(x: margin, y: margin + Canvas.textSize(header[0], scale: 2).height + 6),
      color: .darkGray)
    let top = margin + headerHeight
    let inputRect = PixelRect(x: margin, y: top, width: shown.width, height: shown.height)
    let overlayRect = PixelRect(x: inputRect.maxX + gap, y: top, width: shown.width, height: shown.height)
    let interpolation: Interpolation = factor > 1 ? .nearest : .bilinear
    canvas.drawImage(image, in: inputRect, interpolation: interpolation)
    canvas.drawImage(image, in: overlayRect, interpolation: interpolation)
    let heat = try ScalarMap(
      width: cam.heatMap.shape[1], height: cam.heatMap.shape[0], values: cam.heatMap.scalars)
    canvas.drawMap(
      heat, in: overlayRect, colormap: .jet, range: .fixed(low: 0, high: 1), interpolation: .bilinear,
      alpha: 0.5)
    for rect in [inputRect, overlayRect] {
      canvas.strokeRectangle(
        PixelRect(x: rect.x - 1, y: rect.y - 1, width: rect.width + 2, height: rect.height + 2),
        color: .lightGray)
    }
    canvas.drawText("input", at: PixelPoint(x: inputRect.x, y: inputRect.maxY + 4), color: .darkGray)
    canvas.drawText(
      "heat map over input", at: PixelPoint(x: overlayRect.x, y: overlayRect.maxY + 4), color: .darkGray)
    let panelX = overlayRect.maxX + gap
    canvas.drawText("top \(rows.count)", at: PixelPoint(x: panelX, y: top), color: .black)
    for (index, row) in rows.enumerated() {
      let y = top + (index + 1) * lineHeight
      canvas.drawText(row.text, at: PixelPoint(x: panelX, y: y), color: row.isExplained ? .red : .black)
      let length = Int((Float(barWidth) * row.probability).rounded())
      canvas.fill(
        PixelRect(x: panelX + textWidth + 8, y: y, width: barWidth, height: lineHeight - 7), color: .lightGray
      )
      canvas.fill(
        PixelRect(x: panelX + textWidth + 8, y: y, width: length, height: lineHeight - 7),
        color: row.isExplained ? .red : .blue)
    }
    return canvas
  }

  /// Writes the picture to `url` (PNG, atomically).
  public static func write(_ cam: GradCAM, image: Image, classNames: [String]? = nil, to url: URL) throws {
    try canvas(cam, image: image, classNames: classNames).writePNG(to: url)
  }
}
