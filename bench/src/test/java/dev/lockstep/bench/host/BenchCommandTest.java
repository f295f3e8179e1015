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
        assertEquals(0, Main.execute("bench", "--seconds", "1", "--json", json.toString()));
        String text = Files.readString(json);
        double diff = number(text, "differential_ops_per_second");
        double driver = number(text, "driver_ops_per_second");
        assertTrue(diff > 0, text);
        assertTrue(driver > diff, "the driver alone must be faster than the loop that includes it: " + text);
        double share = number(text, "model_share");
        assertTrue(share > 0 && share < 1, text);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }
}
