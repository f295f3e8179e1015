package dev.lockstep.bench.rtkit;

import dev.lockstep.bench.engine.Divergence;
import dev.lockstep.bench.wire.AgentEvent;
import dev.lockstep.models.rtkit.ApCall;
import dev.lockstep.models.rtkit.ApInput;
import dev.lockstep.models.rtkit.ApModel;
import dev.lockstep.models.rtkit.ApState;
import dev.lockstep.models.rtkit.ApStep;
import dev.lockstep.models.rtkit.BufferMessage;
import dev.lockstep.models.rtkit.Callback;
import dev.lockstep.models.rtkit.CallStatus;
import dev.lockstep.models.rtkit.CallStep;
import dev.lockstep.models.rtkit.Endpoints;
import dev.lockstep.models.rtkit.Errno;
import dev.lockstep.models.rtkit.ManagementMessage;
import dev.lockstep.models.rtkit.Message;
import dev.lockstep.models.rtkit.PendingCall;
import dev.lockstep.models.rtkit.PowerState;
import dev.lockstep.models.rtkit.RtkitCodec;
import dev.lockstep.models.rtkit.RtkitMessage;
import dev.lockstep.reports.Category;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Depth 6 (rtkit transcript) and depth 5 (health) of the RTKit campaign: feeds each step to the
 * model and compares the messages the AP sent (order and content), the callbacks, the call's
 * return code, whether a call still waits, and running/crashed. Titles name message kinds, the
 * model's phase and the input, never addresses, so one behaviour is one finding.
 */
public final class RtkitScoreboard {
    private final ApModel model;
    private ApState state;
    private ApStep last;

    public RtkitScoreboard(ApModel model) {
        this.model = model;
        this.state = model.initial();
    }

    public ApState state() {
        return state;
    }

    /** The model's answer to the last step (empty step when the input meant nothing to it). */
    public ApStep lastStep() {
        return last;
    }

    /** The model's input for a step: a clock advance is a Timeout only when a call waits. */
    public Optional<ApInput> input(RtkitStep step) {
        if (step instanceof RtkitStep.Fw f) {
            return Optional.of(new ApInput.Received(f.message()));
        }
        if (step instanceof RtkitStep.Call c) {
            return Optional.of(c.call());
        }
        return state.pending().isPresent() && ((RtkitStep.Advance) step).ms() >= RtkitStep.WAIT_MS
                ? Optional.of(new ApInput.Timeout()) : Optional.empty();
    }

    public List<Divergence> judge(int index, RtkitStep step, RtkitSession.Outcome drv) {
        ApState before = state;
        Optional<ApInput> in = input(step);
        ApStep m = in.isPresent() ? model.step(before, in.get())
                : new ApStep(before, List.of(), List.of(), new CallStatus.NoCall(), List.of());
        last = m;
        state = m.state();
        String where = "after " + inputLabel(step, before) + crashedTag(before);
        List<Divergence> out = new ArrayList<>();
        health(index, where, drv.events(), out);
        // Callbacks before messages: a crash report's defining outcome is the crashed callback; what
        // the AP sends instead follows from whether it saw a crash, and would give one cause two titles.
        callbacks(index, where, m.callbacks(), drv.callbacks(), out);
        messages(index, where, m.sent(), drv, clientMessage(step), out);
        calls(index, step, before, m, drv, out);
        if (out.isEmpty() && (drv.running() != state.running() || drv.crashed() != state.crashed())) {
            out.add(div(index, "rtkit: " + where + " the driver is " + flags(drv.running(), drv.crashed())
                    + ", the model " + flags(state.running(), state.crashed()), "driver running=" + drv.running()
                    + " crashed=" + drv.crashed() + "; model " + state));
        }
        // The case ends at its first divergence: later ones follow from it and would only add titles.
        return out.isEmpty() ? out : List.of(out.get(0));
    }

