// Greedy decoding and beam search replayed on the raw per-step logits recorded in the gpt_tiny case
// (the model's logits stand in for the model), checked against the reference codes, scores and
// beam indices; plus hand-made scorer situations (EOS ranks, early stopping, length penalty).
import Foundation
import XCTest
import Neural
import Tensors
import TestSupport

final class SamplingBeamSearchTests: XCTestCase {
    func out(_ c: ParityCase, _ name: String) throws -> (shape: [Int], values: [Float]) {
        let raw = try c.expected(name)
        return (raw.shape, try raw.floatTensor(key: name).array)
    }

    func testGreedyReplayOfGptTiny() throws {
        let c = try Fixtures.load("indextts2/gpt_tiny")
        let gen = c.config["generation"] as! [String: Any]
        let greedyCfg = gen["greedy"] as! [String: Any]
        let gpt = c.config["gpt"] as! [String: Any]
        let stop = gpt["stop_mel_token"] as! Int
        let settings = GenerationSettings(doSample: false, temperature: greedyCfg["temperature"] as! Double,
                                          topK: greedyCfg["top_k"] as! Int, topP: greedyCfg["top_p"] as! Double,
                                          repetitionPenalty: greedyCfg["repetition_penalty"] as! Double, eosTokenIds: [stop])
        var history = try c.expected("gpt_fake_input_ids").int64Array().map { Int($0) }
        let processors = try settings.processors(promptLength: history.count)
        XCTAssertEqual(processors.processors.map(\.name), ["RepetitionPenalty(10.0)"], "do_sample=False keeps only the penalty")
        let (lshape, logits) = try out(c, "greedy_step_logits")   // (1, steps, V)
        let (_, wantScores) = try out(c, "greedy_step_scores")
        let steps = lshape[1], vocab = lshape[2]
        var codes: [Int] = []
        var maxDiff: Float = 0
        for t in 0..<steps {
            let row = Array(logits[(t * vocab)..<((t + 1) * vocab)])
            let (token, scores) = try SequenceStep.greedy(logits: row, history: history, processors: processors)
            for v in 0..<vocab { maxDiff = max(maxDiff, abs(scores[v] - wantScores[t * vocab + v])) }
            codes.append(token)
            history.append(token)
            if token == stop { break }
        }
        XCTAssertEqual(maxDiff, 0, "processed scores equal the reference")
        XCTAssertEqual(codes, try c.expected("codes_greedy").int64Array().map { Int($0) })
    }

    func testBeamSearchReplayOfGptTiny() throws {
        let c = try Fixtures.load("indextts2/gpt_tiny")
        let beamCfg = (c.config["generation"] as! [String: Any])["beam"] as! [String: Any]
        let stop = (c.config["gpt"] as! [String: Any])["stop_mel_token"] as! Int
        let prompt = try c.expected("gpt_fake_input_ids").int64Array().map { Int($0) }
        let numBeams = beamCfg["num_beams"] as! Int
        let maxGen = beamCfg["max_generate_length"] as! Int
        let config = BeamSearchConfig(numBeams: numBeams, lengthPenalty: beamCfg["length_penalty"] as! Double,
                                      earlyStopping: .heuristic, eosTokenIds: [stop], padTokenId: stop,
                                      maxLength: prompt.count + maxGen, doSample: false)
        let processors = try GenerationSettings(doSample: false, repetitionPenalty: beamCfg["repetition_penalty"] as! Double,
                                                numBeams: numBeams, eosTokenIds: [stop]).processors(promptLength: prompt.count)
        var search = try BeamSearch(prompt: prompt, config: config)
        let (lshape, logits) = try out(c, "beam3_step_logits")   // (beams, steps, V)
        let (_, wantScores) = try out(c, "beam3_step_scores")
        let steps = lshape[1], vocab = lshape[2]
        var sampler = NoSampling()
        let tol = c.tolerance(for: "beam3_step_scores")
        var violations = 0
        var t = 0
        while !search.isFinished {
            XCTAssertLessThan(t, steps, "the reference ran \(steps) steps")
            guard t < steps else { break }
            let rows = (0..<numBeams).map { b in Array(logits[((b * steps + t) * vocab)..<((b * steps + t + 1) * vocab)]) }
            let step = try search.step(logits: rows, processors: processors, sampler: &sampler)
            for b in 0..<numBeams {
                for v in 0..<vocab {
                    let want = wantScores[(b * steps + t) * vocab + v]
                    let d = Double(abs(step.processedScores[b][v] - want))
                    if d > tol.atol + tol.rtol * Double(abs(want)) { violations += 1 }
                }
            }
            t += 1
        }
        XCTAssertEqual(t, steps)
        XCTAssertEqual(violations, 0, "log_softmax + penalty vs beam3_step_scores within \(tol)")
        let result = try search.finalize()
        XCTAssertEqual(result.generated, try c.expected("codes_beam3").int64Array().map { Int($0) })
        let wantScore = try c.expected("beam3_sequence_scores").floatTensor(key: "s").array[0]
        XCTAssertEqual(result.score, wantScore, accuracy: 1e-4 + 1e-3 * abs(wantScore))
        let wantIndices = try c.expected("beam3_beam_indices").int64Array().map { Int($0) }
        XCTAssertEqual(result.beamIndices, Array(wantIndices.prefix { $0 >= 0 }))
        XCTAssertTrue(wantIndices.drop { $0 >= 0 }.allSatisfy { $0 == -1 })
    }

