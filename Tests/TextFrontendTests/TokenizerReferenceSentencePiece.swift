// Reference outputs of the sentencepiece 0.2.0 Python library on Tests/Data/indextts2/bpe.model.
// `text` cases went through tokenize_by_CJK_char first (the TextTokenizer.encode path); `raw` cases did not.
enum SentencePieceReference {
    static let preprocessed = #"""
    [
    {"text":"\ufb01ne \u2460 \u338f \uff76\uff80\uff76\uff85 \uff21\uff22\uff23\u3000\u5168\u89d2","ids":[10843,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10210,10445,10336,10201,377,10201,5478],"pieces":["\u2581FINE","\u2581","1","\u2581","kg","\u2581","\u30ab","\u2581","\u30bf","\u2581","\u30ab","\u2581","\u30ca","\u2581A","B","C","\u2581","\u5168","\u2581","\u89d2"],"decoded":"FINE  \u2047   \u2047   \u2047   \u2047   \u2047   \u2047  ABC \u5168 \u89d2"},
    {"text":"[ZH]\u4f60\u597d[EN]hello","ids":[3,10201,208,10201,1260,4,10867,10290,10395],"pieces":["\u2581[ZH]","\u2581","\u4f60","\u2581","\u597d","\u2581[EN]","HE","LL","O"],"decoded":"[ZH] \u4f60 \u597d [EN]HELLO"},
    {"text":"\u2581[ZH] mixed \u2581[EN] tags","ids":[10201,3,11585,10287,10201,4,10201,11037,10381,10208],"pieces":["\u2581","\u2581[ZH]","\u2581MIX","ED","\u2581","\u2581[EN]","\u2581","TA","G","S"],"decoded":"[ZH] MIXED  [EN] TAGS"},
    {"text":"NI3 HAO3 ZHONG1 GUO2","ids":[10201,9399,10201,8976,10201,10125,10201,8952],"pieces":["\u2581","NI3","\u2581","HAO3","\u2581","ZHONG1","\u2581","GUO2"],"decoded":"NI3 HAO3 ZHONG1 GUO2"},
    {"text":"\u4f60\u597d\uff0c\u4e16\u754c\uff01\u201c\u5f15\u53f7\u201d\uff08\u62ec\u53f7\uff09","ids":[10201,208,10201,1260,10202,10201,22,10201,3755,10201,10481,2,10201,1761,10201,670,10201,2,10201,2164,10201,670,10201,2],"pieces":["\u2581","\u4f60","\u2581","\u597d","\u2581,","\u2581","\u4e16","\u2581","\u754c","\u2581","!","\u201c","\u2581","\u5f15","\u2581","\u53f7","\u2581","\u201d(","\u2581","\u62ec","\u2581","\u53f7","\u2581",")"],"decoded":"\u4f60 \u597d , \u4e16 \u754c ! \u2047  \u5f15 \u53f7  \u2047  \u62ec \u53f7  \u2047 "},
    {"text":"emoji \ud83d\ude00 and \u00df stra\u00dfe","ids":[10201,10351,10957,10823,10299,10201,2,10205,10201,10208,10208,10201,10609,11134,10208,10556],"pieces":["\u2581","E","MO","J","I","\u2581","\ud83d\ude00","\u2581AND","\u2581","S","S","\u2581","ST","RA","S","SE"],"decoded":"EMOJI  \u2047  AND SS STRASSE"},
    {"text":"a","ids":[10201,2],"pieces":["\u2581","a"],"decoded":" \u2047 "},
    {"text":" b ","ids":[10201,2],"pieces":["\u2581","b"],"decoded":" \u2047 "},
    {"text":"e\u0301 combining","ids":[10201,2,10201,10851,10445,10353,10261],"pieces":["\u2581","\u00c9","\u2581","COM","B","IN","ING"],"decoded":" \u2047  COMBINING"},
    {"text":"Tabs\tand\u3000ideographic space","ids":[11806,10208,10205,10214,10546,10395,11771,10549,11246,10336,10618],"pieces":["\u2581TAB","S","\u2581AND","\u2581I","DE","O","GRA","P","HI","C","\u2581SPACE"],"decoded":"TABS AND IDEOGRAPHIC SPACE"},
    {"text":"","ids":[],"pieces":[],"decoded":""},
    {"text":"   ","ids":[],"pieces":[],"decoded":""},
    {"text":"x","ids":[10201,2],"pieces":["\u2581","x"],"decoded":" \u2047 "},
    {"text":"\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8 \ud14c\uc2a4\ud2b8","ids":[10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2],"pieces":["\u2581","\ud55c","\u2581","\uad6d","\u2581","\uc5b4","\u2581","\ud14d","\u2581","\uc2a4","\u2581","\ud2b8","\u2581","\ud14c","\u2581","\uc2a4","\u2581","\ud2b8"],"decoded":" \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047 "},
    {"text":"\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3001\u30ab\u30bf\u30ab\u30ca\u3002","ids":[10201,2437,10201,2561,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2,10201,2],"pieces":["\u2581","\u65e5","\u2581","\u672c","\u2581","\u8a9e","\u2581","\u306e","\u2581","\u30c6","\u2581","\u30ad","\u2581","\u30b9","\u2581","\u30c8","\u2581","\u3001","\u2581","\u30ab","\u2581","\u30bf","\u2581","\u30ab","\u2581","\u30ca","\u2581","\u3002"],"decoded":"\u65e5 \u672c  \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047   \u2047 "},
    {"text":"Price: $12.50, 30% off!","ids":[10929,2,10201,2,10216,2,10209,10201,2,10375,10481],"pieces":["\u2581PRICE",":","\u2581","$12",".","50",",","\u2581","30%","\u2581OFF","!"],"decoded":"PRICE \u2047   \u2047 . \u2047 ,  \u2047  OFF!"},
    {"text":"It's DON'T I'M","ids":[10215,10206,10208,10281,10206,10224,10214,10206,10248],"pieces":["\u2581IT","'","S","\u2581DON","'","T","\u2581I","'","M"],"decoded":"IT'S DON'T I'M"},
    {"text":"\u2026\u2026\u3002\u3002\uff01\uff1f","ids":[10201,10451,10451,10201,2,10201,2,10201,10481,10264],"pieces":["\u2581","...","...","\u2581","\u3002","\u2581","\u3002","\u2581","!","?"],"decoded":"......  \u2047   \u2047  !?"},
    {"text":"\u00a0nbsp\u00a0inside\u2009thin","ids":[10201,10362,10445,11856,10525,10201,10837,10353],"pieces":["\u2581","N","B","SP","\u2581INSIDE","\u2581","TH","IN"],"decoded":"NBSP INSIDE THIN"},
    {"text":"<unk> <s> </s>","ids":[10201,2,10604,10403,2,10201,2,10208,2,10201,2,10208,2],"pieces":["\u2581","<","UN","K",">","\u2581","<","S",">","\u2581","</","S",">"],"decoded":" \u2047 UNK \u2047   \u2047 S \u2047   \u2047 S \u2047 "}
    ]
    """#

    static let raw = #"""
    [
    {"text":"Hello World","ids":[10201,10539,2,10201,10603,2],"pieces":["\u2581","H","ello","\u2581","W","orld"],"decoded":"H \u2047  W \u2047 "},
    {"text":"  lots   of   space  ","ids":[10201,2,10201,2,10201,2],"pieces":["\u2581","lots","\u2581","of","\u2581","space"],"decoded":" \u2047   \u2047   \u2047 "},
    {"text":"\uff21\uff22\uff23","ids":[10210,10445,10336],"pieces":["\u2581A","B","C"],"decoded":"ABC"},
    {"text":"\u2026","ids":[10201,10451],"pieces":["\u2581","..."],"decoded":"..."},
    {"text":"a\u0301","ids":[10201,2],"pieces":["\u2581","\u00e1"],"decoded":" \u2047 "},
    {"text":"\u4f60\u597d","ids":[10201,208,1260],"pieces":["\u2581","\u4f60","\u597d"],"decoded":"\u4f60\u597d"},
    {"text":"\u2581[ZH]","ids":[10201,3],"pieces":["\u2581","\u2581[ZH]"],"decoded":"[ZH]"},
    {"text":"HELLO<unk>","ids":[11122,2],"pieces":["\u2581HELLO","<unk>"],"decoded":"HELLO \u2047 "},
    {"text":"","ids":[],"pieces":[],"decoded":""},
    {"text":" ","ids":[],"pieces":[],"decoded":""},
    {"text":"\t\n","ids":[],"pieces":[],"decoded":""},
    {"text":"x\u200by","ids":[10201,2,10201,2],"pieces":["\u2581","x","\u2581","y"],"decoded":" \u2047   \u2047 "},
    {"text":"\u2460\u2461","ids":[10201,2],"pieces":["\u2581","12"],"decoded":" \u2047 "},
    {"text":"\u2167","ids":[10201,11362,10299,10299],"pieces":["\u2581","VI","I","I"],"decoded":"VIII"}
    ]
    """#

    /// SentencePieceProcessor.Decode(ids).
    static let decoded = #"""
    [
    {"ids":[0,1,2,10204,10201,10201,208,2,10216],"decoded":" \u2047  THE  \u4f60 \u2047 ."},
    {"ids":[10201,10201,10204],"decoded":"THE"},
    {"ids":[10201],"decoded":""},
    {"ids":[3,10201,208],"decoded":"[ZH] \u4f60"},
    {"ids":[10203,10216,10201],"decoded":".. "}
    ]
    """#
}
