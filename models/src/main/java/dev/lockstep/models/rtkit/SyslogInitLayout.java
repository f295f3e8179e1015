package dev.lockstep.models.rtkit;

/**
 * Where syslog INIT keeps its geometry (fact sheet §1.3). Linux reads N_ENTRIES 7:0 and MSG_SIZE
 * 31:24; m1n1 reads COUNT 15:0 and ENTRYSIZE 39:24. Linux's fields are the low bytes of m1n1's, so
 * the two agree whenever both values are below 256.
 */
public enum SyslogInitLayout {
    LINUX(new BitField("N_ENTRIES", 7, 0), new BitField("MSG_SIZE", 31, 24)),
    M1N1(new BitField("COUNT", 15, 0), new BitField("ENTRYSIZE", 39, 24));

    private final BitField entries;
    private final BitField entrySize;

    SyslogInitLayout(BitField entries, BitField entrySize) {
        this.entries = entries;
        this.entrySize = entrySize;
    }

    public BitField entries() {
        return entries;
    }

    public BitField entrySize() {
        return entrySize;
    }
}
