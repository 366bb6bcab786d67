/// A row-major Float32 matrix over one buffer allocated once for a row capacity.
///
/// Reference type on purpose: activations and gradients are owned by their layer and reused
/// every step (llm.c's "one owner for all memory"); a value type would copy on write in the hot
/// loop. `rows` may change up to `capacity` (the last, smaller batch of an epoch) without any
/// allocation; asking for more rows than the capacity is a programmer error.
public final class Matrix {
    public private(set) var rows: Int
    public let columns: Int
    public let capacity: Int
    public let data: UnsafeMutablePointer<Float>

    public init(rows: Int, columns: Int, capacity: Int? = nil) {
        precondition(rows >= 0 && columns > 0, "Matrix needs rows ≥ 0 and columns > 0")
        self.rows = rows
        self.columns = columns
        self.capacity = max(capacity ?? rows, rows, 1)
        data = .allocate(capacity: self.capacity * columns)
        data.initialize(repeating: 0, count: self.capacity * columns)
    }

    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "Matrix(rows:columns:values:) needs rows × columns values")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { data.deallocate() }

    /// Uses the first `rows` rows of the buffer (no allocation).
    @inline(__always)
    public func setRows(_ rows: Int) {
        precondition(rows >= 0 && rows <= capacity, "batch of \(rows) rows exceeds the capacity \(capacity) reserved for it")
        self.rows = rows
    }

    public var count: Int { rows * columns }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Float {
        get { data[row * columns + column] }
        set { data[row * columns + column] = newValue }
    }

    /// The active elements as an array (tests, file output).
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: rows * columns)) }

    public func row(_ r: Int) -> UnsafeMutablePointer<Float> { data + r * columns }
}