    /**
     * FREE at the end of a case: leaks and the teardown's WARNs. A leak's title names what leaked,
     * not the phase the case ended in: the memory was lost earlier, whatever came after, and a
     * phase in the title would split one leak into a title per phase and keep the shrinker from
     * deleting the steps that only moved the phase. The phase is in the detail.
     */
    public List<Divergence> release(int index, RtkitSession.Release r) {
        List<Divergence> out = new ArrayList<>();
        health(index, "at FREE", r.events(), out);
        // Objects and blocks are reported apart: the driver loses each through its own path (a
        // kmalloc'd syslog buffer, a DMA buffer), and a case that happens to do both is no third cause.
        String detail = r.leakedObjects() + " objects, " + r.leakedBlocks() + " arena blocks (FREE in " + state.phase() + ")"
                + leakEvents(r.events());
        if (r.leakedObjects() != 0) {
            out.add(new Divergence("rtkit: FREE leaks kmalloc objects", 5, Category.HEALTH, index, detail));
        }
        if (r.leakedBlocks() != 0) {
            out.add(new Divergence("rtkit: FREE leaks arena blocks", 5, Category.HEALTH, index, detail));
        }
        return out;
    }

    /** The agent's own LEAK lines (which blocks, at which bus addresses), for detail.txt. */
    private static String leakEvents(List<AgentEvent> events) {
        StringBuilder b = new StringBuilder();
        for (AgentEvent e : events) {
            if (e.kind() == AgentEvent.Kind.LEAK) {
                b.append('\n').append(e.text());
            }
        }
        return b.toString();
    }

    private static void health(int index, String where, List<AgentEvent> events, List<Divergence> out) {
        for (AgentEvent e : events) {
            // LEAK events carry counts; release() reports leaks from FREE's own numbers instead.
            if (e.kind() == AgentEvent.Kind.WARN || e.kind() == AgentEvent.Kind.BUG) {
                Category c = e.kind() == AgentEvent.Kind.BUG ? Category.CRASH : Category.HEALTH;
                out.add(new Divergence("rtkit: " + e.kind() + " " + where + ": " + firstLine(e.text()), 5, c, index, e.text()));
                return;
            }
        }
    }

    /**
     * Compares the messages sent in one step. When one side's messages are the other's with some
     * added, the title names the first added message only: how many follow it (the STARTEPs after
     * an EPMAP LAST, say) depends on the endpoints of the case, not on the cause.
     */
    private void messages(int index, String where, List<Message> want, RtkitSession.Outcome drv, Optional<Message> client,
                          List<Divergence> out) {
        List<Message> got = drv.sent();
        int n = Math.min(want.size(), got.size());
        int i = 0;
        while (i < n && same(want.get(i), got.get(i), drv.dmaAllocs())) {
            i++;
        }
        if (i == want.size() && i == got.size()) {
            return;
        }
        String detail = "model sent " + want + "\ndriver sent " + got + "\nDMA allocations " + hexes(drv.dmaAllocs());
        String title;
        if (got.size() > want.size() && subsequence(want, got, drv.dmaAllocs())) {
            title = where + " the driver sends " + label(got.get(i), client) + ", the model does not";
        } else if (want.size() > got.size() && subsequence(got, want, drv.dmaAllocs())) {
            title = where + " the model sends " + label(want.get(i), client) + ", the driver does not";
        } else if (i < n) {
            String a = label(got.get(i), client);
            String b = label(want.get(i), client);
            title = where + (a.equals(b) ? " the driver's " + a + " differs from the model's"
                    : " the driver sends " + a + " where the model sends " + b);
        } else {
            title = where + " the driver sends " + (got.size() > want.size() ? "more" : "fewer") + " messages than the model";
        }
        out.add(div(index, "rtkit: " + title, detail));
    }

    /** Whether {@code shorter} is {@code longer} with some messages left out (the order kept). */
    private boolean subsequence(List<Message> shorter, List<Message> longer, List<Long> dma) {
        int j = 0;
        for (int i = 0; i < longer.size() && j < shorter.size(); i++) {
            if (same(shorter.get(j), longer.get(i), dma)) {
                j++;
            }
        }
        return j == shorter.size();
    }

    /** The message a send_message call hands over: its content is the client's, random, and no kind of the AP's. */
    private static Optional<Message> clientMessage(RtkitStep step) {
        return step instanceof RtkitStep.Call c && c.call() instanceof ApCall.Send s
                ? Optional.of(new Message(s.msg0(), s.endpoint())) : Optional.empty();
    }

