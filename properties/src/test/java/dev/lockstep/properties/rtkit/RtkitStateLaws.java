package dev.lockstep.properties.rtkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApInput;
import dev.lockstep.models.rtkit.ApStep;
import dev.lockstep.models.rtkit.CallStatus;
import dev.lockstep.models.rtkit.ClientOps;
import dev.lockstep.models.rtkit.Crashlog;
import dev.lockstep.models.rtkit.CrashlogParse;
import dev.lockstep.models.rtkit.CrashlogWriter;
import dev.lockstep.models.rtkit.Errno;
import dev.lockstep.models.rtkit.FirmwareModel;
import dev.lockstep.models.rtkit.Fourcc;
import dev.lockstep.models.rtkit.Malformation;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.Note;
import dev.lockstep.models.rtkit.RtkitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of the AP-side RTKit model, from any reachable state (reached by an arbitrary chain of
 * firmware messages, good and bad, client calls, timeouts, crashes and malformed sequences, under
 * arbitrary options): reinit followed by a well-formed boot reaches running; after a crash every
 * send fails until reinit. And the crash log parser never throws.
 */
class RtkitStateLaws {

    // ------------------------------------------------------------ options and clients

    @Provide
    Arbitrary<RtkitOptions> options() {
        List<Arbitrary<String>> each = new ArrayList<>();
        for (String name : RtkitOptions.optionNames()) {
            List<String> values = name.equals("systemEndpoints") ? List.of("1,2,3,4,8", "1,2,4", "1,2,3,4,8,10")
                    : RtkitOptions.values(name);
            // The default half the time, so chains run mostly under the documented model.
            each.add(Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(values.get(0))),
                    Tuple.of(1, Arbitraries.of(values))).map(v -> name + "=" + v));
        }
        return Combinators.combine(each).as(assignments -> {
            RtkitOptions o = RtkitOptions.defaults();
            for (String a : assignments) {
                o = o.with(a);
            }
            return o;
        });
    }

    private static Arbitrary<ClientOps> clients() {
        return Arbitraries.of(ClientOps.defaults(), ClientOps.withoutShmemOps(),
                new ClientOps(true, false, false, 0x4000_0000L), new ClientOps(true, true, true, 0x4000_0000L));
    }

    // ------------------------------------------------------------ actions

    private static Action.Independent<RtkitHarness> firmwareMessage() {
        return () -> Arbitraries.longs().map(seed -> Transformer.mutate("iop message #" + seed, (RtkitHarness h) -> {
            Message m = h.firmware.randomMessage(new SplittableRandom(seed));
            h.feed(ApInput.received(m));
        }));
    }

    private static Action.Independent<RtkitHarness> call() {
        Arbitrary<ApCall> calls = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new ApCall.Boot())),
                Tuple.of(2, Arbitraries.just(new ApCall.Wake())),
                Tuple.of(2, Arbitraries.just(new ApCall.Quiesce())),
                Tuple.of(1, Arbitraries.just(new ApCall.Shutdown())),
                Tuple.of(3, Arbitraries.just(new ApCall.Reinit())),
                Tuple.of(3, Arbitraries.of(0, 1, 2, 3, 4, 8, 0xa, 0x20, 0x21, 0x80).map(ApCall.StartEp::new)),
                Tuple.of(4, Combinators.combine(Arbitraries.of(0, 1, 2, 4, 0x20, 0x21, 0x80, 0xff), Arbitraries.longs())
                        .as(ApCall.Send::new)));
        return () -> calls.map(c -> Transformer.mutate(c.toString(), (RtkitHarness h) -> h.feed(c)));
    }

    private static Action.Independent<RtkitHarness> wellFormed() {
        return () -> Arbitraries.of("handshake", "boot", "wake", "quiesce", "shutdown").map(which ->
                Transformer.mutate("well-formed " + which, (RtkitHarness h) -> h.feedAll(switch (which) {
                    case "handshake" -> h.firmware.handshake();
                    case "boot" -> h.firmware.boot();
                    case "wake" -> h.firmware.wake();
                    case "quiesce" -> FirmwareModel.quiesce();
                    default -> FirmwareModel.shutdown();
                })));
    }

    private static Action.Independent<RtkitHarness> malformed() {
        return () -> Arbitraries.integers().between(0, 10_000).map(i -> Transformer.mutate("malformed #" + i, (RtkitHarness h) -> {
            List<Malformation> all = h.firmware.catalogue();
            h.feedAll(all.get(i % all.size()).stimulus());
        }));
    }

    private static Action.Independent<RtkitHarness> crash() {
        return Action.just("crash", Transformer.mutate("crash", (RtkitHarness h) -> h.feed(ApInput.received(h.firmware.crash()))));
    }

    private static Action.Independent<RtkitHarness> timeout() {
        return Action.just("timeout", Transformer.mutate("timeout", (RtkitHarness h) -> h.feed(new ApInput.Timeout())));
    }

    @Provide
    Arbitrary<ActionChain<RtkitHarness>> runs() {
        return Combinators.combine(options(), clients()).as(Setup::new).flatMap(setup ->
                ActionChain.startWith(() -> new RtkitHarness(setup.options(), setup.client()))
                        .withAction(8, firmwareMessage())
                        .withAction(5, call())
                        .withAction(4, wellFormed())
                        .withAction(1, malformed())
                        .withAction(1, crash())
                        .withAction(2, timeout())
                        .withMaxTransformations(40));
    }

    record Setup(RtkitOptions options, ClientOps client) {
    }

    // ------------------------------------------------------------ laws

    @Property(seed = "201", tries = 300)
    void reinitThenAWellFormedBootReachesRunning(@ForAll("runs") ActionChain<RtkitHarness> chain) {
        RtkitHarness h = chain.run();
        collect(h);
        Statistics.label("phase before reinit").collect(h.state.phase());
        if (h.state.pending().isPresent()) {
            // The client's thread is blocked: the only way out is the wait's end.
            assertInstanceOf(CallStatus.Returned.class, h.feed(new ApInput.Timeout()).call());
        }
        ApStep reinit = h.feed(new ApCall.Reinit());
        assertEquals(Optional.of(0), reinit.returned());
        assertEquals(h.model.initial(), h.state, "reinit forgets everything the IOP said");
        List<ApInput> boot = h.firmware.boot();
        List<Integer> returned = new ArrayList<>();
        for (ApInput in : boot) {
            h.feed(in).returned().ifPresent(returned::add);
        }
        assertEquals(List.of(0), returned, "boot returns 0");
        assertTrue(h.state.running(), () -> "not running: " + h.state);
    }

    @Property(seed = "202", tries = 300)
    void afterACrashEverySendFailsUntilReinit(@ForAll("runs") ActionChain<RtkitHarness> chain) {
        RtkitHarness h = chain.run();
        // Make sure the chain ends crashed: the first type-1 on the crashlog endpoint may be taken as
        // its buffer request, the second is a crash.
        // Under undiscoveredSender=DROP or handshakeOrder=STRICT a crash on an endpoint the AP does
        // not know is dropped by policy: a fresh handshake announces and starts it first.
        if (h.state.pending().isPresent()) {
            h.feed(new ApInput.Timeout());
        }
        for (int attempt = 0; attempt < 2 && !h.state.crashed(); attempt++) {
            if (attempt == 1) {
                h.feedAll(h.firmware.handshake());
            }
            h.feed(ApInput.received(h.firmware.crash()));
            if (!h.state.crashed()) {
                h.feed(ApInput.received(h.firmware.crash()));
            }
        }
        assertTrue(h.state.crashed(), () -> "could not crash from " + h.state);
        for (ApCall c : List.of(new ApCall.Send(0x20, 1), new ApCall.Send(2, 1), new ApCall.StartEp(0x20),
                new ApCall.StartEp(1), new ApCall.Boot(), new ApCall.Wake())) {
            ApStep s = h.feed(c);
            assertEquals(Optional.of(-Errno.EINVAL), s.returned(), c::toString);
        }
        int crashes = 0;
        for (RtkitHarness.Taken t : h.log) {
            boolean reinit = t.step().hasNote(Note.Kind.REINIT);
            if (t.before().crashed()) {
                crashes++;
                Statistics.label("input while crashed").collect(h.kind(t.input()));
                assertTrue(t.step().sent().isEmpty(), () -> "sent after a crash on " + t.input() + ": " + t.step().sent());
                assertEquals(!reinit, t.step().state().crashed(), () -> "crash cleared without reinit by " + t.input());
                if ((t.input() instanceof ApCall.Send || t.input() instanceof ApCall.StartEp) && t.before().pending().isEmpty()) {
                    assertEquals(Optional.of(-Errno.EINVAL), t.step().returned(), t.input()::toString);
                }
            }
        }
        Statistics.label("steps spent crashed").collect(crashes < 8 ? "<8" : crashes < 20 ? "8..19" : "20+");
    }

    @Property(seed = "203", tries = 200)
    void whateverHappensTheModelAnswersEveryInput(@ForAll("runs") ActionChain<RtkitHarness> chain) {
        RtkitHarness h = chain.withInvariant("a step answers the call it was given", (RtkitHarness x) -> {
            if (x.log.isEmpty()) {
                return;
            }
            RtkitHarness.Taken t = x.log.get(x.log.size() - 1);
            if (t.input() instanceof ApCall && t.before().pending().isPresent()) {
                assertInstanceOf(CallStatus.Refused.class, t.step().call());
                assertEquals(t.before(), t.step().state());
            } else if (t.input() instanceof ApCall) {
                assertFalse(t.step().call() instanceof CallStatus.NoCall);
            }
            if (!(t.step().call() instanceof CallStatus.Refused)) {
                assertEquals(t.step().state().pending().isPresent(), t.step().call() instanceof CallStatus.Waiting);
            }
        }).run();
        collect(h);
    }

    private static void collect(RtkitHarness h) {
        for (RtkitHarness.Taken t : h.log) {
            Statistics.label("phase").collect(t.before().phase());
            Statistics.label("input").collect(h.kind(t.input()));
        }
    }

    // ------------------------------------------------------------ crash log parser

    @Property(seed = "204", tries = 2000)
    void theCrashlogParserNeverThrowsOnArbitraryBytes(@ForAll @Size(max = 300) byte[] bytes) {
        CrashlogParse p = Crashlog.parse(bytes);
        Statistics.label("outcome").collect(outcome(p));
    }

    @Provide
    Arbitrary<byte[]> logLike() {
        Arbitrary<int[]> section = Combinators.combine(
                Arbitraries.of(Fourcc.CSTR, Fourcc.CVER, Fourcc.CMBX, Fourcc.CTIM, Fourcc.CRG8, Fourcc.CLHE, Fourcc.of("Cxyz")),
                Arbitraries.integers().between(0, 0x400),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(-1)), Tuple.of(1, Arbitraries.integers().between(0, 40)),
                        Tuple.of(1, Arbitraries.integers())))
                .as((tag, len, size) -> new int[] {tag, len, size});
        return Combinators.combine(section.list().ofMaxSize(6), Arbitraries.integers().between(0, 64), Arbitraries.longs())
                .as((sections, cut, seed) -> {
                    CrashlogWriter w = CrashlogWriter.begin(1, 0);
                    SplittableRandom rng = new SplittableRandom(seed);
                    for (int[] s : sections) {
                        byte[] payload = new byte[s[1]];
                        rng.nextBytes(payload);
                        w = s[2] == -1 ? w.section(s[0], 0, payload) : w.sectionWithSize(s[0], 0, payload, s[2] & 0xffff_ffffL);
                    }
                    byte[] log = w.bytes();
                    return java.util.Arrays.copyOf(log, Math.max(0, log.length - cut));
                });
    }

    @Property(seed = "205", tries = 2000)
    void theCrashlogParserNeverThrowsOnLogLikeBytes(@ForAll("logLike") byte[] log) {
        CrashlogParse p = Crashlog.parse(log);
        Statistics.label("outcome").collect(outcome(p));
        if (p instanceof CrashlogParse.Malformed m) {
            assertTrue(m.offset() >= 0 && m.offset() <= log.length);
        } else {
            CrashlogParse.Parsed ok = (CrashlogParse.Parsed) p;
            assertTrue(ok.end() + 16 <= log.length);
        }
    }

    private static String outcome(CrashlogParse p) {
        if (p instanceof CrashlogParse.Parsed ok) {
            return "parsed, " + ok.sections().size() + " sections";
        }
        String r = ((CrashlogParse.Malformed) p).reason();
        int colon = r.indexOf(": ");
        String what = colon > 0 && colon <= 4 ? r.substring(colon + 2) : r;
        return "malformed: " + what.replaceAll("0x[0-9a-f]+", "N").replaceAll("'[^']*'", "'X'");
    }
}
