// gzip members (RFC 1952): header fields, the inflater, CRC-32 and length trailer.
import ConvNetCompression

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  _ = Gzip.isGzip(bytes)
  _ = try? Gzip.decompress(bytes)
  return 0
}