    /// A stand-alone run on hand-made logits: EOS handling, early stopping, finalize.
    func testScorerClosesHypothesesAndStops() throws {
        // Vocabulary 4, EOS = 3, two beams. Step 1: EOS is the best candidate → first hypothesis.
        let config = BeamSearchConfig(numBeams: 2, lengthPenalty: 1.0, earlyStopping: .heuristic,
                                      eosTokenIds: [3], padTokenId: 3, maxLength: 10, doSample: false)
        var s = try BeamSearch(prompt: [0], config: config)
        var none = NoSampling()
        let ln = { (p: [Float]) in p.map { Float(Foundation.log(Double($0))) } }
        // log-probs given directly as logits (log_softmax of log-probs is the identity up to rounding).
        let step1 = try s.step(logits: [ln([0.1, 0.2, 0.2, 0.5]), ln([0.25, 0.25, 0.25, 0.25])],
                               processors: LogitsProcessorList(), sampler: &none)
        // Candidates from beam 0 only (beam 1 starts at −1e9): EOS (rank 0) closes, tokens 1, 2 continue.
        XCTAssertEqual(step1.tokens, [1, 2])
        XCTAssertEqual(step1.sourceBeams, [0, 0])
        XCTAssertEqual(s.hypotheses.count, 1)
        XCTAssertEqual(s.hypotheses.beams[0].tokens, [0])
        XCTAssertEqual(s.hypotheses.beams[0].score, Foundation.log(0.5) / 1, accuracy: 1e-6)  // generated length 1
        XCTAssertFalse(s.isDone)
        // Step 2: beam 0 ([0,1]) strongly prefers EOS, beam 1 ([0,2]) too → two hypotheses; the worst kept
        // hypothesis beats the best open candidate → done.
        _ = try s.step(logits: [ln([0.01, 0.01, 0.01, 0.97]), ln([0.01, 0.01, 0.01, 0.97])],
                       processors: LogitsProcessorList(), sampler: &none)
        XCTAssertEqual(s.hypotheses.count, 2)
        XCTAssertTrue(s.isDone)
        XCTAssertTrue(s.isFinished)
        let r = try s.finalize()
        // Best: log(0.5)/1 = −0.693 vs (log 0.2 + log 0.97)/2 = −0.82 → the first hypothesis + EOS.
        XCTAssertEqual(r.sequence, [0, 3])
        XCTAssertEqual(r.generated, [3])
        XCTAssertEqual(r.beamIndices, [0])
    }

    func testBeamSamplingUsesSamplerAndSortsByScore() throws {
        let config = BeamSearchConfig(numBeams: 2, lengthPenalty: 1.0, eosTokenIds: [9], padTokenId: 9, maxLength: 5, doSample: true)
        var s = try BeamSearch(prompt: [0], config: config)
        // Replay: the sampler "chose" flat indices 2, 5, 1, 7 (beam 0 tokens 2, 5, 1, 7) in that order.
        var replay = ReplayTokenSampler(draws: [[2, 5, 1, 7]])
        let logits: [[Float]] = [[0, 1, 2, 3, 4, 5, 6, 7, 8, -30], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]
        let step = try s.step(logits: logits, processors: LogitsProcessorList(), sampler: &replay)
        // Sorted by score descending: 7 > 5 > 2 > 1; the first two fill the beams.
        XCTAssertEqual(step.candidateIndices, [7, 5, 2, 1])
        XCTAssertEqual(step.tokens, [7, 5])
        XCTAssertEqual(s.histories, [[0, 7], [0, 5]])
        XCTAssertEqual(replay.position, 1)
    }

    func testBeamSamplingFillsFromHighestScoresWhenTooFewArePositive() throws {
        // First step: beam 1 starts at −1e9 (probability 0), and top-k 2 leaves beam 0 two live tokens;
        // 4 candidates are needed, so the other 2 are the best-scoring remaining entries (beam 1's).
        let config = BeamSearchConfig(numBeams: 2, lengthPenalty: 1.0, eosTokenIds: [4], padTokenId: 4, maxLength: 6, doSample: true)
        var s = try BeamSearch(prompt: [0], config: config)
        var sampler = SeededTokenSampler(seed: 1)
        let logits: [[Float]] = [[0, 3, 1, 2, -5], [0, 0.5, 2, 1, 0]]
        let step = try s.step(logits: logits, processors: LogitsProcessorList([try TopK(2)]), sampler: &sampler)
        // beam 0 live: tokens 1 and 3; fill: beam 1 tokens 2 (flat 7) then 3 (flat 8); order by score.
        XCTAssertEqual(Set(step.candidateIndices.prefix(2)), [1, 3])
        XCTAssertEqual(Array(step.candidateIndices.suffix(2)), [7, 8])
        XCTAssertEqual(step.sourceBeams, [0, 0])
        XCTAssertEqual(step.tokens, [1, 3])
    }
}
