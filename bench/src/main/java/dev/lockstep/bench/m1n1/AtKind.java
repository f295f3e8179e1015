package dev.lockstep.bench.m1n1;

/**
 * The address translation instructions the Lockstep agent runs: stage 1 of the EL1&amp;0 regime
 * ({@link AtOracle#LS_AT_S1}) and stage 1 plus 2 with stage 1 off ({@link AtOracle#LS_AT_S12}),
 * each by the number the agent takes ("which").
 */
public enum AtKind {
    S1E1R(0, false),
    S1E1W(1, false),
    S1E0R(2, false),
    S1E0W(3, false),
    /** S1E1R with PSTATE.PAN set (FEAT_PAN2). */
    S1E1RP(4, false),
    /** S1E1W with PSTATE.PAN set (FEAT_PAN2). */
    S1E1WP(5, false),
    S12E1R(0, true),
    S12E1W(1, true),
    S12E0R(2, true),
    S12E0W(3, true);

    /** The four plain stage 1 kinds: EL1 and EL0, read and write. */
    public static final AtKind[] STAGE1 = {S1E1R, S1E1W, S1E0R, S1E0W};
    /** The four stage 1+2 kinds. */
    public static final AtKind[] STAGE12 = {S12E1R, S12E1W, S12E0R, S12E0W};

    private final int which;
    private final boolean stage2;

    AtKind(int which, boolean stage2) {
        this.which = which;
        this.stage2 = stage2;
    }

    public int which() {
        return which;
    }

    /** An S12E* instruction: stage 2 takes part. */
    public boolean stage2() {
        return stage2;
    }

    public boolean el0() {
        return this == S1E0R || this == S1E0W || this == S12E0R || this == S12E0W;
    }

    public boolean write() {
        return this == S1E1W || this == S1E0W || this == S1E1WP || this == S12E1W || this == S12E0W;
    }
}
