import ConvNet
import Foundation
import XCTest

/// `convnet report` and `convnet train --report`, run as a user would.
final class ReportCLITests: XCTestCase {
  private func convnet(_ arguments: [String], in directory: URL) throws -> (
    status: Int32, output: String, error: String
  ) {
    let run = try ConvNetExecutable.run(arguments, in: directory)
    return (run.status, run.standardOutput, run.standardError)
  }

  private func temporaryDirectory() throws -> URL { try makeTemporaryDirectory(prefix: "convnet-report-cli") }

  /// train --save --report writes the page at the end; `report --run` makes it again later from
  /// the run's files; both show the accuracy `eval` measures on the same weights.
  func testTrainReportAndReportCommandShowTheEvaluatedAccuracy() throws {
    let directory = try temporaryDirectory()
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
    let train = try convnet(
      [
        "train", "--epochs", "1", "--max-steps", "30", "--batch-size", "32", "--save", "lenet.safetensors",
        "--report", "out/trained.html",
      ],
      in: directory)
    XCTAssertEqual(train.status, 0, train.error)
    let eval = try convnet(["eval", "--weights", "lenet.safetensors", "--json"], in: directory)
    XCTAssertEqual(eval.status, 0, eval.error)
    let measured = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any]
    let accuracy = try XCTUnwrap(measured?["accuracy"] as? Double)
    let shown = String(format: "%.2f %%", accuracy * 100)

    // From another folder, where the run's --report folder "out" is not: the run's files by path.
    let elsewhere = directory.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
    let report = try convnet(
      [
        "report", "--run", directory.appendingPathComponent("lenet.safetensors").path, "--out",
        "../later.html",
      ],
      in: elsewhere)
    XCTAssertEqual(report.status, 0, report.error)
    for name in ["out/trained.html", "later.html"] {
      let html = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
      XCTAssertTrue(html.contains("<div class=\"metric-value\">\(shown)</div>"), "\(name): accuracy \(shown)")
      for id in TrainingReport.sectionIDs {
        XCTAssertTrue(html.contains("<section id=\"\(id)\">"), "\(name): \(id)")
      }
      XCTAssertTrue(html.contains("convnet train --epochs 1 --max-steps 30"), name)
      XCTAssertTrue(html.contains("(5·5·1+1)·6 = 156"), name)
      // The history's epoch line: the test accuracy measured after the epoch, on the same weights.
      XCTAssertTrue(html.contains("<td class=\"num\">1</td>"), name)
      XCTAssertTrue(html.contains("<td class=\"num\">\(shown)</td>"), "\(name): epoch row \(shown)")
    }
  }

  /// Errors are one line naming the file and what is wrong.
  func testReportErrorsNameTheProblem() throws {
    let directory = try temporaryDirectory()
    let missing = try convnet(["report", "--run", "nowhere.safetensors"], in: directory)
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(missing.error.contains("nowhere.run.json"), missing.error)
    XCTAssertEqual(missing.error.split(separator: "\n").count, 1, missing.error)

    let folder = directory.appendingPathComponent("run")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(
      #"{"architecture": "lenet5", "started": "2026-12-07T11:20:30Z", "command": ["convnet", "train"]}"#.utf8
    )
    .write(to: folder.appendingPathComponent("run.json"))
    let noWeights = try convnet(["report", "--run", "run"], in: directory)
    XCTAssertNotEqual(noWeights.status, 0)
    XCTAssertTrue(noWeights.error.contains("run.json: the run saved no weights"), noWeights.error)

    let badFolder = try convnet(
      ["train", "--max-steps", "1", "--report", "no/such/folder/r.html"], in: directory)
    XCTAssertNotEqual(badFolder.status, 0)
    XCTAssertTrue(badFolder.error.contains("--report no/such/folder/r.html: the folder"), badFolder.error)
  }

  /// Class names from data — Chinese folder names and one full of HTML's special characters —
  /// appear in the page as text: escaped, never markup. With Chromium present the page is also
  /// opened in it (the CJK font stack, the sample pictures in colour).
  func testClassFolderNamesAreShownEscaped() throws {
    let directory = try temporaryDirectory()
    let classes = ["猫", "狗", "a<b>&c"]
    let colours: [[UInt8]] = [[220, 40, 40], [40, 200, 60], [40, 60, 220]]
    for (k, name) in classes.enumerated() {
      let folder = directory.appendingPathComponent("data/\(name)")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for i in 0..<6 {
        // An 8×8 picture of the class's colour with a lighter square in a corner that moves.
        var samples: [UInt8] = []
        for y in 0..<8 {
          for x in 0..<8 {
            let bright = (x / 4 == i % 2) && (y / 4 == i / 2 % 2)
            samples += colours[k].map { bright ? UInt8(min(255, Int($0) + 30)) : $0 }
          }
        }
        let png = try PNGEncoder.encode(width: 8, height: 8, colorType: .rgb, samples: samples)
        try Data(png).write(to: folder.appendingPathComponent("\(i).png"))
      }
    }
    let train = try convnet(
      [
        "train", "--data", "data", "--rgb", "--image-size", "28", "--val-split", "0.34", "--epochs", "1",
        "--batch-size", "4", "--report", "report.html",
      ],
      in: directory)
    XCTAssertEqual(train.status, 0, train.error)
    let page = directory.appendingPathComponent("report.html")
    let html = try String(contentsOf: page, encoding: .utf8)
    XCTAssertTrue(html.contains("<th scope=\"row\">猫</th>"), "猫 in the tables")
    XCTAssertTrue(html.contains("<th scope=\"row\">狗</th>"), "狗 in the tables")
    XCTAssertTrue(html.contains("<th scope=\"row\">a&lt;b&gt;&amp;c</th>"), "escaped class name")
    XCTAssertFalse(html.contains("a<b>&c"), "a class name became markup")

    let hasChromium = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
      FileManager.default.isExecutableFile(atPath: "\($0)/chromium")
    }
    guard hasChromium else { return }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/report-in-browser.sh")
    let process = Process()
    process.executableURL = script
    process.arguments = [page.path, directory.appendingPathComponent("shot.png").path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, output)
    if let keep = ProcessInfo.processInfo.environment["CONVNET_REPORT_SCREENSHOT"] {
      try? FileManager.default.removeItem(atPath: keep + ".folders.png")
      try FileManager.default.copyItem(
        atPath: directory.appendingPathComponent("shot.png").path, toPath: keep + ".folders.png")
    }
  }
}
