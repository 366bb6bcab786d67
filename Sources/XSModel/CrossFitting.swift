import Foundation
import XSCore
import XSData

/// Cross-fitted calibration of a model's spread: the spread factors are fitted on out-of-fold
/// predictions of the model's whole training part rather than on a small validation part held
/// out of training (the idea of cross-conformal prediction and CV+: Vovk, Ann. Math. Artif.
/// Intell. 74 (2015) 9; Barber, Candès, Ramdas & Tibshirani, Ann. Stat. 49 (2021) 486).
///
/// Why: away from measured settings, the errors vary from spectrum to spectrum far more than
/// within one, and a 10% validation part holds only about seven carbon spectra. Factors fitted on
/// them moved from 1.0 to 2.1 between two split seeds (docs/uncertainty.md, "Calibration on carbon"). Here
/// half of the training part's spectra (those inside the kinematic box of the rest) are each
/// predicted once by a network that did not see them, and half of the other points likewise
/// (`DataSplit.calibrationFolds`): for carbon's random split (seed 0), 32 of its 63 spectra and 1,173
/// points at measured settings; and the model itself trains on its whole training part,
/// with no validation part held out. Cost: k more trainings. Each fold's network trains on about
/// 80% of the training part, a little less than the model (100%), so the fitted factors lean
/// slightly to the wide (safe) side.
public enum CrossFitting {
    /// The k folds of `selected`'s training part (`DataSplit.calibrationFolds`). Their seed is
    /// fixed by the split seed unless given, so `train --calibration-folds K` and `calibrate
    /// --folds K` of the same model draw the same folds.
    public static func folds(of selected: SelectedData, count k: Int, seed: UInt64? = nil) throws -> [DataSplit.CalibrationFold] {
        guard k >= 2, selected.split.train.count >= 20 * k else { throw CalibrationError.tooFewPoints(selected.split.train.count) }
        return DataSplit.calibrationFolds(
            points: selected.points, pool: selected.split.train, folds: k, seed: seed ?? selected.selection.splitSeed &+ 3)
    }

    /// "5 folds hold out 32 of 63 spectra whole and 1173 other points", as the tools print it.
    public static func summary(of folds: [DataSplit.CalibrationFold], in selected: SelectedData) -> String {
        let spectra = folds.reduce(0) { $0 + $1.spectra.count }
        let inSpectra = Set(folds.flatMap(\.spectra))
        let others = folds.flatMap(\.heldOut).filter { !inSpectra.contains(selected.points[$0].spectrum) }.count
        let all = Set(selected.split.train.map { selected.points[$0].spectrum }).count
        return "\(folds.count) folds hold out \(spectra) of \(all) spectra whole and \(others) other points"
    }

    /// What cross-fitting fitted on: every out-of-fold prediction, with its fold (0-based).
    public struct OutOfFold: Sendable {
        public var fold: Int
        public var heldOut: UncertaintyCalibration.HeldOutPrediction
    }

    /// One row per out-of-fold prediction (uncalibrated spread), for a look at where the model errs
    /// when it has not seen a spectrum: the pull is (σ_pred − σ_data)/√(σ_model² + Δσ²).
    public static func pointsCSV(_ rows: [OutOfFold]) -> String {
        var text = "fold,dataset,E_GeV,theta_deg,omega_GeV,sigma,sigma_error,mean,sigma_model,at_measured_setting,pull\n"
        for r in rows {
            let p = r.heldOut.point, q = r.heldOut.prediction
            let band = Coverage.band(spread: q.standardDeviation, dataError: p.crossSectionError)
            text +=
                "\(r.fold),\(TextTable.csvField(p.dataset)),\(p.beamEnergy),\(p.angleDegrees),\(p.energyTransfer),\(p.crossSection),\(p.crossSectionError),"
            text += "\(q.mean),\(q.standardDeviation),\(r.heldOut.atMeasuredSetting),\((q.mean - p.crossSection) / band)\n"
        }
        return text
    }

    /// The data a fold's network (or each member of a fold's ensemble) trains on: `selected`'s
    /// training part without the fold's held-out points, which become its test part.
    public static func trainingData(_ selected: SelectedData, without fold: DataSplit.CalibrationFold) -> SelectedData {
        let held = Set(fold.heldOut)
        var data = selected
        data.split = DataSplit(train: selected.split.train.filter { !held.contains($0) }, test: fold.heldOut)
        return data
    }

    /// The predictions of fold `index`'s held-out points by `model`, trained without them (raw
    /// spread), each marked by whether it lies at a setting the fold's model trained on.
    public static func outOfFold(_ model: CrossSectionModel, fold index: Int, of folds: [DataSplit.CalibrationFold], selected: SelectedData)
        -> [OutOfFold]
    {
        let measured = MeasuredSettings(trainingPartOf: trainingData(selected, without: folds[index]))
        let points = folds[index].heldOut.map { selected.points[$0] }
        let predictions = model.predict(points, calibrated: false)
        return UncertaintyCalibration.HeldOutPrediction.of(points, predictions, trainedAt: measured).map { OutOfFold(fold: index, heldOut: $0) }
    }
}
