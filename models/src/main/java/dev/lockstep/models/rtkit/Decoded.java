package dev.lockstep.models.rtkit;

import java.util.Objects;
import java.util.Optional;

/**
 * What a codec makes of a {@link Message}: the typed record, or the reason it is not one. Decoders
 * are total: every message on every endpoint decodes to one of the two, nothing throws.
 *
 * @param <T> the record type the decoder produces
 */
public sealed interface Decoded<T> permits Decoded.Ok, Decoded.Unknown {

    /** Why a message is not a well-formed instance of the type asked for. */
    enum Reason {
        /** The message is on an endpoint this codec does not serve. */
        WRONG_ENDPOINT,
        /** The type field holds a value the protocol does not define for this endpoint and direction. */
        UNKNOWN_TYPE,
        /** A field holds a value its definition forbids (e.g. a STARTEP with neither start nor stop). */
        FIELD_OUT_OF_RANGE,
        /** A bit outside every field of the type is set. */
        RESERVED_BITS_SET
    }

    /** The message decoded. */
    record Ok<T>(T value) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The message is not a well-formed {@code T}.
     *
     * @param ignoringReserved for {@link Reason#RESERVED_BITS_SET} only: what the message decodes
     *     to once the reserved bits are cleared, for a receiver that ignores them; empty otherwise
     */
    record Unknown<T>(Message message, Reason reason, String detail, Optional<T> ignoringReserved)
            implements Decoded<T> {
        public Unknown {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(ignoringReserved, "ignoringReserved");
        }
    }

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> unknown(Message m, Reason reason, String detail) {
        return new Unknown<>(m, reason, detail, Optional.empty());
    }

    /** Whether the message decoded. */
    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The record, if the message decoded. */
    default Optional<T> decoded() {
        return this instanceof Ok<T> ok ? Optional.of(ok.value()) : Optional.empty();
    }

    /** The record if the message decoded, or the record with reserved bits cleared if that was the only defect. */
    default Optional<T> valueIgnoringReserved() {
        if (this instanceof Ok<T> ok) {
            return Optional.of(ok.value());
        }
        return ((Unknown<T>) this).ignoringReserved();
    }

    /** The same result seen as a result for a supertype, so decoders of different records share one return type. */
    @SuppressWarnings("unchecked")
    static <S, T extends S> Decoded<S> widen(Decoded<T> d) {
        return (Decoded<S>) d;
    }
}
