// Stands in for the `Bundle.module` accessor SwiftPM generates for ConvNetData's resources,
// which the fuzz build (plain swiftc, no resource bundle) does not have. No target reads the
// embedded MNIST copy.
import Foundation

extension Foundation.Bundle {
  static let module: Bundle = Bundle.main
}
