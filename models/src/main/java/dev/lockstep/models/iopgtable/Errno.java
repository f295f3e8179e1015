package dev.lockstep.models.iopgtable;

/** The Linux errno values the io-pgtable contract speaks in (returned negated by the driver). */
public final class Errno {
    public static final int EEXIST = 17;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;

    private Errno() {
    }

    /** "0", "-EEXIST", ... for a status as the driver returns it. */
    public static String name(int status) {
        return switch (status) {
            case 0 -> "0";
            case -EEXIST -> "-EEXIST";
            case -ENOMEM -> "-ENOMEM";
            case -EINVAL -> "-EINVAL";
            case -ERANGE -> "-ERANGE";
            default -> Integer.toString(status);
        };
    }
}
