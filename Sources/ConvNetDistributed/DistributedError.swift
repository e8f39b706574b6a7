/// A failure of the processes of a data-parallel run to work together: an MPI call that
/// returned an error (e.g. a peer that went away), or processes that disagree about the model.
public struct DistributedError: Error, CustomStringConvertible {
  public let description: String

  public init(_ description: String) { self.description = description }
}
