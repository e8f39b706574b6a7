// The kernels are threaded through `parallelFor` and extend `Parallelism`
// (`DeterministicReductions.swift`), both defined in the base module; importing ConvNetKernels
// brings it in.
@_exported import ConvNetBase
