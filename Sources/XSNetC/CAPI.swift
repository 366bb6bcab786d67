import Foundation
import XSData
import XSModel

// The C API of xsnet (include/xsnet.h): open a model or ensemble file, predict d²σ/dΩdω for
// one point or a batch, read errors as return codes plus a message, close.

/// Return codes (mirrored in xsnet.h).
let XSNET_OK: Int32 = 0
let XSNET_ERROR_FILE: Int32 = 1
let XSNET_ERROR_UNPHYSICAL: Int32 = 2
let XSNET_ERROR_ARGUMENT: Int32 = 3

/// The last error message of the calling thread (errno-style, kept per thread).
func setLastError(_ message: String) {
    Thread.current.threadDictionary["xsnet.lastError"] = message
}

final class ModelHandle {
    let predictor: PointPredictor
    var message: [CChar] = [0]
    init(_ model: CrossSectionModel) { predictor = PointPredictor(model) }
}

@_cdecl("xsnet_open")
public func xsnet_open(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let path, let out else { setLastError("xsnet_open: null argument"); return XSNET_ERROR_ARGUMENT }
    out.pointee = nil
    do {
        let model = try CrossSectionModel.load(URL(fileURLWithPath: String(cString: path)))
        out.pointee = OpaquePointer(Unmanaged.passRetained(ModelHandle(model)).toOpaque())
        return XSNET_OK
    } catch {
        setLastError("\(String(cString: path)): \(error)")
        return XSNET_ERROR_FILE
    }
}

@_cdecl("xsnet_close")
public func xsnet_close(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

@_cdecl("xsnet_members")
public func xsnet_members(_ model: OpaquePointer?) -> Int32 {
    guard let model else { return 0 }
    return Int32(Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).takeUnretainedValue().predictor.model.networks.count)
}

@_cdecl("xsnet_predict")
public func xsnet_predict(
    _ model: OpaquePointer?, _ energy: Double, _ angle: Double, _ omega: Double,
    _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?
) -> Int32 {
    guard let model, let mean else { setLastError("xsnet_predict: null model or output pointer"); return XSNET_ERROR_ARGUMENT }
    if let why = Kinematics.unphysicalReason(beamEnergy: energy, angleDegrees: angle, energyTransfer: omega) {
        setLastError("xsnet_predict: unphysical point: \(why)")
        return XSNET_ERROR_UNPHYSICAL
    }
    let handle = Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).takeUnretainedValue()
    let r = handle.predictor.predict(beamEnergy: energy, angleDegrees: angle, energyTransfer: omega)
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

/// The batch calls: every point checked before any is predicted (the first unphysical one named),
/// then `CrossSectionModel.predict`, the outputs given written.
func predictPoints(
    _ call: String, _ model: OpaquePointer?, _ count: Int, _ energy: UnsafePointer<Double>?, _ angle: UnsafePointer<Double>?,
    _ omega: UnsafePointer<Double>?, _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?,
    _ p16: UnsafeMutablePointer<Double>?, _ p84: UnsafeMutablePointer<Double>?, _ extrapolation: UnsafeMutablePointer<Int32>?
) -> Int32 {
    guard let model, let energy, let angle, let omega, let mean else { setLastError("\(call): null argument"); return XSNET_ERROR_ARGUMENT }
    var points: [Kinematics] = []
    points.reserveCapacity(count)
    for i in 0..<count {
        if let why = Kinematics.unphysicalReason(beamEnergy: energy[i], angleDegrees: angle[i], energyTransfer: omega[i]) {
            setLastError("\(call): point \(i) is unphysical: \(why)")
            return XSNET_ERROR_UNPHYSICAL
        }
        points.append(Kinematics(beamEnergy: energy[i], angleDegrees: angle[i], energyTransfer: omega[i]))
    }
    let handle = Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).takeUnretainedValue()
    for (i, p) in handle.predictor.model.predict(points).enumerated() {
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
    guard let model else { return 0 }
    let m = Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).takeUnretainedValue().predictor.model
    return m.hasBand ? 1 : 0
}

/// The model's nucleus ("C12", …): valid until the handle is closed.
@_cdecl("xsnet_nucleus")
public func xsnet_nucleus(_ model: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let model else { setLastError("xsnet_nucleus: null model"); return nil }
    let handle = Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).takeUnretainedValue()
    handle.message = Array(handle.predictor.model.info.nucleus.utf8CString)
    return handle.message.withUnsafeBufferPointer { $0.baseAddress }
}

/// The calling thread's last error message; valid until that thread's next xsnet call.
@_cdecl("xsnet_last_error")
public func xsnet_last_error() -> UnsafePointer<CChar>? {
    let message = (Thread.current.threadDictionary["xsnet.lastError"] as? String) ?? ""
    let bytes = Array(message.utf8CString)
    let box = NSData(bytes: bytes, length: bytes.count)
    Thread.current.threadDictionary["xsnet.lastErrorBytes"] = box
    return box.bytes.assumingMemoryBound(to: CChar.self)
}
