/// Channel conversions between the four layouts (grey, grey + alpha, RGB, RGBA).
extension Image {
  /// The image as one grey channel: ITU-R 601-2 luma L = 0.299 R + 0.587 G + 0.114 B for
  /// colour images (Pillow's `convert("L")`, up to its 8-bit rounding); alpha is dropped.
  /// A grey image is returned unchanged.
  public func grayscale() -> Image {
    let count = width * height
    switch channels {
    case 1:
      return self
    case 2:
      return Image(width: width, height: height, channels: 1, pixels: Array(pixels[0..<count]))
    default:
      var luma = [Float](repeating: 0, count: count)
      for i in 0..<count {
        let r = pixels[i]
        let g = pixels[count + i]
        let b = pixels[2 * count + i]
        luma[i] = 0.299 * r + 0.587 * g + 0.114 * b
      }
      return Image(width: width, height: height, channels: 1, pixels: luma)
    }
  }

  /// The image as three RGB channels: grey is copied into R, G and B; alpha is dropped.
  /// An RGB image is returned unchanged.
  public func rgb() -> Image {
    let count = width * height
    switch channels {
    case 1, 2:
      let grey = pixels[0..<count]
      return Image(width: width, height: height, channels: 3, pixels: Array(grey + grey + grey))
    case 3:
      return self
    default:
      return Image(
        width: width, height: height, channels: 3, pixels: Array(pixels[0..<(3 * count)]))
    }
  }
}
