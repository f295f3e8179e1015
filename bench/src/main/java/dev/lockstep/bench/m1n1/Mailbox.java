package dev.lockstep.bench.m1n1;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Proxy calls through a ring in guest RAM that the Lockstep QEMU agent polls, for when the bench
 * and QEMU share that RAM ({@link SharedGuestRam}): no PL011 byte per request, and many requests
 * in flight at once. The UART stays the control channel: it starts and stops the ring
 * ({@code LS_MBOX_START}/{@code LS_MBOX_STOP}) and carries the one-byte doorbell that wakes an
 * agent asleep on an idle ring. This is Lockstep's own addition: m1n1 has no such ring.
 *
 * <p>Layout (the agent's side is in src/qemu/agent.c): a 64-byte header {@code head} (requests
 * posted, written by the bench), {@code tail} (requests answered, written by the agent),
 * {@code sleeping} (the agent waits for a doorbell), {@code magic}; then 128-byte slots
 * {@code op, args[6], pad, status, retval}. Request n lives in slot {@code n & (slots - 1)}.
 */
public final class Mailbox implements ProxyPort, AutoCloseable {
    public static final long LS_MBOX_START = 0x4c10;
    public static final long LS_MBOX_STOP = 0x4c11;
    private static final long MAGIC = 0x31304d42534cL; // "LSMB01"
    private static final int HEADER = 64;
    private static final int SLOT = 128;
    /** Spin this long for a reply before sleeping between looks: the agent answers in microseconds. */
    private static final long SPIN_NANOS = 200_000;
    /** Ring the doorbell again after this long without progress, in case the agent missed it. */
    private static final long REWAKE_NANOS = 2_000_000;

    private final M1n1Client control;
    private final SharedGuestRam ram;
    private final long base;
    private final int slots;
    private final long timeoutNanos;
    private long head;
    private boolean open = true;
    private long doorbells;

    private Mailbox(M1n1Client control, SharedGuestRam ram, long base, int slots, long timeoutMillis) {
        this.control = control;
        this.ram = ram;
        this.base = base;
        this.slots = slots;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
    }

    /** Sets up a ring of {@code slots} (a power of two) at {@code base} and has the agent serve it. */
    public static Mailbox start(M1n1Client control, SharedGuestRam ram, long base, int slots, long timeoutMillis)
            throws IOException, M1n1Exception {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(ram, "ram");
        if (slots <= 0 || Integer.bitCount(slots) != 1 || (base & 63) != 0) {
            throw new IllegalArgumentException("a ring is a power of two of slots at a 64-byte aligned address");
        }
        ram.zero(base, HEADER + (long) SLOT * slots);
        ProxyReply r = control.proxy(LS_MBOX_START, base, slots);
        if (!r.ok()) {
            throw new M1n1Exception("the agent on " + control.describe() + " refused a mailbox of " + slots
                    + " slots at 0x" + Long.toHexString(base) + " (status " + r.status() + ")");
        }
        if (ram.getVolatile(base + 24) != MAGIC) {
            throw new M1n1Exception("the agent started a mailbox at 0x" + Long.toHexString(base)
                    + " that the bench does not see in " + ram.describe() + ": the two do not share RAM");
        }
        return new Mailbox(control, ram, base, slots, timeoutMillis);
    }

    @Override
    public ProxyReply proxy(long opcode, long... args) throws IOException, M1n1Exception {
        return proxyAll(List.of(new ProxyCall(opcode, args))).get(0);
    }

    @Override
    public List<ProxyReply> proxyAll(List<ProxyCall> calls) throws IOException, M1n1Exception {
        if (!open) {
            throw new M1n1Exception("the mailbox on " + control.describe() + " is closed");
        }
        List<ProxyReply> out = new ArrayList<>(calls.size());
        int next = 0;
        while (next < calls.size()) {
            int n = Math.min(slots, calls.size() - next);
            long first = head;
            for (int i = 0; i < n; i++) {
                ProxyCall c = calls.get(next + i);
                long slot = slotAddress(first + i);
                long[] words = new long[7];
                words[0] = c.opcode();
                long[] a = c.args();
                System.arraycopy(a, 0, words, 1, a.length);
                ram.writeWords(slot, words);
            }
            head = first + n;
            ram.setVolatile(base, head); // publishes the slots written above
            if (ram.getVolatile(base + 16) != 0) {
                ring();
            }
            await(head, n);
            for (int i = 0; i < n; i++) {
                long slot = slotAddress(first + i);
                ProxyCall c = calls.get(next + i);
                out.add(new ProxyReply(c.opcode(), ram.readLong(slot + 72), ram.readLong(slot + 80)));
            }
            next += n;
        }
        return out;
    }

    /** Doorbells rung so far: how often the agent had gone to sleep on an idle ring. */
    public long doorbells() {
        return doorbells;
    }

    @Override
    public String describe() {
        return "mailbox at 0x" + Long.toHexString(base) + " in " + ram.describe();
    }

    /** Tells the agent to stop serving the ring (over the UART); the ring's memory stays. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        try {
            control.proxy(LS_MBOX_STOP);
        } catch (IOException | M1n1Exception ignored) {
            // the machine is going away, or the link is already broken: nothing serves the ring then
        }
    }

    private long slotAddress(long n) {
        return base + HEADER + (n & (slots - 1)) * (long) SLOT;
    }

    private void ring() throws IOException {
        doorbells++;
        control.wake();
    }

    private void await(long want, int n) throws IOException, M1n1Exception {
        long start = System.nanoTime();
        long lastProgress = start;
        long seen = ram.getVolatile(base + 8);
        while (seen != want) {
            long now = System.nanoTime();
            if (now - start > timeoutNanos) {
                throw new M1n1Exception("the agent answered " + (n - (want - seen)) + " of " + n
                        + " mailbox requests within " + timeoutNanos / 1_000_000 + " ms on "
                        + describe() + "; is it still running?");
            }
            if (now - lastProgress > REWAKE_NANOS) {
                // A doorbell can cross the agent's decision to sleep: ring again rather than wait it out.
                ring();
                lastProgress = now;
            }
            if (now - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
            long t = ram.getVolatile(base + 8);
            if (t != seen) {
                seen = t;
                lastProgress = System.nanoTime();
            }
        }
    }
}
