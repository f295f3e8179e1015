package dev.lockstep.bench.rtkit;

import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApInput;
import dev.lockstep.models.rtkit.FirmwareModel;
import dev.lockstep.models.rtkit.Malformation;
import dev.lockstep.models.rtkit.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded RTKit cases: a boot (well-formed, or one of FirmwareModel's catalogue of defects) followed
 * by random interleavings of firmware messages, the client's calls and whole well-formed exchanges
 * (quiesce, shutdown, wake, a crash), so every phase sees every kind of input.
 */
public final class RtkitGenerator {
    private static final int[] APP_EPS = {0x20, 0x21, 0x22, 0x40};
    private final FirmwareModel fw;
    private final SplittableRandom rng;

    public RtkitGenerator(FirmwareModel fw, long seed) {
        this(fw, seed, 0);
    }

    /**
     * The cases of a campaign from case {@code firstCase} on: a resumed campaign continues from a
     * seed derived from its seed and the cases already run (case 0: the seed itself), so it is as
     * reproducible as one that never stopped.
     */
    public RtkitGenerator(FirmwareModel fw, long seed, long firstCase) {
        this.fw = fw;
        this.rng = new SplittableRandom(firstCase == 0 ? seed : seed ^ (firstCase * 0x9E3779B97F4A7C15L));
    }

    /** One case: the boot, then {@code tail} random steps. */
    public List<RtkitStep> nextCase(int tail) {
        List<RtkitStep> out = new ArrayList<>();
        if (rng.nextInt(10) < 3) {
            Malformation m = fw.pick(rng);
            add(out, m.stimulus());
        } else {
            add(out, fw.boot());
        }
        while (out.size() < 200 && tail-- > 0) {
            int r = rng.nextInt(100);
            if (r < 30) {
                out.add(new RtkitStep.Fw(fw.randomMessage(rng)));
            } else if (r < 40) {
                out.add(new RtkitStep.Fw(fw.syslogLog(rng.nextInt(10))));
            } else if (r < 50) {
                int ep = rng.nextInt(5) == 0 ? 1 + rng.nextInt(8) : APP_EPS[rng.nextInt(APP_EPS.length)];
                out.add(new RtkitStep.Call(new ApCall.Send(ep, rng.nextLong())));
            } else if (r < 56) {
                out.add(new RtkitStep.Fw(new Message(rng.nextLong(), APP_EPS[rng.nextInt(APP_EPS.length)])));
            } else if (r < 62) {
                int ep = rng.nextBoolean() ? APP_EPS[rng.nextInt(APP_EPS.length)] : 1 + rng.nextInt(10);
                out.add(new RtkitStep.Call(new ApCall.StartEp(ep)));
            } else if (r < 67) {
                add(out, FirmwareModel.quiesce());
            } else if (r < 72) {
                add(out, FirmwareModel.shutdown());
            } else if (r < 77) {
                add(out, fw.wake());
            } else if (r < 82) {
                out.add(new RtkitStep.Call(new ApCall.Reinit()));
            } else if (r < 86) {
                out.add(new RtkitStep.Fw(fw.crash()));
            } else if (r < 90) {
                out.add(new RtkitStep.Advance(RtkitStep.WAIT_MS));
            } else if (r < 95) {
                add(out, fw.boot());
            } else {
                out.add(new RtkitStep.Call(rng.nextBoolean() ? new ApCall.Boot() : new ApCall.Wake()));
            }
        }
        return out;
    }

    private static void add(List<RtkitStep> out, List<ApInput> inputs) {
        inputs.forEach(in -> out.add(RtkitStep.of(in)));
    }
}
