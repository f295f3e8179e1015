package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.cli.KernelSelftestCommand;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own io-pgtable-arm selftest, built over the shim from Debian's linux-source-6.1:
 * the stock driver passes it (18 PASS 0 FAIL in 6.1), so a failure here is a shim bug.
 */
class KernelSelftestTest {
    private static final Pattern COMPLETED = Pattern.compile("selftest: completed with (\\d+) PASS (\\d+) FAIL");

    @Test
    void stockSelftestPasses() throws Exception {
        Path bin = KernelSelftestCommand.build(Optional.empty());
        KernelSelftestCommand.Result res = KernelSelftestCommand.run(bin);
        String out = String.join("\n", res.lines());

        Matcher m = null;
        for (String l : res.lines()) {
            Matcher c = COMPLETED.matcher(l);
            if (c.find()) {
                m = c;
            }
        }
        assertTrue(m != null, "no selftest summary line in:\n" + out);
        assertEquals(0, Integer.parseInt(m.group(2)), "FAIL count:\n" + out);
        assertTrue(Integer.parseInt(m.group(1)) >= 18, "PASS count:\n" + out);
        assertTrue(res.lines().stream().noneMatch(l -> l.startsWith("WARNING: ")), "WARNs:\n" + out);
        assertTrue(res.lines().get(res.lines().size() - 1).startsWith("lockstep-selftest: PASS"), out);
        assertEquals(0, res.exitCode(), out);
    }
}
