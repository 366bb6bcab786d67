import COpenBLAS

/// The BLAS calls the engine makes, through OpenBLAS's CBLAS interface. Threads are an explicit
/// setting (`BLAS.threads`), never left to an environment variable nobody sees.
public enum BLAS {
    /// The number of threads OpenBLAS uses for every call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS's build configuration (kernel, threading), for benchmark reports.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The kernel family OpenBLAS chose for this CPU when it loaded (`Haswell`, `Zen`, `SkylakeX`,
    /// …; `OPENBLAS_CORETYPE` overrides it). The matrix products' sums, and so the trained weights,
    /// depend on it: the same seed and threads give the same network only with the same kernel
    /// (docs/engine.md).
    public static var kernel: String { String(cString: openblas_get_corename()) }

    /// C ← α op(A) op(B) + β C, all row-major Float32.
    /// op(A) is (m × k), op(B) is (k × n), C is (m × n); lda/ldb/ldc are the row strides as stored.
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
