import ArgumentParser
import ConvNet
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
      reportFailure(message(for: commandLineError(error)), usageOf: nil, status: 1)
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

/// The options that set the fields the library names in its errors (`SettingError.setting`,
/// `TrainingError.setting`: fields of `TrainingConfiguration`, `OptimizerChoice` and `DataSource`).
let flagOfSetting: [String: String] = [
  "architecture": "--arch", "epochs": "--epochs", "batchSize": "--batch-size", "optimizer": "--optimizer",
  "learningRate": "--lr", "momentum": "--momentum", "weightDecay": "--weight-decay", "schedule": "--schedule",
  "labelSmoothing": "--label-smoothing", "seed": "--seed", "maximumSteps": "--max-steps",
  "initialWeights": "--init-weights", "classCount": "--num-classes", "inputChannels": "--in-channels",
  "frozenPrefixes": "--freeze", "augmentation": "--augment", "normalization": "--normalize",
  "imageSize": "--image-size", "validationFraction": "--val-split",
  "maximumImagePixels": "--max-image-pixels",
  "channels": "--grayscale/--rgb", "path": "--data", "format": "--format",
]

/// What the command line adds after a setting's error: another option that helps.
private let hintOfSetting: [String: String] = [
  "normalization": "; use --normalize mnist or none (or --rgb for class folders)"
]

/// `error` as the command line says it: a library error about a setting names the option that
/// sets it ("--lr must be …" for "learning rate must be …"); other errors are unchanged.
func commandLineError(_ error: Error) -> Error {
  switch error {
  case let error as SettingError:
    guard let flag = flagOfSetting[error.setting] else { return error }
    return CLIError("\(flag) \(error.detail)\(hintOfSetting[error.setting] ?? "")")
  case let error as TrainingError:
    guard let setting = error.setting, let flag = flagOfSetting[setting] else { return error }
    let text = error.description.hasSuffix(".") ? String(error.description.dropLast()) : error.description
    return CLIError("\(text) (\(flag)).")
  default:
    return error
  }
}

/// Runs `body`, reporting a library error about a setting in terms of the command line's options.
func namingFlags<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch {
    throw commandLineError(error)
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
        let isBidiControl =
          (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
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
