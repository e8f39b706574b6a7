/// Turns decoded coefficients into an `Image`: inverse DCT per block, chroma upsampling,
/// and colour conversion.
enum JPEGOutput {
  static func image(frame: JPEGFrame, coefficients: [Int16], colorTransform: Bool) throws -> Image {
    let width = frame.width
    let height = frame.height
    var planes: [[UInt8]] = []
    for component in frame.components {
      let samples = inverseDCT(component, coefficients: coefficients)
      planes.append(
        JPEGUpsampling.upsample(
          samples, stride: component.blocksPerLine * 8, width: component.width,
          height: component.height,
          horizontalFactor: frame.maxHorizontalSampling / component.horizontalSampling,
          verticalFactor: frame.maxVerticalSampling / component.verticalSampling,
          outputWidth: width, outputHeight: height))
    }
    let count = width * height
    var pixels = [Float](repeating: 0, count: count * planes.count)
    if planes.count == 3 && colorTransform {
      let table = YCbCrTable.shared
      let (y, cb, cr) = (planes[0], planes[1], planes[2])
      for i in 0..<count {
        let luma = Int(y[i])
        let blue = Int(cb[i])
        let red = Int(cr[i])
        let r = luma + table.redFromCr[red]
        let g = luma + ((table.greenFromCb[blue] + table.greenFromCr[red]) >> 16)
        let b = luma + table.blueFromCb[blue]
        pixels[i] = unitScale[min(max(r, 0), 255)]
        pixels[count + i] = unitScale[min(max(g, 0), 255)]
        pixels[2 * count + i] = unitScale[min(max(b, 0), 255)]
      }
    } else {
      for (c, plane) in planes.enumerated() {
        for i in 0..<count { pixels[c * count + i] = unitScale[Int(plane[i])] }
      }
    }
    return Image(width: width, height: height, channels: planes.count, pixels: pixels)
  }

  /// v/255 for every 8-bit value.
  private static let unitScale: [Float] = (0..<256).map { Float($0) / 255 }

  /// Inverse-DCTs the blocks of `component` that hold image data into a sample plane with
  /// row stride `blocksPerLine·8`.
  private static func inverseDCT(_ component: JPEGComponent, coefficients: [Int16]) -> [UInt8] {
    let stride = component.blocksPerLine * 8
    var samples = [UInt8](repeating: 0, count: stride * component.dataBlocksPerColumn * 8)
    // Latched at the component's first scan; a component no scan covered decodes as grey.
    let quantization = component.quantizationTable ?? [Int32](repeating: 0, count: 64)
    var workspace = [Int](repeating: 0, count: 64)
    coefficients.withUnsafeBufferPointer { coefficients in
      quantization.withUnsafeBufferPointer { quantization in
        workspace.withUnsafeMutableBufferPointer { workspace in
          samples.withUnsafeMutableBufferPointer { samples in
            // All four buffers are non-empty (a frame has at least one block).
            guard let coefficients = coefficients.baseAddress,
              let quantization = quantization.baseAddress,
              let workspace = workspace.baseAddress, let samples = samples.baseAddress
            else { return }
            for row in 0..<component.dataBlocksPerColumn {
              for column in 0..<component.dataBlocksPerLine {
                let block = component.coefficientOffset
                  + (row * component.blocksPerLine + column) * 64
                JPEGInverseDCT.transform(
                  coefficients + block, quantization: quantization, workspace: workspace,
                  output: samples + row * 8 * stride + column * 8, stride: stride)
              }
            }
          }
        }
      }
    }
    return samples
  }
}

/// libjpeg's fixed-point YCbCr → RGB tables (`jdcolor.c`, 16 fraction bits), JFIF full range:
/// R = Y + 1.402·(Cr−128), G = Y − 0.34414·(Cb−128) − 0.71414·(Cr−128),
/// B = Y + 1.772·(Cb−128).
struct YCbCrTable: Sendable {
  let redFromCr: [Int]
  let blueFromCb: [Int]
  /// Unshifted; G adds the two and shifts right by 16 (rounding is folded into greenFromCb).
  let greenFromCr: [Int]
  let greenFromCb: [Int]

  static let shared = YCbCrTable()

  private init() {
    func fix(_ x: Double) -> Int { Int(x * 65536 + 0.5) }
    let half = 1 << 15
    let centred = (0..<256).map { $0 - 128 }
    redFromCr = centred.map { (fix(1.40200) * $0 + half) >> 16 }
    blueFromCb = centred.map { (fix(1.77200) * $0 + half) >> 16 }
    greenFromCr = centred.map { -fix(0.71414) * $0 }
    greenFromCb = centred.map { -fix(0.34414) * $0 + half }
  }
}
