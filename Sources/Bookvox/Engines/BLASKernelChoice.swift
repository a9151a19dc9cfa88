// Makes OpenBLAS use the right kernels on CPUs newer than it: OpenBLAS picks its kernel set when it is loaded,
// before `main`, and falls back to generic SSE3 kernels on a CPU it does not recognise (Tensors'
// BLASCoreSelection.betterCoreForThisCPU). The command line then starts itself again once with
// OPENBLAS_CORETYPE naming the set the CPU supports; a user's own OPENBLAS_CORETYPE is always respected.
import Foundation
import Tensors

public enum BLASKernelChoice {
    /// Re-executes this process with a better OPENBLAS_CORETYPE when OpenBLAS fell back to generic kernels.
    /// Returns only when no restart is needed or it failed (the run then goes on with the generic kernels).
    public static func restartWithBetterKernelsIfNeeded(_ arguments: [String]) {
        #if os(Linux)
        guard let core = BLASCoreSelection.betterCoreForThisCPU else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(markerVariable, core, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        // execv returned: it failed. Go on with what OpenBLAS chose, and do not try again in children.
        for p in argv { free(p) }
        #endif
    }

    /// Set in the restarted process, naming the kernel set bookvox asked for.
    static let markerVariable = "BOOKVOX_OPENBLAS_CORETYPE"

    /// The kernel set OpenBLAS runs and who chose it, for `dev blas`.
    public static var description: String {
        let core = BLASCoreSelection.currentCore ?? "not OpenBLAS"
        let env = ProcessInfo.processInfo.environment
        if let set = env["OPENBLAS_CORETYPE"] {
            return env[markerVariable] == set ? "\(core) (chosen by bookvox: OpenBLAS did not recognise this CPU)"
                : "\(core) (OPENBLAS_CORETYPE=\(set))"
        }
        return "\(core) (detected by OpenBLAS)"
    }
}
