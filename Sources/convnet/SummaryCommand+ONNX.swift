import ConvNet
import Foundation

extension SummaryCommand {
  /// `convnet summary --model model.onnx`: the nodes that run per call, their output shapes for
  /// the declared input (symbolic sizes 1) and the parameters each reads.
  func summarizeImported(model path: String) throws {
    let module = try importModel(path)
    let rows: [ONNXGraphModule.NodeSummary]
    do {
      rows = try module.layerSummary()
    } catch let error as ONNXImportError {
      throw CLIError("\(path): \(error)")
    }
    let inputShape = module.inputShape(batch: 1) ?? []
    let total = module.parameterCount
    if json {
      printJSON([
        "model": path, "opset": module.opsetVersion, "input_shape": inputShape,
        "total_parameters": total, "folded_nodes": module.foldedNodeCount,
        "nodes": rows.map { row -> [String: Any] in
          ["index": row.index, "name": row.name, "op": row.opType, "output_shape": row.outputShape,
           "parameters": row.parameterCount]
        },
      ])
      return
    }
    var table = TextTable(columns: ["#", "Node", "Op", "Output shape", "Params"])
    for row in rows {
      table.add([
        "\(row.index)", row.name, row.opType, row.outputShape.map(String.init).joined(separator: "×"),
        formatCount(row.parameterCount),
      ])
    }
    print("\(path) (ONNX opset \(module.opsetVersion)), input \(inputShape.map(String.init).joined(separator: "×"))")
    print(table.render(rightAligned: [0, 4]))
    print("Total parameters: \(formatCount(total))")
    print("Nodes: \(rows.count) run per call, \(module.foldedNodeCount) folded at load time")
  }
}
