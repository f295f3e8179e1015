package dev.lockstep.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.m1n1.HardwareWalker;
import dev.lockstep.bench.m1n1.QemuMachine;
import dev.lockstep.bench.m1n1.QemuTestSupport;
import dev.lockstep.bench.wire.MemoryDelta;
import dev.lockstep.bench.wire.TableDelta;
import dev.lockstep.models.iopgtable.ContractOptions;
import dev.lockstep.models.iopgtable.LpaeEncoding;
import dev.lockstep.models.iopgtable.Mapping;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import dev.lockstep.reports.Category;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The QEMU judge on its own: one page in hand-built tables, judged with the registers a driver
 * would publish. QEMU is shown tables that differ from the ones the model's walker reads, so each
 * of its two checks must fire on its own, with its own title family.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuJudgeTest {
    private static final long ROOT = 0x6000_0000L;
    private static final long VA = 0x1234_5000L;
    private static final long PA = 0x8765_4000L;
    /** NC, WB (read/write-allocate), Device-nGnRE, and a second WB attribute with other allocation hints. */
    private static final long MAIR = 0x44L | 0xFFL << 8 | 0x04L << 16 | 0xEEL << 24;
    private static final PgtableConfig CFG = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);
    private static final Mapping PAGE = new Mapping(VA, PA, 4096, 4096, Prot.of(Prot.READ | Prot.WRITE | Prot.CACHE), false);

    private HardwareWalker walker;

    @BeforeAll
    void start() throws Exception {
        QemuTestSupport.requireQemu();
        walker = HardwareWalker.on(QemuMachine.start(QemuTestSupport.agent(), QemuMachine.Options.defaults(), Duration.ofSeconds(10)));
    }

    @AfterAll
    void stop() {
        if (walker != null) {
            walker.close();
        }
    }

    private FormatJudge judge() {
        FormatJudge j = QemuJudge.over(FormatJudge.of(CFG, ModelOptions.none()), walker, CFG, ModelOptions.none());
        j.newContract();
        Map<Integer, Long> kv = new LinkedHashMap<>();
        kv.put(1, ROOT);
        kv.put(2, 5L);
        kv.put(3, 0L);
        kv.put(4, 3L);
        kv.put(5, 1L);
        kv.put(6, 1L);
        kv.put(7, 16L);
        kv.put(8, MAIR);
        kv.put(30, CFG.pgsizeBitmap());
        FormatJudge.AllocCheck c = j.acceptCfg(kv);
        assertTrue(c.walkable() && c.problems().isEmpty(), c.problems().toString());
        return j;
    }

    /** Four levels down to the page, its leaf as the model encodes it, then changed by leafChange. */
    private static TableMirror tables(LongUnaryOperator leafChange) {
        WalkConfig walk = WalkConfig.stage1(Granule.G4K, 48, 48, ROOT, MAIR);
        long leaf = LpaeEncoding.leaf(PAGE, VA, 3, walk, ContractOptions.defaults()).orElseThrow();
        List<MemoryDelta.Block> blocks = new ArrayList<>();
        for (int level = 0; level < 4; level++) {
            long table = ROOT + 0x1000L * level;
            long[] words = new long[512];
            words[walk.indexOf(VA, level)] = level < 3 ? Descriptor.table(table + 0x1000, walk) : leafChange.applyAsLong(leaf);
            ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            for (long w : words) {
                b.putLong(w);
            }
            blocks.add(new MemoryDelta.Block(table, b.array()));
        }
        TableMirror m = mirror();
        m.apply(TableDelta.of(new MemoryDelta(blocks, List.of())));
        return m;
    }

    /** A mirror of an arena around the tables. */
    private static TableMirror mirror() {
        return new TableMirror(ROOT, 1L << 20, 4096);
    }

    private FormatJudge.Judgement judgeWithQemuShown(TableMirror forQemu, TableMirror forModel) {
        FormatJudge j = judge();
        j.prepare(forQemu);
        FormatJudge.Judgement first = j.judge(forModel, VA + 0x18, Optional.of(PAGE));
        // QEMU's word on a walk the model's walker found right comes at the end of the batch.
        List<FormatJudge.Late> late = j.finish();
        return late.isEmpty() ? first : late.get(0).judgement();
    }

    @Test
    void rightTablesPassBothWalkers() {
        TableMirror t = tables(x -> x);
        FormatJudge.Judgement j = judgeWithQemuShown(t, t);
        assertEquals(List.of(), j.mismatches(), j.detail());
        assertEquals(List.of(), j.encoding(), j.encodingDetail());
        assertTrue(walker.health().get("qemu_translations") >= 4);
    }

    @Test
    void whatOnlyTheArchitectureSeesIsAQemuFinding() {
        // QEMU is shown the page read-only (AP[2] set); the model's walker reads it writable.
        FormatJudge.Judgement j = judgeWithQemuShown(tables(x -> x | 1L << 7), tables(x -> x));
        assertEquals(QemuJudge.FAMILY, j.family());
        assertEquals(Category.DRIVER_BUG, j.category());
        assertEquals("EL1 write", j.mismatches().get(0).field(), j.detail());
        assertTrue(j.detail().contains("AT S1E1W"), j.detail());
    }

    @Test
    void whereTheModelWalkerAndQemuPartItIsAFindingAgainstTheModel() {
        // AttrIndx 1 (0xFF) against 3 (0xEE): both Normal write-back, as the contract asks, but PAR
        // reports other allocation hints than the model's walker predicts for the tables it reads.
        FormatJudge.Judgement j = judgeWithQemuShown(tables(x -> (x & ~(7L << 2)) | 3L << 2), tables(x -> x));
        assertEquals(QemuJudge.MODEL_FAMILY, j.family());
        assertEquals(Category.MODEL_ERROR, j.category());
        assertTrue(j.mismatches().get(0).field().endsWith("memory type"), j.mismatches().toString());
    }

    @Test
    void whenBothWalkersFindTheTablesWrongTheModelJudgesTitleStandsWithQemusWord() {
        // Access flag clear in the tables both walkers read.
        TableMirror t = tables(x -> x & ~(1L << 10));
        FormatJudge.Judgement j = judgeWithQemuShown(t, t);
        assertEquals("semantics", j.family());
        assertTrue(j.mismatches().get(0).key().contains("ACCESS_FLAG"), j.mismatches().toString());
        assertTrue(j.detail().contains("QEMU's walker agrees that the tables are wrong"), j.detail());
    }

    @Test
    void aVanishedTableIsZeroedInQemuToo() throws Exception {
        FormatJudge j = judge();
        TableMirror t = tables(x -> x);
        j.prepare(t);
        assertEquals(List.of(), j.judge(t, VA, Optional.of(PAGE)).mismatches());
        assertEquals(List.of(), j.finish());
        TableMirror empty = mirror();
        empty.apply(TableDelta.of(new MemoryDelta(List.of(tables(x -> x).blocks().entrySet().stream().findFirst()
                .map(e -> new MemoryDelta.Block(e.getKey(), new byte[4096])).orElseThrow()), List.of())));
        j.prepare(empty);
        FormatJudge.Judgement gone = j.judge(empty, VA, Optional.empty());
        assertEquals(List.of(), gone.mismatches(), gone.detail());
        assertEquals(List.of(), j.finish());
        long leafSlot = ROOT + 0x3000 + 8L * WalkConfig.stage1(Granule.G4K, 48, 48, ROOT, MAIR).indexOf(VA, 3);
        assertEquals(0, walker.machine().client().read64(leafSlot), "a table the monitor no longer holds is still in QEMU's RAM");
    }
}
