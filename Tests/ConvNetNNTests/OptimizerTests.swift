import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// Expected values are worked out by hand in the comments (PyTorch's documented update rules).
/// The Adam and RMSprop values were cross-checked with this float64 NumPy transcription of
/// PyTorch's `_single_tensor_adam` / `_single_tensor_rmsprop`:
///
///     def adam(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decoupled=0.0, ams=False):
///         p = np.array(p, dtype=np.float64); m = np.zeros_like(p); v = np.zeros_like(p)
///         vm = np.zeros_like(p); out = []
///         for t, g in enumerate(grads, 1):
///             g = np.array(g, dtype=np.float64)
///             p = p * (1 - lr * decoupled); g = g + wd * p
///             m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g; vv = v
///             if ams: vm = np.maximum(vm, v); vv = vm
///             p = p - lr / (1 - b1**t) * m / (np.sqrt(vv) / np.sqrt(1 - b2**t) + eps)
///             out.append(p.copy())
///         return out
///     def rms(p, grads, lr, a, eps=1e-8, wd=0, mu=0, centered=False):
///         p = np.array(p, dtype=np.float64); v = np.zeros_like(p); ga = np.zeros_like(p)
///         b = np.zeros_like(p); out = []
///         for g in grads:
///             g = np.array(g, dtype=np.float64) + wd * p
///             v = a * v + (1 - a) * g * g; s = v
///             if centered: ga = a * ga + (1 - a) * g; s = v - ga * ga
///             n = g / (np.sqrt(s) + eps)
///             if mu > 0: b = mu * b + n; p = p - lr * b
///             else: p = p - lr * n
///             out.append(p.copy())
///         return out
final class OptimizerTests: XCTestCase {
  /// A trainable parameter holding `values` (shape [values.count]).
  private func parameter(_ values: [Float]) -> Variable {
    Variable(Tensor(shape: [values.count], scalars: values), requiresGrad: true)
  }

  /// Sets each parameter's gradient and takes one step.
  private func step(_ optimizer: Optimizer, _ parameters: [Variable], gradients: [[Float]]) {
    for (parameter, gradient) in zip(parameters, gradients) {
      parameter.grad = Tensor(shape: parameter.shape, scalars: gradient)
    }
    optimizer.step()
  }

  // MARK: SGD

  func testSGDPlainStepsAgainstTheGradient() {
    let p = parameter([1, -2])
    let sgd = SGD(parameters: [p], learningRate: 0.1)
    // p − 0.1·[0.5, 1] = [1 − 0.05, −2 − 0.1] = [0.95, −2.1]
    step(sgd, [p], gradients: [[0.5, 1]])
    assertClose(p.value.scalars, [0.95, -2.1])
    // [0.95 − 0.05, −2.1 − 0.1] = [0.9, −2.2]
    step(sgd, [p], gradients: [[0.5, 1]])
    assertClose(p.value.scalars, [0.9, -2.2])
    XCTAssertTrue(sgd.stateTensors().isEmpty, "plain SGD keeps no state")
  }

