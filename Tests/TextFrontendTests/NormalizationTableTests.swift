import XCTest
@testable import TextFrontend

/// Hand-written input → expected spoken form. Expected values were written by hand from the reading rules
/// documented in Sources/TextFrontend/Normalization, never produced by the code under test.
final class NormalizationTableTests: XCTestCase {
    static let cases: [(String, String)] = [
        // Cardinals
        ("I have 3 apples.", "I have three apples."),
        ("0", "zero"),
        ("He was 42.", "He was forty-two."),
        ("100 men", "one hundred men"),
        ("105 days", "one hundred five days"),
        ("It cost 1,234 lives.", "It cost one thousand two hundred thirty-four lives."),
        ("1,000,000 stars", "one million stars"),
        ("2,500,017 people", "two million five hundred thousand seventeen people"),
        ("The temperature was -5 outside.", "The temperature was minus five outside."),
        ("-12 and 12", "minus twelve and twelve"),
        ("13 ways", "thirteen ways"),
        ("99 bottles", "ninety-nine bottles"),
        ("Agent 007", "Agent zero zero seven"),
        ("12345 steps", "twelve thousand three hundred forty-five steps"),
        ("page 1234", "page one thousand two hundred thirty-four"),
        ("room 1999", "room one thousand nine hundred ninety-nine"),
        ("3000 soldiers", "three thousand soldiers"),
        ("MP3 player", "MP three player"),
        ("999 ways", "nine hundred ninety-nine ways"),
        ("1,999 ducks", "one thousand nine hundred ninety-nine ducks"),
        ("5 million", "five million"),
        ("1.5 million", "one point five million"),
        // Ordinals
        ("1st", "first"),
        ("the 22nd time", "the twenty-second time"),
        ("3rd place", "third place"),
        ("4th", "fourth"),
        ("11th hour", "eleventh hour"),
        ("12th", "twelfth"),
        ("13th", "thirteenth"),
        ("21st century", "twenty-first century"),
        ("100th day", "one hundredth day"),
        ("the 101st dalmatian", "the one hundred first dalmatian"),
        ("his 40th birthday", "his fortieth birthday"),
        ("the 1,000th visitor", "the one thousandth visitor"),
        // Years and decades
        ("In 1999 we", "In nineteen ninety-nine we"),
        ("in 2005.", "in two thousand five."),
        ("2000", "two thousand"),
        ("in 1900", "in nineteen hundred"),
        ("by 1905", "by nineteen oh five"),
        ("in 1066", "in ten sixty-six"),
        ("2021", "twenty twenty-one"),
        ("2010", "twenty ten"),
        ("1776", "seventeen seventy-six"),
        ("the 1800s", "the eighteen hundreds"),
        ("the 1990s", "the nineteen nineties"),
        ("the 2000s", "the two thousands"),
        ("the \u{2019}90s", "the nineties"),
        ("in her 20s", "in her twenties"),
        ("1914-1918", "nineteen fourteen to nineteen eighteen"),
        ("pages 10-20", "pages ten to twenty"),
        ("the war of 1914\u{2013}18", "the war of nineteen fourteen to eighteen"),
        // Decimals
        ("3.14", "three point one four"),
        ("0.5", "zero point five"),
        ("It weighs 2.75 tons.", "It weighs two point seven five tons."),
        ("-3.5", "minus three point five"),
        (".5", "point five"),
        ("1,234.5", "one thousand two hundred thirty-four point five"),
        // Currency
        ("$3.50", "three dollars and fifty cents"),
        ("$1", "one dollar"),
        ("$0.99", "ninety-nine cents"),
        ("£12", "twelve pounds"),
        ("€5 million", "five million euros"),
        ("$1.5 billion", "one point five billion dollars"),
        ("$1,000", "one thousand dollars"),
        ("£1.01", "one pound and one penny"),
        ("It cost $20.", "It cost twenty dollars."),
        ("$5.00", "five dollars"),
        ("¥500", "five hundred yen"),
        ("€2.50", "two euros and fifty cents"),
        ("£3.5", "three point five pounds"),
        // Percentages
        ("50%", "fifty percent"),
        ("3.5%", "three point five percent"),
        ("100 %", "one hundred percent"),
        ("-2%", "minus two percent"),
        ("a 12% rise", "a twelve percent rise"),
        // Times
        ("3:30 pm", "three thirty PM"),
        ("at 3:30 p.m. sharp", "at three thirty PM sharp"),
        ("We left at 10 a.m. The rain", "We left at ten AM. The rain"),
        ("14:05", "fourteen oh five"),
        ("14:00", "fourteen hundred"),
        ("9:00", "nine o'clock"),
        ("7:45AM", "seven forty-five AM"),
        ("6 pm", "six PM"),
        ("12:15 am", "twelve fifteen AM"),
        ("3:05 pm", "three oh five PM"),
        ("23:59", "twenty-three fifty-nine"),
        ("14:05:30", "fourteen oh five and thirty seconds"),
        // Dates
        ("March 3, 2021", "March third, twenty twenty-one"),
        ("on March 3", "on March third"),
        ("July 4th, 1776", "July fourth, seventeen seventy-six"),
        ("3 March 2021", "the third of March, twenty twenty-one"),
        ("on the 5th of November", "on the fifth of November"),
        ("Dec. 25", "December twenty-fifth"),
        ("4/13/2021", "April thirteenth, twenty twenty-one"),
        ("13/4/2021", "the thirteenth of April, twenty twenty-one"),
        ("3/4/2021", "three slash four slash twenty twenty-one"),
        ("5/5/2021", "May fifth, twenty twenty-one"),
        ("2021-03-04", "March fourth, twenty twenty-one"),
        ("May 2020", "May twenty twenty"),
        // Roman numerals
        ("Chapter IV", "Chapter four"),
        ("CHAPTER XII.", "CHAPTER twelve."),
        ("Book III", "Book three"),
        ("Act I, Scene II", "Act one, Scene two"),
        ("Henry VIII", "Henry the Eighth"),
        ("Louis XIV was king", "Louis the Fourteenth was king"),
        ("Elizabeth II", "Elizabeth the Second"),
        ("Henry VIII's wives", "Henry the Eighth's wives"),
        ("Pope John Paul II", "Pope John Paul the Second"),
        ("World War II", "World War Two"),
        ("Then I went home.", "Then I went home."),
        ("Malcolm X spoke.", "Malcolm X spoke."),
        // Titles and abbreviations
        ("Mr. Bennet", "Mister Bennet"),
        ("Mrs. Long", "Missus Long"),
        ("Dr. Watson", "Doctor Watson"),
        ("Mr Darcy", "Mister Darcy"),
        ("Mr. and Mrs. Smith", "Mister and Missus Smith"),
        ("Prof. Moriarty", "Professor Moriarty"),
        ("Capt. Hook", "Captain Hook"),
        ("St. Paul's Cathedral", "Saint Paul's Cathedral"),
        ("the church of St. Mary", "the church of Saint Mary"),
        ("He lived on Baker St.", "He lived on Baker Street."),
        ("Baker St. was busy", "Baker Street was busy"),
        ("at 221 Baker St., London", "at two hundred twenty-one Baker Street, London"),
        ("He lives on 42nd St. now", "He lives on forty-second Street now"),
        ("Elm Dr. is closed", "Elm Drive is closed"),
        ("Mt. Everest", "Mount Everest"),
        ("apples, pears, etc.", "apples, pears, et cetera."),
        ("fruit, e.g. apples", "fruit, for example apples"),
        ("one thing, i.e. the end", "one thing, that is the end"),
        ("Smith vs. Jones", "Smith versus Jones"),
        ("No. 5", "number five"),
        ("Smith & Sons", "Smith and Sons"),
        ("ribbons, lace, &c.", "ribbons, lace, et cetera."),
        ("Martin Luther King Jr. spoke", "Martin Luther King Junior spoke"),
        // Fractions, units, symbols
        ("1/2 cup", "one half cup"),
        ("3/4 of them", "three quarters of them"),
        ("2\u{00BD} miles", "two and a half miles"),
        ("5 km", "five kilometers"),
        ("1 km", "one kilometer"),
        ("30°C", "thirty degrees Celsius"),
        ("the 5 ft. wall", "the five feet wall"),
        ("#1 fan", "number one fan"),
        // Left alone
        ("No change here.", "No change here."),
        ("\u{201C}Yes,\u{201D} said he.", "\u{201C}Yes,\u{201D} said he."),
        // Together
        ("Mr. Bennet paid $3.50 on March 3, 2021 at 3:30 pm.",
         "Mister Bennet paid three dollars and fifty cents on March third, twenty twenty-one at three thirty PM."),
    ]

    func testTableHasAtLeastOneHundredCases() {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 100)
    }

    func testNormalizationTable() {
        var failures: [String] = []
        for (input, expected) in Self.cases {
            let got = TextNormalizer.normalize(input)
            if got != expected { failures.append("\(input)\n    expected: \(expected)\n    got:      \(got)") }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) of \(Self.cases.count) cases differ:\n" + failures.joined(separator: "\n"))
    }

    func testOtherLanguagesAreLeftAsWritten() {
        XCTAssertEqual(TextNormalizer.normalize("Il a 3 chats.", language: "fr"), "Il a 3 chats.")
    }

    func testNormalizationDoesNotChangeStoredSegmentText() throws {
        let book = try BookLoader.load(text: "# One\n\nMr. Bennet paid $3.50 for it.", format: .markdown, sourcePath: "t.md")
        XCTAssertEqual(book.chapters[0].segments[1].text, "Mr. Bennet paid $3.50 for it.")
    }
}
