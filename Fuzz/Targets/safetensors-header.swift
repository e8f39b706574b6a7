// The safetensors JSON header alone: the JSON parser, entries, dtypes, shapes, offsets and
// buffer coverage. The first 8 bytes give the data buffer's size (the rest is the header).
@testable import ConvNetIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensorsHeader(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  guard bytes.count >= 8 else { return 0 }
  var bufferByteCount = 0
  for byte in bytes[0..<8].reversed() { bufferByteCount = bufferByteCount << 8 | Int(byte) }
  bufferByteCount &= Int.max
  _ = try? SafetensorsHeader.parse(
    Array(bytes[8...]), bufferByteCount: bufferByteCount, path: "fuzz.safetensors")
  return 0
}
