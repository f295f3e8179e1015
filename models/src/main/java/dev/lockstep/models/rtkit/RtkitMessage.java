package dev.lockstep.models.rtkit;

/**
 * A typed RTKit message: one record per message kind the fact sheet names, each able to encode
 * itself. Decoding goes the other way through each record's static {@code decode}, or through
 * {@link RtkitCodec} for "whatever arrived on this endpoint".
 */
public sealed interface RtkitMessage
        permits ManagementMessage, BufferMessage, SyslogMessage, IoreportMessage, OslogMessage, KdebugMessage,
        CrashlogMessage, AppMessage {

    /** The message on the wire. */
    Message encode();
}
