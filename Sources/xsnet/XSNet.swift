import ArgumentParser
import Foundation

@main
struct XSNet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xsnet",
        abstract: "Learn lepton–nucleus cross sections d²σ/dΩdω from data with deep networks.",
        discussion: helpText(
            """
            Typical session:
              xsnet data summary                       what data the project holds
              xsnet train --nucleus C12 --out c.xsnet  train a carbon model
              xsnet evaluate --model c.xsnet           χ²/N and deviations per data set
              xsnet predict --model Models/C12.xsnet --energy 0.56 --angle 36 --omega 0.02:0.5:0.01
            """),
        version: "0.1.0",
        subcommands: [
            DataCommand.self, TrainCommand.self, EvaluateCommand.self, PredictCommand.self, TabulateCommand.self, CardCommand.self,
            EnsembleCommand.self,
            CalibrateCommand.self, CommitteeCommand.self, PlotCommand.self, ReportCommand.self, FinetuneCommand.self, TransferStudyCommand.self,
            ExportCommand.self,
            ImportCommand.self, BenchCommand.self, GeneralizationStudyCommand.self, NucleusStudyCommand.self, UpdateCommand.self, NeutrinoCommand.self
        ])
}
