// JPEG: markers, tables, baseline and progressive scans, sampling factors, colour conversion.
import ConvNetImage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  _ = try? JPEGDecoder.decode(bytes, name: "fuzz.jpg")
  return 0
}