    /**
     * Equal, or the same buffer reply where the model's IOVA is one it allocated itself and the
     * driver's is one its dma_alloc_coherent returned in this step: AP-chosen addresses are the
     * harness's, not protocol (ClientOps: bind the IOVA from the allocation).
     */
    boolean same(Message want, Message got, List<Long> dma) {
        if (want.equals(got)) {
            return true;
        }
        if (want.endpoint() != got.endpoint()) {
            return false;
        }
        Optional<RtkitMessage> w = RtkitCodec.decodeFromAp(want, model.options().layout()).valueIgnoringReserved();
        Optional<RtkitMessage> g = RtkitCodec.decodeFromAp(got, model.options().layout()).valueIgnoringReserved();
        if (w.orElse(null) instanceof BufferMessage wb && g.orElse(null) instanceof BufferMessage gb) {
            return wb.pages() == gb.pages() && wb.iova() >= model.client().allocationBase() && dma.contains(gb.iova());
        }
        return false;
    }

    private static void callbacks(int index, String where, List<Callback> want, List<RtkitReply.Record> got, List<Divergence> out) {
        List<String> w = modelCallbacks(want);
        List<String> g = driverCallbacks(got);
        if (w.equals(g)) {
            return;
        }
        String title;
        List<String> extra = new ArrayList<>(g);
        w.forEach(extra::remove);
        List<String> missing = new ArrayList<>(w);
        g.forEach(missing::remove);
        if (!extra.isEmpty()) {
            title = where + " the driver calls " + extra.get(0).split(" ")[0] + ", the model does not";
        } else if (!missing.isEmpty()) {
            title = where + " the model calls " + missing.get(0).split(" ")[0] + ", the driver does not";
        } else {
            title = where + " the callbacks come in another order";
        }
        out.add(div(index, "rtkit: " + title, "model callbacks " + w + "\ndriver callbacks " + g));
    }

    /** The model's callbacks as text, as titles and the transcript name them ("recv_message EP MSG0", ...). */
    static List<String> modelCallbacks(List<Callback> want) {
        List<String> w = new ArrayList<>();
        for (Callback c : want) {
            if (c instanceof Callback.Crashed) {
                w.add("crashed");
            } else if (c instanceof Callback.RecvMessage r) {
                w.add("recv_message " + r.endpoint() + " " + Long.toHexString(r.msg0()));
            } else if (c instanceof Callback.ShmemSetup s) {
                w.add("shmem_setup " + s.size());
            } else {
                w.add("shmem_destroy " + ((Callback.ShmemDestroy) c).buffer().size());
            }
        }
        return w;
    }

    /** The driver's callbacks (the agent's records) as text, in the same words as {@link #modelCallbacks}. */
    static List<String> driverCallbacks(List<RtkitReply.Record> got) {
        List<String> g = new ArrayList<>();
        for (RtkitReply.Record r : got) {
            switch (r.kind()) {
                case CRASHED -> g.add("crashed");
                case RECV_MESSAGE -> g.add("recv_message " + r.ep() + " " + Long.toHexString(r.a()));
                case SHMEM_SETUP -> g.add("shmem_setup " + r.a());
                case SHMEM_DESTROY -> g.add("shmem_destroy " + r.a());
                default -> g.add(r.kind().name().toLowerCase());
            }
        }
        return g;
    }

    private static void calls(int index, RtkitStep step, ApState before, ApStep m, RtkitSession.Outcome drv, List<Divergence> out) {
        Optional<Integer> want = m.returned();
        Optional<Long> got = drv.returned();
        boolean modelRefused = m.call() instanceof CallStatus.Refused;
        String call = step instanceof RtkitStep.Call c ? callTitle(c.call()) : before.pending().map(p -> callTitle(p.call())).orElse("a call");
        // A call that waited is named without the input that let it go on: which ack or EPMAP it was
        // is the case's, and one call returning apart is one finding (the transcript has the input).
        String where = crashedTag(before);
        String detail = "model " + m.call() + "\ndriver returned " + got.map(v -> Errno.name((int) (long) v)).orElse("nothing")
                + (drv.pending() ? ", a call waits" : "") + (drv.refused() ? ", the call was not made (slot busy)" : "");
        if (modelRefused != drv.refused()) {
            out.add(div(index, "rtkit: " + call + where + ": " + (drv.refused() ? "the driver's client is blocked, the model's is not"
                    : "the model's client is blocked, the driver's is not"), detail));
        } else if (want.isPresent() && got.isPresent() && want.get() != (int) (long) got.get()) {
            out.add(div(index, "rtkit: " + call + where + " returns " + Errno.name((int) (long) got.get())
                    + " in the driver, " + Errno.name(want.get()) + " in the model", detail));
        } else if (want.isPresent() != got.isPresent()) {
            out.add(div(index, "rtkit: " + call + where + " returns " + (got.isPresent() ? "in the driver, not in the model"
                    : "in the model, not in the driver"), detail));
        } else if (m.state().pending().isPresent() != drv.pending()) {
            out.add(div(index, "rtkit: " + call + where + " waits in " + (drv.pending() ? "the driver" : "the model")
                    + " only", detail));
        }
    }

