package dev.lockstep.models.rtkit;

/**
 * "What is this message?" for whatever arrives on any endpoint, in either direction: the dispatch
 * by endpoint and type that picks the record codec. Total: every (msg0, endpoint) pair decodes to
 * a record or to {@link Decoded.Unknown} with its reason.
 */
public final class RtkitCodec {
    private RtkitCodec() {
    }

    /**
     * A message the AP receives. A type-1 message on the crashlog endpoint decodes as a
     * {@link BufferMessage}: whether it is the buffer request or a crash depends on the AP's state.
     */
    public static Decoded<RtkitMessage> decodeFromIop(Message m, CodecLayout layout) {
        int ep = m.endpoint();
        if (Endpoints.isApplication(ep)) {
            return Decoded.widen(AppMessage.decode(m));
        }
        return switch (ep) {
            case Endpoints.MANAGEMENT -> Decoded.widen(ManagementMessage.decodeFromIop(m));
            case Endpoints.CRASHLOG -> buffer(m, layout);
            case Endpoints.SYSLOG -> switch ((int) SyslogMessage.TYPE.get(m.msg0())) {
                case BufferMessage.T_BUFFER -> buffer(m, layout);
                case SyslogMessage.T_INIT -> Decoded.widen(SyslogMessage.Init.decode(m, layout.syslogInit()));
                case SyslogMessage.T_LOG -> Decoded.widen(SyslogMessage.Log.decode(m));
                default -> Codec.unknownType(m, SyslogMessage.TYPE, "for syslog (1, 5, 8)");
            };
            case Endpoints.KDEBUG -> Decoded.widen(KdebugMessage.decode(m));
            case Endpoints.IOREPORT -> ioreport(m, layout);
            case Endpoints.OSLOG -> Decoded.widen(OslogMessage.decodeFromIop(m, layout.oslog()));
            default -> Codec.wrongEndpoint(m, "an endpoint with a known protocol");
        };
    }

    /** A message the IOP receives. */
    public static Decoded<RtkitMessage> decodeFromAp(Message m, CodecLayout layout) {
        int ep = m.endpoint();
        if (Endpoints.isApplication(ep)) {
            return Decoded.widen(AppMessage.decode(m));
        }
        return switch (ep) {
            case Endpoints.MANAGEMENT -> Decoded.widen(ManagementMessage.decodeFromAp(m));
            case Endpoints.CRASHLOG -> BufferMessage.TYPE.get(m.msg0()) == BufferMessage.T_BUFFER
                    ? buffer(m, layout) : Decoded.widen(CrashlogMessage.Inject.decode(m));
            case Endpoints.SYSLOG -> switch ((int) SyslogMessage.TYPE.get(m.msg0())) {
                case BufferMessage.T_BUFFER -> buffer(m, layout);
                case SyslogMessage.T_LOG -> Decoded.widen(SyslogMessage.Log.decode(m));
                default -> Codec.unknownType(m, SyslogMessage.TYPE, "for syslog from the AP (1, 5)");
            };
            case Endpoints.KDEBUG -> Decoded.widen(KdebugMessage.decode(m));
            case Endpoints.IOREPORT -> ioreport(m, layout);
            case Endpoints.OSLOG -> Decoded.widen(OslogMessage.decodeFromAp(m, layout.oslog()));
            default -> Codec.wrongEndpoint(m, "an endpoint with a known protocol");
        };
    }

    /** A short label for a message's kind, for statistics and reports: "mgmt HELLO", "syslog LOG", "app", "unknown". */
    public static String kind(Message m, CodecLayout layout) {
        Decoded<RtkitMessage> d = decodeFromIop(m, layout);
        return d.valueIgnoringReserved().map(RtkitCodec::kind)
                .orElse(Endpoints.name(m.endpoint()) + " unknown");
    }

    public static String kind(RtkitMessage r) {
        String name = r.getClass().getSimpleName();
        if (r instanceof BufferMessage b) {
            return Endpoints.name(b.endpoint()) + " buffer";
        }
        if (r instanceof AppMessage) {
            return "app";
        }
        String ep = r instanceof ManagementMessage ? "mgmt" : r instanceof SyslogMessage ? "syslog"
                : r instanceof IoreportMessage ? "ioreport" : r instanceof OslogMessage ? "oslog"
                : r instanceof KdebugMessage ? "kdebug" : "crashlog";
        return ep + " " + name;
    }

    private static Decoded<RtkitMessage> buffer(Message m, CodecLayout layout) {
        return Decoded.widen(BufferMessage.decode(m, layout.iova()));
    }

    private static Decoded<RtkitMessage> ioreport(Message m, CodecLayout layout) {
        if (BufferMessage.TYPE.get(m.msg0()) == BufferMessage.T_BUFFER) {
            return buffer(m, layout);
        }
        return Decoded.widen(IoreportMessage.decode(m));
    }
}
