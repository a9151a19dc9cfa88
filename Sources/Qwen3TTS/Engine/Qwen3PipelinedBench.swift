// The book-render figure of `bookvox bench --engine qwen3-tts`: the Scheduler runs the generate stage of one
// batch while the render stage decodes the previous batch's segments (two queues, DESIGN.md "The engine
// contract"), so a book's throughput is not the sum of the two stages. This times exactly that overlap:
// a batched generation of `frames` frames per segment (prefill included) on one thread while the codec decoder
// decodes as many segments of as many frames, one after another, on another.
import Dispatch
import Foundation
import Neural
import Tensors

struct Qwen3PipelinedTiming {
    /// Wall seconds until both stages were done.
    var wall: Double
    /// Wall seconds of each stage within the overlap.
    var generate: Double
    var decode: Double
    /// Seconds of audio produced (segments × frames / 12.5).
    var audioSeconds: Double
}

enum Qwen3PipelinedBench {
    /// `prompts.count` segments generated together while `codes.count` segments are decoded.
    static func run(generator: Qwen3BatchGenerator, prompts: [Qwen3Prompt], frames: Int, seed: UInt64,
                    decoder: Qwen3CodecDecoder, codes: [[[Int]]], decodeUpsampleRate: Int?) throws -> Qwen3PipelinedTiming {
        final class Outcome: @unchecked Sendable {
            var error: Error?
            var seconds = 0.0
        }
        let generated = Outcome()
        let done = DispatchSemaphore(value: 0)
        let t0 = DispatchTime.now().uptimeNanoseconds
        let thread = Thread {
            var samplers = (0..<prompts.count).map { SeededTokenSampler(seed: seed &+ UInt64($0)) }
            do {
                let results = try generator.generate(prompts: prompts, maxFrames: Array(repeating: frames, count: prompts.count),
                                                     samplers: &samplers)
                for r in results { if case let .failure(e) = r, !(e is Qwen3TTSError) { throw e } }
            } catch { generated.error = error }
            generated.seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        for segment in codes { _ = try decoder.decode(frames: segment, decodeUpsampleRate: decodeUpsampleRate) }
        let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        done.wait()
        if let e = generated.error { throw e }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        return Qwen3PipelinedTiming(wall: wall, generate: generated.seconds, decode: decodeSeconds,
                                    audioSeconds: Double(prompts.count * frames) / 12.5)
    }
}
