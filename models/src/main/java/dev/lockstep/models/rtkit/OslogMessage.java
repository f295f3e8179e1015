package dev.lockstep.models.rtkit;

/**
 * The oslog endpoint (EP 8), TYPE in 63:56. Which records type 1 decodes to depends on the
 * {@link OslogLayout}: {@link Init} and {@link Ack}, or {@link Buffer} both ways.
 */
public sealed interface OslogMessage extends RtkitMessage
        permits OslogMessage.Init, OslogMessage.Ack, OslogMessage.Buffer {

    BitField TYPE = new BitField("TYPE", 63, 56);
    /** m1n1 names 51:0 of INIT "UNK": a value with no known meaning. */
    BitField INIT_UNKNOWN = new BitField("UNK", 51, 0);
    BitField BUF_SIZE = new BitField("SIZE", 55, 36);
    BitField BUF_IOVA = new BitField("IOVA", 35, 0);
    int T_INIT = 1;
    int T_ACK = 3;
    int T_BUFFER = 1;

    /** IOP→AP (INIT_ACK layout). */
    record Init(long unknown) implements OslogMessage {
        public Init {
            if (unknown < 0 || !INIT_UNKNOWN.fits(unknown)) {
                throw new IllegalArgumentException(String.format("%s cannot hold 0x%x", INIT_UNKNOWN, unknown));
            }
        }

        public Message encode() {
            return new Message(TYPE.put(T_INIT) | INIT_UNKNOWN.put(unknown), Endpoints.OSLOG);
        }

        public static Decoded<Init> decode(Message m) {
            return typed(m, T_INIT, INIT_UNKNOWN.mask(), "oslog INIT",
                    x -> Decoded.ok(new Init(INIT_UNKNOWN.get(x))));
        }
    }

    /** AP→IOP (INIT_ACK layout): the answer to INIT. */
    record Ack() implements OslogMessage {
        public Message encode() {
            return new Message(TYPE.put(T_ACK), Endpoints.OSLOG);
        }

        public static Decoded<Ack> decode(Message m) {
            return typed(m, T_ACK, 0, "oslog ACK", x -> Decoded.ok(new Ack()));
        }
    }

    /**
     * Both ways (BUFFER_REQUEST layout): a buffer of {@code sizeBytes} at {@code iova} (0 in a request:
     * the AP allocates). The IOVA travels as iova >> 12, so it is 4 KiB aligned and below 2^48.
     */
    record Buffer(long sizeBytes, long iova) implements OslogMessage {
        public Buffer {
            if (sizeBytes < 0 || !BUF_SIZE.fits(sizeBytes)) {
                throw new IllegalArgumentException(String.format("%s cannot hold 0x%x bytes", BUF_SIZE, sizeBytes));
            }
            if ((iova & 0xfff) != 0 || iova < 0 || !BUF_IOVA.fits(iova >>> 12)) {
                throw new IllegalArgumentException(String.format("oslog IOVA 0x%x is not a 4 KiB page below 2^48", iova));
            }
        }

        public Message encode() {
            return new Message(TYPE.put(T_BUFFER) | BUF_SIZE.put(sizeBytes) | BUF_IOVA.put(iova >>> 12), Endpoints.OSLOG);
        }

        public static Decoded<Buffer> decode(Message m) {
            return typed(m, T_BUFFER, BUF_SIZE.mask() | BUF_IOVA.mask(), "oslog buffer request",
                    x -> Decoded.ok(new Buffer(BUF_SIZE.get(x), BUF_IOVA.get(x) << 12)));
        }
    }

    /** An oslog message from the IOP under {@code layout}. */
    static Decoded<OslogMessage> decodeFromIop(Message m, OslogLayout layout) {
        return layout == OslogLayout.INIT_ACK ? Decoded.widen(Init.decode(m)) : Decoded.widen(Buffer.decode(m));
    }

    /** An oslog message from the AP under {@code layout}. */
    static Decoded<OslogMessage> decodeFromAp(Message m, OslogLayout layout) {
        return layout == OslogLayout.INIT_ACK ? Decoded.widen(Ack.decode(m)) : Decoded.widen(Buffer.decode(m));
    }

    private static <T> Decoded<T> typed(Message m, int type, long fields, String what,
                                        java.util.function.LongFunction<Decoded<T>> build) {
        if (m.endpoint() != Endpoints.OSLOG) {
            return Codec.wrongEndpoint(m, "the oslog endpoint");
        }
        if (TYPE.get(m.msg0()) != type) {
            return Codec.unknownType(m, TYPE, "as " + what + " (type " + type + ")");
        }
        return Codec.strict(m, TYPE.mask() | fields, what, build);
    }
}
