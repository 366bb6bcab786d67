import Foundation
import XSCore
import XSData
import XSModel

// The C API of xsnet (include/xsnet.h): open a model or ensemble file, predict d²σ/dΩdω for
// one point or a batch, read errors as return codes plus a message, close.

/// Return codes (mirrored in xsnet.h).
let XSNET_OK: Int32 = 0
let XSNET_ERROR_FILE: Int32 = 1
let XSNET_ERROR_UNPHYSICAL: Int32 = 2
let XSNET_ERROR_ARGUMENT: Int32 = 3
let XSNET_ERROR_NUMERIC: Int32 = 4

/// The last error message of the calling thread (errno-style), one line of at most 400
/// characters, kept as a C string in POSIX thread-local storage (`pthread_key_create`; freed
/// when the thread ends). The pointer `xsnet_last_error` returns stays valid however often it is
/// called, until the thread's next failing xsnet call replaces the message.
enum LastError {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    static func set(_ message: String) {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, strdup(message.oneLine(limit: 400)))
        free(previous)
    }

    static var current: UnsafePointer<CChar> {
        if pthread_getspecific(key) == nil { set("") }
        return UnsafePointer(pthread_getspecific(key)!.assumingMemoryBound(to: CChar.self))
    }
}

func setLastError(_ message: String) { LastError.set(message) }

final class ModelHandle {
    let predictor: PointPredictor
    var message: [CChar] = [0]
    init(_ model: CrossSectionModel) { predictor = PointPredictor(model) }
}

/// The open handles of one kind. A pointer is dereferenced only while it is registered here, so a
/// closed, never-opened, garbage or other-kind handle is an error (XSNET_ERROR_ARGUMENT) instead of
/// a read of freed memory. (A new handle may reuse a closed one's address; that pointer then names
/// the new object.)
final class HandleRegistry<Handle: AnyObject>: @unchecked Sendable {
    private var open = Set<UnsafeMutableRawPointer>()
    private let lock = NSLock()
    /// "model" and "xsnet_open", for the messages.
    let noun: String
    let opener: String

    init(noun: String, opener: String) {
        self.noun = noun
        self.opener = opener
    }

    func register(_ handle: Handle) -> OpaquePointer {
        let pointer = Unmanaged.passRetained(handle).toOpaque()
        lock.withLock { _ = open.insert(pointer) }
        return OpaquePointer(pointer)
    }

    /// The handle behind `pointer`, or nil (with the last error set) when it is not an open one.
    func handle(_ pointer: OpaquePointer?, _ call: String) -> Handle? {
        guard let pointer else { setLastError("\(call): null \(noun)"); return nil }
        let raw = UnsafeMutableRawPointer(pointer)
        let handle: Handle? = lock.withLock { open.contains(raw) ? Unmanaged<Handle>.fromOpaque(raw).takeUnretainedValue() : nil }
        if handle == nil { setLastError("\(call): not an open \(noun) (closed already, or never returned by \(opener))") }
        return handle
    }

    /// Unregisters and releases; NULL is ignored; a handle closed already is ignored with the last
    /// error set (closing twice must not free twice).
    func close(_ pointer: OpaquePointer?, _ call: String) {
        guard let pointer else { return }
        let raw = UnsafeMutableRawPointer(pointer)
        guard lock.withLock({ open.remove(raw) }) != nil else {
            setLastError("\(call): not an open \(noun) (closed already?)")
            return
        }
        Unmanaged<Handle>.fromOpaque(raw).release()
    }
}

let OpenHandles = HandleRegistry<ModelHandle>(noun: "model", opener: "xsnet_open")

@_cdecl("xsnet_open")
public func xsnet_open(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    open(path, nucleus: nil, out, "xsnet_open")
}

