// Runs libFuzzer from a Swift main (with logging off: the readers log every book they read). SwiftPM makes the target's top-level code `main`; it hands the input
// callback to LLVMFuzzerRunDriver (in the fuzzer runtime that -sanitize=fuzzer links), which parses the
// libFuzzer command line and calls it for every input. LLVMFuzzerTestOneInput, which the runtime also
// references, forwards to the same callback.
import Logging

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

nonisolated(unsafe) private var currentTarget: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    currentTarget?(data, size) ?? 0
}

public enum FuzzDriver {
    /// libFuzzer's exit status after running `target` on the inputs its command line asks for.
    public static func run(_ target: FuzzTarget) -> CInt {
        currentTarget = target
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, target)
    }
}
