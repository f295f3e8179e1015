package dev.lockstep.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The change judge's table index behaves as a map would, through growth, collisions and removals. */
class TablesByAddressTest {
    @Test
    void agreesWithAHashMapOverRandomPutsGetsAndRemoves() {
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            TablesByAddress t = new TablesByAddress();
            Map<Long, FormatJudge.TableRef> m = new HashMap<>();
            // Few distinct addresses, page-aligned like tables: many collisions and reuses.
            int spread = 8 + r.nextInt(400);
            for (int step = 0; step < 20_000; step++) {
                long key = 0x8000_0000L + (long) r.nextInt(spread) * 4096;
                switch (r.nextInt(5)) {
                    case 0, 1 -> {
                        FormatJudge.TableRef v = new FormatJudge.TableRef(key, r.nextInt(4), step, 4096, 8);
                        t.put(key, v);
                        m.put(key, v);
                    }
                    case 2 -> assertSame(m.remove(key), t.remove(key), "remove 0x" + Long.toHexString(key) + " at step " + step);
                    case 3 -> assertSame(m.get(key), t.get(key), "get 0x" + Long.toHexString(key) + " at step " + step);
                    default -> {
                        if (r.nextInt(500) == 0) {
                            t.clear();
                            m.clear();
                        }
                    }
                }
                assertEquals(m.size(), t.size(), "size at step " + step + ", seed " + seed);
            }
            for (Map.Entry<Long, FormatJudge.TableRef> e : m.entrySet()) {
                assertSame(e.getValue(), t.get(e.getKey()));
            }
        }
    }
}
