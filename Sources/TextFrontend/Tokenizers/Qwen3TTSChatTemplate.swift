// The ChatML strings Qwen3-TTS (qwen_tts/inference/qwen3_tts_model.py) builds around its texts before
// tokenizing each one separately with the Qwen2 tokenizer:
//   target text:  "<|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n"   (_build_assistant_text)
//   ref text:     "<|im_start|>assistant\n{text}<|im_end|>\n"                          (_build_ref_text)
//   instruction:  "<|im_start|>user\n{instruct}<|im_end|>\n"                           (_build_instruct_text)
// The model then slices target ids [0:3] (role prefix), [3:-5] (text), [-5:] (suffix) and ref ids [3:-2].
// Special-token strings inside the user text become control tokens, as upstream.
import Foundation

public enum Qwen3TTSChatTemplate {
    public static func assistantText(_ text: String) -> String {
        "<|im_start|>assistant\n\(text)<|im_end|>\n<|im_start|>assistant\n"
    }

    public static func referenceText(_ text: String) -> String {
        "<|im_start|>assistant\n\(text)<|im_end|>\n"
    }

    public static func instructText(_ instruct: String) -> String {
        "<|im_start|>user\n\(instruct)<|im_end|>\n"
    }
}

extension Qwen2Tokenizer {
    /// Ids of the target-text prompt (`input_ids` of generate()).
    public func encodeAssistantPrompt(_ text: String) -> [Int] {
        encode(Qwen3TTSChatTemplate.assistantText(text))
    }

    /// Ids of the reference-transcript prompt (`ref_ids`, voice-clone ICL mode).
    public func encodeReferencePrompt(_ text: String) -> [Int] {
        encode(Qwen3TTSChatTemplate.referenceText(text))
    }

    /// Ids of the instruction prompt (`instruct_ids`); nil for a nil or empty instruction, as upstream.
    public func encodeInstructPrompt(_ instruct: String?) -> [Int]? {
        guard let instruct, !instruct.isEmpty else { return nil }
        return encode(Qwen3TTSChatTemplate.instructText(instruct))
    }
}
