// The kinds of finding; the labels are the words people read in summaries and in Allure.
package dev.lockstep.reports;

import java.util.Locale;
import java.util.Optional;

/** What kind of thing a {@link Finding} is. */
public enum Category {
    DRIVER_BUG("driver bug"),
    KNOWN_DIVERGENCE("known divergence"),
    CRASH("crash"),
    HANG("hang"),
    LINK_FAULT("link fault"),
    MODEL_ERROR("model error"),
    HEALTH("health");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    /** The human label, e.g. {@code "driver bug"}; this is what summary.json stores. */
    public String label() {
        return label;
    }

    /**
     * The category with this label ({@code "driver bug"}) or constant name ({@code "DRIVER_BUG"}),
     * ignoring case; empty if there is none.
     */
    public static Optional<Category> fromLabel(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        for (Category c : values()) {
            if (c.label.equalsIgnoreCase(t) || c.name().equals(t.toUpperCase(Locale.ROOT))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
