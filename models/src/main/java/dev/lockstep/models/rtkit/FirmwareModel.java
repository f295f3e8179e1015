package dev.lockstep.models.rtkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The coprocessor side: what firmware described by a {@link FirmwareDescription} sends, as
 * stimulus for the AP (a list of {@link ApInput}: its messages interleaved with the client's calls
 * at the points a well-behaved client makes them). Well-formed sequences follow the fact sheet's
 * boot (§1.4) and power transitions (§1.5); {@link #catalogue()} lists ill-formed variants, one
 * defect each. Nothing here is random: where a choice is wanted, the caller passes the generator.
 */
public final class FirmwareModel {
    private final FirmwareDescription d;

    public FirmwareModel(FirmwareDescription description) {
        this.d = Objects.requireNonNull(description, "description");
    }

    public FirmwareDescription description() {
        return d;
    }

    // ---------------------------------------------------------------- single messages

    public Message hello() {
        return new ManagementMessage.Hello(d.minVersion(), d.maxVersion()).encode();
    }

    /**
     * The endpoint map, one page per base that holds an announced endpoint (base 0 at least), in
     * ascending order, LAST on the final page.
     */
    public List<Message> epmapPages() {
        List<Integer> bases = new ArrayList<>();
        for (int base = 0; base < 8; base++) {
            if (d.endpoints().page(base) != 0 || base == 0) {
                bases.add(base);
            }
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < bases.size(); i++) {
            int base = bases.get(i);
            out.add(new ManagementMessage.Epmap(d.endpoints().page(base), base, i == bases.size() - 1).encode());
        }
        return out;
    }

    public List<Message> bufferRequests() {
        List<Message> out = new ArrayList<>();
        for (FirmwareDescription.BufferPlan b : d.buffers()) {
            out.add(new BufferMessage(b.endpoint(), b.pages(), b.iova(), d.layout().iova()).encode());
        }
        return out;
    }

    public List<Message> syslogInit() {
        return d.syslog().map(g -> List.of(new SyslogMessage.Init(g.entries(), g.entrySize(), d.layout().syslogInit()).encode()))
                .orElse(List.of());
    }

    public static Message iopPowerAck(int state) {
        return new ManagementMessage.IopPowerAck(state).encode();
    }

    public static Message apPowerAck(int state) {
        return new ManagementMessage.ApPowerAck(state).encode();
    }

    /** A crash report: type 1 on the crashlog endpoint, naming the crashlog buffer the description asks for. */
    public Message crash() {
        FirmwareDescription.BufferPlan p = d.buffer(Endpoints.CRASHLOG)
                .orElse(new FirmwareDescription.BufferPlan(Endpoints.CRASHLOG, 1, 0));
        return new CrashlogMessage.Crash(p.pages(), p.iova(), d.layout().iova()).encode();
    }

    public Message syslogLog(int index) {
        return SyslogMessage.Log.of(index).encode();
    }

    // ---------------------------------------------------------------- well-formed sequences

    /** What the firmware sends by itself once running its boot: HELLO to the unsolicited IOP power ack. */
    public List<ApInput> handshake() {
        List<ApInput> out = new ArrayList<>();
        out.add(ApInput.received(hello()));
        epmapPages().forEach(m -> out.add(ApInput.received(m)));
        bufferRequests().forEach(m -> out.add(ApInput.received(m)));
        syslogInit().forEach(m -> out.add(ApInput.received(m)));
        out.add(ApInput.received(iopPowerAck(d.bootIopState())));
        return out;
    }

    /** A full boot (§1.4): the handshake, the client's boot(), and the ack of the AP's power request. */
    public List<ApInput> boot() {
        List<ApInput> out = new ArrayList<>(handshake());
        out.add(new ApCall.Boot());
        out.add(ApInput.received(apPowerAck(PowerState.ON.value())));
        return out;
    }

    /** wake(): the IOP answers the power request by booting again (re-HELLO), then acks the AP's power request. */
    public List<ApInput> wake() {
        List<ApInput> out = new ArrayList<>();
        out.add(new ApCall.Wake());
        out.addAll(handshake());
        out.add(ApInput.received(apPowerAck(PowerState.ON.value())));
        return out;
    }

    /** quiesce(): both acks as asked. */
    public static List<ApInput> quiesce() {
        return List.of(new ApCall.Quiesce(), ApInput.received(apPowerAck(PowerState.QUIESCED.value())),
                ApInput.received(iopPowerAck(PowerState.QUIESCED.value())));
    }

    /** shutdown(): the AP to QUIESCED, the IOP to SLEEP. */
    public static List<ApInput> shutdown() {
        return List.of(new ApCall.Shutdown(), ApInput.received(apPowerAck(PowerState.QUIESCED.value())),
                ApInput.received(iopPowerAck(PowerState.SLEEP.value())));
    }

    // ---------------------------------------------------------------- the malformed catalogue

    /** Every ill-formed variant, in a fixed order. */
    public List<Malformation> catalogue() {
        List<Malformation> out = new ArrayList<>();
        versions(out);
        epmapOrders(out);
        unknownTypes(out);
        unknownEndpoints(out);
        bufferRequests(out);
        syslog(out);
        crashes(out);
        powerAcks(out);
        reservedBits(out);
        return out;
    }

    /** One catalogue entry, chosen by {@code rng}. */
    public Malformation pick(RandomGenerator rng) {
        List<Malformation> all = catalogue();
        return all.get(rng.nextInt(all.size()));
    }

    private void versions(List<Malformation> out) {
        int[][] ranges = {{13, 13}, {10, 10}, {0, 0}, {0, 10}, {13, 0xffff}, {0xffff, 0xffff}, {12, 11}, {0xffff, 0},
                {11, 11}, {12, 12}, {0, 0xffff}, {10, 11}, {12, 13}};
        List<ApInput> b = boot();
        for (int[] r : ranges) {
            List<ApInput> s = new ArrayList<>(b);
            s.set(0, ApInput.received(new ManagementMessage.Hello(r[0], r[1]).encode()));
            s.add(new ApInput.Timeout());
            out.add(new Malformation(String.format("HELLO %d..%d", r[0], r[1]), Malformation.Kind.VERSION, s));
        }
    }

    private void epmapOrders(List<Malformation> out) {
        List<Message> pages = epmapPages();
        List<Message> reversed = new ArrayList<>(pages);
        java.util.Collections.reverse(reversed);
        out.add(withPages("EPMAP pages reversed (LAST first)", reversed));
        List<Message> doubled = new ArrayList<>();
        pages.forEach(p -> {
            doubled.add(p);
            doubled.add(p);
        });
        out.add(withPages("EPMAP every page twice", doubled));
        List<Message> noLast = new ArrayList<>();
        for (Message p : pages) {
            noLast.add(new Message(p.msg0() & ~ManagementMessage.EPMAP_LAST.mask(), p.endpoint()));
        }
        out.add(withPages("EPMAP without LAST", noLast));
        List<Message> allLast = new ArrayList<>();
        for (Message p : pages) {
            allLast.add(new Message(p.msg0() | ManagementMessage.EPMAP_LAST.mask(), p.endpoint()));
        }
        out.add(withPages("EPMAP LAST on every page", allLast));
        out.add(withPages("EPMAP empty", List.of(new ManagementMessage.Epmap(0, 0, true).encode())));
        List<Message> every = new ArrayList<>();
        for (int base = 0; base < 8; base++) {
            every.add(new ManagementMessage.Epmap(base == 0 ? d.endpoints().page(0) : 0xffff_ffffL, base, base == 7).encode());
        }
        out.add(withPages("EPMAP all eight bases, every endpoint", every));
        List<Message> high = new ArrayList<>(pages);
        high.add(high.size() - 1, new ManagementMessage.Epmap(0x8000_0001L, 7, false).encode());
        out.add(withPages("EPMAP with base 7", high));
        List<Message> sysAll = new ArrayList<>();
        sysAll.add(new ManagementMessage.Epmap(0xffff_ffffL, 0, false).encode());
        sysAll.addAll(pages.subList(1, pages.size()));
        if (pages.size() == 1) {
            sysAll.set(0, new ManagementMessage.Epmap(0xffff_ffffL, 0, true).encode());
        }
        out.add(withPages("EPMAP every system endpoint", sysAll));
        // EPMAP before HELLO.
        List<ApInput> s = new ArrayList<>(boot());
        ApInput hello = s.remove(0);
        s.add(pages.size(), hello);
        s.add(new ApInput.Timeout());
        out.add(new Malformation("EPMAP before HELLO", Malformation.Kind.EPMAP_ORDER, s));
    }

    private Malformation withPages(String name, List<Message> pages) {
        List<ApInput> s = new ArrayList<>();
        s.add(ApInput.received(hello()));
        pages.forEach(p -> s.add(ApInput.received(p)));
        List<ApInput> rest = boot();
        s.addAll(rest.subList(1 + epmapPages().size(), rest.size()));
        s.add(new ApInput.Timeout());
        return new Malformation(name, Malformation.Kind.EPMAP_ORDER, s);
    }

    private List<ApInput> afterBoot(Message... extra) {
        List<ApInput> s = new ArrayList<>(boot());
        for (Message m : extra) {
            s.add(ApInput.received(m));
        }
        return s;
    }

    private void unknownTypes(List<Malformation> out) {
        int[] mgmt = {0, 2, 3, 5, 6, 9, 0xa, 0xc, 0xff};
        for (int t : mgmt) {
            out.add(new Malformation(String.format("mgmt type 0x%x", t), Malformation.Kind.UNKNOWN_TYPE,
                    afterBoot(new Message(ManagementMessage.TYPE.put(t), Endpoints.MANAGEMENT))));
        }
        for (int ep : new int[] {Endpoints.CRASHLOG, Endpoints.SYSLOG, Endpoints.IOREPORT}) {
            for (int t : new int[] {0, 2, 0xff}) {
                out.add(new Malformation(String.format("%s type 0x%x", Endpoints.name(ep), t), Malformation.Kind.UNKNOWN_TYPE,
                        afterBoot(new Message(BufferMessage.TYPE.put(t), ep))));
            }
        }
        for (int t : new int[] {0, 4, 0xff}) {
            out.add(new Malformation(String.format("kdebug type 0x%x", t), Malformation.Kind.UNKNOWN_TYPE,
                    afterBoot(new Message(KdebugMessage.TYPE.put(t), Endpoints.KDEBUG))));
        }
        for (int t : new int[] {0, 2, 3, 0xff}) {
            out.add(new Malformation(String.format("oslog type 0x%x", t), Malformation.Kind.UNKNOWN_TYPE,
                    afterBoot(new Message(OslogMessage.TYPE.put(t), Endpoints.OSLOG))));
        }
    }

    private void unknownEndpoints(List<Malformation> out) {
        for (int ep : new int[] {5, 6, 7, 9, Endpoints.TRACEKIT, 0x1f, 0x22, 0x80, 0xff}) {
            if (d.endpoints().contains(ep)) {
                continue;
            }
            out.add(new Malformation(String.format("message on undiscovered %s", Endpoints.name(ep)),
                    Malformation.Kind.UNKNOWN_ENDPOINT, afterBoot(new Message(0x1234_5678L, ep))));
        }
        List<ApInput> s = new ArrayList<>(boot());
        s.add(new ApCall.Send(0xff, 0x1234));
        s.add(new ApCall.StartEp(0xff));
        out.add(new Malformation("send and start_ep to undiscovered app 0xff", Malformation.Kind.UNKNOWN_ENDPOINT, s));
        List<ApInput> t = new ArrayList<>(boot());
        t.add(new ApCall.StartEp(Endpoints.TRACEKIT));
        out.add(new Malformation("start_ep on tracekit", Malformation.Kind.UNKNOWN_ENDPOINT, t));
    }

    private void bufferRequests(List<Malformation> out) {
        IovaField f = d.layout().iova();
        long[][] shapes = {{0, 0}, {1, 0}, {255, 0}, {1, 0x1000}, {1, 1}, {255, f.max() & ~0xfffL}, {1, f.max()},
                {4, 0x4000_0000L}};
        for (int ep : new int[] {Endpoints.CRASHLOG, Endpoints.SYSLOG, Endpoints.IOREPORT}) {
            for (long[] sh : shapes) {
                List<FirmwareDescription.BufferPlan> plans = replace(ep, new FirmwareDescription.BufferPlan(ep, (int) sh[0], sh[1]));
                FirmwareModel m = new FirmwareModel(d.withBuffers(plans));
                List<ApInput> s = new ArrayList<>(m.boot());
                s.add(new ApInput.Timeout());
                out.add(new Malformation(String.format("%s buffer of %d pages at 0x%x", Endpoints.name(ep), sh[0], sh[1]),
                        Malformation.Kind.BUFFER_REQUEST, s));
            }
            Message again = new BufferMessage(ep, 2, 0, f).encode();
            out.add(new Malformation(Endpoints.name(ep) + " buffer requested again after boot",
                    Malformation.Kind.BUFFER_REQUEST, afterBoot(again)));
            Message prealloc = new BufferMessage(ep, 2, 0x4000_0000L, f).encode();
            out.add(new Malformation(Endpoints.name(ep) + " firmware buffer requested again after boot",
                    Malformation.Kind.BUFFER_REQUEST, afterBoot(prealloc, prealloc)));
        }
        List<ApInput> early = new ArrayList<>(boot());
        early.add(0, ApInput.received(new BufferMessage(Endpoints.SYSLOG, 2, 0, f).encode()));
        out.add(new Malformation("syslog buffer before HELLO", Malformation.Kind.BUFFER_REQUEST, early));
    }

    private List<FirmwareDescription.BufferPlan> replace(int ep, FirmwareDescription.BufferPlan plan) {
        List<FirmwareDescription.BufferPlan> plans = new ArrayList<>();
        boolean done = false;
        for (FirmwareDescription.BufferPlan p : d.buffers()) {
            if (p.endpoint() == ep) {
                plans.add(plan);
                done = true;
            } else {
                plans.add(p);
            }
        }
        if (!done) {
            plans.add(plan);
        }
        return plans;
    }

    private void syslog(List<Malformation> out) {
        int n = d.syslog().map(SyslogGeometry::entries).orElse(0);
        for (int idx : new int[] {0, Math.max(n - 1, 0), n, Math.min(n + 1, 255), 255}) {
            out.add(new Malformation("syslog LOG " + idx + " of " + n, Malformation.Kind.SYSLOG, afterBoot(syslogLog(idx))));
        }
        out.add(new Malformation("syslog LOG with the other bits set", Malformation.Kind.SYSLOG,
                afterBoot(new SyslogMessage.Log(1, 0xf00f_ffff_ffff_ff00L & ~SyslogMessage.TYPE.mask()).encode())));
        FirmwareModel noInit = new FirmwareModel(d.withSyslog(java.util.Optional.empty()));
        out.add(new Malformation("syslog LOG before INIT", Malformation.Kind.SYSLOG, noInit.afterBoot(syslogLog(0))));
        FirmwareModel noBuffer = new FirmwareModel(d.withBuffers(d.buffers().stream()
                .filter(b -> b.endpoint() != Endpoints.SYSLOG).toList()));
        out.add(new Malformation("syslog LOG without a buffer", Malformation.Kind.SYSLOG, noBuffer.afterBoot(syslogLog(0))));
        SyslogInitLayout l = d.layout().syslogInit();
        out.add(new Malformation("syslog INIT with no entries", Malformation.Kind.SYSLOG,
                afterBoot(new SyslogMessage.Init(0, 0x80, l).encode(), syslogLog(0))));
        int most = (int) l.entries().max();
        out.add(new Malformation("syslog INIT larger than its buffer", Malformation.Kind.SYSLOG,
                afterBoot(new SyslogMessage.Init(most, (int) l.entrySize().max(), l).encode(), syslogLog(Math.min(most - 1, 255)))));
    }

    private void crashes(List<Malformation> out) {
        List<ApInput> b = boot();
        for (int at = 0; at <= b.size(); at++) {
            List<ApInput> s = new ArrayList<>(b.subList(0, at));
            s.add(ApInput.received(crash()));
            s.addAll(b.subList(at, b.size()));
            s.add(new ApInput.Timeout());
            s.add(new ApCall.Send(0x20, 0x1234));
            s.add(new ApCall.StartEp(0x20));
            s.add(ApInput.received(syslogLog(0)));
            out.add(new Malformation("crash after " + at + " of " + b.size() + " boot inputs", Malformation.Kind.CRASH, s));
        }
    }

    private void powerAcks(List<Malformation> out) {
        List<ApInput> b = boot();
        int iopAck = b.size() - 3;
        for (int st : new int[] {0x00, 0x01, 0x10, 0x201, 0x220, 0xffff}) {
            List<ApInput> s = new ArrayList<>(b);
            s.set(iopAck, ApInput.received(iopPowerAck(st)));
            s.add(new ApInput.Timeout());
            out.add(new Malformation("IOP boots into " + PowerState.name(st), Malformation.Kind.POWER_ACK, s));
        }
        for (int st : new int[] {0x00, 0x01, 0x10, 0x201, 0x220, 0xffff}) {
            List<ApInput> s = new ArrayList<>(b);
            s.set(b.size() - 1, ApInput.received(apPowerAck(st)));
            out.add(new Malformation("AP power ack " + PowerState.name(st) + " for ON", Malformation.Kind.POWER_ACK, s));
        }
        List<ApInput> early = new ArrayList<>(b);
        early.remove(b.size() - 1);
        early.add(iopAck, ApInput.received(apPowerAck(PowerState.ON.value())));
        early.add(new ApInput.Timeout());
        out.add(new Malformation("AP power ack before boot asks", Malformation.Kind.POWER_ACK, early));
        List<ApInput> noIop = new ArrayList<>(b);
        noIop.remove(iopAck);
        noIop.add(new ApInput.Timeout());
        out.add(new Malformation("no IOP power ack", Malformation.Kind.POWER_ACK, noIop));
        List<ApInput> noAp = new ArrayList<>(b.subList(0, b.size() - 1));
        noAp.add(new ApInput.Timeout());
        out.add(new Malformation("no AP power ack", Malformation.Kind.POWER_ACK, noAp));
        List<ApInput> q = new ArrayList<>(b);
        q.add(new ApCall.Quiesce());
        q.add(ApInput.received(apPowerAck(PowerState.QUIESCED.value())));
        q.add(ApInput.received(iopPowerAck(PowerState.SLEEP.value())));
        out.add(new Malformation("quiesce acked with SLEEP", Malformation.Kind.POWER_ACK, q));
        List<ApInput> sd = new ArrayList<>(b);
        sd.add(new ApCall.Shutdown());
        sd.add(ApInput.received(apPowerAck(PowerState.OFF.value())));
        out.add(new Malformation("shutdown acked with OFF", Malformation.Kind.POWER_ACK, sd));
    }

    private void reservedBits(List<Malformation> out) {
        List<ApInput> b = boot();
        String[] names = {"HELLO", "EPMAP", "first buffer request", "IOP power ack", "AP power ack"};
        int[] at = {0, 1, 1 + epmapPages().size(), b.size() - 3, b.size() - 1};
        long[] bits = {1L << 63, 1L << 40, 1L << 43, 1L << 32, 1L << 60};
        for (int i = 0; i < names.length; i++) {
            if (names[i].startsWith("first buffer") && d.buffers().isEmpty()) {
                continue;
            }
            List<ApInput> s = new ArrayList<>(b);
            Message m = ((ApInput.Received) s.get(at[i])).message();
            s.set(at[i], ApInput.received(new Message(m.msg0() | bits[i], m.endpoint())));
            s.add(new ApInput.Timeout());
            out.add(new Malformation(String.format("%s with bit %d set", names[i], Long.numberOfTrailingZeros(bits[i])),
                    Malformation.Kind.RESERVED_BITS, s));
        }
    }

    // ---------------------------------------------------------------- random firmware messages

    /**
     * A message the firmware might send, good or bad, chosen by {@code rng}: mostly known types on
     * the endpoints that define them with fields at or near their bounds, some unknown types,
     * unknown endpoints and raw values.
     */
    public Message randomMessage(RandomGenerator rng) {
        int roll = rng.nextInt(100);
        if (roll < 30) {
            return randomManagement(rng);
        }
        // Few crashlog messages: after the first, every type-1 there is a crash, and a crash lasts
        // until reinit, so a generous share would leave little else to explore.
        if (roll < 33) {
            return rng.nextInt(3) == 0 ? crash()
                    : new Message(BufferMessage.TYPE.put(1) | BufferMessage.SIZE.put(edge(rng, BufferMessage.SIZE))
                    | d.layout().iova().write(edgeIova(rng)), Endpoints.CRASHLOG);
        }
        if (roll < 55) {
            return randomSyslog(rng);
        }
        if (roll < 65) {
            int t = rng.nextInt(4);
            return t == 0 ? new BufferMessage(Endpoints.IOREPORT, (int) edge(rng, BufferMessage.SIZE), edgeIova(rng), d.layout().iova()).encode()
                    : new Message(BufferMessage.TYPE.put(t == 1 ? 8 : t == 2 ? 0xc : rng.nextInt(256))
                    | (rng.nextLong() & ~(BufferMessage.TYPE.mask() | 0xf000_0000_0000_0000L)), Endpoints.IOREPORT);
        }
        if (roll < 70) {
            return new Message(OslogMessage.TYPE.put(rng.nextInt(4) == 0 ? rng.nextInt(256) : 1)
                    | OslogMessage.INIT_UNKNOWN.put(edge(rng, OslogMessage.INIT_UNKNOWN)), Endpoints.OSLOG);
        }
        if (roll < 74) {
            return new Message(KdebugMessage.TYPE.put(rng.nextInt(3) == 0 ? rng.nextInt(256) : 8)
                    | KdebugMessage.PAYLOAD.put(edge(rng, KdebugMessage.PAYLOAD)), Endpoints.KDEBUG);
        }
        if (roll < 86) {
            List<Integer> apps = d.endpoints().toList().stream().filter(Endpoints::isApplication).toList();
            int ep = apps.isEmpty() || rng.nextInt(4) == 0 ? 0x20 + rng.nextInt(0xe0) : apps.get(rng.nextInt(apps.size()));
            return new Message(rng.nextLong(), ep);
        }
        if (roll < 92) {
            return new Message(rng.nextLong(), 1 + rng.nextInt(0x1f));
        }
        return new Message(rng.nextLong(), rng.nextInt(256));
    }

    private Message randomManagement(RandomGenerator rng) {
        int roll = rng.nextInt(12);
        return switch (roll) {
            case 0, 1 -> rng.nextBoolean() ? hello()
                    : new ManagementMessage.Hello((int) edge(rng, ManagementMessage.MINVER), (int) edge(rng, ManagementMessage.MAXVER)).encode();
            case 2, 3, 4 -> {
                List<Message> pages = epmapPages();
                yield rng.nextBoolean() ? pages.get(rng.nextInt(pages.size()))
                        : new ManagementMessage.Epmap(edge(rng, ManagementMessage.EPMAP_BITMAP), rng.nextInt(8), rng.nextBoolean()).encode();
            }
            case 5, 6 -> iopPowerAck(powerState(rng));
            case 7, 8 -> apPowerAck(powerState(rng));
            case 9 -> new ManagementMessage.Pong().encode();
            case 10 -> new Message(ManagementMessage.TYPE.put(rng.nextInt(256)) | (rng.nextLong() & 0xffff_ffffL), 0);
            default -> new Message(rng.nextLong(), 0);
        };
    }

    private Message randomSyslog(RandomGenerator rng) {
        int n = d.syslog().map(SyslogGeometry::entries).orElse(8);
        int roll = rng.nextInt(10);
        if (roll < 5) {
            int[] idx = {0, Math.max(n - 1, 0), n, 255, rng.nextInt(256)};
            return syslogLog(Math.min(idx[rng.nextInt(idx.length)], 255));
        }
        if (roll < 7) {
            SyslogInitLayout l = d.layout().syslogInit();
            return new SyslogMessage.Init((int) edge(rng, l.entries()), (int) edge(rng, l.entrySize()), l).encode();
        }
        if (roll < 9) {
            return new BufferMessage(Endpoints.SYSLOG, (int) edge(rng, BufferMessage.SIZE), edgeIova(rng), d.layout().iova()).encode();
        }
        return new Message(SyslogMessage.TYPE.put(rng.nextInt(256)) | (rng.nextLong() & 0xff_ffff_ffffL), Endpoints.SYSLOG);
    }

    private static int powerState(RandomGenerator rng) {
        PowerState[] named = PowerState.values();
        return rng.nextInt(5) == 0 ? rng.nextInt(0x10000) : named[rng.nextInt(named.length)].value();
    }

    private long edgeIova(RandomGenerator rng) {
        IovaField f = d.layout().iova();
        long[] choices = {0, 0x1000, 1, f.max(), f.max() & ~0xfffL, f.min(), 0x4000_0000L};
        return choices[rng.nextInt(choices.length)];
    }

    /** A value for {@code f}: one of 0, 1, max-1, max, or any, with equal chance. */
    static long edge(RandomGenerator rng, BitField f) {
        return switch (rng.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 1 & f.max();
            case 2 -> f.max() - 1;
            case 3 -> f.max();
            default -> rng.nextLong() & f.max();
        };
    }
}