    private static Divergence div(int index, String title, String detail) {
        return new Divergence(title, 6, Category.DRIVER_BUG, index, detail);
    }

    /**
     * The input of a step as titles and coverage bins name it: its kind, with only the values that
     * decide what a correct AP does (see {@link #ackClass} and {@link #callTitle}). The transcript
     * names inputs exactly ({@link #fwLabel}, {@link #callLabel}).
     */
    static String inputLabel(RtkitStep step, ApState before) {
        if (step instanceof RtkitStep.Call c) {
            return "call " + callTitle(c.call());
        }
        if (step instanceof RtkitStep.Advance) {
            return "timeout";
        }
        Message m = ((RtkitStep.Fw) step).message();
        Optional<RtkitMessage> d = RtkitCodec.decodeFromIop(m, dev.lockstep.models.rtkit.CodecLayout.defaults()).valueIgnoringReserved();
        if (d.orElse(null) instanceof ManagementMessage.IopPowerAck a) {
            return "IOP_PWR_ACK" + ackClass(CallStep.Side.IOP, a.state() & 0xffff, before);
        }
        if (d.orElse(null) instanceof ManagementMessage.ApPowerAck a) {
            return "AP_PWR_ACK" + ackClass(CallStep.Side.AP, a.state() & 0xffff, before);
        }
        return fwLabel(m, before);
    }

    /**
     * What a power ack's state means to a correct AP, which is all a title may say of it: against
     * an ack a call waits for, whether it is the state asked for (the call returns 0 or -EINVAL).
     * Otherwise the state decides no message: a call waiting for the IOP's first report takes any
     * state, and an unsolicited ack only records it (whether both sides then run is compared on its
     * own, as running/crashed). Then the title names the ack alone.
     */
    static String ackClass(CallStep.Side side, int state, ApState before) {
        Optional<CallStep> awaiting = before.pending().map(PendingCall::awaiting);
        if (awaiting.orElse(null) instanceof CallStep.AwaitAck a && a.side() == side) {
            return state == a.expected() ? " as asked" : " not as asked";
        }
        return "";
    }

    /** " (CRASHED)" after a crash, when every send fails (§1.3) and calls and handlers act apart; otherwise nothing. */
    static String crashedTag(ApState before) {
        return before.crashed() ? " (CRASHED)" : "";
    }

    /** The kind of a firmware message, as the coverage bins and titles name it. */
    static String fwLabel(Message m, ApState before) {
        Optional<RtkitMessage> d = RtkitCodec.decodeFromIop(m, dev.lockstep.models.rtkit.CodecLayout.defaults()).valueIgnoringReserved();
        if (d.isEmpty()) {
            return Endpoints.isApplication(m.endpoint()) ? "app message" : Endpoints.name(m.endpoint()) + " unknown";
        }
        RtkitMessage r = d.get();
        if (r instanceof ManagementMessage.Epmap e) {
            return "EPMAP" + (e.last() ? " LAST" : "");
        }
        if (r instanceof ManagementMessage.Hello) {
            return "HELLO";
        }
        if (r instanceof ManagementMessage.IopPowerAck a) {
            return "IOP_PWR_ACK " + stateName(a.state() & 0xffff);
        }
        if (r instanceof ManagementMessage.ApPowerAck a) {
            return "AP_PWR_ACK " + stateName(a.state() & 0xffff);
        }
        if (r instanceof BufferMessage && m.endpoint() == Endpoints.CRASHLOG) {
            return before.crashlogRequested() ? "crashlog crash" : "crashlog buffer request";
        }
        return RtkitCodec.kind(r);
    }

