import Foundation

/// Pictures embedded in the page itself (`data:image/png;base64,…`), so the report is one
/// file that opens anywhere, offline, with nothing to fetch.
public enum DataURI {
  /// The PNG file `bytes` as a `data:` URI for `<img src>`.
  public static func png(_ bytes: [UInt8]) -> String {
    "data:image/png;base64," + Data(bytes).base64EncodedString()
  }

  /// The media type and bytes of a base64 `data:` URI, or nil when `uri` is not one.
  public static func decode(_ uri: String) -> (mediaType: String, bytes: [UInt8])? {
    guard uri.hasPrefix("data:"), let comma = uri.firstIndex(of: ",") else { return nil }
    let header = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
    guard header.hasSuffix(";base64") else { return nil }
    guard let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) else { return nil }
    return (String(header.dropLast(";base64".count)), [UInt8](data))
  }
}
