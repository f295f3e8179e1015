package dev.lockstep.bench.cli;

import dev.lockstep.models.iopgtable.PgtableFormat;
import dev.lockstep.models.vmsa.Granule;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** Lists the page-table formats, their granules and address sizes, and the walker that judges them. */
@Command(name = "formats", mixinStandardHelpOptions = true, description = "List page-table formats, granules and ias/oas ranges.")
final class FormatsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.printf("%-15s %-14s %-8s %-8s %s%n", "FORMAT", "GRANULES", "IAS", "OAS", "WALKER");
        for (PgtableFormat f : PgtableFormat.values()) {
            System.out.printf("%-15s %-14s %-8s %-8s %s%n", f.cliName(),
                    f.granules().stream().map(Granule::label).collect(Collectors.joining(",")),
                    f.minIas() + "-" + f.maxIas(), f.minOas() + "-" + f.maxOas(),
                    f.walker());
        }
        return 0;
    }
}
