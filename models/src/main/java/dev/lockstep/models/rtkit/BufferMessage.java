package dev.lockstep.models.rtkit;

/**
 * A buffer request (IOP→AP) or its reply (AP→IOP): type 1 in 59:52 on the crashlog, syslog and
 * ioreport endpoints, SIZE in 4 KiB pages in 51:44, IOVA per {@link IovaField} (fact sheet §1.3).
 * Request and reply share the layout. An IOVA of 0 in a request asks the AP to allocate; any other
 * IOVA names a buffer the firmware already allocated. On the crashlog endpoint the same encoding,
 * after the first one, reports a crash (see {@link CrashlogMessage.Crash}).
 */
public record BufferMessage(int endpoint, int pages, long iova, IovaField layout) implements RtkitMessage {

    public static final BitField TYPE = new BitField("TYPE", 59, 52);
    public static final BitField SIZE = new BitField("SIZE", 51, 44);
    public static final int T_BUFFER = 1;
    public static final long PAGE = 0x1000;

    public BufferMessage {
        if (!servesBuffers(endpoint)) {
            throw new IllegalArgumentException("no buffer requests on endpoint " + Endpoints.name(endpoint));
        }
        if (pages < 0 || !SIZE.fits(pages)) {
            throw new IllegalArgumentException("SIZE 51:44 cannot hold " + pages + " pages");
        }
        if (layout == null || !layout.holds(iova)) {
            throw new IllegalArgumentException(String.format("%s cannot carry IOVA 0x%x", layout, iova));
        }
    }

    /** The endpoints whose type 1 is a buffer request: crashlog, syslog, ioreport. */
    public static boolean servesBuffers(int endpoint) {
        return endpoint == Endpoints.CRASHLOG || endpoint == Endpoints.SYSLOG || endpoint == Endpoints.IOREPORT;
    }

    public long sizeBytes() {
        return pages * PAGE;
    }

    /** Whether the firmware allocated the buffer itself (IOVA ≠ 0). */
    public boolean preallocated() {
        return iova != 0;
    }

    public Message encode() {
        return new Message(TYPE.put(T_BUFFER) | SIZE.put(pages) | layout.write(iova), endpoint);
    }

    public static Decoded<BufferMessage> decode(Message m, IovaField layout) {
        if (!servesBuffers(m.endpoint())) {
            return Codec.wrongEndpoint(m, "crashlog, syslog or ioreport");
        }
        if (TYPE.get(m.msg0()) != T_BUFFER) {
            return Codec.unknownType(m, TYPE, "as a buffer request (type 1)");
        }
        return Codec.strict(m, TYPE.mask() | SIZE.mask() | layout.field().mask(), "buffer request",
                x -> Decoded.ok(new BufferMessage(m.endpoint(), (int) SIZE.get(x), layout.read(x), layout)));
    }
}
