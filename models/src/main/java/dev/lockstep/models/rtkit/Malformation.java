package dev.lockstep.models.rtkit;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the firmware model's catalogue of ill-formed behaviour: a full stimulus (a boot with
 * one defect, or a well-formed boot followed by one), named so a finding can say which.
 */
public record Malformation(String name, Kind kind, List<ApInput> stimulus) {

    /** The classes of defect (the coverage bins of the malformed catalogue). */
    public enum Kind {
        VERSION, EPMAP_ORDER, UNKNOWN_TYPE, UNKNOWN_ENDPOINT, BUFFER_REQUEST, SYSLOG, CRASH, POWER_ACK, RESERVED_BITS
    }

    public Malformation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        stimulus = List.copyOf(stimulus);
    }
}
