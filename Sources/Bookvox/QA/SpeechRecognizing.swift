// What the word check needs from a speech recognizer (Whisper: QA/WhisperRecognizer.swift): the words heard
// in a stretch of audio with their times, and the recognizer's own text normalization for comparing them.
import AudioDSP
import Foundation

/// A word heard, with its time in seconds from the start of the audio.
public struct RecognizedWord: Sendable, Equatable {
    public var text: String
    public var start: Double
    public var end: Double

    public init(text: String, start: Double, end: Double) {
        self.text = text
        self.start = start
        self.end = end
    }
}

public protocol SpeechRecognizing: AnyObject, Sendable {
    /// Name and model, recorded with the transcripts (e.g. "whisper-base.en").
    var name: String { get }
    /// The words heard in `audio` (several segments laid end to end), with their times. Deterministic for the
    /// same audio, language and seed (the seed drives sampling at temperature > 0). `maxTokens` bounds what one
    /// decode may produce (a take that babbles must not cost a whole window of tokens).
    func words(in audio: AudioBuffer, language: String, seed: UInt64, maxTokens: Int) throws -> [RecognizedWord]
    /// Words to compare after the recognizer's text normalization, applied to the book's text and to the
    /// words heard alike.
    func comparableWords(_ text: String, language: String) -> [String]
}
