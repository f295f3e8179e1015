package dev.lockstep.bench.engine;

import dev.lockstep.reports.Category;
import dev.lockstep.reports.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import dev.lockstep.reports.AtomicFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The campaign's findings, deduplicated by title and written to disk the moment they are learned:
 * findings/ID/reproducer.lst and findings/ID/detail.txt. Counts of repeats live here and reach disk
 * with every summary the campaign writes.
 */
public final class FindingsStore {
    private final Path runDir;
    private final KnownDivergences known;
    private final Map<String, Finding> byTitle = new LinkedHashMap<>();
    /** What the replay command needs to reach the same kind of target, e.g. " --judge qemu". */
    private final String replayFlags;

    public FindingsStore(Path runDir, KnownDivergences known) {
        this(runDir, known, "");
    }

    public FindingsStore(Path runDir, KnownDivergences known, String replayFlags) {
        this.runDir = runDir;
        this.known = known;
        this.replayFlags = replayFlags;
    }

    public boolean contains(String title) {
        return byTitle.containsKey(title);
    }

    /** Counts one more occurrence of a finding already stored. */
    public void repeat(String title) {
        Finding f = byTitle.get(title);
        byTitle.put(title, new Finding(f.id(), f.title(), f.depth(), f.depthName(), f.category(), f.known(), f.knownReason(),
                f.knownSource(), f.firstSeenOperation(), f.firstSeen(), f.count() + 1, f.reproducer(), f.replayCommand(), f.detail()));
    }

    /** Stores a new finding with its minimised reproducer; returns what was stored. */
    public Finding add(Divergence d, long campaignOp, Reproducer reproducer, String replayNote) throws IOException {
        String id = Finding.idOf(d.title());
        Path dir = runDir.resolve("findings").resolve(id);
        Path repro = dir.resolve("reproducer.lst");
        reproducer.write(repro);
        String detail = d.detail() + (replayNote.isEmpty() ? "" : "\n" + replayNote);
        AtomicFiles.write(dir.resolve("detail.txt"), (d.title() + "\n\n" + detail).getBytes(StandardCharsets.UTF_8));
        Optional<KnownDivergences.Entry> k = known.match(d.title());
        Category category = k.isPresent() ? Category.KNOWN_DIVERGENCE : d.category();
        String rel = runDir.relativize(repro).toString();
        Finding f = new Finding(id, d.title(), d.depth(), Divergence.depthName(d.depth()), category, k.isPresent(),
                k.map(KnownDivergences.Entry::reason).orElse(""), k.map(KnownDivergences.Entry::source).orElse(""),
                campaignOp, Instant.now(), 1, rel, "./lockstep replay" + replayFlags + " " + runDir.resolve(rel), detail);
        byTitle.put(d.title(), f);
        return f;
    }

    /** Re-adds findings from an earlier run of the same directory (resume). */
    public void restore(List<Finding> earlier) {
        for (Finding f : earlier) {
            byTitle.put(f.title(), f);
        }
    }

    public List<Finding> all() {
        return new ArrayList<>(byTitle.values());
    }

    public long unknownCount() {
        return byTitle.values().stream().filter(f -> !f.known()).count();
    }

    public long knownCount() {
        return byTitle.values().stream().filter(Finding::known).count();
    }
}
