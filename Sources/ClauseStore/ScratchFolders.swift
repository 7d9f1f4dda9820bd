import Foundation

/// The temporary folders this process made (`Replayer`'s rebuilt packages), removed however the
/// process ends: normally (deinit, exit), on SIGTERM, SIGINT or SIGHUP, and when its output is
/// closed under it (SIGPIPE). They once stayed behind in /tmp on every killed `why | head`.
package enum ScratchFolders {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var folders: Set<String> = []
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    /// Set when a termination signal is being handled. The main thread may then fail on a folder
    /// the handler removed under it and call `exit(1)`; the exit waits so the process still ends
    /// of the signal (CI once saw "exit 1" for a replay stopped by SIGTERM).
    nonisolated(unsafe) private static var dying = false
    /// Set by `clause serve`, whose server stops gracefully on SIGINT/SIGTERM and then removes
    /// the folders itself: handlers that end the process at once would cut its requests short.
    nonisolated(unsafe) private static var signalsLeftToCaller = false
    nonisolated(unsafe) private static var installed = false

    /// Installs no signal handler (only the removal at exit): the caller handles the signals
    /// and calls `removeAll()` when it stops.
    package static func leaveSignalsToCaller() {
        lock.lock()
        signalsLeftToCaller = true
        lock.unlock()
    }

    /// Remembers `path` for removal, installing the signal handlers on first use.
    package static func register(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        if !installed {
            installed = true
            installHandlers()
        }
        folders.insert(path)
    }

    /// Removes `path` now and forgets it.
    package static func remove(_ path: String) {
        lock.lock()
        folders.remove(path)
        lock.unlock()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes every remembered folder (at exit, or on a signal).
    package static func removeAll() {
        lock.lock()
        let all = folders
        folders = []
        lock.unlock()
        // The main thread may still be writing into a folder while it is removed, so a removal can
        // meet a file made after it listed the folder: try again until the folder is gone (the
        // writers never make a removed folder again: they create no intermediate folders).
        for f in all {
            for _ in 0..<100 where FileManager.default.fileExists(atPath: f) { try? FileManager.default.removeItem(atPath: f) }
        }
    }

    /// Termination signals are taken by dispatch sources (their handlers run on a queue, where
    /// removing files is safe, unlike in a signal handler); each removes the folders, then ends
    /// the process as the signal would have. SIGPIPE is ignored so that a write to a closed pipe
    /// fails with EPIPE, which `Output` turns into a quiet exit through `removeAll`.
    private static func installHandlers() {
        atexit {
            ScratchFolders.lock.lock()
            let signalled = ScratchFolders.dying
            ScratchFolders.lock.unlock()
            // The signal's handler ends the process in a moment; an exit now would hide the signal.
            if signalled { while true { pause() } }
            ScratchFolders.removeAll()
        }
        signal(SIGPIPE, SIG_IGN)
        if signalsLeftToCaller { return }
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                ScratchFolders.lock.lock()
                ScratchFolders.dying = true
                ScratchFolders.lock.unlock()
                ScratchFolders.removeAll()
                // Die of the signal, as without the handler; unblocked here in case the parent
                // started us with it blocked (then raise would leave it pending).
                signal(sig, SIG_DFL)
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, sig)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                raise(sig)
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
