// IndexTTS2 text normalization: hand-written tables (Chinese rules modelled on WeTextProcessing tn/chinese; many
// rows are the expected outputs of WeTextProcessing's own test data, tn/chinese/test/data/*.txt), language
// detection, the character map, pinyin protection, and the guarantee that normalized text with digits
// tokenizes without <unk> on the release bpe.model. Expected values are written by hand, never produced by
// the code under test.
import Foundation
import XCTest
import TestSupport
@testable import TextFrontend

final class IndexTTS2TextNormalizerTests: XCTestCase {
    static let chinese: [(String, String)] = [
        // Sport scores after a team name (rules/sport.py), and traditional (Hant) → Hans script first
        ("中国3-2韩国", "中国三比二韩国"),
        ("拉齐奥 2/1 米兰", "拉齐奥二比一米兰"),
        ("几内亚比绍1:0", "几内亚比绍一比零"),
        ("這是測試", "这是测试"),
        ("臺灣有10個", "台湾有十个"),
        // Cardinals
        ("123", "一百二十三"),
        ("0", "零"),
        ("10", "十"),
        ("15个苹果", "十五个苹果"),
        ("115", "一百一十五"),
        ("1001", "一千零一"),
        ("1010", "一千零一十"),
        ("200", "两百"),
        ("2000", "两千"),
        ("1200", "一千二百"),
        ("20000", "两万"),
        ("150000", "十五万"),
        ("12345678", "一千二百三十四万五千六百七十八"),
        ("120000000", "一亿二千万"),
        ("100000100", "一亿零一百"),
        ("123456789012", "一千二百三十四亿五千六百七十八万九千零一十二"),
        ("1234567890123", "一二三四五六七八九零一二三"),
        ("第1章", "第一章"),
        ("1,234元", "一千二百三十四元"),
        ("人均200以内", "人均两百以内"),
        ("共465篇，约315万字", "共四百六十五篇,约三百一十五万字"),
        // Signs and decimals
        ("3.5", "三点五"),
        ("3.14", "三点一四"),
        ("0.5", "零点五"),
        ("计算-2的绝对值是2", "计算负二的绝对值是二"),
        ("±2的平方都是4", "正负二的平方都是四"),
        ("共计6.42万人", "共计六点四二万人"),
        ("同比升高0.6个百分点", "同比升高零点六个百分点"),
        ("GPT-4很强", "GPT-四很强"),
        // Percent and fractions
        ("50%", "百分之五十"),
        ("同比增长6.3%", "同比增长百分之六点三"),
        ("增长200%", "增长百分之两百"),
        ("总量的1/5以上", "总量的五分之一以上"),
        ("3/2是一个假分数", "二分之三是一个假分数"),
        ("相当于头发丝的1/16", "相当于头发丝的十六分之一"),
        // Years and dates
        ("2023年", "二零二三年"),
        ("1999年", "一九九九年"),
        ("仅仅是２０１５年", "仅仅是二零一五年"),
        ("2002/01/28", "二零零二年一月二十八日"),
        ("2002-01-28", "二零零二年一月二十八日"),
        ("2002.01.28", "二零零二年一月二十八日"),
        ("2008-8-8", "二零零八年八月八日"),
        ("08-08-2008", "二零零八年八月八日"),
        ("2002/01", "二零零二年一月"),
        ("08-08", "八月八日"),
        ("2月2日", "二月二日"),
        ("8月16号12:00之前", "八月十六号十二点之前"),
        ("90后", "九零后"),
        // Times
        ("我是5:02开始的", "我是五点零二分开始的"),
        ("于5:35:36发射", "于五点三十五分三十六秒发射"),
        ("8:00 a.m.准时开会", "上午八点准时开会"),
        ("2:02", "两点零二分"),
        ("22：58", "二十二点五十八分"),
        ("比分定格在78:96", "比分定格在七十八比九十六"),
        // Money
        ("价格是￥13.5", "价格是十三点五元"),
        ("价格是$13.5", "价格是十三点五美元"),
        ("价格是HKD13.5", "价格是十三点五港元"),
        ("合计CNY 1.25", "合计一点二五人民币"),
        // Measures
        ("重达25kg", "重达二十五千克"),
        ("最高气温38°C", "最高气温三十八摄氏度"),
        ("实际面积120m²", "实际面积一百二十平方米"),
        ("渲染速度10ms一帧", "渲染速度十毫秒一帧"),
        ("独得300w张", "独得三百万张"),
        ("2个人", "两个人"),
        ("2两", "二两"),
        ("2年后", "两年后"),
        ("20年后", "二十年后"),
        ("1-2个", "一到两个"),
        ("3～5天", "三到五天"),
        ("时速10km/h", "时速每小时十公里"),
        ("10010元", "一万零一十元"),
        ("第007号", "第零零七号"),
        // Digit strings
        ("可以打我手机13501234567", "可以打我手机幺三五零幺二三四五六七"),
        ("可以拨打12306来咨询", "可以拨打幺二三零六来咨询"),
        ("127.0.0.1", "一二七点零点零点一"),
        ("010-64035547", "零一零六四零三五五四七"),
        ("尾号1702", "尾号幺七零二"),
        ("尾号是3385", "尾号是三三八五"),
        // Math
        ("1+2=3", "一加二等于三"),
        ("2 ≤ 4", "二小于等于四"),
        ("当场票数≥100万", "当场票数大于等于一百万"),
        // Character map and pinyin
        ("他说：“我们已经吃过了！”。", "他说,'我们已经吃过了!'."),
        ("xuan4这个字", "XVAN4这个字"),
        ("读作zhong4吗？", "读作zhong4吗?"),
        ("价格$", "价格."),
    ]

