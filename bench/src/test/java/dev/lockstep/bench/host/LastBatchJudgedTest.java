package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.engine.Coverage;
import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.Generator;
import dev.lockstep.bench.engine.ModelOptions;
import dev.lockstep.bench.engine.Session;
import dev.lockstep.bench.target.HostAgentProcess;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.wire.Op;
import dev.lockstep.models.iopgtable.PgtableConfig;
import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.iopgtable.Prot;
import dev.lockstep.models.vmsa.Granule;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch that ends a case with its FREE has its tables judged (depths 3 and 4) before the FREE,
 * also when the session predicts batches as it sends them (cases side by side), where the FREE's
 * prediction is made before the batch's tables are judged.
 */
class LastBatchJudgedTest {
    @TempDir
    Path dir;

    private static final PgtableConfig CFG = new PgtableConfig(PgtableFormat.ARM_64_LPAE_S1, Granule.G4K, 48, 48, 0, true);

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aWrongLeafInTheLastBatchIsFound(int parallel) throws Exception {
        // ACCESS_FLAG clears AF in every word written: the alloc's step writes no leaf, the next one does.
        try (Target t = new TamperingTarget(HostAgents.open(dir.resolve("p" + parallel), HostAgentProcess.Mode.PTY),
                TamperingTarget.Mutant.ACCESS_FLAG)) {
            Session s = new Session(t, CFG, ModelOptions.none(), Coverage.none()).parallel(parallel);
            s.begin(CFG, ModelOptions.none(), Coverage.none(), 0);
            Op.Alloc alloc = new Generator(CFG, new SplittableRandom(1), 0).alloc();
            assertEquals(List.of(), titles(s.step(List.of(alloc))));
            // The driver writes a leaf with AF clear: every access to it faults, which the contract does not expect.
            Op map = new Op.Map(0, 0x40000000L, 0x80000000L, 4096, 1, Prot.of(Prot.READ | Prot.WRITE));
            List<Divergence> found = s.step(List.of(map, new Op.Free(0)));
            assertTrue(found.stream().anyMatch(d -> d.depth() == 3), titles(found).toString());
        }
    }

    private static List<String> titles(List<Divergence> ds) {
        return ds.stream().map(Divergence::title).toList();
    }
}
