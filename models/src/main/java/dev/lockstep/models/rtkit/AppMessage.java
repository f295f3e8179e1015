package dev.lockstep.models.rtkit;

/**
 * A message on an application endpoint (0x20..0xff): the coprocessor's own service. RTKit gives
 * msg0 no structure there; the client's recv_message gets it whole.
 */
public record AppMessage(int endpoint, long msg0) implements RtkitMessage {

    public AppMessage {
        if (!Endpoints.isApplication(endpoint)) {
            throw new IllegalArgumentException("application endpoints are 0x20..0xff: " + endpoint);
        }
    }

    public Message encode() {
        return new Message(msg0, endpoint);
    }

    public static Decoded<AppMessage> decode(Message m) {
        if (!Endpoints.isApplication(m.endpoint())) {
            return Codec.wrongEndpoint(m, "an application endpoint");
        }
        return Decoded.ok(new AppMessage(m.endpoint(), m.msg0()));
    }
}
