/// A part of the report that is either there or missing for a stated reason — the page says
/// which, instead of leaving a silent gap or showing anything made up.
public enum ReportPart<Value> {
  case shown(Value)
  case missing(reason: String)

  public var value: Value? {
    if case .shown(let value) = self { return value }
    return nil
  }
}
