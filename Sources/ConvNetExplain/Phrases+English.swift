extension Phrase {
  /// The English phrase table. `{1}`, `{2}` … are filled with computed values in order.
  static let english: [Phrase: String] = [
    // Convolution
    .convolutionTitle: "Convolution: input {1}, {2} filter(s) of {3}, stride {4}, padding {5}",
    .outputSizeHeading: "Output size — (W − F + 2P)/S + 1",
    .bothAxes: "height = width: ",
    .heightAxis: "height: ",
    .widthAxis: "width:  ",
    .rowsWord: "row(s)",
    .columnsWord: "column(s)",
    .roundingNote:
      "W − F + 2P = {1} is not a multiple of S = {2}: the division rounds down, and the last {3} {4} "
      + "of the padded input are never covered by the window",
    .featureMapsResult: "{1} feature map(s) of {2} (output {3})",
    .parametersHeading: "Parameter count",
    .weightSharing:
      "(F·F·C + 1)·K: each filter's weights and bias are shared by all {2} positions of its feature "
      + "map — {1} parameters instead of {3} connections with weights of their own",
    .macsHeading: "Multiply–accumulates (MACs) — output values × F·F·C",
    .receptiveFieldHeading: "Receptive field",
    .receptiveFieldWindow:
      "each output cell sees a {1}×{2} block of the input: a {1} window through every channel",
    .receptiveFieldPlace: "output cell (i, j) reads input rows {1} and columns {2}",
    .stackedReceptiveField:
      "stacking such layers: {1} — each adds (F − 1) × the product of the strides below it",
    .listSeparator: ", ",
    .layersSeeing: "{1} layer(s) see {2}",
    .paddingReadsZeros: "rows and columns below 0 or beyond the {1}×{2} input are padding zeros",
    .paddedInputHeading: "Input, zero-padded by {1} (· = padding)",
    .inputHeading: "Input",
    .filtersHeading: "Filters (weights w, bias b)",
    .slidingHeading: "Sliding the window: {1} steps at stride {2}, filter by filter, row by row",
    .stepHeader: "step {1}/{2} — {3} → {4}: window at {5} {6}",
    .windowPlace: "rows {1}, columns {2}",
    .ofPaddedInput: "of the padded input",
    .ofInput: "of the input",
    .ofPaddedGradient: "of the padded gradient",
    .filterLabel: "filter {1}",
    .channelLabel: "channel {1}",
    .biasTerm: "{2} (bias b{1})",
    .moreSteps: "… {1} more steps not shown",
    .moreStepsWithHint: "… {1} more steps not shown (show them all with {2})",
    .outputMapsHeading: "Output feature maps",
    .convolutionKernelAgrees: "the library's conv2d kernel computes the same feature maps",
    .checkFailed: "largest difference {1}",
    // Pooling
    .maxPoolingTitle: "Max pooling: input {1}, window {2}, stride {3}, padding {4}",
    .averagePoolingTitle: "Average pooling: input {1}, window {2}, stride {3}, padding {4}",
    .poolingOutputSizeHeading: "Output size — the convolution's formula, (W − F + 2P)/S + 1",
    .poolingParameters: "{1}: pooling has nothing to learn",
    .specialConvolutionHeading: "Pooling as a special convolution",
    .maxAsConvolution:
      "the {1} window slides exactly as a convolution's, over each channel on its own, but keeps the "
      + "largest value instead of a weighted sum",
    .averageAsConvolution:
      "average pooling is a convolution of each channel on its own with a fixed {1} kernel, every "
      + "weight {2}, and no bias",
    .poolingReceptiveField: "each output cell sees a {1} window of one channel",
    .windowsHeading: "The windows: {1}, channel by channel, row by row",
    .maxWinner: "max {1} at {2} in the window, input cell {3}",
    .maxPoolingKernelAgrees: "the library's max-pooling kernel computes the same maps",
    .averagePoolingKernelAgrees: "the library's average-pooling kernel computes the same maps",
    .averageConvolutionAgrees:
      "the library's conv2d kernel, used as that convolution, computes the same maps",
    .everyWeight: " (every weight {1})",
    // Backpropagation
    .convolutionBackwardTitle: "Backpropagation through a convolution (stride 1, no padding)",
    .forwardHeading: "Forward pass",
    .outputGradientHeading: "The gradient arriving from above, ∂L/∂y",
    .inputGradientHeading:
      "Input gradient: ∂L/∂x = ∂L/∂y convolved \"full\" with the kernel rotated by 180°",
    .rotateKernel: "1. rotate the kernel by 180° (flip it up–down and left–right)",
    .rotatedLabel: "rot180(w[{1}])",
    .padGradient: "2. pad ∂L/∂y with F − 1 = {1} zeros on every side (· = padding)",
    .paddedGradientLabel: "∂L/∂y, padded",
    .fullConvolutionSteps:
      "3. slide the rotated kernel over it ({1} steps): each step gives one cell of ∂L/∂x",
    .inputGradientAgrees: "autograd (the library's backward pass) computes the same ∂L/∂x",
    .weightGradientHeading: "Weight gradient: ∂L/∂w = x convolved \"valid\" with ∂L/∂y",
    .weightGradientAgrees: "autograd computes the same ∂L/∂w",
    .biasGradientHeading: "Bias gradient",
    .biasGradientAgrees: "autograd agrees",
    .maxPoolingBackwardTitle: "Backpropagation through max pooling",
    .averagePoolingBackwardTitle: "Backpropagation through average pooling",
    .routingHeading: "Where the gradient goes",
    .maxRouting:
      "max pooling sends each output's gradient to the winner of its window (it \"upsamples\" the "
      + "gradient); every other cell gets 0",
    .averageRouting:
      "average pooling spreads each output's gradient evenly: ∂L/∂y ÷ ({1}) to every cell of its window",
    .maxRoute: "{1}: the max {2} came from {3} → it receives {4}",
    .averageRoute: "{1} → {3} to each of {2}",
    .inputGradientResultHeading: "Input gradient ∂L/∂x (overlapping windows add up)",
    // Parameters
    .parametersTitle: "Parameters of {1} for input {2}, layer by layer",
    .layerColumn: "layer (state-dict name)",
    .typeColumn: "type",
    .outputColumn: "output",
    .parametersColumn: "parameters (formula)",
    .positionsColumn: "positions",
    .connectionsColumn: "connections",
    .parametersTotal: "total: {1} parameters ({2} trainable)",
    .sharingExplained:
      "weight sharing: the {2} parameters of {1} are reused at each of its {3} output positions — "
      + "{4} connections, none with a weight of its own",
    .connectionTableHeading:
      "Connection table of {1} (rows: input maps, columns: output maps, X = connected)",
    .connectionTableFormula: "{1} parameters, against {2} for a full convolution",
    // Activations
    .activationTitle: "Activation function: {1}",
    .reluDerivative: "f′(x) = 1 for x > 0, 0 for x ≤ 0",
    .leakyFormula: "f(x) = x for x ≥ 0, {1}·x otherwise",
    .leakyDerivative: "f′(x) = 1 for x > 0, {1} otherwise",
    .rreluFormula:
      "f(x) = x for x ≥ 0, a·x otherwise; in training a ~ U({1}, {2}), drawn for every element; in "
      + "evaluation a = ({1} + {2})/2 = {3}",
    .rreluDerivative: "f′(x) = 1 for x > 0, a otherwise",
    .rreluDrawn: "slopes drawn in training for {1} negative inputs: {2}",
    .steepest: "steepest at x = {1}: f′ = {2}",
    .saturates:
      "saturation: |f′(x)| < {1} for |x| ≥ {2} — there the gradient all but stops, and learning with it",
    .noSaturation: "no saturation for x > 0 (f′ = 1); for x < 0 the slope is {1}",
    .gradientThroughLayers:
      "through {1} layers the activation alone scales a gradient by at most {2}^{1} = {3}",
    .vanishing: "→ the gradient vanishes in deep networks: the reason ReLU replaced it",
    .vanishingWhenSaturated:
      "→ near 0 the gradient passes whole, but a saturated unit (|x| ≥ {1}) all but stops it",
    .noVanishing: "→ where it is active, the activation does not shrink the gradient",
    .plotLegend: "* f(x)   + f′(x)",
  ]
}
