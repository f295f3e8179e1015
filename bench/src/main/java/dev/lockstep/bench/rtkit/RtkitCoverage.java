package dev.lockstep.bench.rtkit;

import dev.lockstep.models.rtkit.ApState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Coverage bins of the RTKit campaign: input kind x the model's phase before it x outcome (the
 * model answered with messages, or stayed silent). Keys follow CoverageHeatMap: bin:KIND/OUTCOME/PHASE.
 */
public final class RtkitCoverage {
    static final List<String> KINDS = List.of("HELLO", "EPMAP", "EPMAP LAST", "IOP_PWR_ACK", "AP_PWR_ACK", "mgmt other",
            "crashlog buffer request", "crashlog crash", "crashlog other", "syslog buffer", "syslog Init", "syslog Log",
            "syslog other", "ioreport buffer", "ioreport echo", "ioreport other", "oslog", "kdebug", "app message",
            "unknown endpoint", "call boot", "call wake", "call quiesce", "call shutdown", "call reinit", "call start_ep",
            "call send", "timeout");
    private static final List<String> OUTCOMES = List.of("sent", "silent");
    private final Map<String, Long> bins = new TreeMap<>();

    void hit(String inputLabel, ApState.Phase phase, boolean sent) {
        bins.merge(RtkitCoverage.key(kind(inputLabel), phase, sent), 1L, Long::sum);
    }

    static String key(String kind, ApState.Phase phase, boolean sent) {
        return "bin:" + kind + "/" + (sent ? "sent" : "silent") + "/" + phase;
    }

    static String kind(String label) {
        if (label.startsWith("call ")) {
            String n = label.substring(5);
            int p = n.indexOf('(');
            return "call " + (p < 0 ? n : n.substring(0, p));
        }
        for (String k : List.of("IOP_PWR_ACK", "AP_PWR_ACK", "EPMAP LAST", "EPMAP", "HELLO", "crashlog buffer request",
                "crashlog crash", "syslog buffer", "ioreport buffer", "app message", "timeout")) {
            if (label.startsWith(k)) {
                return k;
            }
        }
        if (label.startsWith("mgmt")) {
            return "mgmt other";
        }
        if (label.startsWith("syslog Init")) {
            return "syslog Init";
        }
        if (label.startsWith("syslog Log")) {
            return "syslog Log";
        }
        if (label.startsWith("ioreport ") && !label.contains("unknown")) {
            return "ioreport echo";
        }
        for (String ep : List.of("crashlog", "syslog", "ioreport", "oslog", "kdebug")) {
            if (label.startsWith(ep)) {
                return ep.equals("oslog") || ep.equals("kdebug") ? ep : ep + " other";
            }
        }
        return "unknown endpoint";
    }

    /** Takes one entry of an earlier run's summary coverage back (resume); keys other than bins are ignored. */
    void restore(String key, long count) {
        if (key.startsWith("bin:") && count > 0) {
            bins.put(key, count);
        }
    }

    public long hitCount() {
        return bins.size();
    }

    public static long total() {
        return (long) KINDS.size() * ApState.Phase.values().length * OUTCOMES.size();
    }

    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("bins_hit", hitCount());
        m.put("bins_total", total());
        m.putAll(bins);
        return m;
    }
}
