import Foundation
import XSData
import XSModel
import XSNeutrino

// The neutrino part of the C API (include/xsnet.h): charged-current d²σ/dT_μ dcosθ_μ from a
// response-head electron model (or the Fermi gas), as `xsnet neutrino predict` computes it.

final class NeutrinoHandle {
    let model: ChargedCurrentModel
    /// The electron model's metadata, bound to the target (nil for the Fermi gas): where its
    /// training data reach (`ModelInfo.isResponseExtrapolation`).
    let electron: ModelInfo?
    init(_ model: ChargedCurrentModel, electron: ModelInfo?) {
        self.model = model
        self.electron = electron
    }
}

let OpenNeutrinoHandles = HandleRegistry<NeutrinoHandle>(noun: "neutrino model", opener: "xsnet_neutrino_open")

/// Opens a charged-current model: `electron_model` a response-head model file (NULL: the
/// relativistic Fermi gas of `nucleus`), `probe` the PDG code of the neutrino (14 ν_μ, −14 ν̄_μ),
/// `axial_mass` M_A in GeV, `grid_step` the reduced functions' grid step in |q| (0: 0.01 GeV).
/// Tabulating a 20-member model's reduced functions takes some 25 s at the default step.
@_cdecl("xsnet_neutrino_open")
public func xsnet_neutrino_open(
    _ electronModel: UnsafePointer<CChar>?, _ nucleus: UnsafePointer<CChar>?, _ probe: Int32, _ axialMass: Double, _ gridStep: Double,
    _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    openNeutrinoModel("xsnet_neutrino_open", electronModel, nucleus, probe, axialMass, gridStep, 0, out)
}

/// `xsnet_neutrino_open` with the quasielastic window of the learned reduced functions: f = 0
/// beyond ψ′ = `window` (0.5…3; 0 for the default 2), the assumption `xsnet neutrino compare`
/// reports as a contribution of its own (docs/neutrino.md).
@_cdecl("xsnet_neutrino_open_window")
public func xsnet_neutrino_open_window(
    _ electronModel: UnsafePointer<CChar>?, _ nucleus: UnsafePointer<CChar>?, _ probe: Int32, _ axialMass: Double, _ gridStep: Double,
    _ window: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    openNeutrinoModel("xsnet_neutrino_open_window", electronModel, nucleus, probe, axialMass, gridStep, window, out)
}

/// The two openers' work, errors named by `function`.
func openNeutrinoModel(
    _ function: String, _ electronModel: UnsafePointer<CChar>?, _ nucleus: UnsafePointer<CChar>?, _ probe: Int32, _ axialMass: Double,
    _ gridStep: Double, _ quasielasticWindow: Double, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guard let out, let nucleus else { setLastError("\(function): null argument"); return XSNET_ERROR_ARGUMENT }
    out.pointee = nil
    guard let target = Nucleus(name: String(cString: nucleus)) else {
        setLastError("\(function): unknown nucleus \(String(cString: nucleus).oneLine(limit: 40))")
        return XSNET_ERROR_ARGUMENT
    }
    guard probe == 14 || probe == -14 else {
        setLastError("\(function): probe \(probe) is not 14 (numu) or -14 (numubar)")
        return XSNET_ERROR_ARGUMENT
    }
    guard axialMass.isFinite, ReducedFunctionGrid.allowedAxialMasses.contains(axialMass) else {
        setLastError("\(function): axial mass \(axialMass) GeV is outside 0.3…3")
        return XSNET_ERROR_ARGUMENT
    }
    let step = gridStep == 0 ? 0.01 : gridStep
    guard step.isFinite, ReducedFunctionGrid.allowedSteps.contains(step) else {
        setLastError("\(function): grid step \(gridStep) GeV is outside 0.005…0.1 (or 0 for 0.01)")
        return XSNET_ERROR_ARGUMENT
    }
    let window = quasielasticWindow == 0 ? ReducedFunctionGrid.defaultQuasielasticWindow : quasielasticWindow
    guard window.isFinite, ReducedFunctionGrid.allowedQuasielasticWindows.contains(window) else {
        setLastError("\(function): quasielastic window \(quasielasticWindow) is outside 0.5…3 (or 0 for 2)")
        return XSNET_ERROR_ARGUMENT
    }
    let scaling = Superscaling(nucleus: target)
    do {
        let grid: ReducedFunctionGrid
        var electronInfo: ModelInfo? = nil
        if let electronModel, String(cString: electronModel) == ReducedFunctionGrid.fitName {
            do {
                grid = try ReducedFunctionGrid(
                    source: .bostedMamyan(removingPionProduction: true, quasielasticWindow: window), scaling: scaling, step: step)
            } catch let error as ReducedFunctionError {
                setLastError("\(function): \(error)")
                return XSNET_ERROR_ARGUMENT
            }
        } else if let electronModel {
            let path = String(cString: electronModel)
            let model: CrossSectionModel
            do { model = try CrossSectionModel.load(URL(fileURLWithPath: path)) } catch {
                setLastError("\(path): \(error)")
                return XSNET_ERROR_FILE
            }
            // A model of every nucleus is bound to the target (a model of one nucleus is refused by the grid for another).
            let electron = (try? model.bound(to: scaling.nucleus)) ?? model
            electronInfo = electron.info
            do {
                grid = try ReducedFunctionGrid(
                    source: .electronModel(electron, removingPionProduction: true, quasielasticWindow: window), scaling: scaling, step: step)
            } catch let
                error as ReducedFunctionError
            {
                setLastError("\(function): \(path) \(error)")
                return XSNET_ERROR_ARGUMENT
            }
        } else {
            grid = try ReducedFunctionGrid(source: .fermiGas, scaling: scaling, step: step)
        }
        let model = ChargedCurrentModel(probe: probe == 14 ? .numu : .numubar, scaling: scaling, reduced: grid, axialMass: axialMass)
        out.pointee = OpenNeutrinoHandles.register(NeutrinoHandle(model, electron: electronInfo))
        return XSNET_OK
    } catch {
        setLastError("\(function): \(error)")
        return XSNET_ERROR_NUMERIC
    }
}

