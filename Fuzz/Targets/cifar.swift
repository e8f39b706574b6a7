// CIFAR-10/100 binary batches, loaded through the public API from a folder holding the input.
// The first byte chooses the variant (bit 0), the label kind (bit 1) and whether the rest is
// also written as the class-names file (bit 2); the rest is the records file.
import ConvNetData
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = fuzzBytes(start, count)
  guard let flags = bytes.first else { return 0 }
  let variant: CIFARDataset.Variant = flags & 1 == 0 ? .cifar10 : .cifar100
  let labelKind: CIFARDataset.LabelKind = flags & 2 == 0 ? .fine : .coarse
  let records = bytes.dropFirst()
  let folder = fuzzScratchDirectory
  let recordsName = CIFARDataset.fileNames(variant, split: .test)[0]
  _ = writeScratchFile(recordsName, records)
  let namesFiles = ["batches.meta.txt", "fine_label_names.txt", "coarse_label_names.txt"]
  for name in namesFiles {
    let url = folder.appendingPathComponent(name)
    if flags & 4 != 0 {
      _ = writeScratchFile(name, records)
    } else {
      try? FileManager.default.removeItem(at: url)
    }
  }
  if let dataset = try? CIFARDataset.load(
    directory: folder, variant: variant, split: .test, labelKind: labelKind)
  {
    _ = dataset.count
    if dataset.count > 0 { _ = dataset.label(at: dataset.count - 1) }
  }
  return 0
}