  func testSGDMomentumStartsTheBufferAtTheGradient() {
    let p = parameter([1])
    let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
    // t=1: b = g = 1;               p = 1 − 0.1·1 = 0.9
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [0.9])
    // t=2: b = 0.9·1 + 1 = 1.9;     p = 0.9 − 0.19 = 0.71
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [0.71])
    // t=3: b = 0.9·1.9 + 1 = 2.71;  p = 0.71 − 0.271 = 0.439
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [0.439])
    assertClose(sgd.stateTensors()["0.momentum_buffer"]?.scalars ?? [], [2.71])
  }

  func testSGDNesterovLooksAheadAlongTheBuffer() {
    let p = parameter([1])
    let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true)
    // t=1: b = 1;                 u = g + 0.9·b = 1.9;   p = 1 − 0.19 = 0.81
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [0.81])
    // t=2: b = 0.9·1 + 1 = 1.9;   u = 1 + 0.9·1.9 = 2.71; p = 0.81 − 0.271 = 0.539
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [0.539])
  }

  func testSGDWeightDecayAndDampening() {
    let p = parameter([2])
    let sgd = SGD(
      parameters: [p], learningRate: 0.1, momentum: 0.5, dampening: 0.5, weightDecay: 0.1)
    // t=1: d = 1 + 0.1·2 = 1.2;          b = d = 1.2 (no dampening on the first step)
    //      p = 2 − 0.1·1.2 = 1.88
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [1.88])
    // t=2: d = 1 + 0.1·1.88 = 1.188;     b = 0.5·1.2 + 0.5·1.188 = 0.6 + 0.594 = 1.194
    //      p = 1.88 − 0.1194 = 1.7606
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [1.7606])
    // t=3: d = 1 + 0.17606 = 1.17606;    b = 0.5·1.194 + 0.5·1.17606 = 0.597 + 0.58803 = 1.18503
    //      p = 1.7606 − 0.118503 = 1.642097
    step(sgd, [p], gradients: [[1]])
    assertClose(p.value.scalars, [1.642097])
  }

  // MARK: Adam, AdamW

  func testAdamBiasCorrectionOverTwoSteps() {
    let p = parameter([1, 2])
    let adam = Adam(parameters: [p], learningRate: 0.1)
    // t=1, g = [0.5, −2]: m = 0.1·g, v = 0.001·g², m̂ = m/0.1 = g, v̂ = v/0.001 = g²,
    //   so p −= 0.1·g/(|g| + 1e-8) ≈ 0.1·sign(g):  p = [0.9, 2.1]
    step(adam, [p], gradients: [[0.5, -2]])
    assertClose(p.value.scalars, [0.9, 2.1])
    // t=2, element 0, g = 1:
    //   m = 0.9·0.05 + 0.1·1 = 0.145;  v = 0.999·0.00025 + 0.001·1 = 0.00124975
    //   m̂ = 0.145/(1 − 0.9²) = 0.145/0.19 = 0.7631579
    //   v̂ = 0.00124975/(1 − 0.999²) = 0.00124975/0.001999 = 0.6251876;  √v̂ = 0.7906881
    //   p = 0.9 − 0.1·0.7631579/0.7906881 = 0.9 − 0.0965182 = 0.8034818
    // element 1, constant g = −2: m̂ = −2, v̂ = 4 exactly, so again p += 0.1: p = 2.2
    step(adam, [p], gradients: [[1, -2]])
    assertClose(p.value.scalars, [0.8034818, 2.2])
    let state = adam.stateTensors()
    XCTAssertEqual(Set(state.keys), ["0.step", "0.exp_avg", "0.exp_avg_sq"])
    XCTAssertEqual(state["0.step"]?.scalar, 2)
    // exp_avg[1] = 0.9·(−0.2) + 0.1·(−2) = −0.38; exp_avg_sq[1] = 0.999·0.004 + 0.001·4 = 0.007996
    assertClose(state["0.exp_avg"]?.scalars ?? [], [0.145, -0.38])
    assertClose(state["0.exp_avg_sq"]?.scalars ?? [], [0.00124975, 0.007996])
  }

  func testAdamWeightDecayIsAnL2PenaltyThroughTheMoments() {
    let p = parameter([1])
    let adam = Adam(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
    // t=1: g = 0 + 0.5·1 = 0.5 → first step ≈ 0.1·sign(g): p = 0.9
    step(adam, [p], gradients: [[0]])
    assertClose(p.value.scalars, [0.9])
    // t=2: g = 0.5·0.9 = 0.45;  m = 0.9·0.05 + 0.1·0.45 = 0.09
    //      v = 0.999·0.00025 + 0.001·0.2025 = 0.00045225
    //      m̂ = 0.09/0.19 = 0.4736842;  v̂ = 0.00045225/0.001999 = 0.2262381, √v̂ = 0.4756449
    //      p = 0.9 − 0.1·0.4736842/0.4756449 = 0.9 − 0.0995878 = 0.8004122
    step(adam, [p], gradients: [[0]])
    assertClose(p.value.scalars, [0.8004122])
  }

  func testAdamAMSGradUsesTheLargestSecondMoment() {
    // β2 = 0.5 so that v shrinks on step 2 and the maximum matters; lr = 1, p = 0.
    // t=1, g = 2: m = 0.2, v = 0.5·4 = 2 = v_max; m̂ = 0.2/0.1 = 2, v̂ = 2/0.5 = 4 → p = 0 − 2/2 = −1
    // t=2, g = 0: m = 0.18, v = 0.5·2 = 1, v_max = max(2, 1) = 2; m̂ = 0.18/0.19 = 0.9473684
    //   AMSGrad: v̂ = 2/(1 − 0.25) = 2.6666667, √ = 1.6329932; p = −1 − 0.9473684/1.6329932
    //            = −1 − 0.5801423 = −1.5801423
    //   plain:   v̂ = 1/0.75 = 1.3333333,   √ = 1.1547005; p = −1 − 0.8204451 = −1.8204451
    for (amsgrad, expected) in [(true, Float(-1.5801423)), (false, -1.8204451)] {
      let p = parameter([0])
      let adam = Adam(parameters: [p], learningRate: 1, beta2: 0.5, amsgrad: amsgrad)
      step(adam, [p], gradients: [[2]])
      assertClose(p.value.scalars, [-1], "amsgrad \(amsgrad)")
      step(adam, [p], gradients: [[0]])
      assertClose(p.value.scalars, [expected], "amsgrad \(amsgrad)")
      XCTAssertEqual(adam.stateTensors()["0.max_exp_avg_sq"]?.scalars, amsgrad ? [2] : nil)
    }
  }

  func testAdamWDecaysTheWeightsOutsideTheMoments() {
    let p = parameter([1])
    let adamW = AdamW(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
    // t=1: p = 1·(1 − 0.1·0.5) = 0.95; with constant g = 0.5, m̂ = 0.5 and v̂ = 0.25 on every
    //      step (the decay never enters the moments), so the Adam part is −0.1·0.5/0.5 = −0.1:
    //      p = 0.95 − 0.1 = 0.85
    step(adamW, [p], gradients: [[0.5]])
    assertClose(p.value.scalars, [0.85])
    // t=2: p = 0.85·0.95 − 0.1 = 0.8075 − 0.1 = 0.7075
    step(adamW, [p], gradients: [[0.5]])
    assertClose(p.value.scalars, [0.7075])
    XCTAssertEqual(AdamW(parameters: []).weightDecay, 0.01, "PyTorch's AdamW default")
  }

  // MARK: RMSprop

  func testRMSpropPlain() {
    let p = parameter([1])
    let rmsprop = RMSprop(parameters: [p], learningRate: 0.1, alpha: 0.75)
    // t=1: v = 0.25·2² = 1;             p = 1 − 0.1·2/(1 + 1e-8) = 0.8
    step(rmsprop, [p], gradients: [[2]])
    assertClose(p.value.scalars, [0.8])
    // t=2: v = 0.75·1 + 0.25·4 = 1.75;  √v = 1.3228757;  p = 0.8 − 0.2/1.3228757 = 0.6488142
    step(rmsprop, [p], gradients: [[2]])
    assertClose(p.value.scalars, [0.6488142])
  }

  func testRMSpropDefaultsArePyTorchs() {
    let p = parameter([1])
    let rmsprop = RMSprop(parameters: [p])
    // lr 0.01, α 0.99: v = 0.01·1² = 0.01, √v = 0.1;  p = 1 − 0.01·1/0.1 = 0.9
    step(rmsprop, [p], gradients: [[1]])
    assertClose(p.value.scalars, [0.9])
    XCTAssertEqual(rmsprop.epsilon, 1e-8)
  }

  func testRMSpropCenteredWithMomentum() {
    let p = parameter([1])
    let rmsprop = RMSprop(
      parameters: [p], learningRate: 0.1, alpha: 0.75, momentum: 0.5, centered: true)
    // t=1: v = 0.25·4 = 1;  ḡ = 0.25·2 = 0.5;  s = 1 − 0.25 = 0.75, √s = 0.8660254
    //      b = 0 + 2/0.8660254 = 2.3094011;  p = 1 − 0.23094011 = 0.7690599
    step(rmsprop, [p], gradients: [[2]])
    assertClose(p.value.scalars, [0.7690599])
    // t=2: v = 0.75 + 1 = 1.75;  ḡ = 0.375 + 0.5 = 0.875;  s = 1.75 − 0.765625 = 0.984375
    //      √s = 0.9921567;  b = 0.5·2.3094011 + 2/0.9921567 = 1.1547005 + 2.0158105 = 3.1705111
    //      p = 0.7690599 − 0.3170511 = 0.4520088
    step(rmsprop, [p], gradients: [[2]])
    assertClose(p.value.scalars, [0.4520088])
    XCTAssertEqual(
      Set(rmsprop.stateTensors().keys), ["0.square_avg", "0.momentum_buffer", "0.grad_avg"])
  }

  // MARK: Frozen parameters, zeroGradients

  func testFrozenAndGradientlessParametersAreUntouched() {
    let optimizers: [(String, ([Variable]) -> Optimizer)] = [
      ("SGD", { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }),
      ("Adam", { Adam(parameters: $0, learningRate: 0.1) }),
      ("AdamW", { AdamW(parameters: $0, learningRate: 0.1) }),
      ("RMSprop", { RMSprop(parameters: $0, momentum: 0.9, centered: true) }),
    ]
    for (name, makeOptimizer) in optimizers {
      let frozen = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: false)
      frozen.grad = Tensor(shape: [2], scalars: [1, 1])  // present, but requiresGrad is false
      let noGradient = parameter([3, 4])
      let trained = parameter([5, 6])
      let optimizer = makeOptimizer([frozen, noGradient, trained])
      trained.grad = Tensor(shape: [2], scalars: [1, 1])
      optimizer.step()
      optimizer.step()
      XCTAssertEqual(frozen.value.scalars, [1, 2], name)
      XCTAssertEqual(noGradient.value.scalars, [3, 4], name)
      XCTAssertNotEqual(trained.value.scalars, [5, 6], name)
      XCTAssertTrue(
        optimizer.stateTensors().keys.allSatisfy { $0.hasPrefix("2.") },
        "\(name): state only for the trained parameter, got \(optimizer.stateTensors().keys)")
    }
  }

  func testAdamStepCountIsPerParameter() {
    let late = parameter([0])
    let early = parameter([0])
    let adam = Adam(parameters: [late, early], learningRate: 0.1)
    early.grad = Tensor(shape: [1], scalars: [1])
    adam.step()
    adam.step()
    // `late` gets its first gradient now: its own t = 1, so its first step is ≈ −0.1·sign(g),
    // as in PyTorch. (A shared t = 3 would give m = −0.4, v = 0.016, m̂ = −0.4/0.271 = −1.476,
    // v̂ = 0.016/0.002997 = 5.339, √v̂ = 2.311, p = 0.1·1.476/2.311 = 0.0639.)
    late.grad = Tensor(shape: [1], scalars: [-4])
    adam.step()
    assertClose(late.value.scalars, [0.1])
    XCTAssertEqual(adam.stateTensors()["0.step"]?.scalar, 1)
    XCTAssertEqual(adam.stateTensors()["1.step"]?.scalar, 3)
  }

  func testStepUpdatesParametersAndBuffersInPlace() {
    let p = parameter([1, 2, 3])
    let adam = Adam(parameters: [p], learningRate: 0.1, amsgrad: true)
    step(adam, [p], gradients: [[1, 1, 1]])
    let weights = p.value.storage.pointer
    step(adam, [p], gradients: [[1, 1, 1]])
    step(adam, [p], gradients: [[1, 1, 1]])
    XCTAssertEqual(p.value.storage.pointer, weights, "the parameter's storage is reused")
    // After a snapshot the next step must copy once (copy-on-write) and leave the snapshot intact.
    let snapshot = p.value
    step(adam, [p], gradients: [[1, 1, 1]])
    XCTAssertNotEqual(p.value.storage.pointer, snapshot.storage.pointer)
    XCTAssertNotEqual(p.value, snapshot)
  }

  func testZeroGradientsSetsGradientsToNil() {
    let p = parameter([1])
    let q = parameter([2])
    p.grad = Tensor(shape: [1], scalars: [1])
    let sgd = SGD(parameters: [p, q], learningRate: 0.1)
    sgd.zeroGradients()
    XCTAssertNil(p.grad)
    XCTAssertNil(q.grad)
    sgd.step()  // nothing to apply
    XCTAssertEqual(p.value.scalars, [1])
  }
}

