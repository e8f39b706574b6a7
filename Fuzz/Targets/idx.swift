// IDX files (MNIST's format), uncompressed: header, dimensions, length, element values.
import ConvNetData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  if let array = try? IDXReader.parse(bytes, fileName: "fuzz-idx") {
    _ = array.integerValues()
    _ = array.doubleValues()
  }
  return 0
}