/// Why (E_ν, T_μ, cos θ_μ) is no point to predict at, the muon's threshold aside; nil when it is one.
func neutrinoPointProblem(energy: Double, muonEnergy: Double, cosTheta: Double) -> String? {
    guard energy.isFinite, muonEnergy.isFinite, cosTheta.isFinite, energy > 0, energy <= ReducedFunctionGrid.extent, muonEnergy >= 0,
        abs(cosTheta) <= 1
    else { return "(E_nu=\(energy), T_mu=\(muonEnergy), cos=\(cosTheta)): needs 0 < E_nu ≤ 3 GeV, T_mu ≥ 0, |cos| ≤ 1" }
    return nil
}

/// d²σ/dT_μ dcosθ_μ per nucleus (cm²/GeV) at E_ν, T_μ (GeV) and cos θ_μ: the mean over the
/// electron model's members and their spread (`sd` may be NULL).
@_cdecl("xsnet_neutrino_predict")
public func xsnet_neutrino_predict(
    _ handle: OpaquePointer?, _ energy: Double, _ muonEnergy: Double, _ cosTheta: Double, _ mean: UnsafeMutablePointer<Double>?,
    _ sd: UnsafeMutablePointer<Double>?
) -> Int32 {
    guard let mean else { setLastError("xsnet_neutrino_predict: null output pointer"); return XSNET_ERROR_ARGUMENT }
    guard let h = OpenNeutrinoHandles.handle(handle, "xsnet_neutrino_predict") else { return XSNET_ERROR_ARGUMENT }
    let m = h.model.probe.outgoingMass
    if let why = neutrinoPointProblem(energy: energy, muonEnergy: muonEnergy, cosTheta: cosTheta) {
        setLastError("xsnet_neutrino_predict: unphysical point \(why)")
        return XSNET_ERROR_UNPHYSICAL
    }
    guard muonEnergy + m < energy else {
        setLastError(
            "xsnet_neutrino_predict: unphysical point (E_nu=\(energy), T_mu=\(muonEnergy), cos=\(cosTheta)): needs 0 < E_nu ≤ 3 GeV, T_mu + m_mu < E_nu, |cos| ≤ 1"
        )
        return XSNET_ERROR_UNPHYSICAL
    }
    let members = h.model.muonDistribution(energy: energy, muonKineticEnergy: muonEnergy, cosTheta: cosTheta)
    let average = members.reduce(0, +) / Double(members.count)
    let spread = sampleStandardDeviation(members)
    guard average.isFinite, spread.isFinite else {
        setLastError("xsnet_neutrino_predict: no finite value at E_nu=\(energy), T_mu=\(muonEnergy), cos=\(cosTheta)")
        return XSNET_ERROR_NUMERIC
    }
    mean.pointee = average
    sd?.pointee = spread
    return XSNET_OK
}

/// The most points one `xsnet_neutrino_predict_many` call takes (as `xsnet neutrino tabulate`).
let maximumNeutrinoPoints = 50_000_000

