package dev.lockstep.models.mali;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The choices the published Mali facts leave open, each named so a user can see and change it
 * ({@code --model-option name=value}); argued in docs/model-mali.md. The contract's own choices
 * (noAccessMap, chunk, the SH options) are the LPAE ones and keep their names.
 *
 * @param maliNG depth 4: the nG bit of a leaf. CLEAR (default): nG is not among the fields of
 *     Arm's own LPAE-mode entry (kbase's ENTRY_FLAGS_MASK) and its meaning on Mali is not
 *     published; SET: as LPAE stage 1.
 * @param maliAf the walk: whether a leaf with the access flag (bit 10) clear faults. IGNORED
 *     (default): what the GPU does with it is not published, so depth 3 claims nothing about it;
 *     FAULTS: the LPAE stage-1 rule. Depth 4 predicts AF set either way (Arm's driver sets
 *     ENTRY_ACCESS_BIT on every entry).
 * @param maliPxn depth 4: bit 53 of a NOEXEC leaf. CLEAR (default): Arm's LPAE-mode entry has one
 *     never-execute bit, 54 (ENTRY_NX_BIT); 53 is not one of its fields. AS_XN: set with XN, as
 *     LPAE stage 1's PXN.
 */
public record MaliOptions(NotGlobal maliNG, AccessFlag maliAf, Pxn maliPxn) {

    public enum NotGlobal { CLEAR, SET }

    public enum AccessFlag { IGNORED, FAULTS }

    public enum Pxn { CLEAR, AS_XN }

    public MaliOptions {
        Objects.requireNonNull(maliNG, "maliNG");
        Objects.requireNonNull(maliAf, "maliAf");
        Objects.requireNonNull(maliPxn, "maliPxn");
    }

    public static MaliOptions defaults() {
        return new MaliOptions(NotGlobal.CLEAR, AccessFlag.IGNORED, Pxn.CLEAR);
    }

    /** Whether {@code name} is one of these options (others belong to the LPAE contract). */
    public static boolean knows(String name) {
        return defaults().asMap().containsKey(name);
    }

    /** Returns a copy with one option set from its command-line spelling, e.g. "maliNG=SET". */
    public MaliOptions with(String name, String value) {
        if (!knows(name)) {
            throw new IllegalArgumentException("unknown Mali model option '" + name + "'; known: "
                    + String.join(", ", asMap().keySet()));
        }
        try {
            return switch (name) {
                case "maliNG" -> new MaliOptions(NotGlobal.valueOf(value), maliAf, maliPxn);
                case "maliAf" -> new MaliOptions(maliNG, AccessFlag.valueOf(value), maliPxn);
                default -> new MaliOptions(maliNG, maliAf, Pxn.valueOf(value));
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model option " + name + " has no value '" + value + "'; see docs/model-mali.md");
        }
    }

    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("maliNG", maliNG.name());
        m.put("maliAf", maliAf.name());
        m.put("maliPxn", maliPxn.name());
        return m;
    }
}
