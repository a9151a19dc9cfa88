// Lookup tables of the Chinese normalizer, transcribed from WeTextProcessing's `tn/chinese/data` (Apache-2.0):
// measure units (measure/units_en.tsv, measure/units_zh.tsv, duplicates dropped), currency symbols and codes
// (money/*.tsv), well-known service numbers (cardinal/phone.tsv), the whitelist (default/whitelist.tsv), the
// a.m./p.m. words (time/noon.tsv) and the math operators (math/operator.tsv plus the math rule's symbols).
enum ChineseNormalizerTables {
    static let latinUnits: [(String, String)] = [
        ("amu", "原子质量"), ("bar", "巴"), ("cm2", "平方厘米"), ("cm²", "平方厘米"), ("cm3", "立方厘米"), ("cm³", "立方厘米"),
        ("cm", "厘米"), ("cwt", "美担"), ("°c", "摄氏度"), ("°C", "摄氏度"), ("℃", "摄氏度"), ("db", "分贝"), ("dm3", "立方分米"),
        ("dm³", "立方分米"), ("dm", "分米"), ("ds", "毫秒"), ("ft", "英尺"), ("°f", "华氏度"), ("°F", "华氏度"), ("℉", "华氏度"),
        ("gb", "吉字节"), ("ghz", "吉赫兹"), ("gpa", "吉帕斯卡"), ("gwh", "吉瓦时"), ("gw", "吉瓦"), ("gy", "戈瑞"), ("h", "小时"),
        ("ha", "公顷"), ("hz", "赫兹"), ("kbps", "千比特每秒"), ("kcal", "千卡"), ("kgf", "千克力"), ("kg", "千克"), ("khz", "千赫兹"),
        ("km2", "平方千米"), ("km²", "平方千米"), ("km", "公里"), ("kpa", "千帕"), ("kwh", "千瓦时"), ("kw", "千瓦"), ("kW", "千瓦"),
        ("lbs", "磅"), ("lb", "磅"), ("L", "升"), ("m2", "平方米"), ("m²", "平方米"), ("m3", "立方米"), ("m³", "立方米"),
        ("mbps", "兆比特每秒"), ("mg", "毫克"), ("mhz", "兆赫兹"), ("mi2", "平方英里"), ("mi²", "平方英里"), ("min", "分钟"),
        ("mi", "英里"), ("ml", "毫升"), ("mm2", "平方毫米"), ("mm²", "平方毫米"), ("mm", "毫米"), ("mol", "摩尔"), ("mpa", "兆帕"),
        ("mph", "英里每小时"), ("ms", "毫秒"), ("mv", "毫伏"), ("mw", "毫瓦"), ("m", "米"), ("ng", "纳克"), ("nm", "纳米"),
        ("ns", "纳秒"), ("ºc", "摄氏度"), ("ºC", "摄氏度"), ("oz", "盎司"), ("º", "度"), ("pa", "帕斯卡"), ("pg", "皮克"),
        ("ps", "皮秒"), ("rad", "弧度"), ("rpm", "转每分"), ("sq ft", "平方英尺"), ("sq mi", "平方英里"), ("sv", "系沃特"), ("s", "秒"),
        ("tb", "太字节"), ("tj", "万亿焦耳"), ("tl", "台两"), ("v", "伏特"), ("yd", "码"), ("μg", "微克"), ("μm", "微米"),
        ("μs", "微秒"), ("ω", "欧米茄"), ("°", "度"),
    ]
    static let chineseUnits: [String] = [
        "年来", "年前", "年后", "年内", "年之前", "年之后", "平方", "平米", "立方", "公里", "票", "多", "余", "几", "集", "档", "具", "趟", "人",
        "篇", "帧", "把", "封", "艘", "套", "段", "号", "匹", "张", "座", "回", "场", "尾", "条", "个", "首", "阙", "阵", "网", "炮", "顶",
        "丘", "棵", "只", "支", "袭", "辆", "挑", "担", "颗", "壳", "窠", "曲", "墙", "群", "腔", "砣", "客", "贯", "扎", "捆", "刀", "令",
        "手", "罗", "坡", "山", "岭", "江", "溪", "钟", "队", "单", "双", "对", "口", "头", "脚", "板", "跳", "枝", "件", "贴", "针", "线",
        "管", "名", "位", "身", "堂", "课", "本", "页", "家", "户", "层", "丝", "毫", "厘", "分", "钱", "两", "斤", "铢", "石", "钧", "锱",
        "忽", "克", "寸", "尺", "丈", "里", "寻", "常", "铺", "程", "米", "撮", "勺", "合", "升", "斗", "盘", "碗", "碟", "叠", "桶", "笼",
        "盆", "盒", "杯", "斛", "锅", "簋", "篮", "罐", "瓶", "壶", "卮", "盏", "箩", "箱", "煲", "啖", "袋", "钵", "月", "日", "季", "刻",
        "时", "小时", "周", "天", "秒", "旬", "纪", "岁", "世", "更", "夜", "春", "夏", "秋", "冬", "代", "伏", "辈", "丸", "泡", "粒", "幢",
        "堆", "根", "道", "面", "片", "块", "架", "千米", "分米", "厘米", "毫米", "微米", "纳米", "亿", "千万", "百万", "万", "千", "百", "亿块",
        "千万块", "百万块", "万块", "千块", "百块", "亿角", "千万角", "百万角", "万角", "千角", "百角", "亿毛", "千万毛", "百万毛", "万毛", "千毛", "百毛",
        "亿分", "千万分", "百万分", "万分", "千分", "百分", "亿元", "千万元", "百万元", "万元", "千元", "百元", "元", "吨", "度", "摄氏度", "字", "兆",
    ]
    /// Longest first, so "km²" wins over "km" and "m".
    static let latinUnitsByLength = latinUnits.sorted { $0.0.count > $1.0.count }
    static let chineseUnitsByLength = chineseUnits.sorted { $0.count > $1.count }

