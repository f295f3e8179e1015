package dev.lockstep.models.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The coprocessor-side model: its well-formed sequences and its catalogue of defects. */
class FirmwareModelTest {
    private final FirmwareModel fw = new FirmwareModel(FirmwareDescription.typical());

    @Test
    void epmapPagesCoverTheAnnouncedEndpoints() {
        List<Message> pages = fw.epmapPages();
        assertEquals(List.of(new ManagementMessage.Epmap(0x11f, 0, false).encode(),
                new ManagementMessage.Epmap(0x3, 1, true).encode()), pages);
        FirmwareModel only0 = new FirmwareModel(FirmwareDescription.typical().withEndpoints(EndpointSet.of(0)));
        assertEquals(List.of(new ManagementMessage.Epmap(1, 0, true).encode()), only0.epmapPages());
        FirmwareModel high = new FirmwareModel(FirmwareDescription.typical().withEndpoints(EndpointSet.of(0xff)));
        assertEquals(2, high.epmapPages().size());
    }

    @Test
    void theBootIsHandshakeThenBootThenAck() {
        List<ApInput> b = fw.boot();
        assertEquals(1 + 2 + 3 + 1 + 1 + 2, b.size());
        assertEquals(ApInput.received(new ManagementMessage.Hello(11, 12).encode()), b.get(0));
        assertEquals(new ApCall.Boot(), b.get(b.size() - 2));
        assertEquals(ApInput.received(FirmwareModel.apPowerAck(0x20)), b.get(b.size() - 1));
        assertEquals(ApInput.received(FirmwareModel.iopPowerAck(0x20)), b.get(b.size() - 3));
    }

    @Test
    void theCatalogueCoversEveryKind() {
        Map<Malformation.Kind, Integer> count = new EnumMap<>(Malformation.Kind.class);
        Set<String> names = new HashSet<>();
        for (Malformation m : fw.catalogue()) {
            count.merge(m.kind(), 1, Integer::sum);
            assertTrue(names.add(m.name()), "duplicate name " + m.name());
            assertFalse(m.stimulus().isEmpty());
        }
        for (Malformation.Kind k : Malformation.Kind.values()) {
            assertTrue(count.getOrDefault(k, 0) > 0, k.name());
        }
        assertEquals(fw.boot().size() + 1, count.get(Malformation.Kind.CRASH));
        assertEquals(fw.catalogue(), fw.catalogue());
    }

    @Test
    void choicesComeOnlyFromTheGivenGenerator() {
        List<Message> a = new java.util.ArrayList<>();
        List<Message> b = new java.util.ArrayList<>();
        SplittableRandom r1 = new SplittableRandom(5);
        SplittableRandom r2 = new SplittableRandom(5);
        for (int i = 0; i < 500; i++) {
            a.add(fw.randomMessage(r1));
            b.add(fw.randomMessage(r2));
        }
        assertEquals(a, b);
        assertEquals(fw.pick(new SplittableRandom(3)), fw.pick(new SplittableRandom(3)));
        Set<Integer> endpoints = new HashSet<>();
        a.forEach(m -> endpoints.add(m.endpoint()));
        assertTrue(endpoints.containsAll(List.of(0, 1, 2, 3, 4, 8)));
    }

    @Test
    void randomMessagesNeverBreakTheApModel() {
        ApModel m = ApModel.defaults();
        SplittableRandom rng = new SplittableRandom(99);
        for (int run = 0; run < 50; run++) {
            ApState s = m.run(m.initial(), fw.boot()).get(fw.boot().size() - 1).state();
            for (int i = 0; i < 200; i++) {
                s = m.step(s, ApInput.received(fw.randomMessage(rng))).state();
            }
        }
    }
}
