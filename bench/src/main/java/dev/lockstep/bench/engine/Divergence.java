package dev.lockstep.bench.engine;

import dev.lockstep.reports.Category;

/**
 * One disagreement between the target and the model, or a health event, as the scoreboard saw
 * it. The title groups divergences of one kind (it carries no addresses); the detail tells this one.
 *
 * @param opIndex the operation of the case at which it fired
 * @param fatal   whether the case must end here (states may have parted), or may go on
 */
public record Divergence(String title, int depth, Category category, int opIndex, String detail, boolean fatal) {

    /** A divergence after which model and driver may no longer agree on the state: the case ends. */
    public Divergence(String title, int depth, Category category, int opIndex, String detail) {
        this(title, depth, category, opIndex, detail, true);
    }

    /** A divergence that leaves both sides agreeing on what is mapped: the case can go on. */
    public Divergence survivable() {
        return new Divergence(title, depth, category, opIndex, detail, false);
    }

    public static String depthName(int depth) {
        return switch (depth) {
            case 1 -> "return values";
            case 2 -> "driver answers";
            case 3 -> "semantics";
            case 4 -> "encoding";
            case 5 -> "health";
            case 6 -> "rtkit transcript";
            default -> "depth " + depth;
        };
    }
}
