// ConvNetExplain: the course's worked examples as a tool — convolution and pooling step by
// step, backpropagation through them, parameter counts and activations, in English and
// Chinese. Every number it prints is computed by the library, never typed into a string.
