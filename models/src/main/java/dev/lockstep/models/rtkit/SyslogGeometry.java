package dev.lockstep.models.rtkit;

/** The syslog ring as INIT described it: {@code entries} entries of {@code 0x20 + entrySize} bytes. */
public record SyslogGeometry(int entries, int entrySize) {

    public long stride() {
        return SyslogMessage.ENTRY_HEADER + (long) entrySize;
    }

    /** Whether entry {@code index} exists and lies wholly inside a buffer of {@code bufferSize} bytes. */
    public boolean holds(int index, long bufferSize) {
        return index >= 0 && index < entries && (index + 1L) * stride() <= bufferSize;
    }
}
