package dev.lockstep.models.uat;

/** What one agent (the firmware, or the GPU) may do with a UAT page: one cell half of the sheet's table. */
public enum UatRights {
    NONE("-", false, false, true),
    RO("RO", true, false, true),
    WO("WO", false, true, true),
    RW("RW", true, true, true),
    /**
     * The sheet's "-?": m1n1 lists no access but marks it unsure. The model reads it as no access
     * and keeps the doubt visible.
     */
    NONE_UNCONFIRMED("-?", false, false, false);

    private final String label;
    private final boolean read;
    private final boolean write;
    private final boolean confirmed;

    UatRights(String label, boolean read, boolean write, boolean confirmed) {
        this.label = label;
        this.read = read;
        this.write = write;
        this.confirmed = confirmed;
    }

    public boolean read() {
        return read;
    }

    public boolean write() {
        return write;
    }

    /** False only where the source itself is unsure. */
    public boolean confirmed() {
        return confirmed;
    }

    /** "-", "RO", "WO", "RW" or "-?", as the sheet writes it. */
    public String label() {
        return label;
    }
}
