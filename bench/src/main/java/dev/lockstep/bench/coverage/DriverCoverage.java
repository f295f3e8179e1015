package dev.lockstep.bench.coverage;

import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import dev.lockstep.bench.wire.CoverageReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver sites (basic blocks of the driver files compiled with -fsanitize-coverage=trace-pc)
 * a campaign has reached, as link-time addresses in the agent's image. The set is the bench's, kept
 * across agent restarts; the agent only reports what is new to it since the last request.
 */
public final class DriverCoverage {
    private final AgentTarget target;
    private final Set<Long> hit = new TreeSet<>();
    private long total;
    private String image = "";

    private DriverCoverage(AgentTarget target) {
        this.target = target;
    }

    /** Coverage of this target, or null when it cannot report any (no agent, or built without). */
    public static DriverCoverage of(Target t) {
        if (t instanceof dev.lockstep.bench.target.JudgedTarget j) {
            return of(j.target());
        }
        return t instanceof AgentTarget a && a.hasCoverage() ? new DriverCoverage(a) : null;
    }

    /** Asks the agent for its new sites; returns how many are new to the campaign. */
    public int poll() throws TargetFailure {
        CoverageReply r = target.coverage();
        total = r.total();
        if (!r.image().isEmpty()) {
            image = r.image();
        }
        int added = 0;
        for (long a : r.fresh()) {
            if (hit.add(a)) {
                added++;
            }
        }
        return added;
    }

    public long hitCount() {
        return hit.size();
    }

    public long total() {
        return total;
    }

    public Set<Long> sites() {
        return hit;
    }

    /** The agent's binary on this machine, or empty (a board's agent). */
    public String image() {
        return image;
    }

    /** Writes the sites reached, one hex address a line (atomically), for --resume. */
    public void save(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (long a : hit) {
            b.append("0x").append(Long.toHexString(a)).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Takes back the sites an earlier run of the same campaign saved (same agent build assumed). */
    public void restore(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            hit.addAll(readSites(file));
        }
    }

    static Set<Long> readSites(Path file) throws IOException {
        Set<Long> s = new TreeSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line = line.trim();
            if (line.startsWith("0x")) {
                s.add(Long.parseUnsignedLong(line.substring(2), 16));
            }
        }
        return s;
    }
}
