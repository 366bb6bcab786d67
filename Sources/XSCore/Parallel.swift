import Foundation

/// `(0..<count).map(body)` on every core: each index writes only its own slot of the result, so
/// the order of execution cannot change it.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let slots = buffer
        DispatchQueue.concurrentPerform(iterations: count) { i in slots[i] = body(i) }
    }
    return results.map { $0! }
}