    /** A call as the transcript names it: with its endpoint. */
    static String callLabel(ApCall c) {
        String n = RtkitStep.name(c);
        int ep = c instanceof ApCall.StartEp s ? s.endpoint() : c instanceof ApCall.Send s ? s.endpoint() : -1;
        if (ep < 0) {
            return n;
        }
        return n + (Endpoints.isApplication(ep) ? "(app ep)" : "(ep " + ep + ")");
    }

    /**
     * A call as titles name it: the class of its endpoint, not the number. start_ep and
     * send_message treat every system endpoint alike (§1.6: crashed, discovered; running only for
     * application endpoints), so one behaviour on endpoints 1 to 31 is one title.
     */
    static String callTitle(ApCall c) {
        String n = RtkitStep.name(c);
        int ep = c instanceof ApCall.StartEp s ? s.endpoint() : c instanceof ApCall.Send s ? s.endpoint() : -1;
        if (ep < 0) {
            return n;
        }
        return n + (Endpoints.isApplication(ep) ? "(app ep)" : ep == Endpoints.MANAGEMENT ? "(management ep)" : "(system ep)");
    }

    /**
     * A message the AP sent, as titles name it: {@link #label} without the values that decide
     * nothing. The message of the step's send_message call ({@code client}) is the client's,
     * whatever it would decode to; a STARTEP names whether the AP serves its endpoint
     * (systemEndpoints), not which endpoint it is.
     */
    String label(Message m, Optional<Message> client) {
        if (client.isPresent() && client.get().equals(m)) {
            return "the client's message";
        }
        Optional<RtkitMessage> d = RtkitCodec.decodeFromAp(m, model.options().layout()).valueIgnoringReserved();
        if (d.orElse(null) instanceof ManagementMessage.StartEp s && !Endpoints.isApplication(s.endpoint())) {
            return "STARTEP for " + (model.options().systemEndpoints().contains(s.endpoint()) ? "a served" : "an unserved")
                    + " system ep";
        }
        return label(m);
    }

    /** A message the AP sent, as the transcript names it: its kind, and for STARTEP and power requests the endpoint or state. */
    String label(Message m) {
        Optional<RtkitMessage> d = RtkitCodec.decodeFromAp(m, model.options().layout()).valueIgnoringReserved();
        if (d.isEmpty()) {
            return Endpoints.name(m.endpoint()) + " unknown";
        }
        RtkitMessage r = d.get();
        if (r instanceof ManagementMessage.StartEp s) {
            return "STARTEP for " + (Endpoints.isApplication(s.endpoint()) ? "an app ep" : "ep " + s.endpoint());
        }
        if (r instanceof ManagementMessage.ApPowerRequest p) {
            return "AP_PWR " + stateName(p.state() & 0xffff);
        }
        if (r instanceof ManagementMessage.IopPowerRequest p) {
            return "IOP_PWR " + stateName(p.state() & 0xffff);
        }
        if (r instanceof ManagementMessage.HelloReply) {
            return "HELLO_REPLY";
        }
        if (r instanceof ManagementMessage.EpmapReply e) {
            return "EPMAP reply" + (e.last() ? " LAST" : "");
        }
        if (r instanceof BufferMessage b && b.pages() == 0) {
            // An empty buffer is its own class: the protocol leaves its answer open (zeroSizeBuffer).
            return RtkitCodec.kind(r) + " (0 pages)";
        }
        return RtkitCodec.kind(r);
    }

    /** A power state's name, or "an unnamed state": titles must not split one behaviour by a value. */
    private static String stateName(int raw) {
        return PowerState.of(raw).map(Enum::name).orElse("an unnamed state");
    }

    private static String flags(boolean running, boolean crashed) {
        return (running ? "running" : "not running") + (crashed ? " and crashed" : "");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String hexes(List<Long> l) {
        List<String> s = new ArrayList<>();
        l.forEach(v -> s.add("0x" + Long.toHexString(v)));
        return s.toString();
    }
}
