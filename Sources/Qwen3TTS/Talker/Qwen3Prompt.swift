// Talker prefill construction — mirrors Qwen3TTSForConditionalGeneration.generate / generate_icl_prompt.
//
//   [instruction rows T(instruct ids)]                       (if an instruction is given; text only)
//   role      T(ids[0..<3])                                  (text only)
//   base      codec_seq[i] + (TTS_PAD for i < L−2, TTS_BOS for i = L−2), i < L−1
//             codec_seq = C(tags) ++ [speaker row] ++ [C(codec_pad), C(codec_bos)], L = |codec_seq|
//   tail      streaming:      T(content[0]) + C(codec_bos);          trailing = T(content[1…]) ++ TTS_EOS
//             non-streaming:  T(content[i]) + C(codec_pad) ∀i, TTS_EOS + C(codec_pad), TTS_PAD + C(codec_bos);
//                             trailing = [TTS_PAD]
//             ICL (replaces the tail): Tt = T(ref content ++ content) ++ TTS_EOS,
//                             Cc = C(codec_bos) ++ [frame embedding of each reference frame];
//                             streaming: Tt[:|Cc|] + Cc (Tt padded with TTS_PAD when shorter), trailing = rest
//                             of Tt or [TTS_PAD]; non-streaming: Tt + C(codec_pad), then Cc + TTS_PAD, trailing [TTS_PAD].
// The speaker row is C(spk_id) for a preset speaker or the raw x-vector (it replaces a codec row).
import Foundation
import Tensors

public enum Qwen3Speaker: Sendable {
    /// VoiceDesign, or CustomVoice without a speaker: no speaker row.
    case none
    /// A CustomVoice speaker name (key of spk_id).
    case preset(String)
    /// A speaker-encoder x-vector (talker hidden size).
    case embedding(Tensor)
}

public enum Qwen3TextLayout: String, Sendable, Codable {
    /// Text fed one token per generated frame (the clone default).
    case streaming
    /// Whole text in the prefill (the CustomVoice / VoiceDesign default).
    case nonStreaming
}

/// In-context-learning reference: its transcript ids (chat-wrapped) and speech-tokenizer codes (frames × groups).
public struct Qwen3ICLReference: Sendable {
    public var transcriptIds: [Int]
    public var codes: [[Int]]
    public init(transcriptIds: [Int], codes: [[Int]]) {
        self.transcriptIds = transcriptIds
        self.codes = codes
    }
}

public struct Qwen3PromptRequest: Sendable {
    /// "<|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n" ids.
    public var textIds: [Int]
    /// "auto" or a key of codec_language_id (case-insensitive).
    public var language: String
    public var speaker: Qwen3Speaker
    /// "<|im_start|>user\n{instruct}<|im_end|>\n" ids; nil or empty for none.
    public var instructIds: [Int]?
    public var reference: Qwen3ICLReference?
    public var layout: Qwen3TextLayout

    public init(textIds: [Int], language: String, speaker: Qwen3Speaker, instructIds: [Int]? = nil,
                reference: Qwen3ICLReference? = nil, layout: Qwen3TextLayout) {
        self.textIds = textIds
        self.language = language
        self.speaker = speaker
        self.instructIds = instructIds
        self.reference = reference
        self.layout = layout
    }
}

public struct Qwen3Prompt: Sendable {
    /// Prefill rows (L, hidden).
    public var embeds: Tensor
    /// Text-track rows added at decode steps 0, 1, … (n, hidden); TTS_PAD after they run out.
    public var trailing: Tensor
    /// T(tts_pad) (hidden).
    public var ttsPad: Tensor
    /// Content tokens of the target text (for frame budgets).
    public var textTokenCount: Int
}

public struct Qwen3PromptBuilder: Sendable {
    public let talker: Qwen3Talker
    public let tokens: Qwen3TTSTokens

    public init(talker: Qwen3Talker, tokens: Qwen3TTSTokens) {
        self.talker = talker
        self.tokens = tokens
    }

