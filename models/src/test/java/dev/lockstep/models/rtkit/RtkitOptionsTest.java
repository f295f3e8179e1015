package dev.lockstep.models.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtkitOptionsTest {

    @Test
    void defaultsAreListedInAStableOrder() {
        assertEquals(List.of("unsupportedVersion", "handshakeOrder", "systemEndpoints", "bufferIova", "preallocatedBuffer",
                "repeatedBufferRequest", "zeroSizeBuffer", "syslogInit", "oslog", "wakeIopState", "managementSendFailure",
                "sendToUndiscovered", "undiscoveredSender", "reservedBits"), RtkitOptions.optionNames());
        assertEquals("1,2,3,4,8", RtkitOptions.defaults().asMap().get("systemEndpoints"));
        assertEquals("REJECT", RtkitOptions.defaults().asMap().get("unsupportedVersion"));
    }

    @Test
    void everyValueOfEveryOptionCanBeSetAndReadBack() {
        for (String name : RtkitOptions.optionNames()) {
            if (name.equals("systemEndpoints")) {
                continue;
            }
            List<String> values = RtkitOptions.values(name);
            assertEquals(RtkitOptions.defaults().asMap().get(name), values.get(0), name + ": default first");
            for (String v : values) {
                assertEquals(v, RtkitOptions.defaults().with(name + "=" + v).asMap().get(name));
            }
        }
        RtkitOptions o = RtkitOptions.defaults().with("systemEndpoints = 1, 0xa ,31");
        assertEquals(EndpointSet.of(1, 0xa, 31), o.systemEndpoints());
        assertEquals(IovaField.BITS_43_0, RtkitOptions.defaults().with("bufferIova=BITS_43_0").layout().iova());
    }

    @Test
    void badSpellingsSayWhatIsKnown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RtkitOptions.defaults().with("nope=1"));
        assertTrue(e.getMessage().contains("unknown model option"));
        e = assertThrows(IllegalArgumentException.class, () -> RtkitOptions.defaults().with("oslog=MAYBE"));
        assertTrue(e.getMessage().contains("INIT_ACK"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RtkitOptions.defaults().with("oslog"));
        assertThrows(IllegalArgumentException.class, () -> RtkitOptions.defaults().with("wakeIopState=SLEEP"));
        assertThrows(IllegalArgumentException.class, () -> RtkitOptions.defaults().with("systemEndpoints=0x20"));
        assertThrows(IllegalArgumentException.class, () -> RtkitOptions.defaults().with("systemEndpoints=x"));
    }
}
