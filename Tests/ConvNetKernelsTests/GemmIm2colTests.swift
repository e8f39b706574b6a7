import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `gemmIm2col` packs the im2col matrix straight from the image; it must equal the reference
/// GEMM on the stored `im2col` matrix (itself checked by hand in Im2colTests), for both
/// orientations, column windows, beta, bias and threads.
final class GemmIm2colTests: XCTestCase {
  /// Each geometry aims at one path of the packer: panels of 16 pixels on one image row
  /// (stride 1, copied), strided and dilated gathers, padding on every side, panels that cross
  /// output rows, more than 384 taps or pixels (several depth blocks), more than 1,024 pixels
  /// (several column blocks), 16 taps on one kernel row (the transposed orientation's copy);
  /// output rows of exactly 16 pixels at stride 2 (the vector stride-2 copy) whose border
  /// windows reach into the left padding, and into the right padding (width 31), and at
  /// stride 1 into both (5×5, padding 2).
  static let geometries: [(Conv2DGeometry, channels: Int)] = [
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 3, inputHeight: 9, inputWidth: 32, outputChannels: 1,
        kernelSize: 3, stride: 2, padding: 1), 3
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 3, inputHeight: 9, inputWidth: 31, outputChannels: 1,
        kernelSize: 3, stride: 2, padding: 1), 3
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 2, inputHeight: 6, inputWidth: 16, outputChannels: 1,
        kernelSize: 5, padding: 2), 2
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 3, inputHeight: 9, inputWidth: 40, outputChannels: 1,
        kernelSize: 3, padding: 1), 3
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 4, inputHeight: 21, inputWidth: 37, outputChannels: 1,
        kernelSize: 3, stride: 2, padding: 1), 4
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 2, inputHeight: 19, inputWidth: 35, outputChannels: 1,
        kernelHeight: 3, kernelWidth: 5, strideHeight: 1, strideWidth: 2, paddingTop: 0,
        paddingBottom: 2, paddingLeft: 3, paddingRight: 1, dilationHeight: 2, dilationWidth: 1),
      2
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 6, inputHeight: 14, inputWidth: 14, outputChannels: 1,
        kernelSize: 5), 6
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 48, inputHeight: 12, inputWidth: 13, outputChannels: 1,
        kernelSize: 3, padding: 1), 48
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 2, inputHeight: 37, inputWidth: 36, outputChannels: 1,
        kernelSize: 3, padding: 1), 2
    ),
    (
      Conv2DGeometry(
        batch: 1, inputChannels: 2, inputHeight: 5, inputWidth: 40, outputChannels: 1,
        kernelHeight: 2, kernelWidth: 17, paddingTop: 1, dilationHeight: 1, dilationWidth: 2), 2
    ),
  ]

  func testEqualsGemmOnTheStoredIm2colMatrix() {
    var generator = SeededGenerator(seed: 11)
    for (geometry, channels) in Self.geometries {
      let taps = channels * geometry.kernelHeight * geometry.kernelWidth
      let pixels = geometry.outputHeight * geometry.outputWidth
      let image = Tensor.randomNormal(
        [channels, geometry.inputHeight, geometry.inputWidth], using: &generator
      ).scalars
      var columns = [Float](repeating: .nan, count: taps * pixels)
      im2col(input: image, columns: &columns, channels: channels, geometry: geometry)
      for transposeB in [false, true] {
        let (k, columnCount) = transposeB ? (pixels, taps) : (taps, pixels)
        // Whole matrix and a window that starts mid-panel; 1, 7 and 13 rows of C.
        for (m, firstColumn, n) in [
          (7, 0, columnCount), (13, 5, columnCount - 9), (1, 3, min(20, columnCount - 3)),
        ] {
          for (beta, withBias, parallel, prepacked) in [
            (Float(0), false, false, false), (0.5, true, true, false), (0.25, true, true, true),
          ] {
            let a = Tensor.randomNormal([m, k], using: &generator).scalars
            let initial = Tensor.randomNormal([m, n], using: &generator).scalars
            let bias = (0..<m).map { Float($0) - 2.5 }
            var expected = initial
            gemmReference(
              transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a,
              lda: k, b: columns, ldb: pixels, beta: beta,
              c: &expected, ldc: n, firstColumn: firstColumn)
            if withBias {
              for i in 0..<m { for j in 0..<n { expected[i * n + j] += bias[i] } }
            }
            var actual = initial
            // With `prepacked`, A is handed over packed and the stored copy is garbage.
            var packed = [Float](repeating: .nan, count: packedGemmOperandCount(m: m, k: k))
            if prepacked { packGemmOperand(transposeA: false, m: m, k: k, a: a, lda: k, into: &packed) }
            let stored = prepacked ? [Float](repeating: .nan, count: a.count) : a
            image.withUnsafeBufferPointer { image in
              bias.withUnsafeBufferPointer { bias in
                packed.withUnsafeBufferPointer { packed in
                  gemmIm2col(
                    transposeB: transposeB, m: m, n: n, k: k, a: stored, lda: k,
                    image: image.baseAddress!, channels: channels, geometry: geometry,
                    firstColumn: firstColumn, beta: beta, c: &actual, ldc: n,
                    bias: withBias ? bias.baseAddress! : nil,
                    packedA: prepacked ? packed.baseAddress! : nil, parallel: parallel)
                }
              }
            }
            assertClose(
              actual, expected, absoluteTolerance: 1e-4,
              "\(geometry) transposeB \(transposeB) m \(m) columns \(firstColumn)+\(n) beta \(beta) prepacked \(prepacked)"
            )
          }
        }
      }
    }
  }
}