    public func build(_ r: Qwen3PromptRequest) throws -> Qwen3Prompt {
        let h = talker.hidden
        let content = try tokens.targetContent(r.textIds)
        let specials = try talker.textRows([tokens.ttsBos, tokens.ttsEos, tokens.ttsPad]) // (3, hidden)
        let bos = specials.slice(axis: 0, start: 0, end: 1), eos = specials.slice(axis: 0, start: 1, end: 2)
        let pad = specials.slice(axis: 0, start: 2, end: 3) // (1, hidden)

        var presetName: String?
        var speakerRow: Tensor?
        switch r.speaker {
        case .none: break
        case let .preset(name):
            guard let id = tokens.speakers[name.lowercased()] else {
                throw Qwen3TTSError.unknownSpeaker(name, known: Array(tokens.speakers.keys))
            }
            presetName = name
            speakerRow = try talker.codecRows([id])
        case let .embedding(v):
            guard v.count == h else { throw Qwen3TTSError.shape(what: "speaker embedding", expected: [h], found: v.shape) }
            speakerRow = v.reshaped([1, h])
        }
        let prefix = try tokens.codecPrefix(language: r.language, presetSpeaker: presetName)
        var codecParts = [try talker.codecRows(prefix)]
        if let speakerRow { codecParts.append(speakerRow) }
        codecParts.append(try talker.codecRows([tokens.codecPad, tokens.codecBos]))
        let codecSeq = Tensor.concat(codecParts, axis: 0) // (L, hidden)
        let l = codecSeq.shape[0]

        var pieces: [Tensor] = []
        if let instruct = r.instructIds, !instruct.isEmpty { pieces.append(try talker.textRows(instruct)) }
        pieces.append(try talker.textRows(r.textIds.prefix(Qwen3TTSTokens.rolePrefixCount)))
        let textTrack = Tensor.concat(Array(repeating: pad, count: l - 2) + [bos], axis: 0) // (L−1, hidden)
        pieces.append(textTrack + codecSeq.slice(axis: 0, start: 0, end: l - 1))

        let trailing: Tensor
        if let ref = r.reference {
            let (block, rest) = try iclBlock(ref, content: content, eos: eos, pad: pad, layout: r.layout)
            pieces.append(block)
            trailing = rest
        } else {
            switch r.layout {
            case .streaming:
                let codecBos = codecSeq.slice(axis: 0, start: l - 1, end: l)
                pieces.append(try talker.textRows([content.first!]) + codecBos)
                trailing = Tensor.concat([try talker.textRows(content.dropFirst()), eos], axis: 0)
            case .nonStreaming:
                let text = Tensor.concat([try talker.textRows(content), eos], axis: 0) // (n + 1, hidden)
                let codecPads = try talker.codecRows(Array(repeating: tokens.codecPad, count: text.shape[0]))
                pieces.append(text + codecPads)
                pieces.append(pad + (try talker.codecRows([tokens.codecBos])))
                trailing = pad
            }
        }
        return Qwen3Prompt(embeds: Tensor.concat(pieces, axis: 0), trailing: trailing, ttsPad: pad.reshaped([h]),
                           textTokenCount: content.count)
    }

    /// generate_icl_prompt: the reference block and the trailing text rows.
    func iclBlock(_ ref: Qwen3ICLReference, content: ArraySlice<Int>, eos: Tensor, pad: Tensor,
                  layout: Qwen3TextLayout) throws -> (block: Tensor, trailing: Tensor) {
        let h = talker.hidden
        let refContent = try tokens.referenceContent(ref.transcriptIds)
        let text = Tensor.concat([try talker.textRows(Array(refContent) + Array(content)), eos], axis: 0) // (nt, hidden)
        var codec = Tensor(zeros: [ref.codes.count + 1, h]) // (nc, hidden)
        let bosRow = try talker.codecRows([tokens.codecBos])
        try codec.withUnsafeMutableBufferPointer { cb in
            let c = cb.baseAddress!
            c.update(from: bosRow.pointer, count: h)
            for (f, frame) in ref.codes.enumerated() { try talker.frameEmbedding(frame, into: c + (f + 1) * h) }
        }
        let nt = text.shape[0], nc = codec.shape[0]
        switch layout {
        case .nonStreaming:
            let codecPads = try talker.codecRows(Array(repeating: tokens.codecPad, count: nt))
            return (Tensor.concat([text + codecPads, codec + pad], axis: 0), pad)
        case .streaming:
            if nt > nc {
                return (text.slice(axis: 0, start: 0, end: nc) + codec, text.slice(axis: 0, start: nc, end: nt))
            }
            let padded = Tensor.concat([text] + Array(repeating: pad, count: nc - nt), axis: 0) // (nc, hidden)
            return (padded + codec, pad)
        }
    }
}
