import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel

/// A list of values: `0.56`, `0.3,0.5,0.8`, or a range `start:stop:step` (stop included when
/// reached). No empty item (`0.5,` is refused), at most a million values. A range gives the
/// decimal values written: start + i·step rounded to the decimal places of its three numbers, so
/// `0.2:3:0.05` ends at 3 and `0.1:0.3:0.1` gives 0.3, not their binary sums (3.0000000000000004,
/// 0.30000000000000004).
struct ValueList: ExpressibleByArgument {
    var values: [Double]
    static let maximumCount = 1_000_000

    init?(argument: String) {
        if argument.contains(":") {
            let texts = argument.split(separator: ":", omittingEmptySubsequences: false)
            let parts = texts.map { Double($0) }
            guard parts.count == 3, let a = parts[0], let b = parts[1], let step = parts[2], a.isFinite, b.isFinite, step > 0, b >= a,
                (b - a) / step < Double(Self.maximumCount - 1)
            else { return nil }
            let n = Int(((b - a) / step + 1e-9).rounded(.down))
            // nil (more than 15 places in any of the three) leaves the sums as they are.
            let places = texts.map { Self.decimalPlaces(of: $0) }
            let common = places.contains { $0 == nil } ? nil : places.compactMap { $0 }.max()
            values = (0...n).map { Self.rounded(a + Double($0) * step, toDecimalPlaces: common) }
        } else {
            let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
            // A non-finite value passes here and is refused as an unphysical point, with the reason.
            guard (1...Self.maximumCount).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
            values = parts.map { $0! }
        }
    }

    /// The decimal places a number is written with: 2 for `0.05` and `5e-2`, 0 for `3` and `1e3`.
    /// Beyond 15 the binary value is all there is (nil: no rounding).
    static func decimalPlaces<S: StringProtocol>(of text: S) -> Int? {
        let lower = text.lowercased()
        let mantissa = lower.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        let fraction = mantissa[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let exponent = mantissa.count == 2 ? Int(mantissa[1]) ?? 0 : 0
        let places = max(0, (fraction.count == 2 ? fraction[1].count : 0) - exponent)
        return places <= 15 ? places : nil
    }

    /// `x` rounded to `places` decimals: the double nearest to the decimal value (10^places is exact
    /// and the division correctly rounded); `x` itself without places.
    static func rounded(_ x: Double, toDecimalPlaces places: Int?) -> Double {
        guard let places else { return x }
        let scale = pow(10, Double(places))
        let r = (x * scale).rounded() / scale
        return r == 0 ? 0 : r  // no −0.0
    }

    /// The number of combinations of several lists (each at most a million: the product fits an Int).
    static func combinations(_ lists: [ValueList?]) -> Int { lists.reduce(1) { $0 * ($1?.values.count ?? 1) } }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict d²σ/dΩdω at given kinematics.",
        discussion: helpText(
            """
            Each of --energy (GeV), --angle (degrees) and --omega (GeV) takes a value, a list (0.3,0.5)
            or a range start:stop:step; every combination is predicted. Or --input FILE, a CSV with
            columns E_GeV,theta_deg,omega_GeV (the data schema works too). Points outside the kinematic
            box of the training data are flagged as extrapolation; unphysical points are refused.
            For a model calibrated with two factors, at_measured_setting says which one a point's band
            carries: yes at an (E, θ) setting of its training data, no between spectra, where the band
            is wider. A model of every nucleus asked for a nucleus it was not trained on (--nucleus Ar40)
            gives every point the factor for an unseen nucleus (`xsnet calibrate --across-nuclei`), or
            the one between spectra, and leaves at_measured_setting empty.

              xsnet predict --model Models/C12.xsnet --energy 0.56 --angle 36 --omega 0.02:0.5:0.005
              xsnet predict --model Models/C12.xsnet --input points.csv --format csv --form dcostheta

            With --responses (a response-head model) each point also gets |q| and the two response
            functions R_L(q, ω), R_T(q, ω) in 1/GeV with their bands (spread over the members or MC-dropout
            passes, × the point's calibration factor as σ's): σ = σ_Mott (v_L R_L + v_T R_T).

              xsnet train --nucleus C12 --preset responses --out c12-responses.xsnet
              xsnet predict --model c12-responses.xsnet --energy 0.56 --angle 36 --omega 0.02:0.5:0.02 --responses --format csv

            --model bosted-mamyan predicts with the Bosted–Mamyan empirical fit (any nucleus with A > 2,
            no band): the physics reference xsnet's models are compared with.

              xsnet predict --model bosted-mamyan --nucleus Ar40 --energy 2.222 --angle 15.54 --omega 0.05:1.5:0.05
            """))

