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

    private static long kb(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
    }
}
