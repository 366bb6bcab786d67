import Foundation
import Testing
import XSData
import XSNN
import XSTestSupport

@testable import XSModel

/// One model for every nucleus: the selection, the inputs, the binding to a nucleus, and the
/// refusals. Tiny networks on three nuclei's small data sets (Whitney 1974 on C, Ca and Pb,
/// O'Connell 1987 on O: ~150 points).
@Suite struct AnyTargetTests {
    static let datasets = ["C12/Whitney:1974hr", "Ca40/Whitney:1974hr", "Pb208/Whitney:1974hr", "O16/O'Connell:1987ag"]

    static func tinyData(split: DataSplit.Method = .random) throws -> SelectedData {
        try DataSelection(nucleus: DataSelection.anyTarget, datasets: datasets, splitMethod: split, splitSeed: 3)
            .apply(to: try ScatteringData.bundled())
    }

    static func tinyConfig(epochs: Int = 16, output: TrainingConfig.OutputKind = .responses) -> TrainingConfig {
        var c = TrainerTests.tinyConfig(epochs: epochs)
        c.features = .anyTarget
        c.output = output
        return c
    }

    static func trainedModel(features: FeatureSet = .anyTarget, coulombDistortion: Bool? = nil) throws -> (CrossSectionModel, SelectedData) {
        let data = try tinyData()
        var config = tinyConfig()
        config.features = features
        config.coulombDistortion = coulombDistortion
        let trainer = Trainer(data: data, config: config, command: "test")
        _ = try trainer.run()
        return (trainer.finishedModel(machine: "test", version: "test"), data)
    }

    @Test func theSelectionHoldsEveryNucleusWithItsOwnDataSetKeysAndTestShare() throws {
        let all = try DataSelection(nucleus: DataSelection.anyTarget).apply(to: try ScatteringData.bundled())
        let nuclei = Set(all.points.map(\.nucleus))
        #expect(!nuclei.contains(Nucleus(Z: 1, A: 2)) && !nuclei.contains(Nucleus(Z: 1, A: 3)))
        #expect(nuclei.contains(Nucleus(Z: 2, A: 3)) && nuclei.contains(Nucleus(Z: 92, A: 238)))
        // Carbon keeps the data sets of Kowal et al. (Zeller 1973 is reported as left out).
        #expect(all.datasetsLeftOut["C12/Zeller:1973ge"] == 223)
        #expect(all.points.allSatisfy { $0.dataset.hasPrefix($0.nucleus.name + "/") })
        #expect(all.normalizationUncertainty["C12/Barreau:1983ht"] == 0.02)
        // Each nucleus gets its own 10% of test points.
        for nucleus in nuclei {
            let count = all.points.filter { $0.nucleus == nucleus }.count
            let test = all.split.test.filter { all.points[$0].nucleus == nucleus }.count
            #expect(test == Int((Double(count) * 0.1).rounded()), "\(nucleus)")
        }
        let held = try Self.tinyData(split: .leaveOutNucleus("Ca40"))
        #expect(held.split.test.allSatisfy { held.points[$0].nucleus == Nucleus(Z: 20, A: 40) })
        #expect(held.split.test.count == held.points.filter { $0.nucleus == Nucleus(Z: 20, A: 40) }.count)
        #expect(DataSplit.Method(rawValue: "leave-out-nucleus:ca40") == .leaveOutNucleus("Ca40"))
        #expect(DataSplit.Method(rawValue: "leave-out-nucleus:Xx40") == nil)
    }

