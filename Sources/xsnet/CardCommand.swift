import ArgumentParser
import Foundation
import XSCore
import XSData
import XSModel

struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Write a model card (Markdown): how the model was made and how well it does.",
        discussion: helpText(
            """
            Everything on the card is read from the model file or measured by evaluating it on its
            stored split, so the card can always be regenerated:
              xsnet card --model Models/C12.xsnet > Models/C12.md
            """))

    @Option(help: "The model file.") var model: String

    func run() throws {
        let model = try CrossSectionModel.load(URL(fileURLWithPath: self.model))
        print(ModelCard.markdown(model, path: self.model, selected: try model.selectedData(from: try ScatteringData.bundled())), terminator: "")
    }
}
