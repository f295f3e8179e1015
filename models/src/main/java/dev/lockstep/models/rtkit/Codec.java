package dev.lockstep.models.rtkit;

import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The strict-decoding rule every codec shares: a message decodes when its type is known, its
 * fields hold allowed values, and no bit outside the type's fields is set. A message whose only
 * defect is a stray bit still says what it would have meant without it, for receivers that ignore
 * reserved bits (RtkitOptions.reservedBits). A message with stray bits and another defect reports
 * the other defect, so RESERVED_BITS_SET always comes with the record it would have been.
 */
final class Codec {
    private Codec() {
    }

    /**
     * Decodes {@code m} with {@code build}, which reads fields from a msg0 and may itself refuse
     * (FIELD_OUT_OF_RANGE). {@code defined} covers every bit the type gives a meaning to.
     */
    static <T> Decoded<T> strict(Message m, long defined, String what, LongFunction<Decoded<T>> build) {
        long stray = m.msg0() & ~defined;
        if (stray == 0) {
            return build.apply(m.msg0());
        }
        Decoded<T> cleared = build.apply(m.msg0() & defined);
        if (cleared instanceof Decoded.Unknown<T>) {
            // Another defect under the stray bits: that one decides, whatever the bits.
            return cleared;
        }
        return new Decoded.Unknown<>(m, Decoded.Reason.RESERVED_BITS_SET,
                String.format("%s with reserved bits 0x%016x set", what, stray), cleared.decoded());
    }

    static <T> Decoded<T> unknownType(Message m, BitField type, String where) {
        return Decoded.unknown(m, Decoded.Reason.UNKNOWN_TYPE,
                String.format("type 0x%x (%s) is not defined %s", type.get(m.msg0()), type, where));
    }

    static <T> Decoded<T> wrongEndpoint(Message m, String expected) {
        return Decoded.unknown(m, Decoded.Reason.WRONG_ENDPOINT,
                String.format("endpoint 0x%02x is not %s", m.endpoint(), expected));
    }

    static <T> Decoded<T> outOfRange(Message m, String detail) {
        return Decoded.unknown(m, Decoded.Reason.FIELD_OUT_OF_RANGE, detail);
    }

    static <T> Optional<T> none() {
        return Optional.empty();
    }
}
