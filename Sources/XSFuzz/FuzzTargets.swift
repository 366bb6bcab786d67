import Foundation
import XSCore
import XSData
import XSModel
import XSNN
import XSONNX

/// What the readers must do with any input: refuse it with an error, or accept it and then never
/// crash, hang or hand out a non-finite number with success. Each target runs one input; a
/// violated property stops the process (`preconditionFailure`), which libFuzzer and the test
/// suite report as a crash. The same code runs under libFuzzer (`make fuzz`, the `xsnet-fuzz`
/// product) and in the test suite (bounded, seeded mutations of the seed corpus).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Model files, every input given a correct checksum first.
    case modelFile = "model-file"
    /// Training checkpoints (model files with optimizer moments and the run's state), resumed
    /// on a small data set and trained one epoch.
    case checkpoint
    /// The data CSV readers (points.csv and datasets.csv schemas).
    case csv
    /// ONNX import.
    case onnx

    /// How often each outcome occurred.
    public struct Tally: Sendable, CustomStringConvertible {
        public var inputs = 0
        /// Refused with an error (one line).
        public var refused = 0
        /// Accepted; then every prediction finite, or refused at prediction with an error naming
        /// the point (`nonFiniteRefusedAtPrediction`).
        public var accepted = 0
        public var nonFiniteRefusedAtPrediction = 0
        public init() {}
        public var description: String {
            "\(inputs) inputs: \(refused) refused, \(accepted) accepted (\(nonFiniteRefusedAtPrediction) of them refused at prediction: non-finite)"
        }
    }

    /// Loads what the target's runs share (the checkpoint target's data set), so that the first
    /// input is not timed with it.
    public func prepare() {
        if self == .checkpoint { _ = Self.smallData }
    }

    /// Runs one input, counting its outcome in `tally`; stops the process on a violated property.
    public func run(_ input: [UInt8], tally: inout Tally) {
        tally.inputs += 1
        switch self {
        case .modelFile: Self.modelFile(input, &tally)
        case .checkpoint: Self.checkpoint(input, &tally)
        case .csv: Self.csv(input, &tally)
        case .onnx: Self.onnx(input, &tally)
        }
    }

    /// One structure-aware mutation of `input` for this target.
    public func mutate(_ input: [UInt8], maxSize: Int, rng: inout SeededGenerator, mutate: MutateBytes) -> [UInt8] {
        switch self {
        case .modelFile, .checkpoint: Mutations.mutateModelFile(input, maxSize: maxSize, rng: &rng, mutate: mutate)
        case .csv: Mutations.mutateCSV(input, maxSize: maxSize, rng: &rng, mutate: mutate)
        case .onnx: Mutations.mutateONNX(input, maxSize: maxSize, rng: &rng, mutate: mutate)
        }
    }

    /// Points where every accepted model is asked for a prediction: ordinary, backward, forward,
    /// high energy, and ω near E.
    static let probes = [
        Kinematics(beamEnergy: 0.56, angleDegrees: 36, energyTransfer: 0.2), Kinematics(beamEnergy: 0.2, angleDegrees: 179, energyTransfer: 0.19),
        Kinematics(beamEnergy: 20, angleDegrees: 0.5, energyTransfer: 0.01), Kinematics(beamEnergy: 5, angleDegrees: 90, energyTransfer: 4.999)
    ]

    /// An accepted model predicts the probes: all finite, or refused naming the point; the single-
    /// point path of the C API agrees on finiteness.
    static func checkPredictions(_ model: CrossSectionModel, _ tally: inout Tally) {
        tally.accepted += 1
        do {
            let predictions = try model.checkedPredictions(probes)
            precondition(predictions.count == probes.count && predictions.allSatisfy(\.isFinite), "checkedPredictions returned a non-finite value")
        } catch PredictionError.nonFinite {
            tally.nonFiniteRefusedAtPrediction += 1
        } catch {
            preconditionFailure("unexpected prediction error: \(error)")
        }
        let predictor = PointPredictor(model)
        for k in probes { _ = predictor.predict(beamEnergy: k.beamEnergy, angleDegrees: k.angleDegrees, energyTransfer: k.energyTransfer) }
    }

    static func modelFile(_ input: [UInt8], _ tally: inout Tally) {
        guard let model = try? CrossSectionModel.decode(Data(Mutations.withChecksum(input)), path: "fuzz.xsnet") else {
            tally.refused += 1
            return
        }
        checkPredictions(model, &tally)
    }

    /// The small data set checkpoints are resumed on: two carbon data sets (89 points), so that a
    /// mutated selection cannot make one input train on thousands.
    static let smallData: ScatteringData = {
        guard let all = try? ScatteringData.bundled() else { preconditionFailure("the bundled data set is missing") }
        return all.filtered(nucleus: Nucleus(name: "C12"), datasets: ["Whitney:1974hr", "O'Connell:1987ag"])
    }()

    static func checkpoint(_ input: [UInt8], _ tally: inout Tally) {
        guard let trainer = try? Trainer(checkpoint: Data(Mutations.withChecksum(input)), path: "fuzz.checkpoint", data: smallData) else {
            tally.refused += 1
            return
        }
        // One epoch on what was accepted, then the model it would save.
        do { _ = try trainer.run(shouldStop: { true }) } catch {
            tally.refused += 1  // a divergence is reported as an error, not a crash
            return
        }
        checkPredictions(trainer.finishedModel(machine: "fuzz", version: "fuzz"), &tally)
    }

    static func csv(_ input: [UInt8], _ tally: inout Tally) {
        let text = String(decoding: input, as: UTF8.self)
        if text.hasPrefix(DatasetsCSV.header) {
            guard let sets = try? DatasetsCSV.parse(text, file: "fuzz.csv") else { tally.refused += 1; return }
            tally.accepted += 1
            for d in sets { precondition(d.normalizationUncertainty > 0 && d.normalizationUncertainty.isFinite, "accepted a bad Δλ") }
        } else {
            guard let points = try? PointsCSV.parse(text, file: "fuzz.csv") else { tally.refused += 1; return }
            tally.accepted += 1
            for p in points {
                precondition(
                    Kinematics.unphysicalReason(beamEnergy: p.beamEnergy, angleDegrees: p.angleDegrees, energyTransfer: p.energyTransfer) == nil
                        && p.crossSection > 0 && p.crossSection.isFinite && p.crossSectionError > 0 && p.crossSectionError.isFinite,
                    "accepted an unphysical or non-finite point")
            }
            _ = DatasetsCSV.summarize(points: points, references: [:])
        }
    }

    static func onnx(_ input: [UInt8], _ tally: inout Tally) {
        guard let (network, output) = try? ONNXImport.network(from: Data(input), file: "fuzz.onnx") else {
            tally.refused += 1
            return
        }
        // As `xsnet import onnx` makes the model, without loading the bundled data for each input.
        checkPredictions(ONNXImport.model(networks: [network], output: output, selection: DataSelection(nucleus: "C12"), data: nil), &tally)
    }
}
