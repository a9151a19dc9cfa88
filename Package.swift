// swift-tools-version:5.10
import PackageDescription

// Layering (DESIGN.md): a target only imports the ones below it.
//   bookvox (exe) → Bookvox → IndexTTS2 · Qwen3TTS · EspeakEngine → SpeechEngine
//   → TextFrontend → AudioDSP → Neural → Tensors → C shims
//   Bookvox → Whisper (speech recognition for the QA checks) → TextFrontend · AudioDSP · Neural
let linuxOnly = TargetDependencyCondition.when(platforms: [.linux])

let package = Package(
    name: "bookvox",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bookvox", targets: ["bookvox"]),
        // For the libFuzzer targets in Fuzz/ (their own package; not part of the normal build or CI).
        .library(name: "BookvoxNeural", targets: ["Neural"]),
        .library(name: "BookvoxTextFrontend", targets: ["TextFrontend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The PostgreSQL job store's client (Store/Postgres/; docs/distributed.md).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System libraries (C shims).
        .systemLibrary(name: "COpenBLAS", path: "Sources/CShims/COpenBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CFFTW", path: "Sources/CShims/CFFTW", pkgConfig: "fftw3f"),
        .systemLibrary(name: "CSndfile", path: "Sources/CShims/CSndfile", pkgConfig: "sndfile"),
        .systemLibrary(name: "CLame", path: "Sources/CShims/CLame"),
        .systemLibrary(name: "CEspeakNG", path: "Sources/CShims/CEspeakNG", pkgConfig: "espeak-ng"),
        .systemLibrary(name: "CEbur128", path: "Sources/CShims/CEbur128", pkgConfig: "libebur128"),
        .systemLibrary(name: "CSoxr", path: "Sources/CShims/CSoxr", pkgConfig: "soxr"),
        .systemLibrary(name: "CRubberBand", path: "Sources/CShims/CRubberBand", pkgConfig: "rubberband"),
        // Named apart from ZIPFoundation's own `CZlib` module (both reach Whisper through TextFrontend).
        .systemLibrary(name: "CZlibShim", path: "Sources/CShims/CZlib"),
        .systemLibrary(name: "CLibXML2", path: "Sources/CShims/CLibXML2", pkgConfig: "libxml-2.0"),
        .systemLibrary(name: "CFFmpeg", path: "Sources/CShims/CFFmpeg"),
        // oneDNN (Debian libdnnl-dev; no pkg-config file): convolution primitives for Neural's Conv1d layers.
        .systemLibrary(name: "CDNNL", path: "Sources/CShims/CDNNL"),

        // Hand-vectorized kernels with run-time CPU dispatch (AVX2/FMA).
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // espeak-ng without a sound server: a no-device stand-in for pcaudiolib's output object.
        .target(name: "CEspeakSilentOutput", path: "Sources/CEspeakSilentOutput"),

        .target(name: "Tensors", dependencies: ["CKernels", .target(name: "COpenBLAS", condition: linuxOnly)]),
        .target(name: "Neural", dependencies: ["Tensors", "CKernels", "CDNNL", .product(name: "Logging", package: "swift-log")]),
        .target(name: "AudioDSP", dependencies: [
            "Tensors", "Neural", "CFFTW", "CSndfile", "CLame", "CEbur128", "CSoxr", "CFFmpeg", "CRubberBand",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TextFrontend", dependencies: [
            "Yams", "CLibXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SpeechEngine", dependencies: ["Tensors", "Neural", "AudioDSP", "TextFrontend"]),
        .target(name: "EspeakEngine", dependencies: [
            "SpeechEngine", "AudioDSP", "CEspeakNG", "CEspeakSilentOutput", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "IndexTTS2", dependencies: [
            "SpeechEngine", "Neural", "AudioDSP", "TextFrontend", "Yams",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Qwen3TTS", dependencies: [
            "SpeechEngine", "Neural", "AudioDSP", "TextFrontend", "CKernels",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Whisper", dependencies: [
            "Tensors", "Neural", "AudioDSP", "TextFrontend", "CZlibShim", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Bookvox", dependencies: [
            "SpeechEngine", "EspeakEngine", "IndexTTS2", "Qwen3TTS", "Whisper", "TextFrontend", "AudioDSP", "Neural",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            "Yams",
        ]),
        .executableTarget(name: "bookvox", dependencies: [
            "Bookvox", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", dependencies: [
            "Neural", "Tensors", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "TestSupport"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "TestSupport"]),
        .testTarget(name: "AudioDSPTests", dependencies: ["AudioDSP", "TestSupport"]),
        .testTarget(name: "TextFrontendTests", dependencies: ["TextFrontend", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["EspeakEngine", "IndexTTS2", "Qwen3TTS", "TestSupport"]),
        .testTarget(name: "WhisperTests", dependencies: ["Whisper", "TestSupport"]),
        .testTarget(name: "BookvoxTests", dependencies: [
            "Bookvox", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
    ]
)
