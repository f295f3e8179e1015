package dev.lockstep.models.rtkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * The AP side of RTKit as a correct implementation behaves (fact sheet §1.2 to §1.6), as a pure
 * step function: {@code step(state, input)} gives the messages the AP must send, the callbacks it
 * must make, what the client's call returns, and the next state. Policy choices are
 * {@link RtkitOptions}; what the client provides is {@link ClientOps}.
 *
 * <p>Blocking calls (boot, wake, quiesce, shutdown) are sequences of {@link CallStep}s: a call runs
 * until a wait is not yet satisfied and is then pending; each later input may satisfy the wait and
 * let it continue, and {@link ApInput.Timeout} ends the wait with -ETIME. Everything else (start_ep,
 * send_message, reinit) returns in the step that made it.
 */
public final class ApModel {
    /** The protocol versions an AP speaks (fact sheet §1.2). */
    public static final int MIN_VERSION = 11;
    public static final int MAX_VERSION = 12;

    private final RtkitOptions options;
    private final ClientOps client;

    public ApModel(RtkitOptions options, ClientOps client) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = Objects.requireNonNull(client, "client");
    }

    public static ApModel defaults() {
        return new ApModel(RtkitOptions.defaults(), ClientOps.defaults());
    }

    public RtkitOptions options() {
        return options;
    }

    public ClientOps client() {
        return client;
    }

    /** The state after devm_apple_rtkit_init: as after reinit, the IOP not yet heard from. */
    public ApState initial() {
        return new ApState(Handshake.AWAIT_HELLO, OptionalInt.empty(), EndpointSet.of(Endpoints.MANAGEMENT),
                EndpointSet.EMPTY, PowerState.OFF.value(), PowerState.OFF.value(), false, false, false, false,
                Map.of(), Optional.empty(), client.allocationBase(), Optional.empty());
    }

    /** One input. */
    public ApStep step(ApState state, ApInput input) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(input, "input");
        Work w = new Work(state);
        if (input instanceof ApInput.Received r) {
            receive(w, r.message());
            resume(w);
        } else if (input instanceof ApInput.Timeout) {
            if (w.pending.isPresent()) {
                finish(w, w.pending.get().call(), -Errno.ETIME);
            } else {
                w.note(Note.Kind.TIMEOUT_WITHOUT_WAIT, "no call is waiting");
            }
        } else {
            ApCall c = (ApCall) input;
            if (w.pending.isPresent()) {
                w.status = new CallStatus.Refused(c, "the client's thread is blocked in " + w.pending.get().call());
            } else {
                call(w, c);
            }
        }
        return w.finish();
    }

    /** Every step of a sequence of inputs, each from the state the one before left. */
    public List<ApStep> run(ApState state, List<? extends ApInput> inputs) {
        List<ApStep> steps = new ArrayList<>();
        ApState s = state;
        for (ApInput in : inputs) {
            ApStep st = step(s, in);
            steps.add(st);
            s = st.state();
        }
        return steps;
    }

    // ---------------------------------------------------------------- calls

    private static final List<CallStep> BOOT = List.of(new CallStep.AwaitHandshake(), new CallStep.AwaitIopState(),
            new CallStep.RequestPower(CallStep.Side.AP, PowerState.ON.value()),
            new CallStep.AwaitAck(CallStep.Side.AP, PowerState.ON.value()));

    private static final List<CallStep> QUIESCE = List.of(
            new CallStep.RequestPower(CallStep.Side.AP, PowerState.QUIESCED.value()),
            new CallStep.AwaitAck(CallStep.Side.AP, PowerState.QUIESCED.value()),
            new CallStep.RequestPower(CallStep.Side.IOP, PowerState.QUIESCED.value()),
            new CallStep.AwaitAck(CallStep.Side.IOP, PowerState.QUIESCED.value()),
            new CallStep.Reinit(),
            new CallStep.SetPowerStates(PowerState.QUIESCED.value(), PowerState.QUIESCED.value()));

    // AP to QUIESCED, not OFF: an AP that says OFF is never woken again (fact sheet §1.5).
    private static final List<CallStep> SHUTDOWN = List.of(
            new CallStep.RequestPower(CallStep.Side.AP, PowerState.QUIESCED.value()),
            new CallStep.AwaitAck(CallStep.Side.AP, PowerState.QUIESCED.value()),
            new CallStep.RequestPower(CallStep.Side.IOP, PowerState.SLEEP.value()),
            new CallStep.AwaitAck(CallStep.Side.IOP, PowerState.SLEEP.value()),
            new CallStep.Reinit());

    private void call(Work w, ApCall c) {
        if (c instanceof ApCall.Boot) {
            if (w.running()) {
                finish(w, c, 0);
            } else if (w.crashed) {
                finish(w, c, -Errno.EINVAL);
            } else {
                run(w, c, BOOT);
            }
        } else if (c instanceof ApCall.Wake) {
            if (w.running() || w.crashed) {
                finish(w, c, -Errno.EINVAL);
            } else {
                List<CallStep> steps = new ArrayList<>();
                steps.add(new CallStep.RequestPower(CallStep.Side.IOP, options.wakeIopState().value()));
                steps.addAll(BOOT);
                run(w, c, steps);
            }
        } else if (c instanceof ApCall.Quiesce) {
            run(w, c, QUIESCE);
        } else if (c instanceof ApCall.Shutdown) {
            run(w, c, SHUTDOWN);
        } else if (c instanceof ApCall.Reinit) {
            reinit(w);
            finish(w, c, 0);
        } else if (c instanceof ApCall.StartEp s) {
            int ep = s.endpoint();
            if (!w.discovered.contains(ep)) {
                w.note(Note.Kind.UNDISCOVERED_ENDPOINT, "start_ep on " + Endpoints.name(ep));
                finish(w, c, -Errno.EINVAL);
            } else if (Endpoints.isApplication(ep) && !w.running()) {
                finish(w, c, -Errno.EINVAL);
            } else if (!w.send(ManagementMessage.StartEp.start(ep).encode())) {
                finish(w, c, -Errno.EINVAL);
            } else {
                w.started = w.started.with(ep);
                finish(w, c, 0);
            }
        } else {
            ApCall.Send s = (ApCall.Send) c;
            int ep = s.endpoint();
            if (w.crashed) {
                w.note(Note.Kind.SEND_FAILED, "send_message after a crash");
                finish(w, c, -Errno.EINVAL);
            } else if (Endpoints.isApplication(ep) && !w.running()) {
                finish(w, c, -Errno.EINVAL);
            } else if (!w.discovered.contains(ep) && options.sendToUndiscovered() == RtkitOptions.SendToUndiscovered.REJECT) {
                w.note(Note.Kind.UNDISCOVERED_ENDPOINT, "send_message to " + Endpoints.name(ep));
                finish(w, c, -Errno.EINVAL);
            } else {
                w.send(new Message(s.msg0(), ep));
                finish(w, c, 0);
            }
        }
    }

    private void resume(Work w) {
        if (w.pending.isPresent()) {
            PendingCall p = w.pending.get();
            run(w, p.call(), p.remaining());
        }
    }

    /** Runs {@code steps} of {@code c} until one must wait, or to the end. */
    private void run(Work w, ApCall c, List<CallStep> steps) {
        for (int i = 0; i < steps.size(); i++) {
            CallStep st = steps.get(i);
            if (st instanceof CallStep.AwaitHandshake) {
                if (w.handshake == Handshake.REJECTED) {
                    finish(w, c, -Errno.EINVAL);
                    return;
                }
                if (w.handshake != Handshake.COMPLETE) {
                    wait(w, c, steps.subList(i, steps.size()));
                    return;
                }
            } else if (st instanceof CallStep.AwaitIopState) {
                if (!w.iopAcked) {
                    wait(w, c, steps.subList(i, steps.size()));
                    return;
                }
            } else if (st instanceof CallStep.RequestPower r) {
                Message m;
                if (r.side() == CallStep.Side.AP) {
                    w.apAcked = false;
                    m = new ManagementMessage.ApPowerRequest(r.state()).encode();
                } else {
                    w.iopAcked = false;
                    m = new ManagementMessage.IopPowerRequest(r.state()).encode();
                }
                if (!w.send(m) && options.managementSendFailure() == RtkitOptions.ManagementSendFailure.RETURN_ERROR) {
                    finish(w, c, -Errno.EINVAL);
                    return;
                }
            } else if (st instanceof CallStep.AwaitAck a) {
                boolean acked = a.side() == CallStep.Side.AP ? w.apAcked : w.iopAcked;
                if (!acked) {
                    wait(w, c, steps.subList(i, steps.size()));
                    return;
                }
                int got = a.side() == CallStep.Side.AP ? w.apState : w.iopState;
                if (got != a.expected()) {
                    finish(w, c, -Errno.EINVAL);
                    return;
                }
            } else if (st instanceof CallStep.Reinit) {
                reinit(w);
            } else {
                CallStep.SetPowerStates p = (CallStep.SetPowerStates) st;
                w.iopState = p.iop();
                w.apState = p.ap();
            }
        }
        finish(w, c, 0);
    }

    private static void wait(Work w, ApCall c, List<CallStep> remaining) {
        PendingCall p = new PendingCall(c, remaining);
        w.pending = Optional.of(p);
        w.status = new CallStatus.Waiting(c, p.awaiting());
    }

    private static void finish(Work w, ApCall c, int code) {
        w.pending = Optional.empty();
        w.status = new CallStatus.Returned(c, code);
    }

    private void reinit(Work w) {
        w.note(Note.Kind.REINIT, "buffers released, endpoints and crash forgotten, both states OFF");
        for (Buffer b : w.buffers.values()) {
            release(w, b);
        }
        w.buffers.clear();
        w.handshake = Handshake.AWAIT_HELLO;
        w.version = OptionalInt.empty();
        w.discovered = EndpointSet.of(Endpoints.MANAGEMENT);
        w.started = EndpointSet.EMPTY;
        w.iopState = PowerState.OFF.value();
        w.apState = PowerState.OFF.value();
        w.iopAcked = false;
        w.apAcked = false;
        w.crashed = false;
        w.crashlogRequested = false;
        w.syslog = Optional.empty();
        w.nextIova = client.allocationBase();
    }

    // ---------------------------------------------------------------- messages from the IOP

    private void receive(Work w, Message m) {
        int ep = m.endpoint();
        if (!w.discovered.contains(ep)) {
            w.note(Note.Kind.UNDISCOVERED_ENDPOINT, "message from " + Endpoints.name(ep));
            if (options.undiscoveredSender() == RtkitOptions.UndiscoveredSender.DROP) {
                return;
            }
        }
        if (Endpoints.isApplication(ep)) {
            w.callbacks.add(new Callback.RecvMessage(ep, m.msg0()));
            return;
        }
        if (ep != Endpoints.MANAGEMENT && options.handshakeOrder() == RtkitOptions.HandshakeOrder.STRICT
                && !w.started.contains(ep)) {
            w.note(Note.Kind.NOT_STARTED, "message on " + Endpoints.name(ep) + ", which is not started");
            return;
        }
        Optional<RtkitMessage> decoded = accept(w, RtkitCodec.decodeFromIop(m, options.layout()));
        if (decoded.isEmpty()) {
            return;
        }
        RtkitMessage r = decoded.get();
        switch (ep) {
            case Endpoints.MANAGEMENT -> management(w, (ManagementMessage) r);
            case Endpoints.CRASHLOG -> crashlog(w, (BufferMessage) r);
            case Endpoints.SYSLOG -> syslog(w, r, m);
            case Endpoints.KDEBUG -> w.note(Note.Kind.KDEBUG_DROPPED, RtkitCodec.kind(r));
            case Endpoints.IOREPORT -> ioreport(w, r, m);
            case Endpoints.OSLOG -> oslog(w, (OslogMessage) r);
            default -> w.note(Note.Kind.UNKNOWN_ENDPOINT, Endpoints.name(ep));
        }
    }

    private Optional<RtkitMessage> accept(Work w, Decoded<RtkitMessage> d) {
        if (d instanceof Decoded.Ok<RtkitMessage> ok) {
            return Optional.of(ok.value());
        }
        Decoded.Unknown<RtkitMessage> u = (Decoded.Unknown<RtkitMessage>) d;
        switch (u.reason()) {
            case RESERVED_BITS_SET -> {
                w.note(Note.Kind.RESERVED_BITS, u.detail());
                return options.reservedBits() == RtkitOptions.ReservedBits.IGNORE ? u.ignoringReserved() : Optional.empty();
            }
            case UNKNOWN_TYPE -> w.note(Note.Kind.UNKNOWN_TYPE, u.detail());
            case WRONG_ENDPOINT -> w.note(Note.Kind.UNKNOWN_ENDPOINT, u.detail());
            case FIELD_OUT_OF_RANGE -> w.note(Note.Kind.FIELD_OUT_OF_RANGE, u.detail());
        }
        return Optional.empty();
    }

    private void management(Work w, ManagementMessage r) {
        if (r instanceof ManagementMessage.Hello h) {
            hello(w, h);
        } else if (r instanceof ManagementMessage.Epmap e) {
            epmap(w, e);
        } else if (r instanceof ManagementMessage.IopPowerAck a) {
            w.iopState = a.state();
            w.iopAcked = true;
        } else if (r instanceof ManagementMessage.ApPowerAck a) {
            boolean asked = w.pending.map(p -> p.awaiting() instanceof CallStep.AwaitAck aa && aa.side() == CallStep.Side.AP)
                    .orElse(false);
            if (!asked) {
                w.note(Note.Kind.UNSOLICITED, "AP power ack " + PowerState.name(a.state()) + " with no request waiting");
            }
            w.apState = a.state();
            w.apAcked = true;
        } else {
            w.note(Note.Kind.UNSOLICITED, "PONG: this AP never pings");
        }
    }

    private void hello(Work w, ManagementMessage.Hello h) {
        if (w.handshake != Handshake.AWAIT_HELLO) {
            w.note(Note.Kind.REPEATED_HELLO, "HELLO in " + w.handshake + ": the handshake starts over");
        }
        boolean common = h.minVersion() <= h.maxVersion() && h.minVersion() <= MAX_VERSION && h.maxVersion() >= MIN_VERSION;
        if (common) {
            int v = Math.min(MAX_VERSION, h.maxVersion());
            w.send(ManagementMessage.HelloReply.chosen(v).encode());
            w.version = OptionalInt.of(v);
            w.handshake = Handshake.AWAIT_EPMAP;
            return;
        }
        w.note(Note.Kind.UNSUPPORTED_VERSION, String.format("firmware speaks %d..%d, the AP %d..%d",
                h.minVersion(), h.maxVersion(), MIN_VERSION, MAX_VERSION));
        if (options.unsupportedVersion() == RtkitOptions.UnsupportedVersion.REJECT) {
            w.version = OptionalInt.empty();
            w.handshake = Handshake.REJECTED;
        } else {
            w.send(ManagementMessage.HelloReply.chosen(h.maxVersion()).encode());
            w.version = OptionalInt.of(h.maxVersion());
            w.handshake = Handshake.AWAIT_EPMAP;
        }
    }

    private void epmap(Work w, ManagementMessage.Epmap e) {
        if (w.handshake == Handshake.REJECTED) {
            w.note(Note.Kind.EPMAP_AFTER_REJECTED_HELLO, "EPMAP base " + e.base() + " ignored");
            return;
        }
        if (w.handshake != Handshake.AWAIT_EPMAP) {
            w.note(Note.Kind.OUT_OF_ORDER, "EPMAP base " + e.base() + " in " + w.handshake);
            if (options.handshakeOrder() == RtkitOptions.HandshakeOrder.STRICT) {
                return;
            }
        }
        w.discovered = w.discovered.union(e.endpoints());
        w.send(new ManagementMessage.EpmapReply(e.base(), e.last()).encode());
        if (!e.last()) {
            return;
        }
        for (int ep : w.discovered.toList()) {
            if (!Endpoints.isSystem(ep)) {
                continue;
            }
            if (!options.systemEndpoints().contains(ep)) {
                w.note(Note.Kind.UNKNOWN_SYSTEM_ENDPOINT, Endpoints.name(ep) + " is not started");
            } else if (w.send(ManagementMessage.StartEp.start(ep).encode())) {
                w.started = w.started.with(ep);
            }
        }
        w.handshake = Handshake.COMPLETE;
    }

    private void crashlog(Work w, BufferMessage b) {
        if (!w.crashlogRequested) {
            w.crashlogRequested = true;
            bufferRequest(w, Endpoints.CRASHLOG, b.sizeBytes(), b.iova(),
                    iova -> new BufferMessage(Endpoints.CRASHLOG, b.pages(), iova, b.layout()).encode());
            return;
        }
        w.note(Note.Kind.CRASH, String.format("crash report, log of %d pages at 0x%x", b.pages(), b.iova()));
        w.crashed = true;
        w.callbacks.add(new Callback.Crashed(Optional.ofNullable(w.buffers.get(Endpoints.CRASHLOG))));
    }

    private void syslog(Work w, RtkitMessage r, Message m) {
        if (r instanceof BufferMessage b) {
            bufferRequest(w, Endpoints.SYSLOG, b.sizeBytes(), b.iova(),
                    iova -> new BufferMessage(Endpoints.SYSLOG, b.pages(), iova, b.layout()).encode());
            Buffer held = w.buffers.get(Endpoints.SYSLOG);
            if (held != null && w.syslog.isPresent() && w.syslog.get().entries() * w.syslog.get().stride() > held.size()) {
                w.note(Note.Kind.SYSLOG_RING_EXCEEDS_BUFFER, "the syslog ring does not fit the new buffer");
            }
        } else if (r instanceof SyslogMessage.Init i) {
            SyslogGeometry g = new SyslogGeometry(i.entries(), i.entrySize());
            w.syslog = Optional.of(g);
            Buffer held = w.buffers.get(Endpoints.SYSLOG);
            if (held != null && g.entries() * g.stride() > held.size()) {
                w.note(Note.Kind.SYSLOG_RING_EXCEEDS_BUFFER, String.format("%d entries of 0x%x bytes, buffer 0x%x",
                        g.entries(), g.stride(), held.size()));
            }
        } else {
            SyslogMessage.Log l = (SyslogMessage.Log) r;
            Buffer held = w.buffers.get(Endpoints.SYSLOG);
            if (held == null || w.syslog.isEmpty()) {
                w.note(Note.Kind.SYSLOG_NOT_READY, "LOG " + l.index() + (held == null ? " with no buffer" : " before INIT"));
            } else if (!w.syslog.get().holds(l.index(), held.size())) {
                w.note(Note.Kind.SYSLOG_INDEX_OUT_OF_RANGE, String.format("LOG %d: %d entries, buffer 0x%x",
                        l.index(), w.syslog.get().entries(), held.size()));
            }
            // The echo is the acknowledgement the IOP waits for to reuse the entry: it goes back
            // even when the entry could not be read, or the IOP's log stalls.
            w.send(m);
        }
    }

    private void ioreport(Work w, RtkitMessage r, Message m) {
        if (r instanceof BufferMessage b) {
            bufferRequest(w, Endpoints.IOREPORT, b.sizeBytes(), b.iova(),
                    iova -> new BufferMessage(Endpoints.IOREPORT, b.pages(), iova, b.layout()).encode());
        } else {
            w.send(m);
        }
    }

    private void oslog(Work w, OslogMessage r) {
        if (r instanceof OslogMessage.Init) {
            w.send(new OslogMessage.Ack().encode());
        } else if (r instanceof OslogMessage.Buffer b) {
            bufferRequest(w, Endpoints.OSLOG, b.sizeBytes(), b.iova(), iova -> new OslogMessage.Buffer(b.sizeBytes(), iova).encode());
        } else {
            w.note(Note.Kind.UNKNOWN_TYPE, "oslog ACK from the IOP");
        }
    }

    /**
     * Serve a buffer request: a firmware-allocated buffer (IOVA ≠ 0) goes to the client's
     * shmem_setup; otherwise the AP allocates. The reply repeats the request's size with the
     * buffer's IOVA, unless the client marked the buffer mapped. A request the AP cannot serve
     * gets no reply.
     */
    private void bufferRequest(Work w, int ep, long size, long iova, LongFunction<Message> reply) {
        if (size == 0) {
            w.note(Note.Kind.ZERO_SIZE_BUFFER, Endpoints.name(ep) + " asks for 0 bytes");
            if (options.zeroSizeBuffer() == RtkitOptions.ZeroSizeBuffer.REPLY_EMPTY) {
                w.send(reply.apply(iova));
            }
            return;
        }
        Buffer old = w.buffers.remove(ep);
        if (old != null) {
            w.note(Note.Kind.REPEATED_BUFFER_REQUEST, String.format("%s already holds 0x%x bytes at 0x%x",
                    Endpoints.name(ep), old.size(), old.iova()));
            if (options.repeatedBufferRequest() == RtkitOptions.RepeatedBufferRequest.REPLACE) {
                release(w, old);
            }
        }
        Buffer b;
        if (iova != 0) {
            boolean canMap = client.shmemSetup() && (client.shmemDestroy()
                    || options.preallocatedBuffer() == RtkitOptions.PreallocatedBuffer.NEEDS_SETUP);
            if (!canMap) {
                w.note(Note.Kind.BUFFER_REFUSED, String.format("%s: firmware buffer at 0x%x but the client cannot %s it",
                        Endpoints.name(ep), iova, client.shmemSetup() ? "release" : "map"));
                return;
            }
            b = new Buffer(ep, iova, size, true, true, client.setupMarksMapped());
            w.callbacks.add(new Callback.ShmemSetup(ep, size, iova, iova));
        } else {
            long at = w.nextIova;
            if (!fitsReply(ep, at, size)) {
                w.note(Note.Kind.BUFFER_REFUSED, String.format("%s: no IOVA space for 0x%x bytes", Endpoints.name(ep), size));
                return;
            }
            w.nextIova = (at + size + ClientOps.ALLOCATION_ALIGN - 1) & -ClientOps.ALLOCATION_ALIGN;
            if (client.shmemSetup()) {
                b = new Buffer(ep, at, size, false, true, client.setupMarksMapped());
                w.callbacks.add(new Callback.ShmemSetup(ep, size, 0, at));
            } else {
                b = new Buffer(ep, at, size, false, false, false);
            }
        }
        w.buffers.put(ep, b);
        if (!b.mapped()) {
            w.send(reply.apply(b.iova()));
        }
    }

    private boolean fitsReply(int ep, long iova, long size) {
        long end = iova + size;
        if (ep == Endpoints.OSLOG) {
            return end > iova && (end >>> 48) == 0;
        }
        return end > iova && options.bufferIova().holds(end - 1);
    }

    private void release(Work w, Buffer b) {
        if (b.viaClient() && client.shmemDestroy()) {
            w.callbacks.add(new Callback.ShmemDestroy(b));
        }
    }

    // ---------------------------------------------------------------- the step under construction

    /** The state being changed within one step, and what the step has produced so far. */
    private static final class Work {
        Handshake handshake;
        OptionalInt version;
        EndpointSet discovered;
        EndpointSet started;
        int iopState;
        int apState;
        boolean iopAcked;
        boolean apAcked;
        boolean crashed;
        boolean crashlogRequested;
        final TreeMap<Integer, Buffer> buffers;
        Optional<SyslogGeometry> syslog;
        long nextIova;
        Optional<PendingCall> pending;

        final List<Message> sent = new ArrayList<>();
        final List<Callback> callbacks = new ArrayList<>();
        final List<Note> notes = new ArrayList<>();
        CallStatus status;

        Work(ApState s) {
            handshake = s.handshake();
            version = s.version();
            discovered = s.discovered();
            started = s.started();
            iopState = s.iopPowerState();
            apState = s.apPowerState();
            iopAcked = s.iopAcked();
            apAcked = s.apAcked();
            crashed = s.crashed();
            crashlogRequested = s.crashlogRequested();
            buffers = new TreeMap<>(s.buffers());
            syslog = s.syslog();
            nextIova = s.nextIova();
            pending = s.pending();
            status = pending.<CallStatus>map(p -> new CallStatus.Waiting(p.call(), p.awaiting()))
                    .orElse(new CallStatus.NoCall());
        }

        boolean running() {
            return !crashed && PowerState.isOn(iopState) && PowerState.isOn(apState);
        }

        /** Sends {@code m} unless the IOP has crashed, in which case every send fails. */
        boolean send(Message m) {
            if (crashed) {
                note(Note.Kind.SEND_FAILED, "after a crash: " + m);
                return false;
            }
            sent.add(m);
            return true;
        }

        void note(Note.Kind kind, String detail) {
            notes.add(new Note(kind, detail));
        }

        ApStep finish() {
            ApState s = new ApState(handshake, version, discovered, started, iopState, apState, iopAcked, apAcked,
                    crashed, crashlogRequested, buffers, syslog, nextIova, pending);
            return new ApStep(s, sent, callbacks, status, notes);
        }
    }
}
