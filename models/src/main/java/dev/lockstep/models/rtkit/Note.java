package dev.lockstep.models.rtkit;

import java.util.Objects;

/**
 * Something worth saying about a step that is not an output: a message the AP ignored and why, a
 * send that failed, a buffer it refused. Notes explain a transcript and feed coverage; the
 * scoreboard does not compare them with the driver's log lines.
 */
public record Note(Kind kind, String detail) {

    public enum Kind {
        /** A message from, or a send to, an endpoint the EPMAP did not announce. */
        UNDISCOVERED_ENDPOINT,
        /** A system message on an endpoint not started (handshakeOrder=STRICT drops it). */
        NOT_STARTED,
        /** A message on a system endpoint with no known protocol. */
        UNKNOWN_ENDPOINT,
        /** A type the endpoint does not define in this direction. */
        UNKNOWN_TYPE,
        /** A field holds a forbidden value. */
        FIELD_OUT_OF_RANGE,
        /** Bits set outside the type's fields (ignored or rejected per reservedBits). */
        RESERVED_BITS,
        UNSUPPORTED_VERSION,
        /** A HELLO after the handshake had begun: it starts over. */
        REPEATED_HELLO,
        /** A management message before the step of the handshake it belongs to. */
        OUT_OF_ORDER,
        /** An EPMAP after the AP refused the firmware's versions. */
        EPMAP_AFTER_REJECTED_HELLO,
        /** A discovered system endpoint the AP does not start. */
        UNKNOWN_SYSTEM_ENDPOINT,
        /** A buffer request the AP cannot serve: it sends no reply. */
        BUFFER_REFUSED,
        ZERO_SIZE_BUFFER,
        REPEATED_BUFFER_REQUEST,
        /** A syslog LOG with no ring (no INIT or no buffer): still echoed. */
        SYSLOG_NOT_READY,
        /** A syslog LOG index outside the ring or the buffer: still echoed. */
        SYSLOG_INDEX_OUT_OF_RANGE,
        /** INIT describes a ring larger than the syslog buffer. */
        SYSLOG_RING_EXCEEDS_BUFFER,
        /** A kdebug message: no AP role is documented, so it is dropped. */
        KDEBUG_DROPPED,
        /** The IOP crashed. */
        CRASH,
        /** A send after a crash: it fails. */
        SEND_FAILED,
        /** A power ack or PONG nobody asked for. */
        UNSOLICITED,
        /** A timeout with no call waiting. */
        TIMEOUT_WITHOUT_WAIT,
        /** The AP forgot the IOP's state (reinit, alone or inside quiesce/shutdown). */
        REINIT
    }

    public Note {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}
