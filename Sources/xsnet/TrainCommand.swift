import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel
import XSNN

extension DataSplit.Method: ExpressibleByArgument {}
extension FeatureSet: ExpressibleByArgument {}
extension Chi2Form: ExpressibleByArgument {}
extension ActivationKind: ExpressibleByArgument {}
extension TrainingConfig.OutputKind: ExpressibleByArgument {}
extension TrainingConfig.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfig.ScheduleKind: ExpressibleByArgument {}
extension TrainingConfig.NormalizationMode: ExpressibleByArgument {}
extension TrainingConfig.BootstrapKind: ExpressibleByArgument {}

/// Set by SIGINT or SIGTERM; the training loop checks it after every epoch, checkpoints and stops.
/// (A signal handler can only reach global state: this flag is the one exception.)
nonisolated(unsafe) var interruptRequested = false

func installInterruptHandler() {
    signal(SIGINT) { _ in interruptRequested = true }
    // What Slurm and `kill` send: the same checkpoint and message as Ctrl-C.
    signal(SIGTERM) { _ in interruptRequested = true }
}

/// A one-line description of this machine for model cards, with the OpenBLAS kernel that trained
/// the model (what a retrain must use to give the same bits).
func machineDescription() -> String {
    var cpu = "unknown CPU"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
    {
        cpu = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? cpu
    }
    return
        "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB, OpenBLAS \(BLAS.kernel) kernels"
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a cross-section model on one nucleus's data, or on every nucleus's (--nucleus any).",
        discussion: helpText(
            """
            The default is a fast recipe (standardized physics inputs, log-space χ², 4 × 128 SiLU network);
            --preset responses the response head: the network outputs the two response functions
            R_L(q, ω), R_T(q, ω) of one-photon exchange and σ = σ_Mott (v_L R_L + v_T R_T), so the
            angle enters only through known factors (it predicts unmeasured angles far better);
            --preset prior learns a correction to the Bosted–Mamyan fit (log σ = log σ_BM + NN), and
            --preset responses-prior the response head on the fit's responses (R = R_BM exp(NN)), and
            --preset responses-pseudodata the response head trained with the fit's cross sections as
            pseudo-data (relative error 0.15) where no data are: the fit as a prior;
            --preset paper gives the reference network and loss of Kowal et al. (2024);
            --nucleus any trains one model for every nucleus with A ≥ 3 (by default one correction to the
            Bosted–Mamyan responses of each nucleus, at most a factor e³, --preset any-target-kinematic-prior;
            `predict --nucleus Ar40` asks it for any nucleus). Every
            hyperparameter has a flag; --config FILE reads them from JSON (flags override it).
            It checkpoints every --checkpoint-every epochs and on Ctrl-C or SIGTERM (Slurm, kill); --resume continues exactly.

            Examples:
              xsnet train --nucleus C12 --out c12.xsnet
              xsnet train --nucleus C12 --split spectra --out c12-spectra.xsnet
              xsnet train --nucleus C12 --preset responses --split angle-above:55 --out c12-forward.xsnet
              xsnet train --nucleus C12 --preset paper --epochs 500 --out paper.xsnet
              xsnet train --nucleus any --out any-target.xsnet
              xsnet train --nucleus any --split leave-out-nucleus:Ca40 --out without-ca40.xsnet
              xsnet train --resume --out c12.xsnet        (after Ctrl-C)
            """))

    enum Preset: String, ExpressibleByArgument, CaseIterable {
        case fast, responses, prior, paper
        case responsesPrior = "responses-prior"
        case responsesPseudoData = "responses-pseudodata"
        case anyTarget = "any-target"
        case anyTargetPrior = "any-target-prior"
        case anyTargetScalingPrior = "any-target-scaling-prior"
        case anyTargetKinematicPrior = "any-target-kinematic-prior"
        case anyTargetCoded = "any-target-coded"

        var config: TrainingConfig {
            switch self {
            case .anyTargetCoded: .anyTargetCoded
            case .anyTarget: .anyTarget
            case .anyTargetPrior: .anyTargetPrior
            case .anyTargetScalingPrior: .anyTargetScalingPrior
            case .anyTargetKinematicPrior: .anyTargetKinematicPrior
            case .fast: .fast
            case .responses: .responses
            case .prior: .prior
            case .responsesPrior: .responsesPrior
            case .responsesPseudoData: .responsesPseudoData
            case .paper: .paper
            }
        }
    }

    @Option(help: "The nucleus to train on (C12, Fe56, …), or `any`: every nucleus with A ≥ 3 in one model (with --preset any-target).")
    var nucleus: String = "C12"
    @Option(help: "The model file to write.") var out: String
    @Option(
        help:
            "Starting recipe: fast (the default for one nucleus), responses (the response head), prior (a correction to the Bosted–Mamyan fit), responses-prior (the response head on the fit's responses), responses-pseudodata (the response head trained with pseudo-points of the fit where no data are), paper; for --nucleus any: any-target (the response head with the nucleus as inputs), any-target-prior (the same on the fit's responses), any-target-scaling-prior (one correction to the fit's responses for every nucleus, told only ψ′), any-target-kinematic-prior (the default: the same as a function of (q, ω) alone; it predicts unseen nuclei best, docs/any-target.md) or any-target-coded (the same told which measured nucleus a point is, with an unknown nucleus's code for the others)."
    )
    var preset: Preset?
    @Option(help: ArgumentHelp("Hyperparameters as JSON (the `config` object of a model file).", valueName: "file")) var config: String?
    @OptionGroup var source: DataSourceOptions

    // Data
    @Option(help: "Comma-separated data-set keys (default: the paper's for carbon, all for others).") var datasets: String?
    @Option(help: "Leave out points with ω below this (GeV): elastic peak and discrete states.") var minOmega: Double = 0.02
    @Option(
        help: ArgumentHelp(
            "random (points), spectra (whole (E, θ) settings held out), interior-spectra (only spectra inside the kinematic box of the rest: interpolation), or a held-out region that tests generalization: leave-out:<data set> (one experiment whole; with --nucleus any, leave-out:C12/Day:1993md holds out carbon's part of it and leave-out:Day:1993md the experiment on every nucleus), angle-above:<θ> (every spectrum at θ ≥ θ°), angle-below:<θ> (θ ≤ θ°), energy-above:<E> (E ≥ E GeV), leave-out-nucleus:<nucleus> (with --nucleus any); the test fraction does not apply to these.",
            valueName: "method"))
    var split: DataSplit.Method = .random
    @Option(help: "Fraction held out for testing.") var testFraction: Double = 0.1
    @Option(help: "Fraction of all points held out of training, chosen like the test part, to calibrate the uncertainty on (xsnet calibrate).")
    var validationFraction: Double = 0
    @Option(
        help:
            "Fraction of the training spectra held out whole (inside the kinematic box of the rest) to calibrate the uncertainty away from measured settings."
    )
    var validationSpectraFraction: Double = 0
    @Option(help: "Seed of the split.") var splitSeed: UInt64 = 0
    @Option(
        help: ArgumentHelp(
            "MC-dropout models: calibrate the spread by K-fold cross-fitting of the training part (K more trainings) instead of on a validation part.",
            valueName: "K"))
    var calibrationFolds: Int?
    @Option(help: "How the calibration factors are chosen, on a validation part or by --calibration-folds (see `xsnet calibrate --rule`).")
    var calibrationRule: CalibrationRule = .atLeastNominal
    @Option(
        help: ArgumentHelp(
            "Train without fold F of the K cross-fitting folds of the training part (what `ensemble train --calibration-folds K` runs for each member of each fold's ensemble).",
            valueName: "F/K"))
    var withoutFold: FoldOfK?

    // Model and optimization (nil: the preset's, the --config file's, or on --resume the stored value)
    @OptionGroup(title: "Hyperparameters") var hyperparameters: TrainingOptions

    // Checkpoints
    @Option(help: ArgumentHelp("Checkpoint file (default: OUT.checkpoint).", valueName: "file")) var checkpoint: String?
    @Option(help: "Checkpoint every N epochs.") var checkpointEvery: Int = 200
    @Flag(help: "Continue from the checkpoint instead of starting anew.") var resume = false
    @Flag(help: "No progress lines.") var quiet = false

    func validate() throws {
        // The selection's ranges are `DataSelection.validate`'s (a model file's are checked there too).
        do { try selection.validate() } catch SelectionError.outOfRange(let field, let requirement) {
            throw ValidationError(
                "\(TrainingOptions.flag(ofField: field)) \(requirement.replacingOccurrences(of: "testFraction", with: "--test-fraction"))")
        }
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1") }
        if let k = calibrationFolds {
            if k < 2 { throw ValidationError("--calibration-folds must be at least 2") }
            if validationFraction > 0 || validationSpectraFraction > 0 {
                throw ValidationError(
                    "--calibration-folds calibrates on out-of-fold predictions of the training part; leave out --validation-fraction and --validation-spectra-fraction"
                )
            }
        }
        if withoutFold != nil && (calibrationFolds != nil || validationFraction > 0 || validationSpectraFraction > 0 || resume) {
            throw ValidationError(
                "--without-fold trains one member of a cross-fitting fold: leave out --calibration-folds, the validation fractions and --resume")
        }
        if resume, let flag = Self.fixedOnResume.first(where: { flag in CommandLine.arguments.contains { $0 == flag || $0.hasPrefix(flag + "=") } }) {
            throw ValidationError(
                "--resume continues the checkpoint's run with its data, split and recipe: leave out \(flag) (only --learning-rate, --epochs, --evaluate-every and --threads may change)"
            )
        }
        if resume, calibrationFolds != nil {
            throw ValidationError("--calibration-folds is for a new run; calibrate a resumed model afterwards with `xsnet calibrate --folds K`")
        }
    }

    /// Flags that choose the data or the recipe: a resumed run keeps the checkpoint's.
    static let fixedOnResume =
        [
            "--nucleus", "--preset", "--config", "--data", "--datasets-file", "--datasets", "--min-omega", "--split", "--test-fraction",
            "--validation-fraction", "--validation-spectra-fraction", "--split-seed", "--without-fold"
        ]
        + TrainingOptions.flags.filter { !["--learning-rate", "--epochs", "--evaluate-every", "--threads"].contains($0) }

    func makeConfig() throws -> TrainingConfig {
        var c = (preset ?? (nucleus == DataSelection.anyTarget ? .anyTargetKinematicPrior : .fast)).config
        if let config {
            do { c = try TrainingConfig.decode(json: Data(contentsOf: URL(fileURLWithPath: config)), over: c) } catch {
                throw CommandError("\(config): not a training configuration (\(error.localizedDescription))")
            }
        }
        hyperparameters.apply(to: &c)
        return c
    }

    /// Start (or resume), train with checkpoints, evaluate on the test part, calibrate, save.
    func run() throws {
        let checkpointURL = URL(fileURLWithPath: checkpoint ?? out + ".checkpoint")
        // Refused now, not after hours of training: an output that is a device, folder or pipe,
        // or one another run is writing (the locks are held until this run ends).
        let outputs = try [URL(fileURLWithPath: out), checkpointURL, URL(fileURLWithPath: out + ".log.csv")].map { try AtomicFile.destination($0) }
        let locks = try outputs.prefix(2).map(OutputLock.init(for:))
        defer { withExtendedLifetime(locks) {} }
        let trainer = resume ? try resumedTrainer(checkpointURL) : try newTrainer(try source.load())
        installInterruptHandler()
        let outcome = try trainer.run(
            checkpoint: checkpointURL, checkpointEvery: checkpointEvery, progress: printProgress, shouldStop: { interruptRequested })
        try AtomicFile.write(trainer.logCSV, to: URL(fileURLWithPath: out + ".log.csv"))
        if outcome == .interrupted {
            printError("interrupted at epoch \(trainer.epoch): checkpoint \(checkpointURL.path); continue with the same command and --resume")
            throw ExitCode(130)
        }
        let model = trainer.finishedModel(machine: machineDescription(), version: XSNet.configuration.version)
        let test = Evaluation.report(model: model, points: trainer.data.split.test.map { trainer.data.points[$0] }, splitName: "test").total
        // Without a test part there are no test figures to keep (and no NaN in the file).
        if test.points > 0 {
            model.info.training?.metrics = [
                "test_points": Double(test.points), "test_chi2_per_point": test.chi2_per_point,
                "test_median_abs_rel_dev": test.median_abs_rel_dev, "test_within_10pct": test.within_10pct
            ]
        }
        try calibrate(model, data: trainer.data)
        // A file that `load` would refuse is not written: the trained network itself overflows
        // inside its own box (the checkpoint stays, the run is not lost).
        if let overflow = try model.overflowInsideItsOwnBox() {
            throw CommandError(
                "\(out) not written: the trained model \(overflow), so it could not be opened; the checkpoint \(checkpointURL.path) is kept (a reference prior stays finite with --reference-correction-bound 3)"
            )
        }
        try model.save(URL(fileURLWithPath: out))
        try? FileManager.default.removeItem(at: checkpointURL)
        let wrote = String(format: "wrote %@ (%d epochs, %@)", out, trainer.epoch, formatDuration(model.info.training?.wallSeconds ?? 0))
        guard test.points > 0 else { return print(wrote + "; no test part (--test-fraction 0): no test figures") }
        print(
            wrote
                + String(
                    format: "; test: %d points, median |σ_pred/σ − 1| %.2f%% (with λ_k %.2f%%), within 10%% %.1f%%, χ²/N %.2f",
                    test.points, 100 * test.median_abs_rel_dev, 100 * test.median_abs_rel_dev_fitted_lambda, 100 * test.within_10pct,
                    test.chi2_per_point))
    }

    /// The data the flags choose.
    var selection: DataSelection {
        DataSelection(
            nucleus: nucleus, datasets: datasets.map { $0.split(separator: ",").map(String.init) },
            minimumEnergyTransfer: minOmega, splitMethod: split, testFraction: testFraction, splitSeed: splitSeed,
            validationFraction: validationFraction, validationSpectraFraction: validationSpectraFraction)
    }

    /// A new run on the selected data (without one cross-fitting fold with --without-fold).
    func newTrainer(_ data: ScatteringData) throws -> Trainer {
        var selected = try selection.apply(to: data)
        if let fold = withoutFold {
            selected = CrossFitting.trainingData(selected, without: try CrossFitting.folds(of: selected, count: fold.count)[fold.index])
        }
        let command = (["xsnet"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let config = try makeConfig()
        try config.check(nucleus: selected.selection.nucleus)
        let trainer = Trainer(data: selected, config: config, command: command)
        if calibrationFolds != nil && trainer.config.dropout == 0 {
            throw CommandError("--calibration-folds needs a model with a spread: an MC-dropout model (--dropout p)")
        }
        guard !quiet else { return trainer }
        let removed = selected.removedByCut.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        printError(
            "\(selected.points.count) points of \(nucleus) in \(selected.datasetKeys.count) data sets; ω < \(minOmega) GeV removed: \(removed.isEmpty ? "none" : removed)"
        )
        if !selected.datasetsLeftOut.isEmpty {
            let list = selected.datasetsLeftOut.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) points)" }.joined(separator: ", ")
            let why = datasets == nil ? "not in the default list (for carbon, the data sets of Kowal et al. 2024)" : "not in --datasets"
            printError("left out, \(why): \(list); name them in --datasets to train on them")
        }
        let validation = selected.split.validation.isEmpty ? "" : ", \(selected.split.validation.count) validation"
        let kept = selected.split.spectraKeptForKinematicCoverage
        let passed = kept == 0 ? "" : " (\(kept) spectra kept in training: they alone cover their kinematics)"
        printError(
            "split \(split.rawValue): \(selected.split.train.count) train, \(selected.split.test.count) test\(validation)\(passed); network \(trainer.network.parameters.count) parameters"
        )
        if config.pseudoPointCount > 0 {
            let used = trainer.referencePseudoPointCount
            let short = used < config.pseudoPointCount ? " (of \(config.pseudoPointCount) asked: the region has no more this far from the data)" : ""
            printError(
                "with \(used) Bosted–Mamyan pseudo-points\(short), τ = \(config.pseudoPointError), at least \(config.pseudoPointMinimumDistance) from every training point"
            )
        }
        return trainer
    }

    /// The run stored in the checkpoint, with the hyperparameters given that may change (after a
    /// divergence the message suggests a lower learning rate): the change is stored with the run.
    func resumedTrainer(_ checkpointURL: URL) throws -> Trainer {
        guard FileManager.default.fileExists(atPath: checkpointURL.path) else {
            throw CommandError("no checkpoint at \(checkpointURL.path) to resume from")
        }
        let trainer = try Trainer(resuming: checkpointURL, data: try source.load())
        var config = trainer.config
        hyperparameters.apply(to: &config)
        let changed = try trainer.reconfigure(config)
        if !quiet {
            let fields = try config.jsonFields()
            let note =
                changed.isEmpty ? "" : "; changed: " + changed.map { "\($0) → \(fields[$0].map { "\($0)" } ?? "none")" }.joined(separator: ", ")
            printError("resuming \(checkpointURL.path) at epoch \(trainer.epoch) of \(trainer.config.epochs)\(note)")
        }
        return trainer
    }

    func printProgress(_ p: TrainingProgress) {
        guard !quiet else { return }
        printError(
            String(
                format: "epoch %5d/%d  loss %.4g  χ²/N train %.3f test %@  lr %.2e  %@ elapsed, %@ left",
                p.epoch, p.epochs, p.row.loss, p.row.trainChi2PerPoint, p.row.testChi2PerPoint.map { String(format: "%.3f", $0) } ?? "–",
                p.row.learningRate,
                formatDuration(p.row.seconds), formatDuration(p.secondsLeft)))
    }

    /// An MC-dropout model is calibrated at once when it has a validation part or cross-fitting
    /// folds (`xsnet calibrate`); before the K further trainings of cross-fitting start, the model
    /// is saved uncalibrated.
    func calibrate(_ model: CrossSectionModel, data: SelectedData) throws {
        let method: CalibrationMethod? =
            calibrationFolds.map { .crossFitting(folds: $0) }
            ?? (model.info.monteCarloSamples != nil && !data.split.validation.isEmpty ? .validationPart : nil)
        guard let method else { return }
        if case .crossFitting = method {
            try model.save(URL(fileURLWithPath: out))
            if !quiet { printError("wrote \(out) uncalibrated") }
        }
        let fit = try UncertaintyCalibration.fit(
            model: model, data: data, method: method, rule: calibrationRule, progress: quiet ? { _ in } : calibrationProgressPrinter())
        model.info.calibration = fit.calibration
        if !quiet { printError(fit.calibration.description) }
    }
}

