package dev.lockstep.bench.engine;

import dev.lockstep.reports.Category;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One disagreement between the target and the model, or a health event, as the scoreboard saw
 * it. The title groups divergences of one kind (it carries no addresses); the detail tells this one.
 * Most divergences a campaign meets are repeats of known titles whose detail nobody reads, so the
 * detail may be given as a supplier and is written (once) only when asked for.
 */
public final class Divergence {
    private final String title;
    private final int depth;
    private final Category category;
    private final int opIndex;
    private final boolean fatal;
    private Supplier<String> source;
    private String detail;

    /**
     * @param opIndex the operation of the case at which it fired
     * @param fatal   whether the case must end here (states may have parted), or may go on
     */
    public Divergence(String title, int depth, Category category, int opIndex, String detail, boolean fatal) {
        this.title = title;
        this.depth = depth;
        this.category = category;
        this.opIndex = opIndex;
        this.detail = Objects.requireNonNull(detail);
        this.fatal = fatal;
    }

    private Divergence(String title, int depth, Category category, int opIndex, Supplier<String> source, boolean fatal) {
        this.title = title;
        this.depth = depth;
        this.category = category;
        this.opIndex = opIndex;
        this.source = source;
        this.fatal = fatal;
    }

    /** A divergence after which model and driver may no longer agree on the state: the case ends. */
    public Divergence(String title, int depth, Category category, int opIndex, String detail) {
        this(title, depth, category, opIndex, detail, true);
    }

    /** A fatal divergence whose detail is written only if it is read. */
    public static Divergence lazy(String title, int depth, Category category, int opIndex, Supplier<String> detail) {
        return new Divergence(title, depth, category, opIndex, detail, true);
    }

    /** A divergence that leaves both sides agreeing on what is mapped: the case can go on. */
    public Divergence survivable() {
        return detail != null ? new Divergence(title, depth, category, opIndex, detail, false)
                : new Divergence(title, depth, category, opIndex, source, false);
    }

    public String title() {
        return title;
    }

    public int depth() {
        return depth;
    }

    public Category category() {
        return category;
    }

    public int opIndex() {
        return opIndex;
    }

    public boolean fatal() {
        return fatal;
    }

    public String detail() {
        if (detail == null) {
            detail = Objects.requireNonNull(source.get());
            source = null;
        }
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Divergence d && title.equals(d.title) && depth == d.depth && category == d.category
                && opIndex == d.opIndex && fatal == d.fatal && detail().equals(d.detail());
    }

    @Override
    public int hashCode() {
        return Objects.hash(title, depth, category, opIndex, fatal);
    }

    @Override
    public String toString() {
        return "Divergence[title=" + title + ", depth=" + depth + ", category=" + category + ", opIndex=" + opIndex
                + ", fatal=" + fatal + "]";
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
