package dev.lockstep.models.rtkit;

/** The Linux errno values the RTKit API returns (negated), with their spellings for reports. */
public final class Errno {
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ETIME = 62;

    private Errno() {
    }

    /** "0", "-EINVAL", ... for a status as a call returns it. */
    public static String name(int status) {
        return switch (status) {
            case 0 -> "0";
            case -ENOMEM -> "-ENOMEM";
            case -EINVAL -> "-EINVAL";
            case -ETIME -> "-ETIME";
            default -> Integer.toString(status);
        };
    }
}
