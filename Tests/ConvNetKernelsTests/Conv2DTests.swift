import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// The fast convolution kernels against their reference twins through the shared harness, one
/// table row per geometry naming the algorithm `Conv2DPlan` picks for each pass (depthwise,
/// Winograd, gather and row tiles, pointwise / im2col / implicit GEMM), plus hand-computed cases
/// that run through both.
final class Conv2DTests: XCTestCase {
  // MARK: - Fast kernels equal the reference twins

  /// Odd sizes, strides 1–3, asymmetric padding, dilation 2, groups, depthwise, 1×1,
  /// kernels larger than the stride and than the unpadded input, batches 1–5 — each row with
  /// the algorithms `Conv2DPlan` must choose for it (forward, input gradient, weight gradient),
  /// so that a change to a threshold cannot silently move a row to another kernel.
  static let cases: [Conv2DCase] =
    [
      // plain 3×3, batch 1 (one channel in and out: the depthwise kernels)
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 1, inputChannels: 1, inputHeight: 5, inputWidth: 5, outputChannels: 1,
          kernelSize: 3)),
      // padded, odd non-square image, batch 3
      Conv2DCase(
        (.rows, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 3, inputHeight: 7, inputWidth: 9, outputChannels: 4,
          kernelSize: 3, padding: 1)),
      // non-square kernel, strides 2×3, asymmetric padding, groups 2
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 4, inputHeight: 11, inputWidth: 10, outputChannels: 6,
          kernelHeight: 5, kernelWidth: 3, strideHeight: 2, strideWidth: 3, paddingTop: 2,
          paddingBottom: 1, paddingLeft: 0, paddingRight: 2, groups: 2)),
      // dilation 2, stride 2
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 2, inputHeight: 9, inputWidth: 8, outputChannels: 5,
          kernelSize: 3, stride: 2, padding: 1, dilation: 2)),
      // stride 3, groups 2
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 1, inputChannels: 4, inputHeight: 10, inputWidth: 11, outputChannels: 8,
          kernelSize: 3, stride: 3, padding: 1, groups: 2)),
      // kernel 5 > stride 2
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 2, inputHeight: 10, inputWidth: 10, outputChannels: 3,
          kernelSize: 5, stride: 2, padding: 2)),
      // kernel 5 larger than the 3×4 input, made valid by padding
      Conv2DCase(
        (.rows, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 2, inputHeight: 3, inputWidth: 4, outputChannels: 2,
          kernelSize: 5, padding: 2)),
      // even kernel with "same" padding (1 before, 2 after)
      Conv2DCase(
        (.rows, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 3, inputHeight: 6, inputWidth: 7, outputChannels: 4,
          kernelHeight: 4, kernelWidth: 4, paddingTop: 1, paddingBottom: 2, paddingLeft: 1,
          paddingRight: 2)),
      // 1×1 pointwise (the no-im2col shortcut), batch 3
      Conv2DCase(
        (.pointwiseGEMM, .pointwiseGEMM, .pointwiseGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 8, inputHeight: 6, inputWidth: 5, outputChannels: 4,
          kernelSize: 1)),
      // 1×1 pointwise at batch 1 on 1,600 pixels: more than one column block of the GEMM
      // (1,024) and column slabs per thread, so B panels start mid-image and mid-row
      Conv2DCase(
        (.pointwiseGEMM, .pointwiseGEMM, .pointwiseGEMM),
        Conv2DGeometry(
          batch: 1, inputChannels: 8, inputHeight: 40, inputWidth: 40, outputChannels: 12,
          kernelSize: 1)),
      // 1×1 pointwise with groups 2, batch 5 (uneven chunks over threads)
      Conv2DCase(
        (.pointwiseGEMM, .pointwiseGEMM, .pointwiseGEMM),
        Conv2DGeometry(
          batch: 5, inputChannels: 8, inputHeight: 3, inputWidth: 5, outputChannels: 6,
          kernelSize: 1, groups: 2)),
      // 1×1 stride 2 (needs im2col) and 1×1 padded
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 1, inputChannels: 3, inputHeight: 7, inputWidth: 6, outputChannels: 2,
          kernelSize: 1, stride: 2)),
      Conv2DCase(
        (.rows, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 3, inputHeight: 4, inputWidth: 4, outputChannels: 2,
          kernelSize: 1, padding: 1)),
      // groups == inputChannels with channel multiplier 2 (grouped path, not depthwise)
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 4, inputHeight: 7, inputWidth: 7, outputChannels: 8,
          kernelSize: 3, padding: 1, groups: 4)),
      // depthwise: stride 1 wide rows (vector loop + tail), strided+dilated+asymmetric, even kernel
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 2, inputChannels: 6, inputHeight: 8, inputWidth: 21, outputChannels: 6,
          kernelSize: 3, padding: 1, groups: 6)),
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 3, inputChannels: 5, inputHeight: 9, inputWidth: 10, outputChannels: 5,
          kernelHeight: 3, kernelWidth: 5, strideHeight: 2, strideWidth: 3, paddingTop: 0,
          paddingBottom: 2, paddingLeft: 1, paddingRight: 1, dilationHeight: 2, dilationWidth: 1,
          groups: 5)),
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 4, inputChannels: 3, inputHeight: 5, inputWidth: 5, outputChannels: 3,
          kernelHeight: 2, kernelWidth: 2, paddingTop: 0, paddingBottom: 1, paddingLeft: 0,
          paddingRight: 1, groups: 3)),
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 1, inputChannels: 4, inputHeight: 12, inputWidth: 13, outputChannels: 4,
          kernelSize: 3, padding: 2, dilation: 2, groups: 4)),
      // depthwise stride 2 (two column phases), odd width, 7×7 kernel (49 taps, the lane limit)
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 3, inputChannels: 7, inputHeight: 11, inputWidth: 17, outputChannels: 7,
          kernelSize: 3, stride: 2, padding: 1, groups: 7)),
      Conv2DCase(
        (.depthwise, .depthwise, .depthwise),
        Conv2DGeometry(
          batch: 2, inputChannels: 3, inputHeight: 12, inputWidth: 19, outputChannels: 3,
          kernelSize: 7, padding: 3, groups: 3)),
      // Winograd F(2×2, 3×3) (3×3, stride 1, ≥ 16 channels each side; the input gradient runs
      // the same kernels with padding 2 − p): odd output sizes (clipped tail tiles), batch 1.
      // This row and the next two have fewer than 64 tiles, so the plan does not pick Winograd;
      // the test calls its kernels directly as well.
      Conv2DCase(
        (.implicitGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 1, inputChannels: 16, inputHeight: 7, inputWidth: 9, outputChannels: 17,
          kernelSize: 3, padding: 1)),
      // asymmetric padding 0…2, tiles that start in the padding on every side, odd batch
      Conv2DCase(
        (.implicitGEMM, .im2colGEMM, .im2colGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 20, inputHeight: 6, inputWidth: 5, outputChannels: 16,
          kernelHeight: 3, kernelWidth: 3, paddingTop: 0, paddingBottom: 2, paddingLeft: 2,
          paddingRight: 1)),
      // unpadded 4×4 → one tile per image; padding 2 (the input gradient then has padding 0)
      Conv2DCase(
        (.gather, .im2colGEMM, .gather),
        Conv2DGeometry(
          batch: 2, inputChannels: 16, inputHeight: 4, inputWidth: 4, outputChannels: 16,
          kernelSize: 3)),
      Conv2DCase(
        (.winograd, .winograd, .im2colGEMM),
        Conv2DGeometry(
          batch: 5, inputChannels: 17, inputHeight: 10, inputWidth: 11, outputChannels: 18,
          kernelSize: 3, padding: 2)),
      // enough tiles (3 · 12 · 12 = 432) for several blocks per thread, runs across images
      Conv2DCase(
        (.winograd, .winograd, .implicitGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 16, inputHeight: 23, inputWidth: 24, outputChannels: 16,
          kernelSize: 3, padding: 1)),
      // im2col large enough (K·P = 72 · 600 ≥ 32 Ki) for the weight gradient to pack it on the
      // fly; stride 2 with groups 2 as well (K·P = 36 · 1,188)
      Conv2DCase(
        (.implicitGEMM, .im2colGEMM, .implicitGEMM),
        Conv2DGeometry(
          batch: 3, inputChannels: 8, inputHeight: 24, inputWidth: 25, outputChannels: 9,
          kernelSize: 3, padding: 1)),
      Conv2DCase(
        (.implicitGEMM, .im2colGEMM, .implicitGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 8, inputHeight: 71, inputWidth: 65, outputChannels: 14,
          kernelSize: 3, stride: 2, padding: 1, groups: 2)),
      // small output planes (P < 256) with a large im2col: the weight gradient is one GEMM per
      // thread whose depth runs over its images' pixels; padded, and strided with groups
      Conv2DCase(
        (.winograd, .winograd, .implicitGEMMAcrossImages),
        Conv2DGeometry(
          batch: 5, inputChannels: 32, inputHeight: 12, inputWidth: 12, outputChannels: 20,
          kernelSize: 3, padding: 1)),
      Conv2DCase(
        (.im2colGEMM, .im2colGEMM, .implicitGEMMAcrossImages),
        Conv2DGeometry(
          batch: 3, inputChannels: 128, inputHeight: 15, inputWidth: 15, outputChannels: 8,
          kernelSize: 3, stride: 2, padding: 1, groups: 2)),
      // rows of 131 tiles: each tile row cut into 3 pieces (at most 64 tiles each), odd width
      Conv2DCase(
        (.winograd, .winograd, .implicitGEMM),
        Conv2DGeometry(
          batch: 2, inputChannels: 16, inputHeight: 5, inputWidth: 261, outputChannels: 16,
          kernelSize: 3, padding: 1)),
    ] + gatherCases + rowTileCases

  static var configurations: [Conv2DGeometry] { cases.map(\.geometry) }

  /// Unpadded layers the gather tiles take (see `gatherApplies`): LeNet-5's second layer;
  /// 20 output channels (a full and a 4-lane block), strides 2×3, dilation 2, a non-square
  /// kernel (36 taps) and 5 images of 5×5 pixels whose 6-pixel tiles straddle rows and images,
  /// with a short last tile; exactly 256 taps and 12 channels at batch 1; 64 channels in 4
  /// blocks over large images.
  static let gatherCases: [Conv2DCase] = [
    Conv2DCase(
      (.gather, .im2colGEMM, .gather),
      Conv2DGeometry(
        batch: 3, inputChannels: 6, inputHeight: 14, inputWidth: 14, outputChannels: 16,
        kernelSize: 5)),
    Conv2DCase(
      (.gather, .im2colGEMM, .gather),
      Conv2DGeometry(
        batch: 5, inputChannels: 6, inputHeight: 13, inputWidth: 17, outputChannels: 20,
        kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 3, dilationHeight: 2,
        dilationWidth: 2)),
    Conv2DCase(
      (.gather, .im2colGEMM, .gather),
      Conv2DGeometry(
        batch: 1, inputChannels: 4, inputHeight: 11, inputWidth: 9, outputChannels: 12,
        kernelSize: 8)),
    // 1,936 pixels per image: the weight gradient sums 2 images per pass (4,096 pixels at most),
    // so a thread's run of 3 or 4 images takes two passes, the last one short for 3
    Conv2DCase(
      (.gather, .im2colGEMM, .gather),
      Conv2DGeometry(
        batch: 7, inputChannels: 4, inputHeight: 46, inputWidth: 46, outputChannels: 64,
        kernelSize: 3)),
  ]

  /// Every row through the shared harness: each pass of the fast kernels (by the algorithm its
  /// plan chose) against the reference twin, outputs starting as NaN — at every SIMD level this
  /// CPU supports.
  func testFastKernelsMatchReferenceTwins() {
    forEachSIMDLevel { level in checkFastKernelsMatchReferenceTwins(level: level) }
  }

  func checkFastKernelsMatchReferenceTwins(level: SIMDLevel) {
    var generator = SeededGenerator(seed: 42)
    for row in Self.cases {
      let geometry = row.geometry
      XCTAssertNil(geometry.validate())
      checkOp(
        "\(geometry) simd \(level)",
        kernels: Self.kernelPasses(
          Conv2DPlan(geometry), input: randomValues(geometry.inputCount, &generator),
          weight: randomValues(geometry.weightCount, &generator),
          bias: randomValues(geometry.outputChannels, &generator),
          gradOutput: randomValues(geometry.outputCount, &generator)))
    }
  }

  /// The passes of one geometry, each fast kernel against its twin: forward with and without
  /// bias, the input gradient, the weight gradient with and without the bias gradient — and,
  /// where `winogradApplies`, the Winograd F(2×2, 3×3) kernels themselves, also where the plan
  /// does not choose them because the batch has too few tiles for the weight transform to pay.
  /// (F(4×4, 3×3), which only prepared weights use, has its own bound: `WinogradF43Tests`.)
  static func kernelPasses(
    _ plan: Conv2DPlan, input: [Float], weight: [Float], bias: [Float], gradOutput: [Float]
  ) -> [KernelPass] {
    let g = plan.geometry
    let (forward, inputGradient, weightGradient) = (
      "forward \(plan.forward)", "input gradient \(plan.inputGradient)",
      "weight gradient \(plan.weightGradient)"
    )
    var passes = [
      KernelPass(
        forward, buffers: [.output("output", count: g.outputCount)],
        fast: { o in conv2DForward(input: input, weight: weight, bias: bias, output: o[0], plan: plan) },
        reference: { o in
          conv2DForwardReference(input: input, weight: weight, bias: bias, output: o[0], geometry: g)
        }),
      KernelPass(
        "\(forward), no bias", buffers: [.output("output", count: g.outputCount)],
        fast: { o in conv2DForward(input: input, weight: weight, bias: nil, output: o[0], plan: plan) },
        reference: { o in
          conv2DForwardReference(input: input, weight: weight, bias: nil, output: o[0], geometry: g)
        }),
    ]
    passes.append(
      KernelPass(
        inputGradient, buffers: [.output("gradInput", count: g.inputCount)],
        fast: { o in
          conv2DBackwardInput(gradOutput: gradOutput, weight: weight, gradInput: o[0], plan: plan)
        },
        reference: { o in
          conv2DBackwardInputReference(
            gradOutput: gradOutput, weight: weight, gradInput: o[0], geometry: g)
        }))
    for withBias in [true, false] {
      var buffers: [KernelBuffer] = [.output("gradWeight", count: g.weightCount)]
      if withBias { buffers.append(.output("gradBias", count: g.outputChannels)) }
      passes.append(
        KernelPass(
          withBias ? weightGradient : "\(weightGradient), no bias", buffers: buffers,
          fast: { o in
            conv2DBackwardWeight(
              input: input, gradOutput: gradOutput, gradWeight: o[0],
              gradBias: withBias ? o[1] : nil, plan: plan)
          },
          reference: { o in
            conv2DBackwardWeightReference(
              input: input, gradOutput: gradOutput, gradWeight: o[0],
              gradBias: withBias ? o[1] : nil, geometry: g)
          }))
    }
    if winogradApplies(g) {
      passes.append(
        KernelPass(
          "Winograd forward", buffers: [.output("output", count: g.outputCount)],
          fast: { o in
            winogradConv2DForward(input: input, weight: weight, bias: bias, output: o[0], geometry: g)
          },
          reference: { o in
            conv2DForwardReference(input: input, weight: weight, bias: bias, output: o[0], geometry: g)
          }))
      passes.append(
        KernelPass(
          "Winograd input gradient", buffers: [.output("gradInput", count: g.inputCount)],
          fast: { o in
            winogradConv2DBackwardInput(
              gradOutput: gradOutput, weight: weight, gradInput: o[0], geometry: g)
          },
          reference: { o in
            conv2DBackwardInputReference(
              gradOutput: gradOutput, weight: weight, gradInput: o[0], geometry: g)
          }))
    }
    return passes
  }

  /// Every row runs the algorithms it says it covers: the plan made from its geometry chooses
  /// exactly them.
  func testEachCaseRunsTheAlgorithmsItCovers() {
    for row in Self.cases {
      let plan = Conv2DPlan(row.geometry)
      XCTAssertEqual(plan.forward, row.forward, "forward \(row.geometry)")
      XCTAssertEqual(plan.inputGradient, row.inputGradient, "input gradient \(row.geometry)")
      XCTAssertEqual(plan.weightGradient, row.weightGradient, "weight gradient \(row.geometry)")
    }
  }

  /// Together the rows cover every algorithm of every pass, so the fast-vs-twin test above runs
  /// each kernel the dispatcher can choose.
  /// The forward pass counts the algorithms of prepared plans as well (`.winogradF43` is only
  /// chosen for a prepared weight; `PreparedConv2DTests` runs every row that way).
  func testCasesCoverEveryAlgorithmOfEveryPass() {
    for pass in Conv2DPass.allCases {
      var covered = Set(Self.cases.map { $0.algorithm(for: pass) })
      if pass == .forward {
        covered.formUnion(Self.cases.map { Conv2DPlan($0.geometry, preparedWeight: true).forward })
      }
      for algorithm in pass.algorithms {
        XCTAssertTrue(covered.contains(algorithm), "no case runs \(algorithm) for \(pass)")
      }
      XCTAssertEqual(covered, Set(pass.algorithms), "\(pass)")
    }
  }

  /// Stride-1 layers with at most 6 output channels, which the row tiles take (see
  /// `rowTilesApply`): LeNet-5's first layer; 4 output channels (a partial block of rows),
  /// 3 channels, a 3×5 kernel with dilation 2, asymmetric padding and output rows of 35 pixels
  /// (two full tiles and a 3-pixel one); output rows shorter than one tile at batch 5.
  static let rowTileCases: [Conv2DCase] = [
    Conv2DCase(
      (.rows, .im2colGEMM, .im2colGEMM),
      Conv2DGeometry(
        batch: 3, inputChannels: 1, inputHeight: 28, inputWidth: 28, outputChannels: 6,
        kernelSize: 5, padding: 2)),
    Conv2DCase(
      (.rows, .im2colGEMM, .im2colGEMM),
      Conv2DGeometry(
        batch: 2, inputChannels: 3, inputHeight: 9, inputWidth: 41, outputChannels: 4,
        kernelHeight: 3, kernelWidth: 5, paddingTop: 1, paddingBottom: 2, paddingLeft: 2,
        paddingRight: 0, dilationHeight: 2, dilationWidth: 2)),
    Conv2DCase(
      (.rows, .im2colGEMM, .im2colGEMM),
      Conv2DGeometry(
        batch: 5, inputChannels: 2, inputHeight: 7, inputWidth: 9, outputChannels: 6,
        kernelSize: 3)),
  ]

  /// The row-tile rows above exercise what they say, and the near misses go elsewhere.
  func testRowTilesTakeStrideOneLayersWithFewOutputChannels() {
    for geometry in Self.rowTileCases.map(\.geometry) {
      XCTAssertTrue(rowTilesApply(geometry), "\(geometry)")
    }
    let lenetConv1 = Self.rowTileCases[0].geometry
    var strided = lenetConv1
    strided.strideWidth = 2
    var sevenChannels = lenetConv1
    sevenChannels.outputChannels = 7
    XCTAssertFalse(rowTilesApply(strided))
    XCTAssertFalse(rowTilesApply(sevenChannels))
  }

  /// The plain-C row tile (what CPUs without AVX2 run) against the reference twin.
  func testPortableRowTilesMatchReference() {
    var generator = SeededGenerator(seed: 13)
    for g in Self.rowTileCases.map(\.geometry) {
      let input = randomValues(g.inputCount, &generator)
      let weight = randomValues(g.weightCount, &generator)
      let bias = randomValues(g.outputChannels, &generator)
      checkOp(
        "\(g)",
        kernels: [
          KernelPass(
            "portable row tiles", buffers: [.output("output", count: g.outputCount)],
            fast: { o in
              rowTilesConv2DForward(
                input: input, weight: weight, bias: bias, output: o[0], geometry: g,
                microKernel: .portable)
            },
            reference: { o in
              conv2DForwardReference(input: input, weight: weight, bias: bias, output: o[0], geometry: g)
            })
        ])
    }
  }

  /// The gather rows above exercise what they say (a change to `gatherApplies` would otherwise
  /// silently move them to another kernel), and the near misses go elsewhere.
  func testGatherTilesTakeUnpaddedFewTapLayers() {
    for geometry in Self.gatherCases.map(\.geometry) {
      XCTAssertTrue(gatherApplies(geometry), "\(geometry)")
    }
    let lenetConv2 = Self.gatherCases[0].geometry
    var padded = lenetConv2
    padded.paddingTop = 1
    var fewChannels = lenetConv2
    fewChannels.outputChannels = 6
    var manyTaps = lenetConv2
    manyTaps.inputChannels = 11  // 275 taps
    XCTAssertFalse(gatherApplies(padded))
    XCTAssertFalse(gatherApplies(fewChannels))
    XCTAssertFalse(gatherApplies(manyTaps))
    var fewTaps = lenetConv2
    fewTaps.inputChannels = 1  // 25 taps
    XCTAssertFalse(gatherApplies(fewTaps))
    var manyChannels = lenetConv2
    manyChannels.outputChannels = 65
    XCTAssertFalse(gatherApplies(manyChannels))
  }

  /// The plain-C gather tile (what CPUs without AVX2 run) against the reference twins.
  func testPortableGatherTilesMatchReference() {
    var generator = SeededGenerator(seed: 11)
    for g in Self.gatherCases.map(\.geometry) {
      let input = randomValues(g.inputCount, &generator)
      let weight = randomValues(g.weightCount, &generator)
      let bias = randomValues(g.outputChannels, &generator)
      let gradOutput = randomValues(g.outputCount, &generator)
      checkOp(
        "\(g)",
        kernels: [
          KernelPass(
            "portable gather forward", buffers: [.output("output", count: g.outputCount)],
            fast: { o in
              gatherConv2DForward(
                input: input, weight: weight, bias: bias, output: o[0], geometry: g,
                microKernel: .portable)
            },
            reference: { o in
              conv2DForwardReference(input: input, weight: weight, bias: bias, output: o[0], geometry: g)
            }),
          KernelPass(
            "portable gather weight gradient", buffers: [.output("gradWeight", count: g.weightCount)],
            fast: { o in
              gatherConv2DBackwardWeight(
                input: input, gradOutput: gradOutput, geometry: g, target: o[0],
                microKernel: .portable)
            },
            reference: { o in
              conv2DBackwardWeightReference(
                input: input, gradOutput: gradOutput, gradWeight: o[0], gradBias: nil, geometry: g)
            }),
        ])
    }
  }

  /// The weight gradient is split over threads by image and the partial sums are added in a
  /// fixed order, so two runs give bit-identical results.
  func testBackwardWeightIsDeterministic() {
    var generator = SeededGenerator(seed: 7)
    let geometry = Conv2DGeometry(
      batch: 7, inputChannels: 3, inputHeight: 9, inputWidth: 9, outputChannels: 4,
      kernelSize: 3, padding: 1)
    let input = randomValues(geometry.inputCount, &generator)
    let gradOutput = randomValues(geometry.outputCount, &generator)
    var first = [Float](repeating: 0, count: geometry.weightCount)
    var second = first
    conv2DBackwardWeight(
      input: input, gradOutput: gradOutput, gradWeight: &first, gradBias: nil, geometry: geometry)
    conv2DBackwardWeight(
      input: input, gradOutput: gradOutput, gradWeight: &second, gradBias: nil,
      geometry: geometry)
    XCTAssertEqual(first, second)
  }

  // MARK: - Hand-computed cases (run through the fast kernel and the reference twin)

  /// The course's vertical edge detector: a 6×6 image, bright (10) in columns 0–2 and dark (0)
  /// in columns 3–5, filtered by [[1, 0, −1]] × 3 rows. Output column j covers input columns
  /// j…j+2 and is 3 · (x[j] − x[j+2]):
  ///   j=0: 3·(10 − 10) = 0,  j=1: 3·(10 − 0) = 30,  j=2: 3·(10 − 0) = 30,  j=3: 3·(0 − 0) = 0,
  /// so every one of the 4 output rows is [0, 30, 30, 0] — the edge shows up in the middle.
  func testCourseVerticalEdgeDetector() {
    let image = (0..<36).map { index -> Float in index % 6 < 3 ? 10 : 0 }
    let filter: [Float] = [1, 0, -1, 1, 0, -1, 1, 0, -1]
    let expected = [[Float]](repeating: [0, 30, 30, 0], count: 4).flatMap { $0 }
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 6, inputWidth: 6, outputChannels: 1,
      kernelSize: 3)
    assertForwardBothWays(input: image, weight: filter, geometry: geometry, expected: expected)
  }

  /// An 8×8 image with a 2-pixel-wide vertical line of 1s in columns 3–4, filtered by the line
  /// detector [[−1, 2, −1]] × 3 rows. Columns of the image read [0,0,0,1,1,0,0,0]; output
  /// column j is 3 · (−x[j] + 2·x[j+1] − x[j+2]):
  ///   j=0: 3·( 0 + 0 − 0) =  0      j=3: 3·(−1 + 2 − 0) =  3
  ///   j=1: 3·( 0 + 0 − 1) = −3      j=4: 3·(−1 + 0 − 0) = −3
  ///   j=2: 3·( 0 + 2 − 1) =  3      j=5: 3·( 0 + 0 − 0) =  0
  /// so each of the 6 output rows is [0, −3, 3, 3, −3, 0].
  func testVerticalLineDetector() {
    let image = (0..<64).map { index -> Float in (3...4).contains(index % 8) ? 1 : 0 }
    let filter: [Float] = [-1, 2, -1, -1, 2, -1, -1, 2, -1]
    let expected = [[Float]](repeating: [0, -3, 3, 3, -3, 0], count: 6).flatMap { $0 }
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 8, inputWidth: 8, outputChannels: 1,
      kernelSize: 3)
    assertForwardBothWays(input: image, weight: filter, geometry: geometry, expected: expected)
  }

  /// 7×7 arange (x[r][c] = 7r + c) with an all-ones 3×3 filter at stride 2: each output is the
  /// sum of a 3×3 block = 9 × its centre 7·(2i+1) + (2j+1), centres 8,10,12 / 22,24,26 / 36,38,40.
  func testSevenBySevenStrideTwoBoxSum() {
    let image = (0..<49).map(Float.init)
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 7, inputWidth: 7, outputChannels: 1,
      kernelSize: 3, stride: 2)
    let expected: [Float] = [72, 90, 108, 198, 216, 234, 324, 342, 360]
    assertForwardBothWays(
      input: image, weight: [Float](repeating: 1, count: 9), geometry: geometry,
      expected: expected)
  }

  /// The same image and filter with padding 1 at stride 1 gives 7×7; the corner sees only
  /// x[0..1][0..1] = 0 + 1 + 7 + 8 = 16, the next one x[0..1][0..2] = 0+1+2+7+8+9 = 27, the
  /// centre 9 · 24 = 216, the bottom-right corner 40 + 41 + 47 + 48 = 176. A bias of 0.5 adds on.
  func testSevenBySevenPaddedBoxSumWithBias() {
    let image = (0..<49).map(Float.init)
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 7, inputWidth: 7, outputChannels: 1,
      kernelSize: 3, padding: 1)
    let ones = [Float](repeating: 1, count: 9)
    for useReference in [false, true] {
      var output = [Float](repeating: .nan, count: 49)
      if useReference {
        conv2DForwardReference(
          input: image, weight: ones, bias: [0.5], output: &output, geometry: geometry)
      } else {
        conv2DForward(input: image, weight: ones, bias: [0.5], output: &output, geometry: geometry)
      }
      XCTAssertEqual(output[0], 16.5)
      XCTAssertEqual(output[1], 27.5)
      XCTAssertEqual(output[24], 216.5)
      XCTAssertEqual(output[48], 176.5)
    }
  }

  /// One 3×3 input x = arange(9), one 2×2 kernel w = [[1, 2], [3, 4]], gradOutput all ones
  /// (2×2). gradInput[p] = sum of the taps that touch pixel p:
  ///   [[1, 1+2, 2], [1+3, 1+2+3+4, 2+4], [3, 3+4, 4]] = [[1, 3, 2], [4, 10, 6], [3, 7, 4]];
  /// gradWeight[ki][kj] = sum of the 2×2 block of x at offset (ki, kj):
  ///   [0+1+3+4, 1+2+4+5, 3+4+6+7, 4+5+7+8] = [8, 12, 20, 24]; gradBias = 4 outputs × 1 = 4.
  func testBackwardByHand() {
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 3, inputWidth: 3, outputChannels: 1,
      kernelSize: 2)
    let input = (0..<9).map(Float.init)
    let weight: [Float] = [1, 2, 3, 4]
    let gradOutput: [Float] = [1, 1, 1, 1]
    var gradInput = [Float](repeating: .nan, count: 9)
    var gradWeight = [Float](repeating: .nan, count: 4)
    var gradBias: [Float] = [.nan]
    for useReference in [false, true] {
      if useReference {
        conv2DBackwardInputReference(
          gradOutput: gradOutput, weight: weight, gradInput: &gradInput, geometry: geometry)
        conv2DBackwardWeightReference(
          input: input, gradOutput: gradOutput, gradWeight: &gradWeight, gradBias: &gradBias,
          geometry: geometry)
      } else {
        conv2DBackwardInput(
          gradOutput: gradOutput, weight: weight, gradInput: &gradInput, geometry: geometry)
        conv2DBackwardWeight(
          input: input, gradOutput: gradOutput, gradWeight: &gradWeight, gradBias: &gradBias,
          geometry: geometry)
      }
      XCTAssertEqual(gradInput, [1, 3, 2, 4, 10, 6, 3, 7, 4], "reference \(useReference)")
      XCTAssertEqual(gradWeight, [8, 12, 20, 24], "reference \(useReference)")
      XCTAssertEqual(gradBias, [4], "reference \(useReference)")
    }
  }

  /// Groups by hand: 2 input channels, 2 groups, 1×1 kernels with weights [2] and [3], so
  /// output channel 0 is 2·x₀ and channel 1 is 3·x₁ — no mixing across groups.
  func testGroupsDoNotMix() {
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 2, inputHeight: 1, inputWidth: 2, outputChannels: 2,
      kernelSize: 1, groups: 2)
    assertForwardBothWays(
      input: [1, 2, 10, 20], weight: [2, 3], geometry: geometry, expected: [2, 4, 30, 60])
  }

  // MARK: - The reference twins agree with each other

  /// For bias-free convolution y = conv(x, w), which is bilinear, the backward passes are its
  /// adjoints: ⟨conv(x, w), dy⟩ = ⟨x, backwardInput(dy, w)⟩ = ⟨w, backwardWeight(x, dy)⟩.
  /// This checks the reference backwards against the reference forward without finite
  /// differences.
  func testReferenceBackwardsAreAdjointsOfForward() {
    var generator = SeededGenerator(seed: 3)
    for geometry in Self.configurations {
      let input = randomValues(geometry.inputCount, &generator)
      let weight = randomValues(geometry.weightCount, &generator)
      let gradOutput = randomValues(geometry.outputCount, &generator)
      var output = [Float](repeating: 0, count: geometry.outputCount)
      var gradInput = [Float](repeating: 0, count: geometry.inputCount)
      var gradWeight = [Float](repeating: 0, count: geometry.weightCount)
      conv2DForwardReference(
        input: input, weight: weight, bias: nil, output: &output, geometry: geometry)
      conv2DBackwardInputReference(
        gradOutput: gradOutput, weight: weight, gradInput: &gradInput, geometry: geometry)
      conv2DBackwardWeightReference(
        input: input, gradOutput: gradOutput, gradWeight: &gradWeight, gradBias: nil,
        geometry: geometry)
      let forwardPairing = innerProduct(output, gradOutput)
      XCTAssertEqual(
        innerProduct(input, gradInput), forwardPairing,
        accuracy: 1e-4 * max(1, abs(forwardPairing)), "\(geometry)")
      XCTAssertEqual(
        innerProduct(weight, gradWeight), forwardPairing,
        accuracy: 1e-4 * max(1, abs(forwardPairing)), "\(geometry)")
    }
  }

  // MARK: - Helpers

  private func assertForwardBothWays(
    input: [Float], weight: [Float], geometry: Conv2DGeometry, expected: [Float],
    file: StaticString = #filePath, line: UInt = #line
  ) {
    var fast = [Float](repeating: .nan, count: geometry.outputCount)
    var reference = fast
    conv2DForward(input: input, weight: weight, bias: nil, output: &fast, geometry: geometry)
    conv2DForwardReference(
      input: input, weight: weight, bias: nil, output: &reference, geometry: geometry)
    XCTAssertEqual(fast, expected, "fast", file: file, line: line)
    XCTAssertEqual(reference, expected, "reference", file: file, line: line)
  }
}

/// `count` uniform values in [−1, 1).
func randomValues(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
  (0..<count).map { _ in 2 * generator.nextUnitFloat() - 1 }
}

/// Σ a[i]·b[i] in Double.
func innerProduct(_ a: [Float], _ b: [Float]) -> Double {
  zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// A geometry of the convolution tests and the algorithm `Conv2DPlan` chooses for each pass.
struct Conv2DCase {
  let geometry: Conv2DGeometry
  let forward: Conv2DAlgorithm
  let inputGradient: Conv2DAlgorithm
  let weightGradient: Conv2DAlgorithm

  /// `algorithms` in pass order: forward, input gradient, weight gradient.
  init(
    _ algorithms: (Conv2DAlgorithm, Conv2DAlgorithm, Conv2DAlgorithm), _ geometry: Conv2DGeometry
  ) {
    self.geometry = geometry
    (forward, inputGradient, weightGradient) = algorithms
  }

  func algorithm(for pass: Conv2DPass) -> Conv2DAlgorithm {
    switch pass {
    case .forward: return forward
    case .inputGradient: return inputGradient
    case .weightGradient: return weightGradient
    }
  }
}
