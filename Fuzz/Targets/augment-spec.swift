// The `--augment` spec language (e.g. "crop:28:4,flip-h,rotate:15"): tokens, numbers, ranges.
import ConvNetImage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAugmentSpec(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let spec = String(decoding: fuzzBytes(start, count), as: UTF8.self)
  if let transforms = try? TransformSpecParser.parse(spec) {
    for transform in transforms {
      try? transform.validate(channels: 1)
      try? transform.validate(channels: 3)
    }
  }
  return 0
}
