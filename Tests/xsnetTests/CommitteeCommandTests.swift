import Foundation
import Testing
import XSModel
import XSTestSupport

/// `xsnet committee`: an ensemble made a committee with the Bosted–Mamyan fit away from its data,
/// written, exported only without it, and removed again.
@Suite struct CommitteeCommandTests {
    @Test func aCommitteeMovesPredictionsAwayFromTheDataOnlyAndCanBeRemoved() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (replicas, runs) = try tinyReplicas(in: folder, ["--quiet"])
        for r in runs { #expect(r.status == 0, "\(r.stderr)") }
        let ensemble = folder.appendingPathComponent("e.xsnet").path
        #expect(try xsnet(["ensemble", "build", "--out", ensemble] + replicas).status == 0)
        let committee = folder.appendingPathComponent("c.xsnet").path
        func csv(_ model: String, _ E: String, _ θ: String) throws -> String {
            let r = try xsnet(["predict", "--model", model, "--energy", E, "--angle", θ, "--omega", "0.1,0.2,0.3", "--format", "csv"])
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }

        let neither = try xsnet(["committee", "--model", ensemble])
        #expect(neither.status != 0 && neither.stderr.contains("give --relative-error τ"), "\(neither.stderr)")
        let single = try xsnet(["committee", "--model", replicas[0], "--relative-error", "0.06", "--out", committee])
        #expect(single.status != 0 && single.stderr.contains("it needs an ensemble"), "\(single.stderr)")
        let zero = try xsnet(["committee", "--model", ensemble, "--relative-error", "0", "--out", committee])
        #expect(zero.status != 0 && zero.stderr.contains("finite number > 0"), "\(zero.stderr)")
        #expect(!FileManager.default.fileExists(atPath: committee))

        let made = try xsnet(["committee", "--model", ensemble, "--relative-error", "0.06", "--out", committee])
        #expect(made.status == 0 && made.stdout.contains("committee with bosted-mamyan away from the"), "\(made.stderr)")
        // Sealock 1989 measured 0.961 GeV at 37.5°: there the ensemble predicts alone; at 0.9 GeV, 47° the committee does.
        #expect(try csv(committee, "0.961", "37.5") == (try csv(ensemble, "0.961", "37.5")))
        #expect(try csv(committee, "0.9", "47") != (try csv(ensemble, "0.9", "47")))
        #expect(try xsnet(["card", "--model", committee]).stdout.contains("| away from the data | committee with bosted-mamyan"))

        let export = try xsnet(["export", "onnx", "--model", committee, "--out", folder.appendingPathComponent("onnx").path])
        #expect(export.status != 0 && export.stderr.contains("--without-committee"), "\(export.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("onnx").path))
        let networks = try xsnet(["export", "onnx", "--model", committee, "--out", folder.appendingPathComponent("onnx").path, "--without-committee"])
        #expect(networks.status == 0 && networks.stdout.contains("wrote 2 ONNX file(s)"), "\(networks.stderr)")

        // An update keeps the committee, the new data set's settings among the measured ones.
        let new = folder.appendingPathComponent("oconnell.csv").path
        #expect(try xsnet(["data", "show", "--nucleus", "C12", "--dataset", "O'Connell:1987ag", "--out", new]).status == 0)
        let updated = folder.appendingPathComponent("u.xsnet").path
        let update = try xsnet(["update", "--model", committee, "--data", new, "--epochs", "2", "--out", updated])
        #expect(update.status == 0, "\(update.stderr)")
        let before = try #require(try CrossSectionModel.load(URL(fileURLWithPath: committee)).info.referenceCommittee)
        let after = try #require(try CrossSectionModel.load(URL(fileURLWithPath: updated)).info.referenceCommittee)
        #expect(after.referenceRelativeError == before.referenceRelativeError)
        #expect(!before.measuredSettings.contains(beamEnergy: 0.73, angleDegrees: 37.1))
        #expect(after.measuredSettings.contains(beamEnergy: 0.73, angleDegrees: 37.1))

        let removed = try xsnet(["committee", "--model", committee, "--remove"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try csv(committee, "0.9", "47") == (try csv(ensemble, "0.9", "47")))
        let again = try xsnet(["committee", "--model", committee, "--remove"])
        #expect(again.status != 0 && again.stderr.contains("has no committee to remove"), "\(again.stderr)")
    }
}