/// `F/K`: fold F (0-based) of K.
struct FoldOfK: ExpressibleByArgument {
    var index: Int, count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let f = parts[0], let k = parts[1], k >= 2, (0..<k).contains(f) else { return nil }
        index = f
        count = k
    }
}

/// The hyperparameters of `TrainingConfig` as options; nil leaves the value of the preset, the
/// --config file or (on --resume) the stored run. `apply` is the one place they map onto it.
struct TrainingOptions: ParsableArguments {
    @Option(
        help:
            "Input features: reference, physics, responses (functions of q and ω, ψ′ with the nucleus's Fermi gas), kinematic (the same with carbon's gas for every nucleus), any-target (responses and the nucleus's descriptors) or kinematic-coded (kinematic and the descriptors as a code for the nuclei trained on)."
    )
    var features: FeatureSet?
    @Option(
        help:
            "Output transform: log, sigmoid, responses (R_L, R_T; needs --features responses), reference (σ_BM × exp(NN)) or reference-responses (R_BM × exp(NN))."
    )
    var output: TrainingConfig.OutputKind?
    @Option(help: "χ² form: linear or logarithmic.") var chi2: Chi2Form?
    @Option(help: "Floor on Δσ/σ in the logarithmic χ².") var errorFloor: Double?
    @Option(help: "Hidden blocks.") var depth: Int?
    @Option(help: "Width of each hidden block.") var width: Int?
    @Option(help: "relu, silu, tanh, sigmoid or identity.") var activation: ActivationKind?
    @Option(help: "Batch norm in every block (true/false).") var batchNorm: Bool?
    @Option(help: "Dropout probability after every block (MC dropout needs > 0).") var dropout: Double?
    @Option(help: "adam, adamw or sgd.") var optimizer: TrainingConfig.OptimizerKind?
    @Option(help: "Base learning rate.") var learningRate: Double?
    @Option(help: "Weight decay (decoupled for AdamW).") var weightDecay: Double?
    @Option(help: "constant, step, cosine, onecycle or plateau.") var schedule: TrainingConfig.ScheduleKind?
    @Option(help: "Epochs.") var epochs: Int?
    @Option(help: "Mini-batch size.") var batchSize: Int?
    @Option(help: "Clip the global gradient norm (0: off).") var gradientClip: Double?
    @Option(help: "fit (λ_k fitted with the network) or fixed (λ_k = 1).") var normalization: TrainingConfig.NormalizationMode?
    @Option(help: "Fraction of epochs before the λ_k are released.") var releaseFraction: Double?
    @Option(help: "Keep each λ_k within this many Δλ_k of 1.") var normalizationBound: Double?
    @Option(help: "Evaluate (log, progress, λ_k fit) every N epochs.") var evaluateEvery: Int?
    @Option(help: "Seed of initialization and shuffling.") var seed: UInt64?
    @Option(help: "OpenBLAS threads.") var threads: Int?
    // Bootstrap replicas (model A)
    @Option(help: "Train bootstrap replica I (0-based) of --of N on a clone data set.") var replica: Int?
    @Option(name: .customLong("of"), help: "The number of replicas N in the ensemble.") var replicaCount: Int?
    @Option(help: "parametric (σ + Δσ·g, normalizations from N(1, Δλ_k)) or resample (points with replacement).")
    var bootstrap: TrainingConfig.BootstrapKind?
    @Option(
        help: ArgumentHelp(
            "Coulomb distortion (true/false): the networks learn the Born cross section, the data are fitted as σ = (E_eff/E)² σ_Born(E + V_eff, θ, ω) (effective momentum approximation, V_eff = 0.8 of the potential at the centre of the nucleus's uniformly charged sphere).",
            valueName: "bool"))
    var coulombDistortion: Bool?
    @Option(
        help: ArgumentHelp(
            "Pseudo-points of the Bosted–Mamyan fit trained with the data (A > 2): the fit as a prior where no data are, drawn per run and replica over 0.1–6 GeV, 10–150°, W² ≤ 4 GeV², x ≤ 4 (0: none).",
            valueName: "count"))
    var referencePseudoPoints: Int?
    @Option(help: ArgumentHelp("Relative error τ of the pseudo-points (log-space weight 1/τ²; default 0.15).", valueName: "τ"))
    var referencePseudoError: Double?
    @Option(
        help: ArgumentHelp(
            "No pseudo-point within this distance of a training point in the network's standardized inputs (default 0: anywhere).",
            valueName: "d"))
    var referencePseudoMinimumDistance: Double?
    @Option(
        help: ArgumentHelp(
            "Each bootstrap replica multiplies its pseudo-points by exp δ, δ a smooth random function of the inputs with this standard deviation (the fit's own error; default 0: none).",
            valueName: "σ"))
    var referencePseudoShapeError: Double?
    @Option(
        help: ArgumentHelp(
            "The share of training points seen under the unknown nucleus's code in each epoch (the kinematic-coded features; any-target-coded: 0.25).",
            valueName: "p"))
    var nucleusCodeDropout: Double?
    @Option(
        help: ArgumentHelp(
            "The reference priors' log correction u enters as c tanh(u/c): the fit corrected by at most a factor e^c, or `none` for an unbounded correction (any-target-kinematic-prior and any-target-coded: 3; prior, responses-prior, any-target-prior, any-target-scaling-prior: 10).",
            valueName: "c|none"))
    var referenceCorrectionBound: CorrectionBound?

