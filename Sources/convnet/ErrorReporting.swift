import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ConvNetCommand {
  /// Parses the arguments and runs the subcommand, reporting any failure as exactly one line on
  /// standard error: exit status 2 for a usage error (an unknown option, a missing or
  /// malformed value, a value `validate()` refuses), 1 for a failure while running (a file
  /// that cannot be used, data that does not fit the network). `--help` still prints its page.
  ///
  /// ArgumentParser's own `main()` would print usage lines after a parse error and exit 64.
  static func main() {
    var command: ParsableCommand
    do {
      command = try parseAsRoot()
    } catch {
      let code = exitCode(for: error)
      // --help, --version and the like: ArgumentParser prints them and exits 0.
      if code == .success { exit(withError: error) }
      reportFailure(message(for: error), usageOf: error, status: 2)
    }
    do {
      try command.run()
    } catch {
      // A subcommand's --help arrives here as an error whose exit code is 0.
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      if let exitCode = error as? ExitCode { Foundation.exit(exitCode.rawValue) }
      reportFailure(message(for: error), usageOf: nil, status: 1)
    }
  }

  /// Prints "Error: …" as one line (a hint to --help for usage errors) and exits.
  private static func reportFailure(_ message: String, usageOf error: Error?, status: Int32) -> Never {
    var line = "Error: " + message.trimmingCharacters(in: .whitespacesAndNewlines)
    if error != nil {
      let subcommand = CommandLine.arguments.dropFirst().first { name in
        configuration.subcommands.contains { $0.configuration.commandName == name }
      }
      line += " (see 'convnet\(subcommand.map { " " + $0 } ?? "") --help')"
    }
    printError(line)
    Foundation.exit(status)
  }
}

extension String {
  /// The text with control characters (newlines, escape sequences, NUL, DEL, C1 controls …)
  /// written as visible escapes (`\n`, `\u{1B}`), so that a name or value taken from a data file
  /// prints as one line and cannot move the cursor or recolour the terminal.
  var escapingControlCharacters: String {
    var escaped = ""
    escaped.reserveCapacity(utf8.count)
    for scalar in unicodeScalars {
      switch scalar {
      case "\n": escaped += "\\n"
      case "\r": escaped += "\\r"
      case "\t": escaped += "\\t"
      default:
        // Bidirectional overrides and isolates reorder the text that follows them.
        let isBidiControl = (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        if scalar.properties.generalCategory == .control || isBidiControl {
          escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
          escaped.unicodeScalars.append(scalar)
        }
      }
    }
    return escaped
  }
}
