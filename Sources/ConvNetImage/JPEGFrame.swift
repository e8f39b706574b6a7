/// One colour component of a JPEG frame (from SOF), with where its DCT coefficients live.
struct JPEGComponent {
  /// The component identifier that scans refer to.
  let id: UInt8
  /// Sampling factors H and V (1…4): blocks of this component per MCU across and down.
  let horizontalSampling: Int
  let verticalSampling: Int
  /// Which DQT table (0…3) dequantises this component.
  let quantizationTableIndex: Int
  /// Samples across and down after subsampling: ⌈width·H/Hmax⌉ × ⌈height·V/Vmax⌉.
  let width: Int
  let height: Int
  /// Blocks across and down in storage, padded to whole MCUs.
  let blocksPerLine: Int
  let blocksPerColumn: Int
  /// Index of this component's first coefficient in the frame's coefficient array.
  let coefficientOffset: Int
  /// The quantisation table in natural (row-major) order, copied when the component first
  /// appears in a scan, as libjpeg does, so a later DQT does not change it.
  var quantizationTable: [Int32]? = nil

  /// Blocks that hold image data, across and down: what a single-component scan codes.
  var dataBlocksPerLine: Int { (width + 7) / 8 }
  var dataBlocksPerColumn: Int { (height + 7) / 8 }
}

/// The frame header (SOFn) and derived MCU geometry.
struct JPEGFrame {
  let width: Int
  let height: Int
  let isProgressive: Bool
  var components: [JPEGComponent]
  let maxHorizontalSampling: Int
  let maxVerticalSampling: Int
  /// MCUs across and down in an interleaved scan.
  let mcusPerLine: Int
  let mcusPerColumn: Int
  /// Total coefficients of all components (64 per stored block).
  let coefficientCount: Int

  /// `sampling` lists (id, H, V, quantisation table) per component; all values validated.
  init(
    width: Int, height: Int, isProgressive: Bool,
    sampling: [(id: UInt8, h: Int, v: Int, table: Int)]
  ) {
    self.width = width
    self.height = height
    self.isProgressive = isProgressive
    let maxH = sampling.map(\.h).max() ?? 1
    let maxV = sampling.map(\.v).max() ?? 1
    maxHorizontalSampling = maxH
    maxVerticalSampling = maxV
    mcusPerLine = (width + 8 * maxH - 1) / (8 * maxH)
    mcusPerColumn = (height + 8 * maxV - 1) / (8 * maxV)
    var offset = 0
    var components: [JPEGComponent] = []
    for s in sampling {
      let component = JPEGComponent(
        id: s.id, horizontalSampling: s.h, verticalSampling: s.v,
        quantizationTableIndex: s.table,
        width: (width * s.h + maxH - 1) / maxH, height: (height * s.v + maxV - 1) / maxV,
        blocksPerLine: mcusPerLine * s.h, blocksPerColumn: mcusPerColumn * s.v,
        coefficientOffset: offset)
      offset += component.blocksPerLine * component.blocksPerColumn * 64
      components.append(component)
    }
    self.components = components
    coefficientCount = offset
  }
}

/// One scan (SOS): which components it codes, with which tables, and which part of the
/// coefficients (spectral selection Ss…Se, successive approximation Ah/Al).
struct JPEGScan {
  /// Indices into `JPEGFrame.components`, in scan order.
  var componentIndices: [Int]
  /// Huffman tables per scan component (nil where the scan does not need one).
  var dcTables: [JPEGHuffmanTable?]
  var acTables: [JPEGHuffmanTable?]
  var spectralStart: Int
  var spectralEnd: Int
  var approximationHigh: Int
  var approximationLow: Int
}

/// Zig-zag position → natural (row-major) index within an 8×8 block (T.81 Figure A.6).
let jpegNaturalOrder: [Int] = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
  12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]
