// The cast of voices in Markdown: front matter `voices:`/`dialogue:`, heading attributes, fenced divs, quoted speech.
import XCTest
@testable import TextFrontend

final class BookCastTests: XCTestCase {
    private func load(_ md: String, options: SegmenterOptions = .init()) throws -> Book {
        let book = try BookLoader.load(text: md, format: .markdown, sourcePath: "books/cast.md", options: options)
        for chapter in book.chapters { XCTAssertTrue(chapter.isLossless, "chapter \(chapter.index) not lossless") }
        return book
    }

    private func voiced(_ book: Book) -> [String] {
        book.segments.map { "\($0.voice ?? "-"): \($0.text)" }
    }

    private let castHeader = """
        ---
        title: Cast
        voices:
          narrator: { clip: narrator.wav, text: "The clip's words.", espeak: en-us }
          liz:
            clip: voices/liz.wav
            speaker: vivian
            design: A bright young woman.
            emotion: "happy=0.6,calm=0.2"
            emotion-clip: happy.wav
            emotion-alpha: 0.5
            espeak: en+f3
            rate: 1.1
          darcy: { espeak: en+m3 }
        """

    func testFrontMatterCast() throws {
        let book = try load(castHeader + "\n---\n\nSome text here.\n")
        let cast = try XCTUnwrap(book.metadata.cast)
        XCTAssertEqual(cast.names, ["narrator", "liz", "darcy"])
        XCTAssertEqual(cast.defaultVoice, "narrator", "a voice named narrator is the default")
        XCTAssertNil(cast.dialogueVoice)
        let liz = try XCTUnwrap(cast.voice(named: "liz"))
        XCTAssertEqual(liz.clip, "voices/liz.wav")
        XCTAssertEqual(liz.speaker, "vivian")
        XCTAssertEqual(liz.design, "A bright young woman.")
        XCTAssertEqual(liz.emotion, "happy=0.6,calm=0.2")
        XCTAssertEqual(liz.emotionClip, "happy.wav")
        XCTAssertEqual(liz.emotionAlpha, 0.5)
        XCTAssertEqual(liz.espeak, "en+f3")
        XCTAssertEqual(liz.rate, 1.1)
        XCTAssertEqual(liz.line, 5)
        XCTAssertEqual(cast.voice(named: "narrator")?.text, "The clip's words.")
        // Without a cast voice anywhere, every segment is the default's (nil).
        XCTAssertEqual(book.segments.map(\.voice), [nil])
    }

    func testDefaultAndDialogueKeysAndTheirErrors() throws {
        let book = try load(castHeader + "\n  default: darcy\ndialogue: liz\n---\n\nText.\n")
        XCTAssertEqual(book.metadata.cast?.defaultVoice, "darcy")
        XCTAssertEqual(book.metadata.cast?.dialogueVoice, "liz")

        XCTAssertThrowsError(try load(castHeader + "\n  default: lizzy\n---\n\nText.\n")) { error in
            XCTAssertEqual((error as? BookError)?.line, 15)
            XCTAssertTrue("\(error)".contains("no voice 'lizzy'"), "\(error)")
        }
        XCTAssertThrowsError(try load(castHeader + "\ndialogue: wickham\n---\n\nText.\n")) { error in
            XCTAssertEqual((error as? BookError)?.line, 15)
            XCTAssertTrue("\(error)".contains("no voice 'wickham' in the cast (voices: narrator, liz, darcy)"), "\(error)")
        }
        XCTAssertThrowsError(try load("---\ndialogue: liz\n---\n\nText.\n")) { error in
            XCTAssertTrue("\(error)".contains("the book has no cast"), "\(error)")
        }
        XCTAssertThrowsError(try load("---\nvoices:\n  liz: { colour: red }\n---\n\nText.\n")) { error in
            XCTAssertEqual((error as? BookError)?.line, 3)
            XCTAssertTrue("\(error)".contains("unknown setting 'colour'"), "\(error)")
        }
        XCTAssertThrowsError(try load("---\nvoices:\n  liz: { text: hello }\n---\n\nText.\n")) { error in
            XCTAssertTrue("\(error)".contains("nothing to speak with"), "\(error)")
        }
        XCTAssertThrowsError(try load("---\nvoices: liz\n---\n\nText.\n")) { error in
            XCTAssertTrue("\(error)".contains("must map voice names"), "\(error)")
        }
    }

    func testHeadingAttributeSetsTheChapterVoice() throws {
        let md = castHeader + """

            ---

            # Chapter One {voice=liz}

            She spoke first. Then she left.

            ## Chapter Two {#two .x voice="darcy"}

            He answered.

            # Chapter Three {.aside}

            Back to the narrator.
            """
        let book = try load(md)
        XCTAssertEqual(book.chapters.map(\.title), ["Chapter One", "Chapter Two", "Chapter Three {.aside}"])
        XCTAssertEqual(voiced(book), [
            "liz: Chapter One", "liz: She spoke first.", "liz: Then she left.",
            "darcy: Chapter Two", "darcy: He answered.",
            "-: Chapter Three {.aside}", "-: Back to the narrator.",
        ])
    }

