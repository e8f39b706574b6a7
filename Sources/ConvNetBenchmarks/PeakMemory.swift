#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The peak resident set size of this process so far, in MiB (getrusage's `ru_maxrss`, which
/// Linux reports in KiB and macOS in bytes). Only meaningful when the process ran nothing but
/// the workload being measured, which is why `convnet bench` runs each workload in a fresh
/// child process.
public func peakResidentMiB() -> Double {
  var usage = rusage()
  #if canImport(Glibc)
    // Glibc imports RUSAGE_SELF as an enum case; getrusage takes its raw Int32.
    let who = __rusage_who_t(RUSAGE_SELF.rawValue)
  #else
    let who = RUSAGE_SELF
  #endif
  guard getrusage(who, &usage) == 0 else { return 0 }
  #if canImport(Darwin)
    return Double(usage.ru_maxrss) / 1024 / 1024
  #else
    return Double(usage.ru_maxrss) / 1024
  #endif
}
