package dev.lockstep.bench.m1n1;

/**
 * The stage 1 address translation instructions the Lockstep agent's {@link AtOracle#LS_AT_S1}
 * call runs, by the number it takes ("which").
 */
public enum AtKind {
    S1E1R(0),
    S1E1W(1),
    S1E0R(2),
    S1E0W(3),
    /** S1E1R with PSTATE.PAN set (FEAT_PAN2). */
    S1E1RP(4),
    /** S1E1W with PSTATE.PAN set (FEAT_PAN2). */
    S1E1WP(5);

    private final int which;

    AtKind(int which) {
        this.which = which;
    }

    public int which() {
        return which;
    }

    public boolean el0() {
        return this == S1E0R || this == S1E0W;
    }

    public boolean write() {
        return this == S1E1W || this == S1E0W || this == S1E1WP;
    }
}
