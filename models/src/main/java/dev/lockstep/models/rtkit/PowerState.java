package dev.lockstep.models.rtkit;

import java.util.Optional;

/**
 * The power states the management endpoint's STATE field (15:0) names (fact sheet §1.2). Messages
 * carry the raw 16-bit value, since a coprocessor may report a value with no name; this enum names
 * the known ones and says what "on" means.
 */
public enum PowerState {
    /** Off: the coprocessor does not restart from it. */
    OFF(0x00),
    SLEEP(0x01),
    /** Running, but not communicating. */
    QUIESCED(0x10),
    ON(0x20),
    /** Newer firmware. */
    IDLE(0x201),
    /** Newer firmware; m1n1 requests it for boot. */
    INIT(0x220);

    private final int value;

    PowerState(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The named state with this raw value, if there is one. */
    public static Optional<PowerState> of(int raw) {
        for (PowerState p : values()) {
            if (p.value == raw) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** On is a low byte of 0x20: INIT (0x220) counts as on, IDLE (0x201) does not. */
    public static boolean isOn(int raw) {
        return (raw & 0xff) == 0x20;
    }

    public boolean isOn() {
        return isOn(value);
    }

    /** "ON", "INIT", or "0x1234" for a value with no name. */
    public static String name(int raw) {
        return of(raw).map(Enum::name).orElse(String.format("0x%x", raw));
    }
}
