package dev.lockstep.models.rtkit;

/**
 * One mailbox message as RTKit sees it: the 64-bit payload {@code msg0} and the endpoint that
 * {@code msg1} carries in bits 7:0. Every codec in this package turns a typed record into one of
 * these and back; the mailbox registers' other bits (OUTCNT, INCNT, the pointers) are transport,
 * not protocol, and are not part of a message.
 *
 * @param msg0 the payload, all 64 bits
 * @param endpoint 0..255
 */
public record Message(long msg0, int endpoint) {

    public Message {
        if (endpoint < 0 || endpoint > 0xff) {
            throw new IllegalArgumentException("an endpoint is 8 bits (msg1 7:0): " + endpoint);
        }
    }

    /** The message a receiver reads from the two registers: the endpoint is msg1 7:0, the rest of msg1 is not RTKit's. */
    public static Message fromRegisters(long msg0, long msg1) {
        return new Message(msg0, (int) (msg1 & 0xff));
    }

    /** msg1 as a sender writes it: the endpoint and nothing else. */
    public long msg1() {
        return endpoint;
    }

    @Override
    public String toString() {
        return String.format("ep 0x%02x msg0 0x%016x", endpoint, msg0);
    }
}
