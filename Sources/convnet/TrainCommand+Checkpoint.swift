import ArgumentParser
import ConvNet
import Foundation

/// `train`'s checkpoint, resume and Ctrl-C handling: checks and printing around `Checkpoint`,
/// `ResumePlan` and `InterruptRequest`, which hold the rules.
extension TrainCommand {
  /// Where checkpoints go (--save, else the --resume file), checked before any work starts;
  /// temporary files of saves that a killed run left there are removed.
  func prepareCheckpointDestination() throws -> URL? {
    if let saveEvery, saveEvery < 1 {
      throw CLIError("--save-every must be at least 1 step, got \(saveEvery)")
    }
    guard let path = save ?? resume else {
      if saveEvery != nil { throw CLIError("--save-every needs --save FILE: where to save") }
      return nil
    }
    guard isLeadProcess else { return nil }  // under mpirun, process 0 alone saves
    let url = URL(fileURLWithPath: path)
    do {
      let removed = try Checkpoint.prepareDestination(url)
      if !removed.isEmpty {
        printError(
          "removed \(removed.count) unfinished save\(removed.count == 1 ? "" : "s") of \(path) left by an earlier run"
        )
      }
    } catch {
      throw CLIError("\(save != nil ? "--save" : "--resume"): \(error)")
    }
    return url
  }

  /// SIGINT/SIGTERM finish the current step and save; a second one quits at once.
  func installInterruptHandler() -> InterruptRequest {
    InterruptRequest.install(
      notice: "\nstopping after this step\(save ?? resume != nil ? " and saving" : "") "
        + "(press Ctrl-C again to quit at once, keeping the last checkpoint)\n",
      exitNotice: "\nquit at once; the last complete checkpoint is kept\n")
  }

  /// Trains; a `TrainingInterrupted` becomes one line saying how to resume and exit status 130.
  func run() throws {
    do {
      try train()
    } catch let interruption as TrainingInterrupted {
      let progress = ProgressBar()  // ends the line the progress bar was drawing
      let position = interruption.state.positionDescription
      if let checkpoint = interruption.checkpoint {
        let path = save ?? resume ?? checkpoint.path  // as the user wrote it
        progress.finish("interrupted at \(position); saved \(path). Resume with: \(resumeCommand(path))")
      } else {
        progress.finish("interrupted at \(position); nothing was saved (no --save given)")
      }
      throw ExitCode(130)
    } catch {
      reportFailureOfOtherProcess(error)
      throw error
    }
  }

  /// This command line with `--resume PATH` (unless it already has one), quoted for a shell.
  func resumeCommand(_ path: String) -> String {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if !arguments.contains(where: { $0 == "--resume" || $0.hasPrefix("--resume=") }) {
      arguments += ["--resume", path]
    }
    return (distributedLauncher + ["convnet"] + arguments).map(shellQuoted).joined(separator: " ")
  }
}

/// `text` as one shell word: unchanged when it is plain, else in single quotes.
func shellQuoted(_ text: String) -> String {
  let plain = CharacterSet(
    charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%")
  if !text.isEmpty && text.unicodeScalars.allSatisfy(plain.contains) { return text }
  return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
