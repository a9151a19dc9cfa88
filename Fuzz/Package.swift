// swift-tools-version:5.10
// libFuzzer targets for bookvox's file readers (weights: safetensors, torch.save zip + pickle, .npy; books:
// Markdown, plain text, EPUB). Not part of the normal build or CI: build and run them with scripts/fuzz.sh, which
// passes -sanitize=fuzzer,address. Each target's main hands its input callback to libFuzzer's driver.
import PackageDescription

let package = Package(
    name: "bookvox-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "bookvox", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(name: "FuzzDriver", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "FuzzSupport", dependencies: ["FuzzDriver", .product(name: "BookvoxNeural", package: "bookvox")]),
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["FuzzDriver", "FuzzSupport", .product(name: "BookvoxNeural", package: "bookvox")]),
        .executableTarget(name: "FuzzNumpy", dependencies: ["FuzzDriver", "FuzzSupport", .product(name: "BookvoxNeural", package: "bookvox")]),
        .executableTarget(name: "FuzzTorchZip", dependencies: ["FuzzDriver", "FuzzSupport", .product(name: "BookvoxNeural", package: "bookvox")]),
        .executableTarget(name: "FuzzTorchPickle", dependencies: ["FuzzDriver", "FuzzSupport", .product(name: "BookvoxNeural", package: "bookvox")]),
        .executableTarget(name: "FuzzMarkdown", dependencies: ["FuzzDriver", .product(name: "BookvoxTextFrontend", package: "bookvox")]),
        .executableTarget(name: "FuzzPlainText", dependencies: ["FuzzDriver", .product(name: "BookvoxTextFrontend", package: "bookvox")]),
        .executableTarget(name: "FuzzEPUB", dependencies: [
            "FuzzDriver", .product(name: "BookvoxTextFrontend", package: "bookvox"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ]
)
