package dev.lockstep.models.rtkit;

import java.util.function.LongFunction;

/**
 * The management endpoint (EP 0), TYPE in bits 59:52 (fact sheet §1.2). The handshake (HELLO,
 * EPMAP), endpoint start, and both power-state exchanges. Types 8 and 0xb are used in both
 * directions with different meanings or the same layout, so decoding needs the direction:
 * {@link #decodeFromIop} and {@link #decodeFromAp}.
 */
public sealed interface ManagementMessage extends RtkitMessage
        permits ManagementMessage.Hello, ManagementMessage.HelloReply, ManagementMessage.Ping,
        ManagementMessage.Pong, ManagementMessage.StartEp, ManagementMessage.IopPowerRequest,
        ManagementMessage.IopPowerAck, ManagementMessage.Epmap, ManagementMessage.EpmapReply,
        ManagementMessage.ApPowerRequest, ManagementMessage.ApPowerAck {

    BitField TYPE = new BitField("TYPE", 59, 52);
    BitField MINVER = new BitField("MINVER", 15, 0);
    BitField MAXVER = new BitField("MAXVER", 31, 16);
    BitField STARTEP_EP = new BitField("EP", 39, 32);
    BitField STARTEP_START = BitField.bit("START", 1);
    BitField STARTEP_STOP = BitField.bit("STOP", 0);
    BitField PWR_STATE = new BitField("STATE", 15, 0);
    BitField EPMAP_BITMAP = new BitField("BITMAP", 31, 0);
    BitField EPMAP_BASE = new BitField("BASE", 34, 32);
    BitField EPMAP_LAST = BitField.bit("LAST", 51);
    BitField EPMAP_MORE = BitField.bit("MORE", 0);

    int T_HELLO = 1;
    int T_HELLO_REPLY = 2;
    int T_PING = 3;
    int T_PONG = 4;
    int T_STARTEP = 5;
    int T_SET_IOP_PWR_STATE = 6;
    int T_SET_IOP_PWR_STATE_ACK = 7;
    int T_EPMAP = 8;
    int T_SET_AP_PWR_STATE = 0xb;

    /** IOP→AP: the firmware's supported protocol versions. */
    record Hello(int minVersion, int maxVersion) implements ManagementMessage {
        public Hello {
            check(MINVER, minVersion);
            check(MAXVER, maxVersion);
        }

        public Message encode() {
            return mgmt(T_HELLO, MINVER.put(minVersion) | MAXVER.put(maxVersion));
        }

        public static Decoded<Hello> decode(Message m) {
            return typed(m, T_HELLO, MINVER.mask() | MAXVER.mask(), "HELLO",
                    x -> Decoded.ok(new Hello((int) MINVER.get(x), (int) MAXVER.get(x))));
        }
    }

    /** AP→IOP: the chosen version, as both MINVER and MAXVER. */
    record HelloReply(int minVersion, int maxVersion) implements ManagementMessage {
        public HelloReply {
            check(MINVER, minVersion);
            check(MAXVER, maxVersion);
        }

        public static HelloReply chosen(int version) {
            return new HelloReply(version, version);
        }

        public Message encode() {
            return mgmt(T_HELLO_REPLY, MINVER.put(minVersion) | MAXVER.put(maxVersion));
        }

        public static Decoded<HelloReply> decode(Message m) {
            return typed(m, T_HELLO_REPLY, MINVER.mask() | MAXVER.mask(), "HELLO_REPLY",
                    x -> Decoded.ok(new HelloReply((int) MINVER.get(x), (int) MAXVER.get(x))));
        }
    }

    /** AP→IOP (m1n1 only). */
    record Ping() implements ManagementMessage {
        public Message encode() {
            return mgmt(T_PING, 0);
        }

        public static Decoded<Ping> decode(Message m) {
            return typed(m, T_PING, 0, "PING", x -> Decoded.ok(new Ping()));
        }
    }

    /** IOP→AP, the answer to a PING (m1n1 only). */
    record Pong() implements ManagementMessage {
        public Message encode() {
            return mgmt(T_PONG, 0);
        }

        public static Decoded<Pong> decode(Message m) {
            return typed(m, T_PONG, 0, "PONG", x -> Decoded.ok(new Pong()));
        }
    }

    /**
     * AP→IOP: start (bit 1) or, in m1n1, stop (bit 0) an endpoint. Exactly one of the two bits is
     * set; a message with both or neither is FIELD_OUT_OF_RANGE.
     */
    record StartEp(int endpoint, boolean start) implements ManagementMessage {
        public StartEp {
            check(STARTEP_EP, endpoint);
        }

        public static StartEp start(int endpoint) {
            return new StartEp(endpoint, true);
        }

        public Message encode() {
            return mgmt(T_STARTEP, STARTEP_EP.put(endpoint) | (start ? STARTEP_START.mask() : STARTEP_STOP.mask()));
        }

        public static Decoded<StartEp> decode(Message m) {
            return typed(m, T_STARTEP, STARTEP_EP.mask() | STARTEP_START.mask() | STARTEP_STOP.mask(), "STARTEP", x -> {
                boolean s = STARTEP_START.isSet(x);
                if (s == STARTEP_STOP.isSet(x)) {
                    return Codec.outOfRange(m, "STARTEP sets " + (s ? "both START and STOP" : "neither START nor STOP"));
                }
                return Decoded.ok(new StartEp((int) STARTEP_EP.get(x), s));
            });
        }
    }

    /** AP→IOP: SET_IOP_PWR_STATE. */
    record IopPowerRequest(int state) implements ManagementMessage {
        public IopPowerRequest {
            check(PWR_STATE, state);
        }

        public Message encode() {
            return mgmt(T_SET_IOP_PWR_STATE, PWR_STATE.put(state));
        }

        public static Decoded<IopPowerRequest> decode(Message m) {
            return typed(m, T_SET_IOP_PWR_STATE, PWR_STATE.mask(), "SET_IOP_PWR_STATE",
                    x -> Decoded.ok(new IopPowerRequest((int) PWR_STATE.get(x))));
        }
    }

    /** IOP→AP: SET_IOP_PWR_STATE_ACK, the state the IOP is now in (also sent unsolicited at boot). */
    record IopPowerAck(int state) implements ManagementMessage {
        public IopPowerAck {
            check(PWR_STATE, state);
        }

        public Message encode() {
            return mgmt(T_SET_IOP_PWR_STATE_ACK, PWR_STATE.put(state));
        }

        public static Decoded<IopPowerAck> decode(Message m) {
            return typed(m, T_SET_IOP_PWR_STATE_ACK, PWR_STATE.mask(), "SET_IOP_PWR_STATE_ACK",
                    x -> Decoded.ok(new IopPowerAck((int) PWR_STATE.get(x))));
        }
    }

    /** IOP→AP: one page of the endpoint map; bit i of {@code bitmap} announces endpoint 32·base + i. */
    record Epmap(long bitmap, int base, boolean last) implements ManagementMessage {
        public Epmap {
            check(EPMAP_BITMAP, bitmap);
            check(EPMAP_BASE, base);
        }

        public EndpointSet endpoints() {
            return EndpointSet.ofPage(base, bitmap);
        }

        public Message encode() {
            return mgmt(T_EPMAP, EPMAP_BITMAP.put(bitmap) | EPMAP_BASE.put(base) | (last ? EPMAP_LAST.mask() : 0));
        }

        public static Decoded<Epmap> decode(Message m) {
            return typed(m, T_EPMAP, EPMAP_BITMAP.mask() | EPMAP_BASE.mask() | EPMAP_LAST.mask(), "EPMAP",
                    x -> Decoded.ok(new Epmap(EPMAP_BITMAP.get(x), (int) EPMAP_BASE.get(x), EPMAP_LAST.isSet(x))));
        }
    }

    /**
     * AP→IOP: the answer to one EPMAP page, with its BASE, and LAST on the last page or MORE (bit 0)
     * on every other. Exactly one of LAST and MORE is set.
     */
    record EpmapReply(int base, boolean last) implements ManagementMessage {
        public EpmapReply {
            check(EPMAP_BASE, base);
        }

        public Message encode() {
            return mgmt(T_EPMAP, EPMAP_BASE.put(base) | (last ? EPMAP_LAST.mask() : EPMAP_MORE.mask()));
        }

        public static Decoded<EpmapReply> decode(Message m) {
            return typed(m, T_EPMAP, EPMAP_BASE.mask() | EPMAP_LAST.mask() | EPMAP_MORE.mask(), "EPMAP_REPLY", x -> {
                boolean last = EPMAP_LAST.isSet(x);
                if (last == EPMAP_MORE.isSet(x)) {
                    return Codec.outOfRange(m, "EPMAP_REPLY sets " + (last ? "both LAST and MORE" : "neither LAST nor MORE"));
                }
                return Decoded.ok(new EpmapReply((int) EPMAP_BASE.get(x), last));
            });
        }
    }

    /** AP→IOP: SET_AP_PWR_STATE, the state the AP asks to be in. */
    record ApPowerRequest(int state) implements ManagementMessage {
        public ApPowerRequest {
            check(PWR_STATE, state);
        }

        public Message encode() {
            return mgmt(T_SET_AP_PWR_STATE, PWR_STATE.put(state));
        }

        public static Decoded<ApPowerRequest> decode(Message m) {
            return typed(m, T_SET_AP_PWR_STATE, PWR_STATE.mask(), "SET_AP_PWR_STATE",
                    x -> Decoded.ok(new ApPowerRequest((int) PWR_STATE.get(x))));
        }
    }

    /** IOP→AP: the acknowledgement of SET_AP_PWR_STATE (same type and layout), with the state granted. */
    record ApPowerAck(int state) implements ManagementMessage {
        public ApPowerAck {
            check(PWR_STATE, state);
        }

        public Message encode() {
            return mgmt(T_SET_AP_PWR_STATE, PWR_STATE.put(state));
        }

        public static Decoded<ApPowerAck> decode(Message m) {
            return typed(m, T_SET_AP_PWR_STATE, PWR_STATE.mask(), "SET_AP_PWR_STATE ack",
                    x -> Decoded.ok(new ApPowerAck((int) PWR_STATE.get(x))));
        }
    }

    /** A management message as the AP receives it: HELLO, PONG, IOP power ack, EPMAP, AP power ack. */
    static Decoded<ManagementMessage> decodeFromIop(Message m) {
        if (m.endpoint() != Endpoints.MANAGEMENT) {
            return Codec.wrongEndpoint(m, "the management endpoint");
        }
        return switch ((int) TYPE.get(m.msg0())) {
            case T_HELLO -> Decoded.widen(Hello.decode(m));
            case T_PONG -> Decoded.widen(Pong.decode(m));
            case T_SET_IOP_PWR_STATE_ACK -> Decoded.widen(IopPowerAck.decode(m));
            case T_EPMAP -> Decoded.widen(Epmap.decode(m));
            case T_SET_AP_PWR_STATE -> Decoded.widen(ApPowerAck.decode(m));
            default -> Codec.unknownType(m, TYPE, "for management messages from the IOP");
        };
    }

    /** A management message as the IOP receives it. */
    static Decoded<ManagementMessage> decodeFromAp(Message m) {
        if (m.endpoint() != Endpoints.MANAGEMENT) {
            return Codec.wrongEndpoint(m, "the management endpoint");
        }
        return switch ((int) TYPE.get(m.msg0())) {
            case T_HELLO_REPLY -> Decoded.widen(HelloReply.decode(m));
            case T_PING -> Decoded.widen(Ping.decode(m));
            case T_STARTEP -> Decoded.widen(StartEp.decode(m));
            case T_SET_IOP_PWR_STATE -> Decoded.widen(IopPowerRequest.decode(m));
            case T_EPMAP -> Decoded.widen(EpmapReply.decode(m));
            case T_SET_AP_PWR_STATE -> Decoded.widen(ApPowerRequest.decode(m));
            default -> Codec.unknownType(m, TYPE, "for management messages from the AP");
        };
    }

    private static void check(BitField f, long value) {
        if (value < 0 || !f.fits(value)) {
            throw new IllegalArgumentException(String.format("%s cannot hold 0x%x", f, value));
        }
    }

    private static Message mgmt(int type, long fields) {
        return new Message(TYPE.put(type) | fields, Endpoints.MANAGEMENT);
    }

    private static <T> Decoded<T> typed(Message m, int type, long fields, String what, LongFunction<Decoded<T>> build) {
        if (m.endpoint() != Endpoints.MANAGEMENT) {
            return Codec.wrongEndpoint(m, "the management endpoint");
        }
        if (TYPE.get(m.msg0()) != type) {
            return Codec.unknownType(m, TYPE, "as " + what + " (type " + type + ")");
        }
        return Codec.strict(m, TYPE.mask() | fields, what, build);
    }
}