@_cdecl("xsnet_open_nucleus")
public func xsnet_open_nucleus(
    _ path: UnsafePointer<CChar>?, _ name: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guard let name else { setLastError("xsnet_open_nucleus: null argument"); out?.pointee = nil; return XSNET_ERROR_ARGUMENT }
    guard let nucleus = Nucleus(name: String(cString: name)), nucleus.A >= nucleus.Z else {
        setLastError("xsnet_open_nucleus: `\(String(cString: name).oneLine(limit: 40))` is not a nucleus (Ar40, 40Ar, Fe-56, …)")
        out?.pointee = nil
        return XSNET_ERROR_ARGUMENT
    }
    return open(path, nucleus: nucleus, out, "xsnet_open_nucleus")
}

/// Opens the file at `path`, bound to `nucleus` when one is given (`CrossSectionModel.bound(to:)`).
func open(_ path: UnsafePointer<CChar>?, nucleus: Nucleus?, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ call: String) -> Int32 {
    guard let path, let out else { setLastError("\(call): null argument"); return XSNET_ERROR_ARGUMENT }
    out.pointee = nil
    let model: CrossSectionModel
    do { model = try CrossSectionModel.load(URL(fileURLWithPath: String(cString: path))) } catch {
        setLastError("\(String(cString: path)): \(error)")
        return XSNET_ERROR_FILE
    }
    guard let nucleus else {
        if model.info.isAnyTarget {
            setLastError("\(String(cString: path)): \(PredictionError.nucleusNeeded)")
            return XSNET_ERROR_ARGUMENT
        }
        out.pointee = OpenHandles.register(ModelHandle(model))
        return XSNET_OK
    }
    do { out.pointee = OpenHandles.register(ModelHandle(try model.bound(to: nucleus))) } catch {
        setLastError("\(String(cString: path)): \(error)")
        return XSNET_ERROR_ARGUMENT
    }
    return XSNET_OK
}

/// Closes an open model (`HandleRegistry.close`).
@_cdecl("xsnet_close")
public func xsnet_close(_ model: OpaquePointer?) { OpenHandles.close(model, "xsnet_close") }

/// The number of networks, or 0 (with the last error set) for a NULL or closed handle.
@_cdecl("xsnet_members")
public func xsnet_members(_ model: OpaquePointer?) -> Int32 {
    guard let handle = OpenHandles.handle(model, "xsnet_members") else { return 0 }
    return Int32(handle.predictor.model.networks.count)
}

@_cdecl("xsnet_predict")
public func xsnet_predict(
    _ model: OpaquePointer?, _ energy: Double, _ angle: Double, _ omega: Double,
    _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?
) -> Int32 {
    guard let mean else { setLastError("xsnet_predict: null output pointer"); return XSNET_ERROR_ARGUMENT }
    guard let handle = OpenHandles.handle(model, "xsnet_predict") else { return XSNET_ERROR_ARGUMENT }
    if let why = Kinematics.unphysicalReason(beamEnergy: energy, angleDegrees: angle, energyTransfer: omega) {
        setLastError("xsnet_predict: unphysical point: \(why)")
        return XSNET_ERROR_UNPHYSICAL
    }
    let r = handle.predictor.predict(beamEnergy: energy, angleDegrees: angle, energyTransfer: omega)
    guard r.mean.isFinite && r.standardDeviation.isFinite else {
        let k = Kinematics(beamEnergy: energy, angleDegrees: angle, energyTransfer: omega)
        setLastError("xsnet_predict: " + PredictionError.nonFinite(index: 0, point: k, mean: r.mean).description)
        return XSNET_ERROR_NUMERIC
    }
    mean.pointee = r.mean
    sd?.pointee = r.standardDeviation
    return XSNET_OK
}

@_cdecl("xsnet_predict_batch")
public func xsnet_predict_batch(
    _ model: OpaquePointer?, _ count: Int, _ energy: UnsafePointer<Double>?, _ angle: UnsafePointer<Double>?,
    _ omega: UnsafePointer<Double>?, _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?
) -> Int32 {
    predictPoints("xsnet_predict_batch", model, count, energy, angle, omega, mean, sd, nil, nil, nil)
}

