import Synchronization

/// The training/evaluation mode of every module that does not store its own: the default
/// `Module.isTraining`.
///
/// Most layers (convolutions without batch statistics, activations, pooling, containers)
/// compute the same in both modes, so they should not have to declare a mode; yet
/// `model.eval()` followed by `module.isTraining` must read false for each of them, as before
/// (evaluation code saves the mode and restores it). So the mode lives here, in one table:
/// the modules switched to evaluation, by identity. Modules not in it are training (a new
/// module is). Layers whose computation depends on the mode — dropout, batch norm, RReLU —
/// keep a stored `isTraining` of their own, which they read on every forward pass.
///
/// Entries hold their module weakly, so the table keeps nothing alive, and an entry whose
/// module has gone is never mistaken for a new module at the same address (the weak reference
/// of the old one reads nil). Such entries are swept out as the table grows.
enum TrainingModes {
  private final class Entry {
    weak var module: AnyObject?
    init(_ module: AnyObject) { self.module = module }
  }

  private struct Table: ~Copyable {
    /// The modules in evaluation mode.
    var evaluating: [ObjectIdentifier: Entry] = [:]
    /// The table's size after its last sweep; the next sweep happens at twice that.
    var sweptSize = 0
  }

  private static let table = Mutex(Table())

  static func isTraining(_ module: AnyObject) -> Bool {
    table.withLock { table in
      guard let entry = table.evaluating[ObjectIdentifier(module)] else { return true }
      return entry.module !== module
    }
  }

  static func setTraining(_ module: AnyObject, _ training: Bool) {
    let key = ObjectIdentifier(module)
    table.withLock { table in
      if training {
        table.evaluating[key] = nil
        return
      }
      table.evaluating[key] = Entry(module)
      if table.evaluating.count > max(64, 2 * table.sweptSize) {
        table.evaluating = table.evaluating.filter { $0.value.module != nil }
        table.sweptSize = table.evaluating.count
      }
    }
  }
}

extension Module {
  /// The mode of a module that does not declare `isTraining` itself (see `TrainingModes`):
  /// training unless it was switched to evaluation.
  public var isTraining: Bool {
    get { TrainingModes.isTraining(self) }
    set { TrainingModes.setTraining(self, newValue) }
  }
}
