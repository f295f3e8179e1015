package dev.lockstep.models.rtkit;

/**
 * The endpoint numbers the protocol assigns (fact sheet §1.3). Endpoint 0 is management; 1..0x1f
 * are system endpoints, of which these are known; 0x20..0xff belong to the application (the
 * coprocessor's own service, reached through the client's recv_message/send_message).
 */
public final class Endpoints {
    public static final int MANAGEMENT = 0;
    public static final int CRASHLOG = 1;
    public static final int SYSLOG = 2;
    public static final int KDEBUG = 3;
    public static final int IOREPORT = 4;
    public static final int OSLOG = 8;
    /** A dummy in m1n1; no AP role is documented for it. */
    public static final int TRACEKIT = 0xa;
    public static final int FIRST_APP = 0x20;
    public static final int LAST = 0xff;

    private Endpoints() {
    }

    public static boolean isApplication(int endpoint) {
        return endpoint >= FIRST_APP && endpoint <= LAST;
    }

    /** System endpoints are 1..0x1f: neither management nor application. */
    public static boolean isSystem(int endpoint) {
        return endpoint > MANAGEMENT && endpoint < FIRST_APP;
    }

    /** A short name for reports: "mgmt", "crashlog", ..., "sys 0x05", "app 0x20". */
    public static String name(int endpoint) {
        return switch (endpoint) {
            case MANAGEMENT -> "mgmt";
            case CRASHLOG -> "crashlog";
            case SYSLOG -> "syslog";
            case KDEBUG -> "kdebug";
            case IOREPORT -> "ioreport";
            case OSLOG -> "oslog";
            case TRACEKIT -> "tracekit";
            default -> String.format(isApplication(endpoint) ? "app 0x%02x" : "sys 0x%02x", endpoint);
        };
    }
}
