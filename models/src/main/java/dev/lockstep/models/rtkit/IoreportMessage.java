package dev.lockstep.models.rtkit;

/**
 * The ioreport endpoint's echo types (EP 4, TYPE 59:52): 0x8 and 0xc must come back verbatim or
 * the IOP hangs. Their payload has no documented meaning, so it is carried whole. Type 1 is a
 * {@link BufferMessage}; no other type is defined.
 *
 * @param payload every bit of msg0 outside TYPE
 */
public record IoreportMessage(int type, long payload) implements RtkitMessage {

    public static final BitField TYPE = new BitField("TYPE", 59, 52);
    public static final int T_UNKNOWN_8 = 0x8;
    public static final int T_UNKNOWN_C = 0xc;

    public IoreportMessage {
        if (type != T_UNKNOWN_8 && type != T_UNKNOWN_C) {
            throw new IllegalArgumentException("ioreport echoes types 0x8 and 0xc only, not 0x" + Integer.toHexString(type));
        }
        if ((payload & TYPE.mask()) != 0) {
            throw new IllegalArgumentException(String.format("payload 0x%x overlaps TYPE", payload));
        }
    }

    public Message encode() {
        return new Message(TYPE.put(type) | payload, Endpoints.IOREPORT);
    }

    public static Decoded<IoreportMessage> decode(Message m) {
        if (m.endpoint() != Endpoints.IOREPORT) {
            return Codec.wrongEndpoint(m, "the ioreport endpoint");
        }
        int type = (int) TYPE.get(m.msg0());
        if (type != T_UNKNOWN_8 && type != T_UNKNOWN_C) {
            return Codec.unknownType(m, TYPE, "as an ioreport echo (0x8, 0xc)");
        }
        return Decoded.ok(new IoreportMessage(type, m.msg0() & ~TYPE.mask()));
    }
}
