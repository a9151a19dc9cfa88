// `--include-front-matter` and `--image-alt-text` (plan, render): what of an EPUB is read.
import ArgumentParser
import Bookvox
import TextFrontend

struct ReadingOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo,
          help: "EPUB: also read the front and back matter `plan` lists as skipped (title and copyright pages, contents, colophon, notes; documents outside the reading order). Remembered by the project.")
    var includeFrontMatter: Bool?

    @Flag(inversion: .prefixedNo,
          help: "EPUB: read images' alt text (Markdown books say so in front matter: `image-alt-text: read`). Remembered by the project.")
    var imageAltText: Bool?

    /// For `plan`: the flags over the defaults.
    var planned: BookReadingOptions {
        BookReadingOptions(includeSkippedMatter: includeFrontMatter ?? false, readsImageAltText: imageAltText ?? false)
    }

    func apply(to options: inout RenderOptions) {
        options.includeFrontMatter = includeFrontMatter
        options.imageAltText = imageAltText
    }
}
