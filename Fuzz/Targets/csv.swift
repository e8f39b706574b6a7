// CSV image files (Kaggle's digit-recognizer layout), loaded through the public API. The first
// byte chooses the label column: 0…3 by position, otherwise the column named "label"; the
// rest is the file.
import ConvNetData
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  guard let selector = bytes.first else { return 0 }
  let url = writeScratchFile("fuzz.csv", bytes.dropFirst())
  let column: CSVImageDataset.LabelColumn =
    selector < 4 ? .index(Int(selector)) : .named("label")
  if let dataset = try? CSVImageDataset.load(contentsOf: url, labelColumn: column) {
    _ = dataset.count
  }
  _ = CSVImageDataset.header(of: url)
  return 0
}
