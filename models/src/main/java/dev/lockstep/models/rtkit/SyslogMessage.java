package dev.lockstep.models.rtkit;

/**
 * The syslog endpoint (EP 2), TYPE in 59:52: INIT (8) gives the ring's geometry, LOG (5) says an
 * entry is ready and is echoed back as its acknowledgement. Type 1 is a {@link BufferMessage}.
 * Each entry is {@code 0x20 + entrySize} bytes: {u32 hdr, u32 unk, char context[24], char msg[]}.
 */
public sealed interface SyslogMessage extends RtkitMessage permits SyslogMessage.Init, SyslogMessage.Log {

    BitField TYPE = new BitField("TYPE", 59, 52);
    BitField INDEX = new BitField("INDEX", 7, 0);
    int T_LOG = 5;
    int T_INIT = 8;
    /** The fixed part of an entry before the message text. */
    int ENTRY_HEADER = 0x20;

    /** IOP→AP: {@code entries} entries of {@code entrySize} message bytes each. */
    record Init(int entries, int entrySize, SyslogInitLayout layout) implements SyslogMessage {
        public Init {
            if (layout == null) {
                throw new IllegalArgumentException("layout");
            }
            if (entries < 0 || !layout.entries().fits(entries)) {
                throw new IllegalArgumentException(layout.entries() + " cannot hold " + entries);
            }
            if (entrySize < 0 || !layout.entrySize().fits(entrySize)) {
                throw new IllegalArgumentException(layout.entrySize() + " cannot hold " + entrySize);
            }
        }

        /** The distance between entries in the buffer. */
        public long stride() {
            return ENTRY_HEADER + (long) entrySize;
        }

        public Message encode() {
            return new Message(TYPE.put(T_INIT) | layout.entries().put(entries) | layout.entrySize().put(entrySize),
                    Endpoints.SYSLOG);
        }

        public static Decoded<Init> decode(Message m, SyslogInitLayout layout) {
            return typed(m, T_INIT, layout.entries().mask() | layout.entrySize().mask(), "syslog INIT",
                    x -> Decoded.ok(new Init((int) layout.entries().get(x), (int) layout.entrySize().get(x), layout)));
        }
    }

    /**
     * IOP→AP: entry {@code index} is ready; AP→IOP: the same message, echoed as the ack. The
     * protocol gives no meaning to the other bits, but an echo must return them: {@code rest}
     * carries them (every bit outside TYPE and INDEX).
     */
    record Log(int index, long rest) implements SyslogMessage {
        public Log {
            if (index < 0 || !INDEX.fits(index)) {
                throw new IllegalArgumentException("INDEX 7:0 cannot hold " + index);
            }
            if ((rest & (TYPE.mask() | INDEX.mask())) != 0) {
                throw new IllegalArgumentException(String.format("rest 0x%x overlaps TYPE or INDEX", rest));
            }
        }

        public static Log of(int index) {
            return new Log(index, 0);
        }

        public Message encode() {
            return new Message(TYPE.put(T_LOG) | INDEX.put(index) | rest, Endpoints.SYSLOG);
        }

        public static Decoded<Log> decode(Message m) {
            return typed(m, T_LOG, -1L, "syslog LOG",
                    x -> Decoded.ok(new Log((int) INDEX.get(x), x & ~(TYPE.mask() | INDEX.mask()))));
        }
    }

    private static <T> Decoded<T> typed(Message m, int type, long fields, String what,
                                        java.util.function.LongFunction<Decoded<T>> build) {
        if (m.endpoint() != Endpoints.SYSLOG) {
            return Codec.wrongEndpoint(m, "the syslog endpoint");
        }
        if (TYPE.get(m.msg0()) != type) {
            return Codec.unknownType(m, TYPE, "as " + what + " (type " + type + ")");
        }
        return Codec.strict(m, TYPE.mask() | fields, what, build);
    }
}