extension GemmIm2colTests {
  /// The transposed orientation over several images (depth = their pixels, stacked): equals the
  /// sum of the per-image products, for a padded, a strided and a dilated geometry and a
  /// column window.
  func testDepthAcrossImagesSumsTheImages() {
    var generator = SeededGenerator(seed: 14)
    for (geometry, channels) in [Self.geometries[0], Self.geometries[4], Self.geometries[5]] {
      let taps = channels * geometry.kernelHeight * geometry.kernelWidth
      let pixels = geometry.outputHeight * geometry.outputWidth
      let images = 3
      // Images `imageStride` floats apart, with a gap after each (as for a group's channels).
      let imageCount = channels * geometry.inputHeight * geometry.inputWidth
      let imageStride = imageCount + 7
      let batch = Tensor.randomNormal([images * imageStride], using: &generator).scalars
      let (m, firstColumn) = (11, 2)
      let n = taps - firstColumn
      let a = Tensor.randomNormal([m, images * pixels], using: &generator).scalars
      var expected = [Float](repeating: 0, count: m * n)
      for image in 0..<images {
        var columns = [Float](repeating: .nan, count: taps * pixels)
        Array(batch[(image * imageStride)..<(image * imageStride + imageCount)])
          .withUnsafeBufferPointer { source in
            im2col(
              input: source.baseAddress!, columns: &columns, channels: channels,
              geometry: geometry)
          }
        // This image's columns of A: a[i][image·P + p].
        var part = [Float]()
        for i in 0..<m {
          let start = i * images * pixels + image * pixels
          part += a[start..<(start + pixels)]
        }
        gemmReference(
          transposeA: false, transposeB: true, m: m, n: n, k: pixels, alpha: 1, a: part,
          lda: pixels, b: columns, ldb: pixels, beta: 1, c: &expected, ldc: n,
          firstColumn: firstColumn)
      }
      var actual = [Float](repeating: .nan, count: m * n)
      batch.withUnsafeBufferPointer { batch in
        gemmIm2col(
          transposeB: true, m: m, n: n, k: images * pixels, a: a, lda: images * pixels,
          image: batch.baseAddress!, channels: channels, geometry: geometry, images: images,
          imageStride: imageStride, firstColumn: firstColumn, beta: 0, c: &actual, ldc: n,
          parallel: true)
      }
      assertClose(actual, expected, absoluteTolerance: 1e-3, "\(geometry) over \(images) images")
    }
  }

  /// A prepacked A split by rows between threads (C taller than wide, work over the threading
  /// threshold): each slab must start at its own rows of the packed panels.
  func testPrepackedOperandAcrossRowSlabs() {
    var generator = SeededGenerator(seed: 12)
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 48, inputHeight: 12, inputWidth: 13, outputChannels: 1,
      kernelSize: 3, padding: 1)
    let (m, n, k) = (301, 40, 48 * 9)
    let image = Tensor.randomNormal([48, 12, 13], using: &generator).scalars
    var columns = [Float](repeating: .nan, count: k * 156)
    im2col(input: image, columns: &columns, channels: 48, geometry: geometry)
    let a = Tensor.randomNormal([m, k], using: &generator).scalars
    var expected = [Float](repeating: 0, count: m * n)
    gemmReference(
      transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
      b: columns, ldb: 156, beta: 0, c: &expected, ldc: n, firstColumn: 0)
    var packed = [Float](repeating: .nan, count: packedGemmOperandCount(m: m, k: k))
    packGemmOperand(transposeA: false, m: m, k: k, a: a, lda: k, into: &packed)
    var actual = [Float](repeating: .nan, count: m * n)
    image.withUnsafeBufferPointer { image in
      packed.withUnsafeBufferPointer { packed in
        gemmIm2col(
          transposeB: false, m: m, n: n, k: k, a: a, lda: k, image: image.baseAddress!,
          channels: 48, geometry: geometry, beta: 0, c: &actual, ldc: n,
          packedA: packed.baseAddress!, parallel: true)
      }
    }
    assertClose(actual, expected, absoluteTolerance: 1e-3, "prepacked row slabs")
  }
}

/// The reference GEMM on columns `firstColumn ..< firstColumn + n` of op(B), where B is the
/// stored `[taps, pixels]` im2col matrix (row stride `ldb`) and op(B) is B or Bᵀ.
private func gemmReference(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float],
  lda: Int, b: [Float], ldb: Int, beta: Float, c: inout [Float], ldc: Int, firstColumn: Int
) {
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in
      // op(B) = B: column j of op(B) starts at b + j. op(B) = Bᵀ: stored as B, so column j of
      // op(B) is row j of B, at b + j·ldb.
      let start = transposeB ? b.baseAddress! + firstColumn * ldb : b.baseAddress! + firstColumn
      ConvNetKernels.gemmReference(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
        a: a.baseAddress!, lda: lda, b: start, ldb: ldb, beta: beta, c: &c, ldc: ldc)
    }
  }
}
