// ConvNetExplain: the course's worked examples as a tool — convolution and pooling step by
// step, backpropagation through them, parameter counts and activations, in English and
// Chinese. Every number it prints is computed by the library, never typed into a string.
//
// Each topic is two files: `…Explanation.swift` computes a structured explanation (sizes from
// `Conv2DGeometry` / `Pool2DGeometry`, parameter formulas from the modules, values by plain
// loops checked against the library's real kernels and autograd), and `…Rendering.swift`
// turns it into text through `ExplanationRenderer`, whose words come from one phrase table per
// language (`Phrases+English.swift`, `Phrases+Chinese.swift`).
