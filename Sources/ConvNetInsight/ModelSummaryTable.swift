import ConvNetNN

/// A `ModelSummary` as the cells of a table — what `convnet summary` prints and the report
/// shows: one row per leaf layer with its state-dict name, type, output shape, parameter count
/// (as its formula where the layer has one, e.g. "(5·5·1+1)·6 = 156") and multiply-accumulates,
/// then the totals.
public struct ModelSummaryTable {
  public static let columnTitles = ["layer (state-dict name)", "type", "output shape", "parameters", "MACs"]
  /// The columns holding numbers (right-aligned).
  public static let numericColumns: Set<Int> = [3, 4]
  /// The column holding the parameter formula.
  public static let parameterColumn = 3

  /// "lenet5 for input 1×28×28".
  public let title: String
  /// One row of `columnTitles.count` cells per leaf layer.
  public let rows: [[String]]
  /// All parameters of the model, trained or frozen.
  public let totalParameters: Int
  /// Total parameters, multiply-accumulates and activation memory.
  public let totals: [(label: String, value: String)]

  public init(_ summary: ModelSummary, architecture: String) {
    title = "\(architecture) for input \(NumberText.shape(summary.inputShape))"
    rows = summary.rows.map { row in
      [
        row.name, row.layer, NumberText.shape(row.outputShape),
        row.parameterFormula ?? NumberText.count(row.parameterCount),
        NumberText.count(row.multiplyAccumulates),
      ]
    }
    totalParameters = summary.totalParameters
    totals = [
      (
        "total parameters",
        "\(NumberText.count(summary.totalParameters)) (trainable \(NumberText.count(summary.trainableParameters)))"
      ),
      ("multiply-accumulates per sample", NumberText.count(summary.totalMultiplyAccumulates)),
      ("activation memory per sample", NumberText.bytes(summary.activationBytes)),
    ]
  }

  /// The table for the report: names and parameter formulas in a monospace face (formulas
  /// read left to right, so that column is not right-aligned), other numbers right-aligned.
  public var htmlTable: HTMLTable {
    let columns = Self.columnTitles.enumerated().map { index, title in
      HTMLTable.Column(title, numeric: index != Self.parameterColumn && Self.numericColumns.contains(index))
    }
    let cells = rows.map { row in
      row.enumerated().map { index, text -> HTMLTable.Cell in
        if index == 0 || index == Self.parameterColumn { return .formula(text) }
        return Self.numericColumns.contains(index) ? .number(text) : .text(text)
      }
    }
    return HTMLTable(columns: columns, rows: cells, caption: title)
  }
}
