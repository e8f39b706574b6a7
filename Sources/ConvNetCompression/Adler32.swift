/// Adler-32 as used by zlib (RFC 1950 section 8.2): two 16-bit sums modulo 65521, seeded with
/// 1. `Adler32.checksum(of: "Wikipedia")` is 0x11E60398.
public struct Adler32: Sendable {
  /// The running checksum of everything passed to `update` so far.
  public private(set) var value: UInt32 = 1

  public init() {}

  /// The Adler-32 of `bytes`.
  public static func checksum(of bytes: some Collection<UInt8>) -> UInt32 {
    var adler = Adler32()
    adler.update(bytes)
    return adler.value
  }

  /// Extends the checksum with more bytes.
  public mutating func update(_ bytes: some Collection<UInt8>) {
    let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
    if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
  }

  /// Extends the checksum with the bytes in `buffer`.
  public mutating func update(_ buffer: UnsafeRawBufferPointer) {
    let modulus: UInt32 = 65521
    // 5552 is the largest n for which 255·n·(n+1)/2 + (n+1)·(modulus−1) fits in 32 bits,
    // so the sums need reducing only once per block of that many bytes.
    let blockLength = 5552
    var a = value & 0xFFFF
    var b = value >> 16
    var start = 0
    while start < buffer.count {
      let end = min(start + blockLength, buffer.count)
      for i in start..<end {
        a &+= UInt32(buffer[i])
        b &+= a
      }
      a %= modulus
      b %= modulus
      start = end
    }
    value = (b << 16) | a
  }
}
