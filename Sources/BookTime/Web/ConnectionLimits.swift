import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// How long a client may take and how many may be connected at once. Without them 2,000 idle
/// keep-alive sockets stayed open forever, a slowloris client held a connection by dripping its
/// headers, and ~1,000 held connections under `ulimit -n 1024` ran the process out of descriptors.
public struct ConnectionLimits: Sendable, Equatable {
    /// A request's head must be complete this long after the connection opened.
    public var headerTimeout: Duration = .seconds(10)
    /// ... or this long after the previous response on a kept-alive connection.
    public var keepAliveTimeout: Duration = .seconds(30)
    /// A body must be complete this long after its head.
    public var bodyTimeout: Duration = .seconds(30)
    /// Hummingbird's own: a connection with no reads or writes at all for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections served at once; past it the server stops accepting until one closes (new
    /// ones wait in the kernel's queue, holding no descriptor). Nil: from the open-file limit.
    public var maxConnections: Int?

    public init() {}

    /// The connections a process with `openFiles` descriptors may hold, keeping some for the
    /// database, its WAL and the listening socket.
    static func connections(forOpenFiles openFiles: Int) -> Int {
        max(16, min(openFiles - 64, 10_000))
    }
}

extension ConnectionLimits {
    /// Raises the soft limit of open files to the hard one (systemd's default soft limit is 1024,
    /// its hard one 524288). Returns the soft limit before and after, and the hard limit.
    static func raiseOpenFileLimit() -> (before: Int, after: Int, hard: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (1024, 1024, 1024) }
        let before = limit.rlim_cur
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        func int(_ value: rlim_t) -> Int { value > rlim_t(Int.max) ? Int.max : Int(value) }
        return (int(before), int(limit.rlim_cur), int(limit.rlim_max))
    }
}

/// Closes a connection whose client is too slow (see `ConnectionLimits`): one per connection,
/// after HTTP decoding, so it sees each request's head and end and each response's end.
///
/// Each of those moves a deadline; one timer per connection checks it. Scheduling and cancelling
/// a timer on each of them (three per request) cost ~10 % of serving a cached page (perf,
/// `bench/run.sh`); now a move only writes the deadline, and the timer, when it fires early,
/// schedules itself again for the deadline as it stands then.
final class SlowClientHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limits: ConnectionLimits
    /// When the connection is closed unless something moves it; nil between a request's end and
    /// its response's end (the handler is working, not the client).
    private var deadline: NIODeadline?
    private var timer: Scheduled<Void>?
    private var timerFiresAt: NIODeadline?

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(limits.headerTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        timerFiresAt = nil
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(limits.bodyTimeout, context: context)
        case .end: deadline = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(limits.keepAliveTimeout, context: context) }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: Duration, context: ChannelHandlerContext) {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let new = NIODeadline.now() + .nanoseconds(nanoseconds)
        deadline = new
        // A timer that fires by then will look at the deadline and schedule itself again.
        if let firesAt = timerFiresAt, firesAt <= new { return }
        schedule(at: new, context: context)
    }

    private func schedule(at when: NIODeadline, context: ChannelHandlerContext) {
        timer?.cancel()
        timerFiresAt = when
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: when) { handler.value.fire(context: bound.value) }
    }

    private func fire(context: ChannelHandlerContext) {
        timer = nil
        timerFiresAt = nil
        guard let deadline else { return }
        if deadline <= .now() {
            context.channel.close(promise: nil)
        } else {
            schedule(at: deadline, context: context)
        }
    }
}
