package dev.lockstep.models.rtkit;

/**
 * The kdebug endpoint (EP 3), TYPE in 55:48 as m1n1 reads it: GetBuf 1, the two preallocation
 * forms 2 and 3, START 8. No AP role is documented beyond starting the endpoint, so the payload
 * (47:0) is carried without interpretation; bits 63:56 are reserved.
 */
public record KdebugMessage(int type, long payload) implements RtkitMessage {

    public static final BitField TYPE = new BitField("TYPE", 55, 48);
    public static final BitField PAYLOAD = new BitField("PAYLOAD", 47, 0);
    public static final int T_GET_BUF = 1;
    public static final int T_PREALLOC_2 = 2;
    public static final int T_PREALLOC_3 = 3;
    public static final int T_START = 8;

    public KdebugMessage {
        if (!known(type)) {
            throw new IllegalArgumentException("kdebug type " + type + " is not defined");
        }
        if (payload < 0 || !PAYLOAD.fits(payload)) {
            throw new IllegalArgumentException(String.format("%s cannot hold 0x%x", PAYLOAD, payload));
        }
    }

    public static boolean known(int type) {
        return type == T_GET_BUF || type == T_PREALLOC_2 || type == T_PREALLOC_3 || type == T_START;
    }

    public Message encode() {
        return new Message(TYPE.put(type) | PAYLOAD.put(payload), Endpoints.KDEBUG);
    }

    public static Decoded<KdebugMessage> decode(Message m) {
        if (m.endpoint() != Endpoints.KDEBUG) {
            return Codec.wrongEndpoint(m, "the kdebug endpoint");
        }
        int type = (int) TYPE.get(m.msg0());
        if (!known(type)) {
            return Codec.unknownType(m, TYPE, "for kdebug (1, 2, 3, 8)");
        }
        return Codec.strict(m, TYPE.mask() | PAYLOAD.mask(), "kdebug message",
                x -> Decoded.ok(new KdebugMessage(type, PAYLOAD.get(x))));
    }
}
