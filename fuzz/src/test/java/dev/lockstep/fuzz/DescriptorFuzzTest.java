package dev.lockstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lockstep.models.dart.DartConfig;
import dev.lockstep.models.dart.DartLayout;
import dev.lockstep.models.dart.DartPte;
import dev.lockstep.models.uat.UatConfig;
import dev.lockstep.models.uat.UatPte;
import dev.lockstep.models.vmsa.Descriptor;
import dev.lockstep.models.vmsa.Granule;
import dev.lockstep.models.vmsa.WalkConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The page-table entry decoders read whatever a driver left in memory, so every 64-bit word must
 * decode at every level of every configuration without throwing. encode(decode(x)) keeps what
 * the model reads and drops what it ignores: the result must be well-formed itself and decode to
 * the same thing as x, and x is well-formed exactly when nothing was dropped.
 *
 * <p>Input layout (regression inputs are written by hand): bytes 0..7 the entry, little-endian;
 * byte 8 and 9 select the configuration as each method says. Missing bytes read as zero.
 */
class DescriptorFuzzTest {

    /** Output sizes to try: every PS/IPS encoding's size that the model accepts, and 52 (LPA/LPA2). */
    private static final int[] OUTPUT_BITS = {32, 36, 40, 42, 44, 48, 52};

    /** VMSA: byte 8 bit 0 the stage, bits 2:1 the granule; byte 9 the output size. Every level is tried. */
    @FuzzTest(maxDuration = "30s")
    void vmsaDescriptorDecodesEverywhere(byte[] data) {
        long raw = word(data);
        int sel = at(data, 8) & 0xff;
        Granule g = Granule.values()[((sel >> 1) & 3) % 3];
        int out = OUTPUT_BITS[(at(data, 9) & 0xff) % OUTPUT_BITS.length];
        WalkConfig cfg = (sel & 1) == 0 ? WalkConfig.stage1(g, 48, out, 0, 0) : stage2(g, out);
        for (int level = g.firstLevel(); level <= 3; level++) {
            Descriptor d = Descriptor.decode(raw, level, cfg);
            assertEquals(raw, d.raw(), "decode lost the raw word");
            long kept = Descriptor.encode(d, cfg);
            Descriptor again = Descriptor.decode(kept, level, cfg);
            assertEquals(meaning(d), meaning(again), "dropping ignored bits changed the meaning of 0x"
                    + Long.toHexString(raw) + " at level " + level + " of " + cfg);
            assertTrue(Descriptor.isWellFormed(kept, level, cfg), "encode(decode(x)) is not well-formed: 0x"
                    + Long.toHexString(kept));
            assertEquals(kept == raw, Descriptor.isWellFormed(raw, level, cfg));
        }
    }

    /** DART: byte 8 bit 0 the layout (DART1, DART2). Every level is tried. */
    @FuzzTest(maxDuration = "30s")
    void dartPteDecodesEverywhere(byte[] data) {
        long raw = word(data);
        DartLayout layout = DartLayout.values()[at(data, 8) & 1];
        for (int level = DartConfig.LEAF_LEVEL + 1 - DartConfig.MAX_LEVELS; level <= DartConfig.LEAF_LEVEL; level++) {
            DartPte d = DartPte.decode(raw, level, layout);
            long kept = DartPte.encode(d, layout);
            assertEquals(d, DartPte.decode(kept, level, layout), "dropping undefined bits changed 0x"
                    + Long.toHexString(raw) + " at level " + level + " of " + layout);
            assertTrue(DartPte.isWellFormed(kept, level, layout));
            assertEquals(kept == raw, DartPte.isWellFormed(raw, level, layout));
            if (d instanceof DartPte.Leaf leaf) {
                // Leaves a layout cannot express are refused by its encoder, so decode must never make one.
                assertTrue(layout.canHold(leaf.pa()), "decoded a PA the layout cannot hold");
            }
        }
    }

    /** UAT: no configuration byte; every level is tried. */
    @FuzzTest(maxDuration = "30s")
    void uatPteDecodesEverywhere(byte[] data) {
        long raw = word(data);
        for (int level = UatConfig.START_LEVEL; level <= UatConfig.LEAF_LEVEL; level++) {
            UatPte d = UatPte.decode(raw, level);
            long kept = UatPte.encode(d);
            assertEquals(d, UatPte.decode(kept, level), "dropping undefined bits changed 0x" + Long.toHexString(raw));
            assertTrue(UatPte.isWellFormed(kept, level));
            assertEquals(kept == raw, UatPte.isWellFormed(raw, level));
        }
    }

    /** A stage 2 configuration of 40 input bits starting at the first level that allows it. */
    private static WalkConfig stage2(Granule g, int outputBits) {
        for (int level = g.firstLevel(); level <= 3; level++) {
            try {
                return WalkConfig.stage2(g, 40, outputBits, 0, level);
            } catch (IllegalArgumentException notThisLevel) {
                // Try the next start level: only the configuration, not the decoder, refused.
            }
        }
        throw new AssertionError("no stage 2 start level for " + g + " with " + outputBits + "-bit output");
    }

    /** A descriptor's fields without its raw word, which encode(decode(x)) is allowed to change. */
    private static List<Object> meaning(Descriptor d) {
        List<Object> m = new ArrayList<>();
        m.add(d.getClass().getSimpleName());
        if (d instanceof Descriptor.Table t) {
            m.addAll(List.of(t.nextTableAddress(), t.nsTable(), t.apTable(), t.uxnTable(), t.pxnTable()));
        } else if (d instanceof Descriptor.Block b) {
            m.addAll(List.of(b.level(), b.outputAddress(), b.attributes()));
        } else if (d instanceof Descriptor.Page p) {
            m.addAll(List.of(p.outputAddress(), p.attributes()));
        } else {
            m.add(d.raw());
        }
        return m;
    }

    static long word(byte[] data) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w |= (long) (at(data, i) & 0xff) << (8 * i);
        }
        return w;
    }

    static byte at(byte[] data, int i) {
        return i < data.length ? data[i] : 0;
    }
}
