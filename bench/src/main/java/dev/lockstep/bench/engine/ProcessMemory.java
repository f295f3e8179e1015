package dev.lockstep.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of a process on this machine, as Linux reports it in /proc/PID/status: VmRSS
 * (now) and VmHWM (the peak since it started), in KiB. A campaign's memory must stay flat over
 * hours; this is how the bench watches it, for itself and for the agent.
 */
public record ProcessMemory(long rssKb, long peakKb) {
    /** What is reported for a process this machine cannot see (an agent on a board). */
    public static final ProcessMemory UNKNOWN = new ProcessMemory(-1, -1);

    public static ProcessMemory self() {
        return of(ProcessHandle.current().pid());
    }

    /** The process's figures, or UNKNOWN when there is no such process here (or no /proc). */
    public static ProcessMemory of(long pid) {
        if (pid <= 0) {
            return UNKNOWN;
        }
        try {
            long rss = -1;
            long peak = -1;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kb(line);
                }
            }
            return new ProcessMemory(rss, peak);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** The heap in use right after the last collection, in bytes; -1 before the first. */
    private static final java.util.concurrent.atomic.AtomicLong AFTER_GC = new java.util.concurrent.atomic.AtomicLong(-1);

    static {
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (n.getUserData() instanceof javax.management.openmbean.CompositeData data
                            && data.get("gcInfo") instanceof javax.management.openmbean.CompositeData info
                            && info.get("memoryUsageAfterGc") instanceof javax.management.openmbean.TabularData after) {
                        long used = 0;
                        for (Object row : after.values()) {
                            if (row instanceof javax.management.openmbean.CompositeData r
                                    && r.get("value") instanceof javax.management.openmbean.CompositeData usage
                                    && usage.get("used") instanceof Long u) {
                                used += u;
                            }
                        }
                        AFTER_GC.set(used);
                    }
                }, null, null);
            }
        }
    }

    /**
     * The Java heap (and the collector's other pools) in use right after the last collection, in KiB,
     * or -1 before the first: what the bench keeps, apart from garbage and from room the collector
     * took and has not given back. Resident memory that steps up while this stays level is the
     * collector growing its heap, not the bench keeping more.
     */
    public static long heapAfterCollectionKb() {
        long b = AFTER_GC.get();
        return b < 0 ? -1 : b / 1024;
    }

    private static long kb(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
    }
}