    func testChineseTable() {
        XCTAssertGreaterThanOrEqual(Self.chinese.count, 40)
        for (input, expected) in Self.chinese {
            XCTAssertEqual(IndexTTS2TextNormalizer.normalize(input), expected, "normalize(\(input.debugDescription))")
        }
    }

    func testEnglishPathReusesTheEnglishNormalizer() {
        let cases: [(String, String)] = [
            ("I have 3 cats and 42 dogs.", "I have three cats and forty-two dogs."),
            ("It's 42.", "It is forty-two."),
            ("She said: (hi) [there]", "She said, 'hi' 'there'"),
            ("Wait... what?", "Wait… what?"),
            ("line one\nline two", "line one line two"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(IndexTTS2TextNormalizer.normalize(input), expected, "normalize(\(input.debugDescription))")
        }
        XCTAssertEqual(IndexTTS2TextNormalizer.normalize("123", language: "en"), "one hundred twenty-three")
        XCTAssertEqual(IndexTTS2TextNormalizer.normalize("123", language: "zh"), "一百二十三")
    }

    func testLanguageDetection() {
        let cases: [(String, String)] = [
            ("Hello world 3", "en"), ("你好", "zh"), ("Mixed 中文 and English", "zh"), ("12345", "zh"),
            ("abc@def.com", "zh"), ("ni3 hao3", "zh"), ("こんにちは", "ja"), ("カタカナ", "ja"), ("beta1 voice2", "en"),
        ]
        for (text, lang) in cases {
            XCTAssertEqual(IndexTTS2TextNormalizer.detectLanguage(text), lang, text)
        }
        XCTAssertEqual(IndexTTS2TextNormalizer.normalize("  Speaker 1：こんにちは。  "), "こんにちは.")
    }

    func testCharacterMapIsOnePassInTableOrder() {
        // "，，，" never matches as a unit: "，" comes first in the table.
        XCTAssertEqual(IndexTTS2TextNormalizer.mapCharacters("好，，，", chinese: true), "好,,,")
        XCTAssertEqual(IndexTTS2TextNormalizer.mapCharacters("好……", chinese: true), "好…")
        XCTAssertEqual(IndexTTS2TextNormalizer.mapCharacters("a...b,,,c", chinese: false), "a…b…c")
        XCTAssertEqual(IndexTTS2TextNormalizer.mapCharacters("$5", chinese: false), "$5")
        XCTAssertEqual(IndexTTS2TextNormalizer.mapCharacters("$5", chinese: true), ".5")
    }

    /// After normalization, no text with digits leaves a <unk> id on the release bpe.model. (A text whose stripped
    /// length is 1, such as "0", skips normalization in TextTokenizer.encode, upstream as here.)
    func testDigitsNeverReachTheTokenizerAsUnknown() throws {
        let tok = try IndexTTS2TextTokenizer(modelPath: Fixtures.data.appendingPathComponent("indextts2/bpe.model").path)
        let unk = tok.sentencePiece.unkID
        let texts = Self.chinese.map(\.0).filter { $0.contains(where: \.isNumber) && $0.count > 1 } + [
            "I have 3 cats and 42 dogs.", "The year 1999 was long; 2,500 people came at 3:30 pm.",
            "他在2023年5月1日花了￥1,299.99买了3部手机，电话13812345678。",
            "Chapter 12: 50% of 7 is 3.5.",
        ]
        XCTAssertGreaterThan(texts.count, 60)
        for text in texts {
            let ids = tok.encode(text, normalizer: IndexTTS2TextNormalizer.normalizer())
            XCTAssertFalse(ids.contains(unk), "\(text.debugDescription) → \(tok.tokenize(text, normalizer: IndexTTS2TextNormalizer.normalizer()))")
            XCTAssertFalse(ids.isEmpty, text)
        }
        // Without normalization the same digits are unknown pieces (the failure this guards against).
        XCTAssertTrue(tok.encode("我有3只猫").contains(unk))
        XCTAssertFalse(tok.encode("我有3只猫", normalizer: IndexTTS2TextNormalizer.normalizer()).contains(unk))
    }
}
