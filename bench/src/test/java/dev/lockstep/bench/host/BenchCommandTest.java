package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lockstep bench` measures the driver alone and the differential loop, and the first bounds the second. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void theDriverAloneIsFasterThanTheLoopAroundIt() throws Exception {
        HostAgents.binary();
        Path json = dir.resolve("bench.json");
        assertEquals(0, Main.execute("bench", "--seconds", "1", "--warmup", "0", "--json", json.toString()));
        String text = Files.readString(json);
        double diff = number(text, "differential_ops_per_second");
        double driver = number(text, "driver_ops_per_second");
        assertTrue(diff > 0, text);
        assertTrue(driver > diff, "the driver alone must be faster than the loop that includes it: " + text);
        assertEquals(diff / driver, number(text, "ratio"), 1e-3 * diff / driver, text);
        double share = number(text, "model_share");
        double judging = number(text, "judging_share");
        // The reference model is a part of judging, which is a part of the loop.
        assertTrue(share > 0 && share < judging && judging < 1, text);
        // The driver alone ran the operations the loop made it run, sampled from the run: some of them.
        assertTrue(number(text, "operations") > 0 && number(text, "best_nanos") > 0, text);
        assertTrue(number(text, "model_alone_ops_per_second") > 0, text);
        for (String kind : new String[] {"alloc", "map", "unmap", "iova_to_phys"}) {
            assertTrue(text.contains("\"" + kind + "\":{"), kind + " latency missing: " + text);
        }
        assertTrue(number(text, "p50") > 0, text);
        assertTrue(number(text, "bench_rss") > 0 && number(text, "agent_peak") > 0, text);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
