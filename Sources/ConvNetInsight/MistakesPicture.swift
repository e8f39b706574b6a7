import ConvNetData
import ConvNetDraw
import ConvNetImage
import ConvNetTraining
import Foundation

/// A grid of test images the classifier got wrong, each with its true class (green), the
/// predicted class (red) and the probability it gave the wrong answer.
public enum MistakesPicture {
  /// - Parameters:
  ///   - mistakes: e.g. from `mostConfidentMistakes`, in the order to show.
  ///   - dataset: the data the mistakes' indices point into (pixels are shown as stored).
  ///   - classNames: label names; class indices when nil.
  ///   - columns: tiles per row.
  /// - Throws: `DrawError` when there is nothing to show.
  public static func render(
    _ mistakes: [ClassificationMistake], from dataset: any LabeledImageDataset, classNames: [String]? = nil,
    columns: Int = 8
  ) throws -> Canvas {
    guard !mistakes.isEmpty else { throw DrawError("mistakes", "no misclassified images to show") }
    func name(_ k: Int) -> String { classNames.flatMap { k < $0.count ? $0[k] : nil } ?? String(k) }
    let ink = RGBColor(hex: 0x202020)
    let trueInk = RGBColor(hex: 0x1A7F37)
    let wrongInk = RGBColor(hex: 0xC62828)
    let scale = 2
    let lineHeight = Canvas.textSize("0", scale: scale).height
    let padding = 10
    let shape = dataset.sampleShape
    // Small images are enlarged by a whole factor to at least 84 pixels, so pixels stay square.
    let zoom = max(1, Int((84.0 / Double(max(shape[1], shape[2]))).rounded(.up)))
    let picture = (width: shape[2] * zoom, height: shape[1] * zoom)
    let captions = mistakes.map {
      (
        true: "true " + name($0.trueLabel), predicted: "pred " + name($0.predictedLabel),
        probability: String(format: "p = %.3f", $0.probability)
      )
    }
    let textWidth =
      captions.flatMap { [$0.true, $0.predicted, $0.probability] }
      .map { Canvas.textSize($0, scale: scale).width }.max() ?? 0
    let tile = (
      width: max(picture.width, textWidth) + 2 * padding,
      height: picture.height + 3 * lineHeight + padding + 6
    )
    let columns = max(1, min(columns, mistakes.count))
    let rows = (mistakes.count + columns - 1) / columns
    let title = "most confident mistakes: \(mistakes.count) test image\(mistakes.count == 1 ? "" : "s")"
    let titleHeight = lineHeight + 2 * padding
    var canvas = try Canvas(
      width: max(columns * tile.width + padding, Canvas.textSize(title, scale: scale).width + 2 * padding),
      height: titleHeight + rows * tile.height + padding)
    canvas.drawText(title, at: PixelPoint(x: padding, y: padding), color: ink, scale: scale)
    var pixels = [Float](repeating: 0, count: dataset.sampleElementCount)
    for (index, mistake) in mistakes.enumerated() {
      let x = padding + (index % columns) * tile.width
      let y = titleHeight + (index / columns) * tile.height
      pixels.withUnsafeMutableBufferPointer {
        dataset.writeImage(at: mistake.index, into: $0.baseAddress!, transform: .unitRange)
      }
      let image = Image(width: shape[2], height: shape[1], channels: shape[0], pixels: pixels)
      let frame = PixelRect(x: x, y: y, width: picture.width, height: picture.height)
      canvas.drawImage(image, in: frame, interpolation: .nearest)
      canvas.strokeRectangle(frame.inset(by: -1), color: RGBColor(hex: 0xBBBBBB))
      let caption = captions[index]
      var textY = frame.maxY + 4
      for (text, color) in [
        (caption.true, trueInk), (caption.predicted, wrongInk), (caption.probability, ink),
      ] {
        canvas.drawText(text, at: PixelPoint(x: x, y: textY), color: color, scale: scale)
        textY += lineHeight
      }
    }
    return canvas
  }
}
