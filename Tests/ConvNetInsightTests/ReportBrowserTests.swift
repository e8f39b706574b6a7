import ConvNet
import Foundation
import XCTest

/// Opens a real report in headless Chromium (scripts/report-in-browser.sh): no console message,
/// every picture decodes, and a screenshot is written. Skipped where Chromium is not installed.
final class ReportBrowserTests: XCTestCase {
  static let script = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scripts/report-in-browser.sh")

  func testReportRendersInChromium() throws {
    guard Self.commandExists("chromium") else {
      throw XCTSkip("chromium is not installed (Debian: apt-get install chromium)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let page = directory.appendingPathComponent("report.html")
    let screenshot = directory.appendingPathComponent("report.png")
    try Data(ReportFixture.report().document().render().utf8).write(to: page)

    let run = try Self.run(Self.script.path, [page.path, screenshot.path, "--install"])
    XCTAssertEqual(run.status, 0, run.output)
    let png = try Data(contentsOf: screenshot)
    XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    if let keep = ProcessInfo.processInfo.environment["CONVNET_REPORT_SCREENSHOT"] {
      try? FileManager.default.removeItem(atPath: keep)
      try FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep))
      try? FileManager.default.removeItem(atPath: keep + ".html")
      try FileManager.default.copyItem(at: page, to: URL(fileURLWithPath: keep + ".html"))
    }
  }

  /// The checker catches what it is there to catch: a picture that does not decode and a
  /// resource from the network (refused by the page's policy).
  func testScriptFailsOnABrokenPictureAndARemoteResource() throws {
    guard Self.commandExists("chromium") else {
      throw XCTSkip("chromium is not installed (Debian: apt-get install chromium)")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-report-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let screenshot = directory.appendingPathComponent("shot.png")

    var broken = HTMLDocument(title: "broken picture")
    broken.append(
      HTMLSection(
        id: "a", title: "a",
        blocks: [.figure(HTMLFigure(png: [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], alternativeText: "not a PNG"))]))
    let brokenPage = directory.appendingPathComponent("broken.html")
    try Data(broken.render().utf8).write(to: brokenPage)
    let brokenRun = try Self.run(Self.script.path, [brokenPage.path, screenshot.path])
    XCTAssertNotEqual(brokenRun.status, 0)
    XCTAssertTrue(brokenRun.output.contains("image did not decode: not a PNG"), brokenRun.output)

    let remote = HTMLDocument(title: "remote").render()
      .replacingOccurrences(
        of: "</main>", with: "<img src=\"http://127.0.0.1:9/x.png\" alt=\"remote\"></main>")
    let remotePage = directory.appendingPathComponent("remote.html")
    try Data(remote.utf8).write(to: remotePage)
    let remoteRun = try Self.run(Self.script.path, [remotePage.path, screenshot.path])
    XCTAssertNotEqual(remoteRun.status, 0)
    XCTAssertTrue(remoteRun.output.contains("refused by the page policy"), remoteRun.output)
  }

  static func commandExists(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
      FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
