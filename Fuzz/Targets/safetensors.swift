// Whole safetensors files: the length field, the header and every tensor read back in each way.
import ConvNetIO
import Foundation

private let url = URL(fileURLWithPath: "/fuzz.safetensors")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let data = Data(fuzzBytes(start, count))
  guard let file = try? SafetensorsFile(contents: data, url: url) else { return 0 }
  for name in file.names {
    _ = try? file.tensor(named: name)
    _ = try? file.int64Values(named: name)
    _ = try? file.rawBytes(named: name)
  }
  _ = try? file.entry(named: "missing")
  return 0
}