    func testFrontMatterChapterVoices() throws {
        let md = castHeader + """

            chapter-voices:
              2: darcy
              "Chapter  Three": liz
              1: liz
            ---

            # Chapter One {voice=darcy}

            The attribute wins.

            # Chapter Two

            By number.

            # Chapter  Three

            By title.
            """
        XCTAssertEqual(voiced(try load(md)), [
            "darcy: Chapter One", "darcy: The attribute wins.", "darcy: Chapter Two", "darcy: By number.",
            "liz: Chapter Three", "liz: By title.",
        ])
        XCTAssertThrowsError(try load(castHeader + "\nchapter-voices:\n  4: liz\n---\n\n# One\n\nText.\n")) { error in
            XCTAssertEqual((error as? BookError)?.line, 16)
            XCTAssertTrue("\(error)".contains("names chapter '4', which the book does not have (it has 1 chapters"), "\(error)")
        }
        XCTAssertThrowsError(try load(castHeader + "\nchapter-voices:\n  1: lydia\n---\n\n# One\n\nText.\n")) { error in
            XCTAssertEqual((error as? BookError)?.line, 16)
            XCTAssertTrue("\(error)".contains("no voice 'lydia'"), "\(error)")
        }
    }

    func testFencedDivsSetAPassageVoice() throws {
        let md = castHeader + """

            ---

            # One {voice=darcy}

            Darcy reads the chapter.

            ::: {voice=liz}
            Liz reads this passage.

            And this paragraph too.

            ::: {.note}
            A nested div keeps her voice.
            :::
            :::

            ::: voice=narrator
            The narrator reads this.
            :::

            Darcy again.
            """
        let book = try load(md)
        XCTAssertEqual(voiced(book), [
            "darcy: One", "darcy: Darcy reads the chapter.", "liz: Liz reads this passage.", "liz: And this paragraph too.",
            "liz: A nested div keeps her voice.", "narrator: The narrator reads this.", "darcy: Darcy again.",
        ])
        XCTAssertEqual(book.segments.first { $0.text.hasPrefix("The narrator") }?.sourceLine, 32)
    }

    func testUnknownVoiceIsAnErrorWithFileAndLine() throws {
        XCTAssertThrowsError(try load(castHeader + "\n---\n\n# One {voice=lizzy}\n\nText.\n")) { error in
            XCTAssertEqual(error as? BookError, .unknownVoice(
                path: "books/cast.md", line: 17,
                reason: "there is no voice 'lizzy' in the cast (voices: narrator, liz, darcy); check the spelling or add it "
                    + "under `voices:` in the front matter"))
            XCTAssertTrue("\(error)".hasPrefix("books/cast.md:17: there is no voice 'lizzy'"), "\(error)")
        }
        XCTAssertThrowsError(try load(castHeader + "\n---\n\nText.\n\n::: voice=bingley\nMore.\n:::\n")) { error in
            XCTAssertEqual((error as? BookError)?.line, 19)
        }
        XCTAssertThrowsError(try load("# One {voice=liz}\n\nText.\n")) { error in
            XCTAssertTrue("\(error)".contains("books/cast.md:1: there is no voice 'liz': the book has no cast"), "\(error)")
        }
    }

    func testQuotedSpeechGoesToTheDialogueVoice() throws {
        let md = castHeader + """

            dialogue: liz
            ---

            "Hello," she said. "How are you?"

            “Curly quotes,” he replied, “with ‘nested’ quotes and don’t apostrophes.”

            He called it a "so-called" success. She said, "Fine."

            “This speech runs on
            over two lines and past the paragraph's end.

            “And it continues here,” she finished.
            """
        let book = try load(md)
        XCTAssertEqual(voiced(book), [
            "liz: \"Hello,\"", "-: she said.", "liz: \"How are you?\"",
            "liz: “Curly quotes,”", "-: he replied,", "liz: “with ‘nested’ quotes and don’t apostrophes.”",
            "-: He called it a \"so-called\" success. She said,", "liz: \"Fine.\"",
            "liz: “This speech runs on over two lines and past the paragraph's end.",
            "liz: “And it continues here,”", "-: she finished.",
        ])
        // A run that stops mid-sentence is followed by a clause pause; one that ends its sentence by a sentence pause.
        XCTAssertEqual(book.segments.prefix(3).map(\.boundary), [.clause, .sentence, .paragraph])
        XCTAssertEqual(book.segments[8].sourceLine, 24)
    }

    func testPassageVoiceWinsOverTheDialogueVoice() throws {
        let md = castHeader + """

            dialogue: liz
            ---

            ::: {voice=darcy}
            "I am Darcy," he said.
            :::
            """
        XCTAssertEqual(voiced(try load(md)), ["darcy: \"I am Darcy,\" he said."])
    }

    func testQuotesAreNotSplitWithoutADialogueVoice() throws {
        let md = castHeader + "\n---\n\n\"Hello,\" she said. \"How are you?\"\n"
        XCTAssertEqual(voiced(try load(md)), ["-: \"Hello,\" she said.", "-: \"How are you?\""])
    }

    func testFragmentsDoNotMergeAcrossVoices() throws {
        let md = castHeader + "\ndialogue: liz\n---\n\n\"No,\" said he. Then he went home to sleep.\n"
        // "said he." (two words) joins the narration after it, never the speech before it.
        XCTAssertEqual(voiced(try load(md)), ["liz: \"No,\"", "-: said he. Then he went home to sleep."])
    }

    /// Without a cast, `:::` lines and braces read exactly as before (as the previous release plans them).
    func testBooksWithoutACastReadAsBefore() throws {
        let book = try load("First part.\n\n:::\n\nSecond part {.x}.\n\n::: note\n")
        XCTAssertEqual(book.segments.map(\.text), ["First part.", "Second part {.x}. ::: note"])
        XCTAssertEqual(book.segments.map(\.boundary), [.scene, .chapter])
        XCTAssertEqual(book.segments.map(\.voice), [nil, nil])
        XCTAssertNil(book.metadata.cast)
    }
}
