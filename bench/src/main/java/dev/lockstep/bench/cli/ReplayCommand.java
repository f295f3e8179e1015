package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.CaseRunner;
import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.engine.Reproducer;
import dev.lockstep.bench.engine.ReproducerFormatException;
import dev.lockstep.bench.target.Target;
import dev.lockstep.bench.target.TargetFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** `lockstep replay FILE`: re-runs a finding's reproducer and says whether it still fires. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-run a reproducer (findings/ID/reproducer.lst) against a target.",
            "Exit 1 if the same finding still fires, 0 if it is gone, 2 on bad input.",
            "Use --kernel-src to check whether your patch fixes it."})
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    TargetOptions targetOptions;

    @Parameters(index = "0", paramLabel = "FILE", description = "A reproducer.lst written by lockstep fuzz.")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new UsageError(file + ": no such file; pass a reproducer.lst from a findings directory");
        }
        if (dev.lockstep.bench.rtkit.RtkitReproducer.looksLike(file)) {
            targetOptions.validate();
            return dev.lockstep.bench.rtkit.RtkitCampaign.replay(file, System.out, targetOptions.rtkitOpener());
        }
        Reproducer r;
        try {
            r = Reproducer.read(file);
        } catch (ReproducerFormatException e) {
            throw new UsageError(e.getMessage());
        }
        Path runDir = Files.createTempDirectory("lockstep-replay");
        targetOptions.checkFormat(r.config().format());
        try (Target target = targetOptions.open(runDir, r.options())) {
            List<Divergence> run = new CaseRunner(target, r.config(), r.options(), r.batch()).run(r.ops());
            Optional<Divergence> same = run.stream().filter(x -> x.title().equals(r.title())).findFirst();
            if (same.isPresent()) {
                System.out.println("reproduces: " + r.title());
                System.out.println();
                System.out.println(same.get().detail());
                return 1;
            }
            if (!run.isEmpty()) {
                System.out.println("gone: '" + r.title() + "' no longer fires, but another divergence does: " + run.get(0).title());
                System.out.println(run.get(0).detail());
                return 0;
            }
            System.out.println("gone: " + r.title() + " (" + r.ops().size() + " operations ran clean on " + target.info().driverVersion() + ")");
            return 0;
        } catch (TargetFailure e) {
            System.err.println("lockstep: the target failed outside the reproducer: " + e.getMessage());
            return 2;
        }
    }
}
