// Raw DEFLATE (RFC 1951) and zlib (RFC 1950) streams: the inflater under both wrappers.
import ConvNetCompression

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  _ = try? Inflate.decompress(bytes)
  _ = try? Zlib.decompress(bytes)
  return 0
}