    /// A new experiment for a model of every nucleus: `leave-out:Whitney:1974hr` holds Whitney out
    /// on each nucleus it measured, `leave-out:C12/Whitney:1974hr` carbon's part alone.
    @Test func aBareCitationHoldsTheExperimentOutOnEveryNucleus() throws {
        let whole = try Self.tinyData(split: .leaveOut(dataset: "Whitney:1974hr"))
        let held = Set(whole.split.test.map { whole.points[$0].dataset })
        #expect(held == ["C12/Whitney:1974hr", "Ca40/Whitney:1974hr", "Pb208/Whitney:1974hr"])
        #expect(whole.split.train.allSatisfy { whole.points[$0].dataset == "O16/O'Connell:1987ag" })
        let carbon = try Self.tinyData(split: .leaveOut(dataset: "C12/Whitney:1974hr"))
        #expect(Set(carbon.split.test.map { carbon.points[$0].dataset }) == ["C12/Whitney:1974hr"])
        #expect(carbon.split.train.count == carbon.points.count - carbon.split.test.count)
        // A citation no nucleus has, or one nucleus's key without its nucleus in a model of one, is refused.
        #expect(throws: SelectionError.self) { try Self.tinyData(split: .leaveOut(dataset: "Day:1993md")) }
        #expect(throws: SelectionError.self) { try Self.tinyData(split: .leaveOut(dataset: "Whitney")) }
        #expect(throws: SelectionError.self) {
            try DataSelection(nucleus: "C12", datasets: ["Whitney:1974hr", "Day:1993md"], splitMethod: .leaveOut(dataset: "C12/Whitney:1974hr"))
                .apply(to: try ScatteringData.bundled())
        }
    }

    /// With the nucleus's descriptors as inputs, with its ψ′ alone, and with the kinematics alone.
    @Test(arguments: [FeatureSet.anyTarget, .responses, .kinematic, .kinematicCoded])
    func theBoundModelPredictsWhatTrainingFitted(features: FeatureSet) throws {
        // Training adds log A to each point's factors; a bound model adds it to the offset. Both
        // must give one cross section: the network's outputs on the training features, turned
        // into σ as the trainer does, equal the bound model's predictions point by point.
        let (model, data) = try Self.trainedModel(features: features)
        try Self.expectPredictsWhatTrainingFitted(model, data)
    }

    /// The network's outputs on the training features, turned into σ as the trainer does, equal
    /// the model's predictions of the data's points (each nucleus's with the model bound to it).
    static func expectPredictsWhatTrainingFitted(_ model: CrossSectionModel, _ data: SelectedData) throws {
        let points = TrainingPoints(data, input: model.info.input, output: model.info.output, config: model.info.config)
        let z = InferenceNetwork(model.networks[0]).predict(points.features.map(Double.init))
        let predicted = try model.checkedPredictions(data.points)
        for i in data.points.indices {
            let trained = exp(points.logScale[i] + model.info.output.logRatio(z[2 * i], z[2 * i + 1], points.outputFactors[i]).value)
            #expect(abs(trained / predicted[i].mean - 1) < 1e-5, "point \(i) (\(data.points[i].nucleus))")
        }
    }

    @Test func aModelOfEveryNucleusNeedsOneNamedAndPredictsNucleiItNeverSaw() throws {
        let (model, _) = try Self.trainedModel()
        let k = Kinematics(beamEnergy: 2.222, angleDegrees: 15.54, energyTransfer: 0.05)
        #expect(throws: PredictionError.nucleusNeeded) { try model.checkedPredictions([k]) }
        let argon = try model.bound(to: Nucleus(Z: 18, A: 40))
        let calcium = try model.bound(to: Nucleus(Z: 20, A: 40))
        #expect(argon.info.nucleus == "Ar40" && argon.info.input.target?.Z == 18)
        let σAr = try argon.checkedPredictions([k])[0].mean, σCa = try calcium.checkedPredictions([k])[0].mean
        #expect(σAr.isFinite && σAr > 0 && σAr != σCa)
        #expect(throws: PredictionError.outsideNuclei("H2")) { try model.bound(to: Nucleus(Z: 1, A: 2)) }
        #expect(throws: PredictionError.outsideNuclei("U3")) { try model.bound(to: Nucleus(Z: 92, A: 3)) }
        // A bound model binds anew from the model of every nucleus, not from its own binding.
        #expect(try argon.bound(to: Nucleus(Z: 20, A: 40)).checkedPredictions([k])[0].mean == σCa)
        // The file keeps the model of every nucleus; read back, it predicts the same.
        let url = temporaryURL("any.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        let back = try CrossSectionModel.load(url)
        #expect(back.info.isAnyTarget && back.info.trainedNuclei.map(\.name) == ["C12", "O16", "Ca40", "Pb208"])
        #expect(try back.bound(to: Nucleus(Z: 18, A: 40)).checkedPredictions([k])[0].mean == σAr)
    }

    /// Bound to a nucleus, the model flags what lies outside that nucleus's own training points (the
    /// union of all nuclei's box let ¹⁶O at 5 GeV pass as measured kinematics: it was measured at
    /// 0.7–1.5 GeV), and every point of a nucleus it has no training points of.
    @Test func eachNucleusIsFlaggedOutsideItsOwnDataAndAnUnmeasuredOneEverywhere() throws {
        let (model, data) = try Self.trainedModel()
        let boxes = try #require(model.info.nucleusDomains)
        #expect(boxes.keys.sorted() == ["C12", "Ca40", "O16", "Pb208"])
        let carbonTraining = data.split.train.filter { data.points[$0].nucleus.name == "C12" }.map { data.points[$0].kinematics }
        #expect(boxes["C12"] == KinematicDomain(points: carbonTraining))
        // A carbon training point outside oxygen's box, inside the union of all.
        let carbon = try model.bound(to: Nucleus(Z: 6, A: 12)), oxygen = try model.bound(to: Nucleus(Z: 8, A: 16))
        let k = try #require(carbonTraining.first { oxygen.info.domain.isExtrapolation($0) })
        #expect(!model.info.domain.isExtrapolation(k))
        #expect(try carbon.checkedPredictions([k])[0].extrapolation == false)
        #expect(try oxygen.checkedPredictions([k])[0].extrapolation == true)
        #expect(try oxygen.responses([k])[0].transverse.extrapolation == true)
        // Argon has no training points: every prediction is an extrapolation.
        let argon = try model.bound(to: Nucleus(Z: 18, A: 40))
        #expect(argon.info.predictsUnmeasuredNucleus && !carbon.info.predictsUnmeasuredNucleus)
        #expect(try argon.checkedPredictions([k]).allSatisfy(\.extrapolation))
        // The file keeps the boxes; one written without them flags against the union, as before.
        let url = temporaryURL("any-boxes.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        #expect(try CrossSectionModel.load(url).info.nucleusDomains == boxes)
        model.info.nucleusDomains = nil
        #expect(try model.bound(to: Nucleus(Z: 8, A: 16)).checkedPredictions([k])[0].extrapolation == false)
    }

    /// A model of every nucleus puts a nucleus at a measured setting only where that nucleus was
    /// measured, in calibrating and in predicting (before, a setting of any nucleus counted).
    @Test func aNucleusIsAtAMeasuredSettingOnlyWhereItWasMeasured() throws {
        let (model, data) = try Self.trainedModel()
        let measured = MeasuredSettings(trainingPartOf: data)
        #expect(measured.byNucleus?.keys.sorted() == ["C12", "Ca40", "O16", "Pb208"])
        // Carbon's points here are Whitney 1974's; oxygen's are O'Connell 1987's, at other settings.
        let carbon = try #require(data.split.train.map { data.points[$0] }.first { $0.nucleus.name == "C12" })
        #expect(measured.contains(beamEnergy: carbon.beamEnergy, angleDegrees: carbon.angleDegrees))
        #expect(measured.of("C12").contains(beamEnergy: carbon.beamEnergy, angleDegrees: carbon.angleDegrees))
        #expect(!measured.of("O16").contains(beamEnergy: carbon.beamEnergy, angleDegrees: carbon.angleDegrees))
        #expect(measured.of("Ar40").settings.isEmpty && MeasuredSettings(points: [carbon.kinematics]).of("O16").settings.count == 1)
        // An oxygen point at carbon's setting is held out "elsewhere" for the fit of the factors.
        var oxygen = carbon
        oxygen.nucleus = Nucleus(Z: 8, A: 16)
        let prediction = CrossSectionPrediction(mean: 1, standardDeviation: 0.1, percentile16: 0.9, percentile84: 1.1, extrapolation: false)
        let heldOut = UncertaintyCalibration.HeldOutPrediction.of([carbon, oxygen], [prediction, prediction], trainedAt: measured)
        #expect(heldOut.map(\.atMeasuredSetting) == [true, false])
        // Bound, each nucleus's band takes the factor of its own settings.
        let near = SpreadFactor(
            scale: 1, validationPoints: 30, before: Coverage(oneSigma: 0.7, twoSigma: 0.95), after: Coverage(oneSigma: 0.7, twoSigma: 0.95))
        var far = near
        far.scale = 3
        model.info.calibration = UncertaintyCalibration(
            atMeasuredSettings: near, elsewhere: far, measuredSettings: measured, validationSplit: .random, rule: .atLeastNominal)
        let asCarbon = try model.bound(to: Nucleus(Z: 6, A: 12)).info.calibration
        let asOxygen = try model.bound(to: Nucleus(Z: 8, A: 16)).info.calibration
        #expect(asCarbon?.atMeasuredSetting(beamEnergy: carbon.beamEnergy, angleDegrees: carbon.angleDegrees) == true)
        #expect(asOxygen?.atMeasuredSetting(beamEnergy: carbon.beamEnergy, angleDegrees: carbon.angleDegrees) == false)
        #expect(asOxygen?.scale(beamEnergy: carbon.beamEnergy, angleDegrees: carbon.angleDegrees) == 3)
        let url = temporaryURL("any-settings.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        #expect(try CrossSectionModel.load(url).info.calibration?.measuredSettings == measured)
        // A file whose settings name no nucleus is refused.
        var misnamed = measured
        misnamed.byNucleus?["Xx99"] = []
        #expect(throws: ModelFileError.invalid(field: "calibration.measuredSettings.byNucleus", why: "names \"Xx99\", not a nucleus (C12, Ar40, …)"))
        {
            try misnamed.validate(field: "calibration.measuredSettings")
        }
    }

    /// A network that overflows inside its own box (here: inputs scaled by 10³⁰⁰) is found at the
    /// centre of the first nucleus's box (what `xsnet train` reports instead of writing the file), and
    /// its file is refused when opened.
    @Test func aModelThatOverflowsInsideItsOwnBoxIsFoundAndItsFileRefused() throws {
        let (model, _) = try Self.trainedModel()
        #expect(try model.overflowInsideItsOwnBox() == nil)
        model.info.input.scale = model.info.input.scale.map { _ in 1e-300 }
        let overflow = try #require(try model.overflowInsideItsOwnBox())
        #expect(overflow.member == 0 && overflow.nucleus == "C12" && !overflow.crossSection.isFinite)
        #expect(model.info.nucleusDomains?["C12"]?.isExtrapolation(overflow.point) == false)
        let url = temporaryURL("overflowing.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        #expect {
            try CrossSectionModel.load(url)
        } throws: { error in
            "\(error)".contains("members[0]") && "\(error)".contains("for C12 at E =") && "\(error)".contains("its weights are damaged")
        }
    }

    /// A model trained without one nucleus is looked at for overflow only where it has data: each
    /// trained nucleus at the centre of its own box. The held-out nucleus has no box; it was looked
    /// at, at the centre of the box of every nucleus together, where nothing was measured (a
    /// replica of the leave-one-nucleus-out study without ¹²C, `xsnet nucleus-study --out runs/ns-s22
    /// --members 4 -- --coulomb-distortion true`, was refused for its prediction at 7.4 GeV, 84°).
    @Test func aModelTrainedWithoutANucleusIsCheckedForOverflowOnlyOnTheNucleiItHasDataOf() throws {
        let data = try Self.tinyData(split: .leaveOutNucleus("Ca40"))
        let trainer = Trainer(data: data, config: Self.tinyConfig(epochs: 2), command: "test")
        _ = try trainer.run()
        let model = trainer.finishedModel(machine: "test", version: "test")
        let probes = try model.overflowProbes()
        #expect(probes.map(\.model.info.nucleus).sorted() == ["C12", "O16", "Pb208"])
        for probe in probes {
            let own = try #require(model.info.nucleusDomains?[probe.model.info.nucleus])
            #expect(probe.points.count == 1 && probe.points.allSatisfy { !own.isExtrapolation($0) }, "\(probe.model.info.nucleus)")
        }
        // Its card lists the nuclei it was trained on, not the one held out.
        #expect(ModelCard.markdown(model, path: "held.xsnet", selected: data).contains("in the data (C12, O16, Pb208)"))
        // A model of one nucleus is looked at in the centre and the two corners of its box.
        let carbonTrainer = Trainer(data: try TrainerTests.tinyData(), config: TrainerTests.tinyConfig(epochs: 2), command: "test")
        _ = try carbonTrainer.run()
        let carbon = carbonTrainer.finishedModel(machine: "test", version: "test")
        let single = try carbon.overflowProbes()
        #expect(single.count == 1 && single[0].points.count == 3 && single[0].points.allSatisfy { !carbon.info.domain.isExtrapolation($0) })
    }

    /// A nucleus delivered to a `kinematic-coded` model gets a code of its own in the update (under
    /// the unknown nucleus's code the update could not tell it from the rest; docs/update.md).
    @Test func anUpdateGivesADeliveredNucleusItsOwnCode() throws {
        let bundled = try ScatteringData.bundled()
        let data = try DataSelection(
            nucleus: DataSelection.anyTarget, datasets: Self.datasets.filter { !$0.hasPrefix("Ca40/") }, splitSeed: 3
        ).apply(to: bundled)
        var config = Self.tinyConfig(epochs: 4, output: .referenceResponses)
        config.features = .kinematicCoded
        config.referenceCorrectionBound = 3
        let trainer = Trainer(data: data, config: config, command: "test")
        _ = try trainer.run()
        let model = trainer.finishedModel(machine: "test", version: "test")
        #expect(model.info.input.codedNuclei == ["C12", "O16", "Pb208"])
        let isCalcium = { (p: ScatteringPoint) in p.nucleus.name == "Ca40" && p.dataset == "Whitney:1974hr" }
        let new = ScatteringData(
            points: bundled.points.filter(isCalcium),
            datasets: bundled.datasets.filter { $0.nucleus.name == "Ca40" && $0.key == "Whitney:1974hr" })
        let (updated, _) = try ModelUpdate.update(
            model, modelName: "m", base: bundled, new: new, epochs: 2, learningRate: 5e-4, seed: 0, command: "test")
        #expect(updated.info.input.codedNuclei == ["C12", "Ca40", "O16", "Pb208"])
        #expect(try updated.bound(to: Nucleus(Z: 20, A: 40)).info.input.hasOwnCode)
        #expect(model.info.input.codedNuclei == ["C12", "O16", "Pb208"])  // the model updated from is left as it was
    }

    /// `kinematic-coded`: a measured nucleus gets its descriptors as a code, any other the
    /// training mean (standardized zeros), which training shows the network under code dropout.
    @Test func theCodedFeaturesGiveMeasuredNucleiTheirCodeAndOthersTheUnknownOne() throws {
        let data = try Self.tinyData()
        var config = Self.tinyConfig(output: .referenceResponses)
        config.features = .kinematicCoded
        config.nucleusCodeDropout = 0.25
        config.referenceCorrectionBound = 3
        func train() throws -> CrossSectionModel {
            let trainer = Trainer(data: data, config: config, command: "test")
            _ = try trainer.run()
            return trainer.finishedModel(machine: "test", version: "test")
        }
        let model = try train()
        #expect(model.info.input.codedNuclei == ["C12", "Ca40", "O16", "Pb208"])
        let k = Kinematics(beamEnergy: 2.222, angleDegrees: 15.54, energyTransfer: 0.6)
        let carbon = try model.bound(to: Nucleus(Z: 6, A: 12)), argon = try model.bound(to: Nucleus(Z: 18, A: 40))
        let titanium = try model.bound(to: Nucleus(Z: 22, A: 48))
        #expect(carbon.info.input.hasOwnCode && !argon.info.input.hasOwnCode)
        let codeColumns = FeatureSet.kinematicCoded.nucleusColumns
        let own = carbon.info.input([k]).map(Double.init), unknown = argon.info.input([k]).map(Double.init)
        #expect(unknown[codeColumns].allSatisfy { $0 == 0 } && titanium.info.input([k])[codeColumns].allSatisfy { $0 == 0 })
        #expect(own[codeColumns].contains { abs($0) > 0.1 })
        // The kinematic columns are the same for every nucleus (ψ′ with carbon's Fermi gas).
        #expect(own[0..<5] == unknown[0..<5])
        let expected = zip(NucleusDescriptors(Nucleus(Z: 6, A: 12)).features, codeColumns).map { value, j in
            (value - model.info.input.mean[j]) / model.info.input.scale[j]
        }
        for (a, b) in zip(own[codeColumns], expected) { #expect(abs(a - b) < 1e-5) }
        // Unseen nuclei differ only through the fit (R_BM of each nucleus); a seed gives one model.
        #expect(try argon.checkedPredictions([k])[0].mean != titanium.checkedPredictions([k])[0].mean)
        #expect(try train().bound(to: Nucleus(Z: 6, A: 12)).predict([k])[0].mean == carbon.predict([k])[0].mean)
        // Far outside the data the correction stays within its bound: σ within e^±3 of the fit's.
        let far = Kinematics(beamEnergy: 7.4, angleDegrees: 84, energyTransfer: 3.36)
        let fit = try #require(BostedMamyan().crossSection(far, nucleus: Nucleus(Z: 6, A: 12)))
        #expect(abs(log(try carbon.checkedPredictions([far])[0].mean / fit)) <= 3 + 1e-9)
        let url = temporaryURL("coded.xsnet")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(url)
        #expect(try CrossSectionModel.load(url).bound(to: Nucleus(Z: 18, A: 40)).predict([k])[0].mean == argon.predict([k])[0].mean)
        #expect(
            ModelCard.markdown(model, path: "coded.xsnet", selected: data).contains(
                "kinematic-coded; a code of their own for C12, Ca40, O16, Pb208, the unknown nucleus's code for any other, under which 25% of the training points were seen"
            ))
        // The dropout needs the coded features, and a coded model must name its coded nuclei.
        var wrong = Self.tinyConfig()
        wrong.nucleusCodeDropout = 0.25
        #expect(throws: TrainingConfigError.self) { try wrong.check(nucleus: DataSelection.anyTarget) }
        #expect(throws: TrainingConfigError.self) { try config.check(nucleus: "C12") }
        var damaged = model.info
        damaged.input.codedNuclei = nil
        #expect(throws: ModelFileError.self) { try damaged.validate(networks: model.networks) }
    }

    @Test func aModelOfOneNucleusRefusesAnother() throws {
        let data = try TrainerTests.tinyData()
        let trainer = Trainer(data: data, config: TrainerTests.tinyConfig(epochs: 2), command: "test")
        _ = try trainer.run()
        let carbon = trainer.finishedModel(machine: "test", version: "test")
        #expect(try carbon.bound(to: Nucleus(Z: 6, A: 12)) === carbon)
        #expect(throws: PredictionError.otherNucleus(model: "C12", asked: "Ar40")) { try carbon.bound(to: Nucleus(Z: 18, A: 40)) }
        #expect(throws: PredictionError.self) { try carbon.checkedPredictions(try Self.tinyData().points) }
    }

    @Test func theAnyTargetFeaturesAndTheSelectionGoTogether() throws {
        #expect(throws: TrainingConfigError.self) { try Self.tinyConfig().check(nucleus: "C12") }
        #expect(throws: TrainingConfigError.self) { try TrainerTests.tinyConfig().check(nucleus: DataSelection.anyTarget) }
        var sigmoid = Self.tinyConfig()
        sigmoid.output = .sigmoid
        #expect(throws: TrainingConfigError.self) { try sigmoid.validate() }
        // The descriptors: measured charge radii where tabulated, the sphere's elsewhere.
        #expect(NucleusDescriptors(Nucleus(Z: 18, A: 40)).chargeRadius == 3.4274)
        #expect(abs(NucleusDescriptors(Nucleus(Z: 50, A: 120)).chargeRadius - (0.6).squareRoot() * 1.2 * pow(120, 1.0 / 3)) < 1e-12)
        #expect(NucleusDescriptors(Nucleus(Z: 20, A: 48)).features[1] == 8.0 / 48)
    }
}

extension AnyTargetTests {
    @Test func fineTuningFromAModelOfEveryNucleusStartsFromItsPrediction() throws {
        // The fine-tuned network starts as the any-target model bound to the nucleus (no A/12
        // shift: the model describes the nucleus already; no second log A in training).
        let (model, _) = try Self.trainedModel()
        let oxygen = try DataSelection(nucleus: "O16", datasets: ["O'Connell:1987ag"], splitSeed: 1).apply(to: try ScatteringData.bundled())
        var config = Transfer.fineTuningConfig(from: model.info.config, epochs: 0, seed: 5)
        config.evaluateEvery = 1
        let tuned = try Transfer.fineTune(model, sourceName: "any", data: oxygen, scenario: .all, blocks: 0, config: config, command: "test")
        let bound = try model.bound(to: Nucleus(Z: 8, A: 16))
        let k = oxygen.points.map(\.kinematics)
        for (a, b) in zip(tuned.predict(k), bound.predict(k)) { #expect(abs(a.mean / b.mean - 1) < 1e-9) }
        let points = TrainingPoints(oxygen, input: tuned.info.input, output: tuned.info.output, config: config)
        let z = InferenceNetwork(tuned.networks[0]).predict(points.features.map(Double.init))
        for (i, p) in tuned.predict(k).enumerated() {
            let trained = exp(points.logScale[i] + tuned.info.output.logRatio(z[2 * i], z[2 * i + 1], points.outputFactors[i]).value)
            #expect(abs(trained / p.mean - 1) < 1e-5)
        }
    }
}

extension AnyTargetTests {
    /// Coulomb distortion in the model (`--coulomb-distortion true`): the networks describe the
    /// Born cross section, and σ(E, θ, ω) = (E_eff/E)² σ_Born(E + V_eff, θ, ω) for each nucleus.
    @Test func aModelWithCoulombDistortionPredictsItsBornCrossSectionAtTheEffectiveEnergy() throws {
        let (model, data) = try Self.trainedModel(coulombDistortion: true)
        // What training fitted is what the bound model predicts, point by point.
        try Self.expectPredictsWhatTrainingFitted(model, data)
        // The same networks without the distortion are the Born model: lead at E is the Born
        // model at E + 19.9 MeV times the focusing factor.
        var bornInfo = model.info
        bornInfo.config.coulombDistortion = nil
        let lead = Nucleus(Z: 82, A: 208)
        let distorted = try model.bound(to: lead), born = try CrossSectionModel(networks: model.networks, info: bornInfo).bound(to: lead)
        let V = CoulombDistortion(nucleus: lead).effectivePotential
        #expect(abs(V - 0.0199) < 0.0001)
        #expect(distorted.displayName == "²⁰⁸Pb (any-target model) network, with Coulomb (EMA)" && !born.displayName.contains("Coulomb"))
        for (E, θ, ω) in [(0.5, 60.0, 0.1), (2.0, 15.0, 0.4), (0.3, 143.0, 0.05)] {
            let k = Kinematics(beamEnergy: E, angleDegrees: θ, energyTransfer: ω)
            let shifted = Kinematics(beamEnergy: E + V, angleDegrees: θ, energyTransfer: ω)
            let expected = (E + V) * (E + V) / (E * E) * born.predict([shifted])[0].mean
            #expect(abs(distorted.predict([k])[0].mean / expected - 1) < 1e-12)
            #expect(abs(distorted.memberLogCrossSections([k])[0][0] - log(expected)) < 1e-12)
            #expect(abs(PointPredictor(distorted).predict(beamEnergy: E, angleDegrees: θ, energyTransfer: ω).mean / expected - 1) < 1e-9)
            // The responses are those of the asked (q, ω), Born quantities in both.
            let r = try distorted.responses([k])[0], rBorn = try born.responses([k])[0]
            #expect(r.longitudinal.mean == rBorn.longitudinal.mean && r.transverse.mean == rBorn.transverse.mean)
            // Without the distortion the two coincide only where V_eff = 0: they differ here.
            #expect(abs(born.predict([k])[0].mean / expected - 1) > 1e-4)
        }
        #expect(
            ModelCard.markdown(model, path: "any.xsnet", selected: data).contains(
                "| Coulomb distortion | on: σ = (E_eff/E)² σ_Born(E_eff, θ, ω), E_eff = E + V_eff of each point's nucleus"))
        // Files made before the option read as without it; a --config file may set it.
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingConfig.fast)) as! [String: Any]
        #expect(old["coulombDistortion"] == nil)
        old["epochs"] = 7
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: old)).usesCoulombDistortion == false)
        #expect(try TrainingConfig.decode(json: Data(#"{"coulombDistortion": true}"#.utf8)).usesCoulombDistortion)
    }
}
