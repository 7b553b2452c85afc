#if canImport(Glibc)
import Glibc
#endif

enum Signals {
    /// A parent may have spawned us with these blocked (signal masks are inherited); `vipctl status
    /// --watch` must still stop on Ctrl-C, `kill` and a closed terminal.
    static func unblockTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}