/// n points with the whole band, as `xsnet predict` reports it: mean, standard deviation, 16th and
/// 84th percentiles over the members or Monte-Carlo passes (calibrated), and whether each point lies
/// outside the training data's kinematic box (1) or inside (0). Any output but `mean` may be NULL.
/// A model without a band (one network) gives sd 0 and p16 = p84 = mean: `xsnet_has_band` says which.
@_cdecl("xsnet_predict_band")
public func xsnet_predict_band(
    _ model: OpaquePointer?, _ count: Int, _ energy: UnsafePointer<Double>?, _ angle: UnsafePointer<Double>?,
    _ omega: UnsafePointer<Double>?, _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?,
    _ p16: UnsafeMutablePointer<Double>?, _ p84: UnsafeMutablePointer<Double>?, _ extrapolation: UnsafeMutablePointer<Int32>?
) -> Int32 {
    predictPoints("xsnet_predict_band", model, count, energy, angle, omega, mean, sd, p16, p84, extrapolation)
}

/// The batch calls: the count bounded (`CrossSectionModel.checkPointCount`; a negative size_t such
/// as SIZE_MAX is refused), every point checked before any is predicted (the first unphysical one
/// named), then `CrossSectionModel.checkedPredictions`; outputs are written only when every
/// prediction is finite.
func predictPoints(
    _ call: String, _ model: OpaquePointer?, _ count: Int, _ energy: UnsafePointer<Double>?, _ angle: UnsafePointer<Double>?,
    _ omega: UnsafePointer<Double>?, _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?,
    _ p16: UnsafeMutablePointer<Double>?, _ p84: UnsafeMutablePointer<Double>?, _ extrapolation: UnsafeMutablePointer<Int32>?
) -> Int32 {
    guard let energy, let angle, let omega, let mean else { setLastError("\(call): null argument"); return XSNET_ERROR_ARGUMENT }
    guard let handle = OpenHandles.handle(model, call) else { return XSNET_ERROR_ARGUMENT }
    do { try handle.predictor.model.checkPointCount(count) } catch {
        setLastError("\(call): n = \(UInt(bitPattern: count)): \(error)")
        return XSNET_ERROR_ARGUMENT
    }
    var points: [Kinematics] = []
    points.reserveCapacity(count)
    for i in 0..<count {
        if let why = Kinematics.unphysicalReason(beamEnergy: energy[i], angleDegrees: angle[i], energyTransfer: omega[i]) {
            setLastError("\(call): point \(i) is unphysical: \(why)")
            return XSNET_ERROR_UNPHYSICAL
        }
        points.append(Kinematics(beamEnergy: energy[i], angleDegrees: angle[i], energyTransfer: omega[i]))
    }
    let predictions: [CrossSectionPrediction]
    do { predictions = try handle.predictor.model.checkedPredictions(points) } catch {
        setLastError("\(call): \(error)")
        return XSNET_ERROR_NUMERIC
    }
    for (i, p) in predictions.enumerated() {
        mean[i] = p.mean
        sd?[i] = p.standardDeviation
        p16?[i] = p.percentile16
        p84?[i] = p.percentile84
        extrapolation?[i] = p.extrapolation ? 1 : 0
    }
    return XSNET_OK
}

/// 1 when the model has a band (an ensemble, or Monte-Carlo dropout), 0 for one network.
@_cdecl("xsnet_has_band")
public func xsnet_has_band(_ model: OpaquePointer?) -> Int32 {
    guard let handle = OpenHandles.handle(model, "xsnet_has_band") else { return 0 }
    return handle.predictor.model.hasBand ? 1 : 0
}

/// The model's nucleus ("C12", …): valid until the handle is closed.
@_cdecl("xsnet_nucleus")
public func xsnet_nucleus(_ model: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let handle = OpenHandles.handle(model, "xsnet_nucleus") else { return nil }
    handle.message = Array(handle.predictor.model.info.nucleus.utf8CString)
    return handle.message.withUnsafeBufferPointer { $0.baseAddress }
}

/// The calling thread's last error message ("" if none): valid until that thread's next failing
/// xsnet call (reading it again returns the same bytes).
@_cdecl("xsnet_last_error")
public func xsnet_last_error() -> UnsafePointer<CChar>? { LastError.current }
