package dev.lockstep.models.rtkit;

/**
 * The crashlog endpoint's messages beyond the buffer request (EP 1, fact sheet §1.3). A crash
 * report has the buffer request's encoding (type 1, SIZE, IOVA): only the receiver's state tells
 * the first type-1 message (the request) from later ones (crashes), so decoding a type-1 message
 * gives a {@link BufferMessage} and the AP model decides. m1n1 can also ask the IOP to crash by
 * sending raw 0x40 (soft) or 0x22 (hard).
 */
public sealed interface CrashlogMessage extends RtkitMessage permits CrashlogMessage.Crash, CrashlogMessage.Inject {

    long SOFT_CRASH = 0x40;
    long HARD_CRASH = 0x22;

    /** IOP→AP: the IOP crashed; its log is {@code pages} pages at {@code iova}. */
    record Crash(int pages, long iova, IovaField layout) implements CrashlogMessage {
        public Crash {
            new BufferMessage(Endpoints.CRASHLOG, pages, iova, layout);
        }

        public static Crash of(BufferMessage m) {
            return new Crash(m.pages(), m.iova(), m.layout());
        }

        public Message encode() {
            return new BufferMessage(Endpoints.CRASHLOG, pages, iova, layout).encode();
        }
    }

    /** AP→IOP (m1n1): make the IOP crash, softly (0x40) or hard (0x22). */
    record Inject(boolean hard) implements CrashlogMessage {
        public Message encode() {
            return new Message(hard ? HARD_CRASH : SOFT_CRASH, Endpoints.CRASHLOG);
        }

        public static Decoded<Inject> decode(Message m) {
            if (m.endpoint() != Endpoints.CRASHLOG) {
                return Codec.wrongEndpoint(m, "the crashlog endpoint");
            }
            if (m.msg0() == SOFT_CRASH || m.msg0() == HARD_CRASH) {
                return Decoded.ok(new Inject(m.msg0() == HARD_CRASH));
            }
            return Decoded.unknown(m, Decoded.Reason.UNKNOWN_TYPE,
                    String.format("0x%x is neither crash injection (0x40, 0x22)", m.msg0()));
        }
    }
}
