package dev.lockstep.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducerTest {
    @TempDir
    Path dir;

    private Reproducer sample() {
        PgtableConfig cfg = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G16K, 47, 44, 0, true);
        return new Reproducer("map fresh 16K: driver returns -EINVAL, contract 0 mapping the chunk", 1, cfg,
                ModelOptions.none().with("noAccessMap=REJECT"), 99, 8, List.of(
                new Op.Alloc(0, 1, 0, cfg.pgsizeBitmap(), 47, 44, true),
                new Op.Map(0, 0x4000, 0x8000, 0x4000, 3, Prot.of(Prot.READ | Prot.PRIV)),
                new Op.Unmap(0, 0x4000, 0x4000, 1),
                new Op.IovaToPhys(0, 0x4123),
                new Op.Free(0)));
    }

    @Test
    void roundTripsThroughAFile() throws Exception {
        Reproducer r = sample();
        Path f = dir.resolve("r.lst");
        r.write(f);
        Reproducer back = Reproducer.read(f);
        // The file holds every option in effect, defaults included, so a replay judges alike later.
        assertEquals(r.options().effective(r.config().format()), back.options().effective(back.config().format()));
        assertEquals("REJECT", back.options().effective(back.config().format()).get("noAccessMap"));
        assertEquals(new Reproducer(r.title(), r.depth(), r.config(), back.options(), r.seed(), r.batch(), r.ops()), back);
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test
    void truncatedFileSaysSoInOneLine() throws Exception {
        String text = sample().render();
        Path f = dir.resolve("t.lst");
        Files.writeString(f, text.substring(0, text.indexOf("granule")));
        ReproducerFormatException e = assertThrows(ReproducerFormatException.class, () -> Reproducer.read(f));
        assertTrue(e.getMessage().contains("missing 'granule'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badOperationLineNamesTheLine() throws Exception {
        Path f = dir.resolve("b.lst");
        Files.writeString(f, sample().render().replace("pgcount=3", "pgcount=three"));
        ReproducerFormatException e = assertThrows(ReproducerFormatException.class, () -> Reproducer.read(f));
        assertTrue(e.getMessage().contains("line"), e.getMessage());
        assertTrue(e.getMessage().contains("pgcount=three"), e.getMessage());
    }

    @Test
    void notAReproducerAtAll() throws Exception {
        Path f = dir.resolve("x.bin");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        ReproducerFormatException e = assertThrows(ReproducerFormatException.class, () -> Reproducer.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        Path g = dir.resolve("summary.json");
        Files.writeString(g, "{\"schema\":\"lockstep.summary/1\"}", StandardCharsets.UTF_8);
        assertThrows(ReproducerFormatException.class, () -> Reproducer.read(g));
    }
}
