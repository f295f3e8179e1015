package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.models.rtkit.ApState;
import dev.lockstep.models.rtkit.ApStep;
import dev.lockstep.models.rtkit.CallStatus;
import dev.lockstep.models.rtkit.Errno;
import dev.lockstep.models.rtkit.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The message transcript of one RTKit case up to its divergence, appended to each divergence's
 * detail (so to detail.txt and what replay prints) in a stable, line-based form the report draws
 * as a sequence diagram (dev.lockstep.reports.RtkitTranscript parses it):
 *
 * <pre>
 * rtkit transcript:
 *   IOP -&gt; AP: HELLO (ep 0x00, 0x00100000000c000b)
 *   AP -&gt; IOP: HELLO_REPLY (ep 0x00, 0x00200000000c000c)
 *   call: boot
 *   diverges: after EPMAP LAST (AWAIT_EPMAP) the driver sends ..., the model does not
 *   model: (nothing)
 *   driver: AP -&gt; IOP: EPMAP reply LAST (ep 0x00, 0x...)
 * end of transcript
 * </pre>
 *
 * Lines before {@code diverges:} are what the driver did and the model agreed with (an input,
 * then what the AP did in that step: messages, callbacks, the call's return). After it, the step's
 * remaining lines of each side, model and driver in pairs, {@code (nothing)} for a side that did
 * nothing more. Line kinds: {@code IOP -> AP:}, {@code AP -> IOP:}, {@code call:}, {@code clock:},
 * {@code callback:}, {@code return:}, {@code waits:}, {@code blocked:}, {@code event:},
 * {@code state:}, {@code free:}, {@code agent:}. Titles are not changed by any of this.
 */
final class RtkitTranscript {
    static final String BEGIN = "rtkit transcript:";
    static final String END = "end of transcript";
    static final String DIVERGES = "diverges: ";
    /** A minimised case is short; a case that could not be shrunk keeps only its last lines. */
    static final int MAX_LINES = 200;

    /** One line, and for an AP message the message, compared as the scoreboard compares messages. */
    private record Item(String text, Message message) {
        Item(String text) {
            this(text, null);
        }
    }

    private final RtkitScoreboard board;
    private final List<String> lines = new ArrayList<>();

    RtkitTranscript(RtkitScoreboard board) {
        this.board = board;
    }

    /** The line of a step's input. {@code before}: the model's state before the step. */
    static String input(RtkitStep step, ApState before) {
        if (step instanceof RtkitStep.Fw f) {
            return "IOP -> AP: " + RtkitScoreboard.fwLabel(f.message(), before) + " " + raw(f.message());
        }
        if (step instanceof RtkitStep.Call c) {
            return "call: " + RtkitScoreboard.callLabel(c.call());
        }
        return "clock: +" + ((RtkitStep.Advance) step).ms() + " ms";
    }

    /** A step both sides agreed on: its input and what the driver did. */
    void agreed(RtkitStep step, ApState before, RtkitSession.Outcome drv) {
        lines.add(input(step, before));
        for (Item i : driver(step, before, drv)) {
            lines.add(i.text());
        }
    }

    /** The divergence with the transcript up to it appended to its detail; the step's two sides side by side. */
    Divergence diverged(Divergence d, RtkitStep step, ApState before, ApStep model, RtkitSession.Outcome drv) {
        List<Item> m = model(step, before, model);
        List<Item> g = driver(step, before, drv);
        if (drv.running() != model.state().running() || drv.crashed() != model.state().crashed()) {
            m.add(new Item("state: " + flags(model.state().running(), model.state().crashed())));
            g.add(new Item("state: " + flags(drv.running(), drv.crashed())));
        }
        boolean modelWaits = model.state().pending().isPresent();
        if (!(step instanceof RtkitStep.Call) && modelWaits != drv.pending()) {
            (modelWaits ? m : g).add(new Item("waits: " + callOf(step, before)));
        }
        int common = 0;
        while (common < m.size() && common < g.size() && same(m.get(common), g.get(common), drv.dmaAllocs())) {
            common++;
        }
        List<String> body = new ArrayList<>(lines);
        body.add(input(step, before));
        for (int i = 0; i < common; i++) {
            body.add(g.get(i).text());
        }
        return with(d, body, texts(m.subList(common, m.size())), texts(g.subList(common, g.size())));
    }

    /** A divergence at FREE, after every step agreed: the driver's teardown against a model that frees everything. */
    Divergence atFree(Divergence d, RtkitSession.Release r) {
        List<String> body = new ArrayList<>(lines);
        body.add("call: free (teardown)");
        List<String> g = new ArrayList<>();
        for (AgentEvent e : r.events()) {
            if (e.kind() == AgentEvent.Kind.WARN || e.kind() == AgentEvent.Kind.BUG) {
                g.add("event: " + e.kind() + " " + firstLine(e.text()));
            }
        }
        if (r.leakedObjects() != 0 || r.leakedBlocks() != 0) {
            g.add("free: leaks " + r.leakedObjects() + " kmalloc objects, " + r.leakedBlocks() + " arena blocks");
        }
        return with(d, body, List.of("free: nothing leaked"), g);
    }

    /** The agent crashed or hung on {@code step} (null: at FREE). */
    Divergence agentFailed(Divergence d, RtkitStep step, ApState before, String what) {
        List<String> body = new ArrayList<>(lines);
        body.add(step == null ? "call: free (teardown)" : input(step, before));
        return with(d, body, List.of(), List.of("agent: " + what));
    }

    private static Divergence with(Divergence d, List<String> body, List<String> model, List<String> driver) {
        StringBuilder b = new StringBuilder(d.detail());
        b.append(d.detail().isEmpty() || d.detail().endsWith("\n") ? "" : "\n").append('\n').append(BEGIN).append('\n');
        int from = Math.max(0, body.size() - MAX_LINES);
        if (from > 0) {
            b.append("  … ").append(from).append(" earlier lines left out\n");
        }
        for (String l : body.subList(from, body.size())) {
            b.append("  ").append(l).append('\n');
        }
        b.append("  ").append(DIVERGES).append(d.title().startsWith("rtkit: ") ? d.title().substring(7) : d.title()).append('\n');
        for (int i = 0; i < Math.max(1, Math.max(model.size(), driver.size())); i++) {
            if (i < model.size() || (i == 0 && model.isEmpty())) {
                b.append("  model: ").append(model.isEmpty() ? "(nothing)" : model.get(i)).append('\n');
            }
            if (i < driver.size() || (i == 0 && driver.isEmpty())) {
                b.append("  driver: ").append(driver.isEmpty() ? "(nothing)" : driver.get(i)).append('\n');
            }
        }
        b.append(END);
        return new Divergence(d.title(), d.depth(), d.category(), d.opIndex(), b.toString(), d.fatal());
    }

    private List<Item> driver(RtkitStep step, ApState before, RtkitSession.Outcome drv) {
        List<Item> out = new ArrayList<>();
        for (Message m : drv.sent()) {
            out.add(new Item("AP -> IOP: " + board.label(m) + " " + raw(m), m));
        }
        for (String c : RtkitScoreboard.driverCallbacks(drv.callbacks())) {
            out.add(new Item("callback: " + c));
        }
        String call = callOf(step, before);
        if (drv.refused()) {
            out.add(new Item("blocked: " + call + " not made, the client's thread waits"));
        } else if (drv.returned().isPresent()) {
            out.add(new Item("return: " + call + " = " + Errno.name((int) (long) drv.returned().get())));
        } else if (step instanceof RtkitStep.Call && drv.pending()) {
            out.add(new Item("waits: " + call));
        }
        for (AgentEvent e : drv.events()) {
            if (e.kind() == AgentEvent.Kind.WARN || e.kind() == AgentEvent.Kind.BUG) {
                out.add(new Item("event: " + e.kind() + " " + firstLine(e.text())));
            }
        }
        return out;
    }

    private static List<Item> model(RtkitStep step, ApState before, ApStep m) {
        List<Item> out = new ArrayList<>();
        for (Message s : m.sent()) {
            out.add(new Item("AP -> IOP: " + s, s)); // texts() labels it as the driver's are
        }
        for (String c : RtkitScoreboard.modelCallbacks(m.callbacks())) {
            out.add(new Item("callback: " + c));
        }
        CallStatus cs = m.call();
        String call = callOf(step, before);
        if (cs instanceof CallStatus.Refused) {
            out.add(new Item("blocked: " + call + " not made, the client's thread waits"));
        } else if (cs instanceof CallStatus.Returned r) {
            out.add(new Item("return: " + RtkitScoreboard.callLabel(r.call()) + " = " + Errno.name(r.code())));
        } else if (step instanceof RtkitStep.Call && cs instanceof CallStatus.Waiting) {
            out.add(new Item("waits: " + call));
        }
        return out;
    }

    private static String callOf(RtkitStep step, ApState before) {
        if (step instanceof RtkitStep.Call c) {
            return RtkitScoreboard.callLabel(c.call());
        }
        return before.pending().map(p -> RtkitScoreboard.callLabel(p.call())).orElse("a call");
    }

    private boolean same(Item model, Item driver, List<Long> dma) {
        if (model.message() != null && driver.message() != null) {
            return board.same(model.message(), driver.message(), dma);
        }
        return model.text().equals(driver.text());
    }

    private List<String> texts(List<Item> items) {
        List<String> out = new ArrayList<>();
        for (Item i : items) {
            out.add(i.message() != null ? "AP -> IOP: " + board.label(i.message()) + " " + raw(i.message()) : i.text());
        }
        return out;
    }

    static String raw(Message m) {
        return String.format("(ep 0x%02x, 0x%016x)", m.endpoint(), m.msg0());
    }

    private static String flags(boolean running, boolean crashed) {
        return (running ? "running" : "not running") + (crashed ? ", crashed" : "");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static Optional<String> block(String detail) {
        int i = detail.indexOf(BEGIN);
        return i < 0 ? Optional.empty() : Optional.of(detail.substring(i));
    }
}