// MARK: - Checkpoint state: save, restore, reject

extension OptimizerTests {
  /// Each optimiser in a configuration that uses every kind of state it has.
  private var stateful: [(String, ([Variable]) -> Optimizer)] {
    [
      ("SGD", { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) }),
      ("Adam", { Adam(parameters: $0, learningRate: 0.1, weightDecay: 0.1, amsgrad: true) }),
      ("AdamW", { AdamW(parameters: $0, learningRate: 0.1, amsgrad: true) }),
      ("RMSprop", { RMSprop(parameters: $0, momentum: 0.5, centered: true) }),
    ]
  }

  private func modelParameters() -> [Variable] {
    [
      Variable(Tensor(shape: [2, 2], scalars: [0.5, -1, 1.5, 2]), requiresGrad: true),
      Variable(Tensor(shape: [3], scalars: [0.1, 0.2, -0.3]), requiresGrad: true),
    ]
  }

  /// Different gradients per step so that every buffer takes a distinct value.
  private func gradients(step: Int) -> [[Float]] {
    let s = Float(step)
    return [[0.3 * s, -0.2, 1 - s, 0.05], [s, -s, 0.5 * s * s]]
  }

  func testRestoredOptimizerContinuesIdentically() {
    for (name, makeOptimizer) in stateful {
      let original = modelParameters()
      let optimizer = makeOptimizer(original)
      for t in 1...3 { step(optimizer, original, gradients: gradients(step: t)) }

      // A second model with the same weights; one optimiser restored from the state, one fresh.
      let restored = original.map { Variable($0.value, requiresGrad: true) }
      let restoredOptimizer = makeOptimizer(restored)
      XCTAssertNoThrow(try restoredOptimizer.loadState(optimizer.stateTensors()), name)
      let fresh = original.map { Variable($0.value, requiresGrad: true) }
      let freshOptimizer = makeOptimizer(fresh)

      for t in 4...5 {
        step(optimizer, original, gradients: gradients(step: t))
        step(restoredOptimizer, restored, gradients: gradients(step: t))
        step(freshOptimizer, fresh, gradients: gradients(step: t))
      }
      for (a, b) in zip(original, restored) {
        XCTAssertEqual(a.value, b.value, "\(name): restored optimiser diverged")
      }
      // The state matters: without it the same steps land elsewhere (so this test can fail).
      XCTAssertNotEqual(original[0].value, fresh[0].value, name)
      XCTAssertEqual(optimizer.stateTensors(), restoredOptimizer.stateTensors(), name)
    }
  }

  func testStateSnapshotIsNotChangedByLaterSteps() {
    let p = parameter([1])
    let adam = Adam(parameters: [p], learningRate: 0.1)
    step(adam, [p], gradients: [[1]])
    let snapshot = adam.stateTensors()
    // exp_avg after step 1 = 0.1·1 = 0.1; after step 2 it is 0.9·0.1 + 0.1·1 = 0.19 internally.
    step(adam, [p], gradients: [[1]])
    assertClose(snapshot["0.exp_avg"]?.scalars ?? [], [0.1])
    XCTAssertEqual(snapshot["0.step"]?.scalar, 1)
    assertClose(adam.stateTensors()["0.exp_avg"]?.scalars ?? [], [0.19])
  }

  func testLoadStateRejectsAWrongShapeNamingTheKey() {
    let p = parameter([1, 2])
    let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
    step(sgd, [p], gradients: [[1, 1]])
    let before = sgd.stateTensors()
    let wrong = ["0.momentum_buffer": Tensor(shape: [3], scalars: [1, 2, 3])]
    XCTAssertThrowsError(try sgd.loadState(wrong)) { error in
      XCTAssertEqual(
        error as? OptimizerStateError,
        .shapeMismatch(optimizer: "SGD", key: "0.momentum_buffer", expected: [2], actual: [3]))
      let message = String(describing: error)
      XCTAssertTrue(message.contains("'0.momentum_buffer' has shape [3], expected [2]"), message)
    }
    XCTAssertEqual(sgd.stateTensors(), before, "a rejected state must leave the state unchanged")
  }

  func testLoadStateRejectsUnknownMissingAndInvalidEntries() {
    let p = parameter([1, 2])
    let adamState: [String: Tensor] = [
      "0.step": Tensor(2), "0.exp_avg": .zeros([2]), "0.exp_avg_sq": .zeros([2]),
    ]
    func error(_ optimizer: Optimizer, _ state: [String: Tensor]) -> OptimizerStateError? {
      do {
        try optimizer.loadState(state)
        return nil
      } catch {
        return error as? OptimizerStateError
      }
    }
    let adam = Adam(parameters: [p])
    XCTAssertNil(error(adam, adamState), "a well-formed state loads")
    XCTAssertNil(error(adam, [:]), "an empty state (nothing stepped yet) loads")

    // Adam state into SGD: the first (sorted) unknown key is named.
    XCTAssertEqual(
      error(SGD(parameters: [p], momentum: 0.9), adamState),
      .unexpectedKey(
        optimizer: "SGD", key: "0.exp_avg", expectedNames: ["momentum_buffer"], parameterCount: 1))
    // A parameter index past the end, and a non-canonical index.
    var extra = adamState
    extra["1.step"] = Tensor(1)
    XCTAssertEqual(
      error(adam, extra),
      .unexpectedKey(
        optimizer: "Adam", key: "1.step", expectedNames: ["step", "exp_avg", "exp_avg_sq"],
        parameterCount: 1))
    XCTAssertNotNil(error(adam, ["+0.step": Tensor(1)]))
    // AMSGrad state into plain Adam and the other way round.
    var amsgradState = adamState
    amsgradState["0.max_exp_avg_sq"] = .zeros([2])
    if case .unexpectedKey(_, "0.max_exp_avg_sq", _, _)? = error(adam, amsgradState) {
    } else {
      XCTFail("max_exp_avg_sq should be unexpected for plain Adam")
    }
    XCTAssertEqual(
      error(Adam(parameters: [p], amsgrad: true), adamState),
      .missingKey(optimizer: "Adam", key: "0.max_exp_avg_sq"))
    // A partial parameter state.
    var partial = adamState
    partial["0.exp_avg_sq"] = nil
    XCTAssertEqual(error(adam, partial), .missingKey(optimizer: "Adam", key: "0.exp_avg_sq"))
    // Step counts must be rank-0 whole numbers.
    var badStep = adamState
    badStep["0.step"] = Tensor(1.5)
    XCTAssertEqual(
      error(adam, badStep), .invalidStepCount(optimizer: "Adam", key: "0.step", value: 1.5))
    badStep["0.step"] = Tensor(shape: [1], scalars: [2])
    XCTAssertEqual(
      error(adam, badStep),
      .shapeMismatch(optimizer: "Adam", key: "0.step", expected: [], actual: [1]))
  }
}
