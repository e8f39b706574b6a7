/// A request the insight tools cannot carry out: an unknown layer, a layer that does not give
/// feature maps, a class out of range, an image of the wrong kind. One line that names what was
/// asked for and what was expected.
public struct InsightError: Error, CustomStringConvertible, Equatable {
  public let description: String

  public init(_ description: String) { self.description = description }
}
