// TextFrontend: Markdown/plain-text books → chapters → paragraphs → sentences.
