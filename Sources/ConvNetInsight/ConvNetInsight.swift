// ConvNetInsight: seeing inside a network — feature maps, learned filters, Grad-CAM, training
// history, TensorBoard event files and the HTML report. It computes with the layers below and
// draws with ConvNetDraw; the CLI only calls it.
