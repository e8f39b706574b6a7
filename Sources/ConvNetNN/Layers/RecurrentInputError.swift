/// An input, initial state or lengths list that does not fit a recurrent layer, found by
/// `validateInput(shape:initialState:lengths:)` before `run`/`forward` (which cannot throw and
/// stop the program on such input). The description is one line naming the field and what
/// was expected: "LSTM input: expected [T, N, 8], got [5, 8]".
public struct RecurrentInputError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String

  public init(_ description: String) { self.description = description }
}
