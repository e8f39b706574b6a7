// PNG: chunks, IHDR, zlib'd IDAT, filters, bit depths, palettes, interlacing.
import ConvNetImage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  _ = try? PNGDecoder.decode(bytes, name: "fuzz.png")
  return 0
}
