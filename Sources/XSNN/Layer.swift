import XSCore

/// How a forward pass behaves.
public enum LayerMode: Equatable, Sendable {
    /// Batch-norm uses batch statistics (and updates its running ones); dropout is on.
    case training
    /// Batch-norm uses running statistics; dropout is off. Deterministic prediction.
    case evaluation
    /// Monte-Carlo dropout (Gal & Ghahramani 2016): as evaluation, but dropout stays on, with a
    /// fresh mask for every element from the layer's generator (what training's λ fits use).
    case monteCarloDropout
    /// Pass `pass` of Monte-Carlo prediction: as evaluation, but every dropout layer applies one
    /// fixed mask, the same for every row, drawn from the layer's pass key and the pass number
    /// alone (the same in training and after the model is read back from its file). Each pass is then one "thinned" network (Srivastava et al. 2014), so a point's
    /// prediction does not depend on the other points in the batch, on the call order or on how
    /// often the model was asked before, and each pass is a smooth function of the kinematics.
    case monteCarloPass(Int)
}

/// A layer of the engine: an explicit forward that saves what backward needs, and a backward
/// that accumulates parameter gradients (`+=`) and returns the gradient of its input.
///
/// Shapes: input (B, inputFeatures), output (B, outputFeatures); B ≤ the reserved capacity.
/// The returned matrices are owned by the layer and overwritten by its next call.
public protocol Layer: AnyObject {
    var inputFeatures: Int { get }
    var outputFeatures: Int { get }
    /// The trainable tensors this layer owns, in the order they are laid out in the store.
    var parameterLayout: [(name: String, count: Int, decays: Bool)] { get }
    /// Points the layer at its slice of the parameter store (values and gradients).
    func bind(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>)
    /// Allocates activation buffers for batches of up to `batchCapacity` rows.
    func reserve(batchCapacity: Int)
    func initialize(using rng: inout SeededGenerator)
    func forward(_ input: Matrix, mode: LayerMode) -> Matrix
    /// `dOutput` (B, outputFeatures) → dInput (B, inputFeatures). Must follow a forward on the same batch.
    func backward(_ dOutput: Matrix) -> Matrix
    /// Non-trainable state saved with the model (batch-norm running statistics).
    var stateBuffers: [(name: String, values: [Float])] { get }
    func setStateBuffer(named name: String, values: [Float]) throws
    /// A frozen layer keeps its statistics (batch norm uses and keeps its running ones).
    var frozen: Bool { get set }
}

extension Layer {
    public var parameterLayout: [(name: String, count: Int, decays: Bool)] { [] }
    public func bind(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
    public func initialize(using rng: inout SeededGenerator) {}
    public var stateBuffers: [(name: String, values: [Float])] { [] }
    public func setStateBuffer(named name: String, values: [Float]) throws {
        throw ModelFileError.mismatch("layer has no state buffer `\(name)`")
    }
}
