package dev.lockstep.bench.engine;

import dev.lockstep.models.dart.DartConfig;
import dev.lockstep.models.dart.DartLayout;
import dev.lockstep.models.dart.DartTranslation;
import dev.lockstep.models.dart.DartWalker;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.LeafAttributes;
import dev.lockstep.models.vmsa.Translation;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.models.vmsa.Walker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The walkers, as the scoreboard calls them: a VMSA stage-1 4K walk (ias 48, four levels) to a
 * page, to a 2M block and into a translation fault, read from the bench's own mirror; and a DART
 * walk to a page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WalkerBench {
    static final long MAIR = 0xf404ff44L;
    static final long PAGE_VA = 0x12_3456_7000L;
    static final long BLOCK_VA = 0x40_0020_0000L;
    static final long FAULT_VA = 0x7f_0000_0000L;

    WalkConfig walk;
    TableMirror mirror;
    DartConfig dart;
    TableMirror dartMirror;

    @Setup
    public void setUp() {
        Tables t = new Tables();
        long root = t.table();
        walk = WalkConfig.stage1(Granule.G4K, 48, 48, root, MAIR);
        LeafAttributes a = LeafAttributes.stage1(1, 0, 3).withAf(true).withNG(true);
        t.lpaeLeaf(walk, PAGE_VA, 3, Descriptor.page(0x9_0000_1000L, a, walk));
        t.lpaeLeaf(walk, BLOCK_VA, 2, Descriptor.block(2, 0x9_0020_0000L, a, walk));
        mirror = t.mirror();

        Tables d = new Tables();
        DartLayout layout = DartLayout.of(PgtableFormat.APPLE_DART).orElseThrow();
        long ttbr = d.table();
        dart = DartConfig.linux61(layout, Granule.G4K, List.of(ttbr));
        long l2 = d.table();
        d.write(ttbr + 8L * dart.indexOf(0x1234_5000L, dart.startLevel()), layout.tableEntry(l2));
        d.write(l2 + 8L * dart.indexOf(0x1234_5000L, DartConfig.LEAF_LEVEL), layout.pageEntry(0x8_1234_5000L, true, true, true));
        dartMirror = d.mirror();
    }

    @Benchmark
    public Translation vmsaPage() {
        return Walker.walk(walk, mirror, PAGE_VA + 0x123);
    }

    @Benchmark
    public Translation vmsaBlock() {
        return Walker.walk(walk, mirror, BLOCK_VA + 0x12340);
    }

    @Benchmark
    public Translation vmsaFault() {
        return Walker.walk(walk, mirror, FAULT_VA);
    }

    @Benchmark
    public DartTranslation dartPage() {
        return DartWalker.walk(dart, dartMirror, 0x1234_5000L + 0x10);
    }
}
