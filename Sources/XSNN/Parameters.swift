/// One named tensor of trainable parameters inside a `ParameterStore`.
public struct ParameterView: Sendable, Hashable {
    public var name: String
    public var offset: Int
    public var count: Int
    /// Decoupled weight decay applies to weight matrices only, not to biases or batch-norm γ, β.
    public var decays: Bool
}

/// All trainable parameters of a network and their gradients in two flat blocks with named
/// views (llm.c's layout): zeroing gradients, the optimizer step, clipping and save/load are flat
/// loops over `values` and `gradients`.
public final class ParameterStore {
    public let count: Int
    public let values: UnsafeMutablePointer<Float>
    public let gradients: UnsafeMutablePointer<Float>
    public let views: [ParameterView]

    /// Lays out tensors of the given names and sizes contiguously, in order.
    public init(_ tensors: [(name: String, count: Int, decays: Bool)]) {
        var offset = 0
        var views: [ParameterView] = []
        for t in tensors {
            views.append(ParameterView(name: t.name, offset: offset, count: t.count, decays: t.decays))
            offset += t.count
        }
        self.views = views
        count = offset
        values = .allocate(capacity: max(count, 1))
        values.initialize(repeating: 0, count: max(count, 1))
        gradients = .allocate(capacity: max(count, 1))
        gradients.initialize(repeating: 0, count: max(count, 1))
    }

    deinit {
        values.deallocate()
        gradients.deallocate()
    }

    public func view(named name: String) -> ParameterView? { views.first { $0.name == name } }

    public func zeroGradients() { gradients.update(repeating: 0, count: count) }

    public func valueArray(_ v: ParameterView) -> [Float] { Array(UnsafeBufferPointer(start: values + v.offset, count: v.count)) }

    public func setValues(_ v: ParameterView, _ array: [Float]) {
        precondition(array.count == v.count, "tensor \(v.name) holds \(v.count) values, got \(array.count)")
        array.withUnsafeBufferPointer { (values + v.offset).update(from: $0.baseAddress!, count: v.count) }
    }

    /// All values as one array (save, compare).
    public var allValues: [Float] { Array(UnsafeBufferPointer(start: values, count: count)) }
}

/// A contiguous range of parameters that an optimizer updates (one trainable tensor of a
/// network) with its weight decay: weight matrices decay, biases and batch-norm γ, β do not.
public struct ParameterGroup {
    public var values: UnsafeMutablePointer<Float>
    public var gradients: UnsafeMutablePointer<Float>
    public var count: Int
    public var weightDecay: Float

    public init(values: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, count: Int, weightDecay: Float = 0) {
        self.values = values
        self.gradients = gradients
        self.count = count
        self.weightDecay = weightDecay
    }
}
