// Layers whose presentation members (`layerDescription`, `parameterFormula`,
// `multiplyAccumulates`) are declared in their own files, which were being reworked when
// `LayerPresentation` was split out of `Module`. Each conformance moves to its type's
// declaration (`: Module, LayerPresentation`) when that file is next edited; until then it
// lives here, so that no layer with a description is shown by its bare type name.

extension Conv2d: LayerPresentation {}
extension Conv1d: LayerPresentation {}
extension MaxPool2d: LayerPresentation {}
extension AvgPool2d: LayerPresentation {}
extension AdaptiveAvgPool2d: LayerPresentation {}
extension BatchNorm: LayerPresentation {}
extension ConnectionTableConv2d: LayerPresentation {}
extension Subsampling2d: LayerPresentation {}