    /// `--reference-correction-bound` as typed: a log factor, or `none` to lift a preset's bound.
    enum CorrectionBound: ExpressibleByArgument, Equatable {
        case unbounded
        case logFactor(Double)

        init?(argument: String) {
            if argument == "none" {
                self = .unbounded
            } else if let c = Double(argument) {
                self = .logFactor(c)
            } else {
                return nil
            }
        }

        var value: Double? {
            switch self {
            case .unbounded: nil
            case .logFactor(let c): c
            }
        }
    }

    /// Every flag of the group, as typed on the command line.
    static let flags = [
        "--features", "--output", "--chi2", "--error-floor", "--depth", "--width", "--activation", "--batch-norm", "--dropout",
        "--optimizer", "--learning-rate", "--weight-decay", "--schedule", "--epochs", "--batch-size", "--gradient-clip",
        "--normalization", "--release-fraction", "--normalization-bound", "--evaluate-every", "--seed", "--threads",
        "--replica", "--of", "--bootstrap", "--coulomb-distortion", "--reference-pseudo-points", "--reference-pseudo-error",
        "--reference-pseudo-minimum-distance", "--reference-pseudo-shape-error", "--nucleus-code-dropout",
        "--reference-correction-bound"
    ]

    /// The flags' values checked by `TrainingConfig.validate` (one list of ranges for flags,
    /// `--config` files and model files), the refusal naming the flag.
    func validate() throws {
        var c = TrainingConfig.fast
        apply(to: &c)
        if (replica == nil) != (replicaCount == nil) { throw ValidationError("--replica I and --of N go together") }
        do { try c.validate() } catch TrainingConfigError.outOfRange(let field, let requirement) {
            throw ValidationError("\(Self.flag(ofField: field)) \(requirement.replacingOccurrences(of: "replicaCount", with: "N (--of N)"))")
        }
    }