    /// Currency codes and symbols → name; the amount is read first: ￥13.5 → 十三点五元.
    static let currencies: [(String, String)] = [
        ("A$", "澳元"), ("AED", "阿联酋迪拉姆"), ("ARS", "阿根廷比索"), ("AUD", "澳元"), ("CAD$", "加元"), ("CAD", "加元"),
        ("CHF", "瑞士法郎"), ("CNY", "人民币"), ("EUR", "欧元成员国"), ("GBP", "英镑"), ("HK＄", "港元"), ("HK$", "港元"),
        ("HKD", "港元"), ("INR", "印度卢比"), ("J￥", "日元"), ("JPY￥", "日元"), ("JPY", "日元"), ("KRW", "韩元"),
        ("RUB", "俄罗斯卢布"), ("SAR", "沙特阿拉伯里亚尔"), ("SEK", "瑞典克朗"), ("SGD", "新加坡元"), ("THB", "泰铢"),
        ("TRY", "土耳其里拉"), ("USD", "美元"), ("$", "美元"), ("£", "英镑"), ("￡", "英镑"), ("¥", "元"), ("￥", "元"),
        ("฿", "泰铢"), ("€", "欧元"), ("₹", "印度卢比"), ("₽", "卢布"), ("R$", "巴西雷亚尔"),
    ].sorted { $0.0.count > $1.0.count }

    /// Service numbers read digit by digit with 1 as 幺 (other 3/5-digit numbers read as cardinals).
    static let phoneNumbers: Set<String> = [
        "110", "111", "112", "114", "119", "120", "122", "10086", "10010", "12306", "12315", "12345", "12110", "12320",
        "12366", "12333", "12328", "95110", "95120", "95188", "95500", "95511", "95533", "95555", "95566", "95588",
        "95598", "95599",
    ]

    static let whitelist: [(String, String)] = [
        ("B2B", "B to B"), ("M.V.P", "M V P"), ("O2O", "O to O"), ("P2P", "P to P"), ("BY2", "BY TWO"), ("By2", "By Two"),
        ("10后", "一零后"), ("00后", "零零后"), ("90后", "九零后"), ("80后", "八零后"), ("70后", "七零后"), ("60后", "六零后"),
        ("50后", "五零后"),
    ].sorted { $0.0.count > $1.0.count }

    static let noon: [(String, String)] = [
        ("a.m.", "上午"), ("a m", "上午"), ("am", "上午"), ("A M", "上午"), ("AM", "上午"),
        ("p.m.", "下午"), ("p m", "下午"), ("pm", "下午"), ("P M", "下午"), ("PM", "下午"),
    ]

    /// Operators between two numbers (longest first).
    static let operators: [(String, String)] = [
        (">=", "大于等于"), ("<=", "小于等于"), ("×", "乘"), ("-", "减"), ("+", "加"), ("=", "等于"), ("÷", "除"),
        ("≥", "大于等于"), ("≤", "小于等于"), ("~", "到"), (":", "比"), ("<", "小于"), (">", "大于"),
    ]

    /// Operators read even when they stand alone (≥100万 → 大于等于一百万). WeText reads every operator alone;
    /// "-" and "+" are left out here because alone they are hyphens and plus signs in running text.
    static let standaloneOperators: [(String, String)] = [
        (">=", "大于等于"), ("<=", "小于等于"), ("×", "乘"), ("=", "等于"), ("÷", "除"), ("≥", "大于等于"), ("≤", "小于等于"),
    ]

    /// Hour words (time/hour.tsv): 2 → 两点, 02 → 两点, 00 → 零点, up to 24.
    static func hour(_ s: String) -> String? {
        guard let v = Int(s), s.count <= 2, (s.count == 2 || v >= 1), v <= 24 else { return nil }
        if s.count == 2, s.first == "0", v == 0 { return "零点" }
        if v == 2 { return "两点" }
        return ChineseNumberReading.cardinal(String(v).compactMap(ChineseNumberReading.value))! + "点"
    }

    /// Minute (time/minute.tsv, two digits): 00 → "", 05 → 零五分, 30 → 三十分.
    static func minute(_ s: String) -> String? {
        guard s.count == 2, let v = Int(s), v < 60 else { return nil }
        if v == 0 { return "" }
        return (v < 10 ? "零" : "") + ChineseNumberReading.cardinal(String(v).compactMap(ChineseNumberReading.value))! + "分"
    }

    /// Second (time/second.tsv, two digits): 00 → "", 05 → 五秒, 36 → 三十六秒.
    static func second(_ s: String) -> String? {
        guard s.count == 2, let v = Int(s), v < 60 else { return nil }
        if v == 0 { return "" }
        return ChineseNumberReading.cardinal(String(v).compactMap(ChineseNumberReading.value))! + "秒"
    }
}
