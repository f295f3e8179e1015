package dev.lockstep.bench.cli;

import dev.lockstep.bench.engine.Campaign;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `lockstep` command line. Every bad input ends as one line on stderr and exit code 2. */
@Command(name = "lockstep", mixinStandardHelpOptions = true, version = "lockstep " + Campaign.VERSION,
        description = {
            "Differential fuzzer: a reference model of Linux io-pgtable, written from the ARM architecture,",
            "against the real driver code behind a serial link. Every disagreement is a finding with a",
            "minimised reproducer and a replay command.",
            "",
            "Start with:  lockstep fuzz --format arm64-lpae-s1 --granule 4k --duration 60s",
            "Then:        lockstep replay OUT/findings/ID/reproducer.lst",
            "Report:      lockstep report OUT [OUT...] --out out/report",
            ""},
        subcommands = {FuzzCommand.class, ReplayCommand.class, ReportCommand.class, FormatsCommand.class, BenchCommand.class, KernelSelftestCommand.class, SoakCommand.class, LavaResultsCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 findings (fuzz --fail-on-findings) or still reproduces (replay), 2 bad input or setup,",
            "3 internal error (a Lockstep bug)."})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UsageError) {
                System.err.println("lockstep: " + ex.getMessage());
                return 2;
            }
            // A bench bug: say so first, then keep the trace for the bug report.
            System.err.println("lockstep: internal error (" + ex + "); this is a Lockstep bug: please report it with the trace below."
                    + " Results written so far are kept.");
            ex.printStackTrace();
            return 3;
        });
        cl.setParameterExceptionHandler((ex, argv) -> {
            String msg = ex.getMessage();
            System.err.println("lockstep: " + (msg == null ? "bad arguments" : msg.replace('\n', ' '))
                    + " (see: lockstep " + ex.getCommandLine().getCommandName() + " --help)");
            return 2;
        });
        return cl.execute(args);
    }
}