    @Option(help: "The model file (single network or ensemble), or a reference model by name: bosted-mamyan.") var model: String
    @Option(
        help:
            "The target nucleus (C12, Ar40, …): an any-target model predicts any (it must be named), a model of one nucleus only its own, a reference model any with A > 2 (default C12)."
    )
    var nucleus: Nucleus?
    @Option(help: "Beam energy E in GeV: value, list or start:stop:step.") var energy: ValueList?
    @Option(help: "Scattering angle θ in degrees: value, list or start:stop:step.") var angle: ValueList?
    @Option(help: "Energy transfer ω in GeV: value, list or start:stop:step.") var omega: ValueList?
    @Option(help: ArgumentHelp("CSV of points with columns E_GeV, theta_deg, omega_GeV.", valueName: "file")) var input: String?
    @Option(help: "dOmega (d²σ/dΩdω, nb/sr/GeV) or dcostheta (d²σ/dcosθdω = 2π d²σ/dΩdω, nb/GeV).") var form: CrossSectionForm = .perSolidAngle
    @Option(help: "Output format: table, csv or json.") var format: OutputFormat = .table
    @Flag(help: "Also print |q| and the response functions R_L, R_T (1/GeV) with their bands (response-head models).") var responses = false
    @OptionGroup var prediction: PredictionOptions

    func validate() throws {
        if input == nil && (energy == nil || angle == nil || omega == nil) {
            throw ValidationError("give --energy, --angle and --omega, or --input FILE")
        }
        let count = ValueList.combinations([energy, angle, omega])
        if input == nil, count > CrossSectionModel.maximumPointsPerCall {
            throw ValidationError(
                "--energy × --angle × --omega make \(count) points; at most \(CrossSectionModel.maximumPointsPerCall) per call (split the grid, or write it with `xsnet tabulate`)"
            )
        }
    }

