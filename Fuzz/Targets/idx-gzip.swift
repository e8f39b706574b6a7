// IDX files as read from disk: gzip detected from the content, inflated, then parsed.
import ConvNetData
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDXGzip(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let data = Data(fuzzBytes(start, count))
  if let array = try? IDXReader.parse(data, fileName: "fuzz-idx.gz") {
    _ = array.integerValues()
    _ = array.doubleValues()
  }
  return 0
}
