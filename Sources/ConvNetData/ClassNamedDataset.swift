/// A dataset that knows the names of its classes, e.g. CIFAR-10's "airplane" … "truck" or the
/// sub-folder names of an image folder.
public protocol ClassNamedDataset: LabeledImageDataset {
  /// `classNames[k]` names label k; nil when the dataset came without names.
  var classNames: [String]? { get }
}

extension DatasetSubset: ClassNamedDataset where Base: ClassNamedDataset {
  public var classNames: [String]? { base.classNames }
}