    static func readPoints(_ path: String) throws -> [Kinematics] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DataFileError(file: path, line: 0, reason: "cannot read file")
        }
        let lines = numberedLines(text)
        guard let header = lines.first.flatMap({ splitCSVLine($0.text) }) else { throw DataFileError(file: path, line: 0, reason: "empty file") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let e = names.firstIndex(of: "E_GeV"), let t = names.firstIndex(of: "theta_deg"), let w = names.firstIndex(of: "omega_GeV") else {
            throw DataFileError(file: path, line: 1, reason: "the header needs columns E_GeV, theta_deg and omega_GeV")
        }
        var points: [Kinematics] = []
        for (number, line) in lines.dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let f = splitCSVLine(line), f.count == names.count else {
                throw DataFileError(file: path, line: number, reason: "expected \(names.count) columns")
            }
            guard let E = Double(f[e]), let θ = Double(f[t]), let ω = Double(f[w]) else {
                throw DataFileError(file: path, line: number, reason: "E_GeV, theta_deg and omega_GeV must be numbers")
            }
            if let why = Kinematics.unphysicalReason(beamEnergy: E, angleDegrees: θ, energyTransfer: ω) {
                throw DataFileError(file: path, line: number, reason: why)
            }
            points.append(Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω))
            if points.count > CrossSectionModel.maximumPointsPerCall {
                throw DataFileError(file: path, line: number, reason: "more than \(CrossSectionModel.maximumPointsPerCall) points; split the file")
            }
        }
        return points
    }

    /// One predicted point; the CSV has the same columns as the JSON, in this order.
    struct Row: Encodable {
        var E_GeV: Double, theta_deg: Double, omega_GeV: Double, Q2_GeV2: Double
        var sigma: Double
        /// The band: nil (null in JSON, empty in CSV) for a model without one (a single network).
        var sigma_std: Double?, sigma_p16: Double?, sigma_p84: Double?
        var unit: String, extrapolation: Bool
        /// nil (null in JSON, empty in CSV) unless the model has two calibration factors.
        var at_measured_setting: Bool?
        /// With --responses: |q| and R_L, R_T with their bands (std and percentiles nil without a band).
        var responses: Responses? = nil

        struct Responses {
            var q: Double
            var longitudinal: CrossSectionPrediction, transverse: CrossSectionPrediction
            var hasBand: Bool

            /// q_GeV, then R_L, R_L_std, R_L_p16, R_L_p84, then the same for R_T.
            var fields: [Double?] {
                [q]
                    + [longitudinal, transverse].flatMap { r in
                        [r.mean] + (hasBand ? [r.standardDeviation, r.percentile16, r.percentile84] : [nil, nil, nil])
                    }
            }
        }

        enum Key: String, CodingKey, CaseIterable {
            case E_GeV, theta_deg, omega_GeV, Q2_GeV2, sigma, sigma_std, sigma_p16, sigma_p84, unit, extrapolation, at_measured_setting
            case q_GeV, R_L, R_L_std, R_L_p16, R_L_p84, R_T, R_T_std, R_T_p16, R_T_p84
        }
        static let columns = Key.allCases.map(\.rawValue).prefix { $0 != "q_GeV" }
        static let responseColumns = Key.allCases.map(\.rawValue).drop { $0 != "q_GeV" }

        /// Every number at full precision (the shortest text that reads back to the same Double).
        var csvFields: [String] {
            let responseFields: [String] = responses?.fields.map { $0.map { "\($0)" } ?? "" } ?? []
            let fields: [String] = [
                "\(E_GeV)", "\(theta_deg)", "\(omega_GeV)", "\(Q2_GeV2)", "\(sigma)", sigma_std.map { "\($0)" } ?? "",
                sigma_p16.map { "\($0)" } ?? "",
                sigma_p84.map { "\($0)" } ?? "", unit, "\(extrapolation)", at_measured_setting.map { "\($0)" } ?? ""
            ]
            return fields + responseFields
        }

        /// The band's fields are written as null when absent (synthesized encoding would leave them out).
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(E_GeV, forKey: .E_GeV); try c.encode(theta_deg, forKey: .theta_deg); try c.encode(omega_GeV, forKey: .omega_GeV)
            try c.encode(Q2_GeV2, forKey: .Q2_GeV2); try c.encode(sigma, forKey: .sigma)
            try c.encode(sigma_std, forKey: .sigma_std); try c.encode(sigma_p16, forKey: .sigma_p16); try c.encode(sigma_p84, forKey: .sigma_p84)
            try c.encode(unit, forKey: .unit); try c.encode(extrapolation, forKey: .extrapolation)
            try c.encodeIfPresent(at_measured_setting, forKey: .at_measured_setting)
            if let responses {
                let keys: [Key] = [.q_GeV, .R_L, .R_L_std, .R_L_p16, .R_L_p84, .R_T, .R_T_std, .R_T_p16, .R_T_p84]
                for (key, value) in zip(keys, responses.fields) { try c.encode(value, forKey: key) }
            }
        }
    }

    func run() throws {
        var points: [Kinematics] = []
        if let input {
            points = try Self.readPoints(input)
        } else {
            for E in energy!.values {
                for θ in angle!.values {
                    for ω in omega!.values {
                        if let why = Kinematics.unphysicalReason(beamEnergy: E, angleDegrees: θ, energyTransfer: ω) {
                            throw CommandError("unphysical point: \(why)")
                        }
                        points.append(Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω))
                    }
                }
            }
        }
        let crossSectionForm = form
        if let reference = ReferenceModels.named(self.model) {
            try printReference(reference, points: points)
            return
        }
        let model = try prediction.load(self.model, nucleus: nucleus)
        // One network predicting deterministically has no band: say so rather than print a zero spread.
        let hasBand = model.hasBand
        let responsePredictions = responses ? try model.responses(points) : nil
        let rows = zip(points, try model.checkedPredictions(points)).enumerated().map { i, pair in
            let (k, p) = pair
            return Row(
                E_GeV: k.beamEnergy, theta_deg: k.angleDegrees, omega_GeV: k.energyTransfer, Q2_GeV2: k.Q2,
                sigma: crossSectionForm.fromPerSolidAngle(p.mean), sigma_std: hasBand ? crossSectionForm.fromPerSolidAngle(p.standardDeviation) : nil,
                sigma_p16: hasBand ? crossSectionForm.fromPerSolidAngle(p.percentile16) : nil,
                sigma_p84: hasBand ? crossSectionForm.fromPerSolidAngle(p.percentile84) : nil,
                unit: crossSectionForm.unit, extrapolation: p.extrapolation,
                at_measured_setting: model.info.calibration?.atMeasuredSetting(beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees),
                responses: responsePredictions.map {
                    Row.Responses(q: k.momentumTransfer, longitudinal: $0[i].longitudinal, transverse: $0[i].transverse, hasBand: hasBand)
                })
        }
        if !hasBand {
            printError(
                "this model is one network: it has no band (sigma_std and the percentiles are left empty); an ensemble or an MC-dropout model has one"
            )
        }
        if format == .json { print(try jsonText(rows), terminator: ""); return }
        if format == .csv {
            var table = TextTable(header: Array(Row.columns) + (responses ? Array(Row.responseColumns) : []))
            table.rows = rows.map(\.csvFields)
            print(table.csv(), terminator: "")
            return
        }
        var table = TextTable(
            header: [
                "E_GeV", "theta_deg", "omega_GeV", "Q2_GeV2", "sigma_\(crossSectionForm.unit.replacingOccurrences(of: "/", with: "_per_"))",
                "sigma_std", "sigma_p16", "sigma_p84", "extrapolation", "at_measured_setting"
            ] + (responses ? ["q_GeV", "R_L_per_GeV", "R_L_std", "R_T_per_GeV", "R_T_std"] : []))
        table.rows = rows.map { r in
            let responseFields =
                r.responses.map { x in
                    [
                        String(format: "%.5g", x.q), String(format: "%.6g", x.longitudinal.mean),
                        x.hasBand ? String(format: "%.3g", x.longitudinal.standardDeviation) : "–", String(format: "%.6g", x.transverse.mean),
                        x.hasBand ? String(format: "%.3g", x.transverse.standardDeviation) : "–"
                    ]
                } ?? []
            return [
                "\(r.E_GeV)", "\(r.theta_deg)", String(format: "%.6g", r.omega_GeV), String(format: "%.5g", r.Q2_GeV2),
                String(format: "%.6g", r.sigma),
                r.sigma_std.map { String(format: "%.3g", $0) } ?? "–", r.sigma_p16.map { String(format: "%.6g", $0) } ?? "–",
                r.sigma_p84.map { String(format: "%.6g", $0) } ?? "–",
                r.extrapolation ? "yes" : "no",
                r.at_measured_setting.map { $0 ? "yes" : "no" } ?? ""
            ] + responseFields
        }
        print(table.rendered(), terminator: "")
        let flagged = rows.filter(\.extrapolation).count
        if let reason = model.info.unmeasuredNucleusReason {
            printError("the model has \(reason)")
        } else if flagged > 0 {
            printError("\(flagged) of \(rows.count) points lie outside the training data's kinematic range (extrapolation)")
        }
        if let c = model.info.calibration {
            printError("sigma_std and the percentiles carry the model's calibration: \(c.summary) (fitted on \(c.fittedOn))")
        }
    }

    /// A reference model's predictions: the same columns, no band.
    func printReference(_ reference: any ReferenceModel, points: [Kinematics]) throws {
        if responses {
            throw CommandError("\(reference.name) is a fit of σ: it has no learned response functions (--responses needs a response-head model)")
        }
        let target = nucleus ?? Nucleus(Z: 6, A: 12)
        let rows = try points.map { k -> Row in
            guard let σ = reference.crossSection(k, nucleus: target) else { throw PredictionError.referenceUndefined(reference.name, target.name) }
            return Row(
                E_GeV: k.beamEnergy, theta_deg: k.angleDegrees, omega_GeV: k.energyTransfer, Q2_GeV2: k.Q2, sigma: form.fromPerSolidAngle(σ),
                sigma_std: nil, sigma_p16: nil, sigma_p84: nil, unit: form.unit, extrapolation: false, at_measured_setting: nil)
        }
        printError("\(reference.name) fit for \(target.name): no band (a fit, not an ensemble)")
        switch format {
        case .json: print(try jsonText(rows), terminator: "")
        case .csv:
            var table = TextTable(header: Array(Row.columns))
            table.rows = rows.map(\.csvFields)
            print(table.csv(), terminator: "")
        case .table:
            var table = TextTable(header: [
                "E_GeV", "theta_deg", "omega_GeV", "Q2_GeV2", "sigma_\(form.unit.replacingOccurrences(of: "/", with: "_per_"))"
            ])
            table.rows = rows.map { r in
                [
                    "\(r.E_GeV)", "\(r.theta_deg)", String(format: "%.6g", r.omega_GeV), String(format: "%.5g", r.Q2_GeV2),
                    String(format: "%.6g", r.sigma)
                ]
            }
            print(table.rendered(), terminator: "")
        }
    }
}

extension CrossSectionForm: ExpressibleByArgument {}