/// The error code of `call` for n points it cannot take, the last error set: more than
/// `maximumNeutrinoPoints`, or a point that is no point to predict at (the first one named); nil
/// when every point can be taken.
func neutrinoPointsProblem(
    _ call: String, _ count: Int, _ energy: UnsafePointer<Double>, _ muonEnergy: UnsafePointer<Double>, _ cosTheta: UnsafePointer<Double>
) -> Int32? {
    guard (0...maximumNeutrinoPoints).contains(count) else {
        setLastError("\(call): n = \(UInt(bitPattern: count)) points; at most \(maximumNeutrinoPoints) per call")
        return XSNET_ERROR_ARGUMENT
    }
    for i in 0..<count {
        if let why = neutrinoPointProblem(energy: energy[i], muonEnergy: muonEnergy[i], cosTheta: cosTheta[i]) {
            setLastError("\(call): point \(i) is unphysical \(why)")
            return XSNET_ERROR_UNPHYSICAL
        }
    }
    return nil
}

/// `xsnet_neutrino_predict` at n points at once, on every core: NaN (mean and sd) where no muon of
/// that energy can be made (T_μ + m_μ ≥ E_ν), as in `xsnet neutrino tabulate`; every point checked
/// before any is predicted (the first bad one named), outputs written only when all are finite.
@_cdecl("xsnet_neutrino_predict_many")
public func xsnet_neutrino_predict_many(
    _ handle: OpaquePointer?, _ count: Int, _ energy: UnsafePointer<Double>?, _ muonEnergy: UnsafePointer<Double>?,
    _ cosTheta: UnsafePointer<Double>?, _ mean: UnsafeMutablePointer<Double>?, _ sd: UnsafeMutablePointer<Double>?
) -> Int32 {
    let call = "xsnet_neutrino_predict_many"
    guard let energy, let muonEnergy, let cosTheta, let mean else { setLastError("\(call): null argument"); return XSNET_ERROR_ARGUMENT }
    guard let h = OpenNeutrinoHandles.handle(handle, call) else { return XSNET_ERROR_ARGUMENT }
    if let code = neutrinoPointsProblem(call, count, energy, muonEnergy, cosTheta) { return code }
    let E = Array(UnsafeBufferPointer(start: energy, count: count))
    let T = Array(UnsafeBufferPointer(start: muonEnergy, count: count))
    let c = Array(UnsafeBufferPointer(start: cosTheta, count: count))
    let values = h.model.muonDistributions(count: count) { (E[$0], T[$0], c[$0]) }
    let m = h.model.probe.outgoingMass
    for i in 0..<count where T[i] + m < E[i] && !(values.mean[i].isFinite && values.standardDeviation[i].isFinite) {
        setLastError("\(call): no finite value at point \(i) (E_nu=\(E[i]), T_mu=\(T[i]), cos=\(c[i]))")
        return XSNET_ERROR_NUMERIC
    }
    for i in 0..<count {
        mean[i] = values.mean[i]
        sd?[i] = values.standardDeviation[i]
    }
    return XSNET_OK
}

/// 1 where the electron responses are read at a (|q|, ω) outside the electron model's training
/// data, as the `extrapolation` column of `xsnet neutrino predict` (`ModelInfo.isResponseExtrapolation`);
/// 0 inside, where no muon of that energy can be made, and everywhere for the Fermi gas. Every
/// point is checked first, as by `xsnet_neutrino_predict_many`; nothing is written on an error.
@_cdecl("xsnet_neutrino_extrapolation")
public func xsnet_neutrino_extrapolation(
    _ handle: OpaquePointer?, _ count: Int, _ energy: UnsafePointer<Double>?, _ muonEnergy: UnsafePointer<Double>?,
    _ cosTheta: UnsafePointer<Double>?, _ extrapolation: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let call = "xsnet_neutrino_extrapolation"
    guard let energy, let muonEnergy, let cosTheta, let extrapolation else {
        setLastError("\(call): null argument")
        return XSNET_ERROR_ARGUMENT
    }
    guard let h = OpenNeutrinoHandles.handle(handle, call) else { return XSNET_ERROR_ARGUMENT }
    if let code = neutrinoPointsProblem(call, count, energy, muonEnergy, cosTheta) { return code }
    let isOutsideElectronData = h.electron?.responseExtrapolation
    for i in 0..<count {
        let point = h.model.kinematics(energy: energy[i], kineticEnergy: muonEnergy[i], cosTheta: cosTheta[i])
        let outside = point.map { isOutsideElectronData?($0.momentumTransfer, $0.energyTransfer) ?? false }
        extrapolation[i] = outside == true ? 1 : 0
    }
    return XSNET_OK
}

/// Closes a neutrino model (`HandleRegistry.close`).
@_cdecl("xsnet_neutrino_close")
public func xsnet_neutrino_close(_ handle: OpaquePointer?) { OpenNeutrinoHandles.close(handle, "xsnet_neutrino_close") }