    /// The flag that sets a configuration or data-selection field: the field's name in kebab
    /// case, but for three.
    static func flag(ofField field: String) -> String {
        switch field {
        case "relativeErrorFloor": return "--error-floor"
        case "minimumEnergyTransfer": return "--min-omega"
        case "replicaCount": return "--of"
        default: return "--" + field.map { $0.isUppercase ? "-" + $0.lowercased() : String($0) }.joined()
        }
    }

    func apply(to c: inout TrainingConfig) {
        func set<T>(_ value: T?, _ field: WritableKeyPath<TrainingConfig, T>) { if let value { c[keyPath: field] = value } }
        set(features, \.features); set(output, \.output); set(chi2, \.chi2); set(errorFloor, \.relativeErrorFloor)
        set(depth, \.depth); set(width, \.width); set(activation, \.activation); set(batchNorm, \.batchNorm); set(dropout, \.dropout)
        set(optimizer, \.optimizer); set(learningRate, \.learningRate); set(weightDecay, \.weightDecay); set(schedule, \.schedule)
        set(epochs, \.epochs); set(batchSize, \.batchSize); set(gradientClip, \.gradientClip); set(normalization, \.normalization)
        set(releaseFraction, \.releaseFraction); set(normalizationBound, \.normalizationBound); set(evaluateEvery, \.evaluateEvery)
        set(seed, \.seed); set(threads, \.threads); set(bootstrap, \.bootstrap)
        if let replica { c.replica = replica; c.replicaCount = replicaCount }
        if let coulombDistortion { c.coulombDistortion = coulombDistortion }
        if let referencePseudoPoints { c.referencePseudoPoints = referencePseudoPoints }
        if let referencePseudoError { c.referencePseudoError = referencePseudoError }
        if let referencePseudoMinimumDistance { c.referencePseudoMinimumDistance = referencePseudoMinimumDistance }
        if let referencePseudoShapeError { c.referencePseudoShapeError = referencePseudoShapeError }
        if let nucleusCodeDropout { c.nucleusCodeDropout = nucleusCodeDropout }
        if let referenceCorrectionBound { c.referenceCorrectionBound = referenceCorrectionBound.value }
    }
}
