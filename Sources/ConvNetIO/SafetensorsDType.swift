/// The element types of the safetensors format that ConvNet reads, by their header spelling.
///
/// All of them can be read and converted to Float32 (`SafetensorsFile.tensor(named:)`).
/// Writing supports `.f32`, `.f16` and `.i64` (see `SafetensorsFile.write`).
public enum SafetensorsDType: String, CaseIterable, Sendable {
  case f64 = "F64"
  case f32 = "F32"
  /// IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits.
  case f16 = "F16"
  /// bfloat16: the top 16 bits of a Float32 (1 sign, 8 exponent, 7 mantissa bits).
  case bf16 = "BF16"
  case i64 = "I64"
  case i32 = "I32"
  case i16 = "I16"
  case i8 = "I8"
  case u64 = "U64"
  case u32 = "U32"
  case u16 = "U16"
  case u8 = "U8"
  /// One byte per element: 0 is false, anything else true (read as 0 or 1).
  case bool = "BOOL"

  /// The number of bytes one element occupies in the data buffer.
  public var byteSize: Int {
    switch self {
    case .f64, .i64, .u64: return 8
    case .f32, .i32, .u32: return 4
    case .f16, .bf16, .i16, .u16: return 2
    case .i8, .u8, .bool: return 1
    }
  }
}
