package dev.lockstep.bench.m1n1;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The CPU's own translation table walker, asked through the Lockstep agent's project-specific proxy
 * opcodes. {@link #LS_AT_S1}: the agent loads TCR_EL1, MAIR_EL1, TTBR0_EL1 and TTBR1_EL1, turns the
 * EL1&amp;0 stage 1 MMU on (SCTLR_EL1.M), invalidates the EL1 TLBs, runs one AT instruction from
 * EL2 and returns PAR_EL1. {@link #LS_AT_S12}: stage 1 off (with HCR_EL2.DC, so it reads as Normal
 * write-back memory and stage 2's attributes show through), HCR_EL2.VM on, VTCR_EL2 and VTTBR_EL2
 * loaded, one AT S12E* instruction.
 */
public final class AtOracle {
    /** Lockstep's proxy opcode group, far above every m1n1 group (0x000..0xbff). */
    public static final long LS_AT_S1 = 0x4c00;
    public static final long LS_AT_S12 = 0x4c01;
    /** The guest RAM size the agent read from the DTB. */
    public static final long LS_RAM_SIZE = 0x4c02;
    /** The walk took a synchronous external abort (a descriptor fetch from non-RAM); retval is ESR_EL2. */
    public static final long LS_ST_WALK_ABORT = -16;
    /** TCR_EL1.HA and HD: refused by the agent, since AT would then write the tables. */
    public static final long TCR_HA_HD = (1L << 39) | (1L << 40);
    /** VTCR_EL2.HA and HD, refused for the same reason. */
    public static final long VTCR_HA_HD = (1L << 21) | (1L << 22);

    private final ProxyPort port;

    public AtOracle(ProxyPort port) {
        this.port = Objects.requireNonNull(port, "port");
    }

    /** One question for the walker. */
    public sealed interface Query permits S1, S12 {
        AtKind kind();

        ProxyCall call();
    }

    /** A stage 1 walk of {@code va} under these EL1 registers. */
    public record S1(long tcr, long mair, long ttbr0, long ttbr1, long va, AtKind kind) implements Query {
        public S1 {
            if ((tcr & TCR_HA_HD) != 0) {
                throw new IllegalArgumentException("TCR.HA/HD would let AT write the tables; the agent refuses them");
            }
            if (kind.stage2()) {
                throw new IllegalArgumentException(kind + " is not a stage 1 instruction");
            }
        }

        @Override
        public ProxyCall call() {
            return new ProxyCall(LS_AT_S1, tcr, mair, ttbr0, va, kind.which(), ttbr1);
        }
    }

    /** A stage 2 walk of {@code ipa} (stage 1 off) under these EL2 registers. */
    public record S12(long vtcr, long vttbr, long ipa, AtKind kind) implements Query {
        public S12 {
            if ((vtcr & VTCR_HA_HD) != 0) {
                throw new IllegalArgumentException("VTCR.HA/HD would let AT write the tables; the agent refuses them");
            }
            if (!kind.stage2()) {
                throw new IllegalArgumentException(kind + " is not a stage 1+2 instruction");
            }
        }

        @Override
        public ProxyCall call() {
            return new ProxyCall(LS_AT_S12, vtcr, vttbr, ipa, kind.which(), 1);
        }
    }

    /** What the hardware walker said. */
    public sealed interface Answer permits Par, WalkAbort {
    }

    /** PAR_EL1 after the AT instruction. */
    public record Par(long value) implements Answer {
        public boolean fault() {
            return (value & 1) != 0;
        }

        /** FST, PAR_EL1[6:1], when {@link #fault()}. */
        public int fst() {
            return (int) ((value >>> 1) & 0x3F);
        }

        /** PAR_EL1.S, bit 9, when {@link #fault()}: the fault came from stage 2. */
        public boolean stage2Fault() {
            return fault() && ((value >>> 9) & 1) != 0;
        }

        /** PAR_EL1.PTW, bit 8, when {@link #fault()}: stage 2 faulted on a stage 1 table walk. */
        public boolean ptw() {
            return fault() && ((value >>> 8) & 1) != 0;
        }

        /** PA[51:12] in place, when not a fault. */
        public long pa() {
            return value & 0x000F_FFFF_FFFF_F000L;
        }

        /** The MAIR-format attribute byte, PAR_EL1[63:56], when not a fault. */
        public int attr() {
            return (int) (value >>> 56);
        }

        /** PAR_EL1.SH[1:0], bits [8:7], when not a fault. */
        public int sh() {
            return (int) ((value >>> 7) & 3);
        }

        @Override
        public String toString() {
            return String.format("PAR 0x%016x", value);
        }
    }

    /** The walk touched memory that does not exist: a synchronous external abort, caught by the agent. */
    public record WalkAbort(long esr) implements Answer {
        @Override
        public String toString() {
            return String.format("external abort on the walk (ESR_EL2 0x%x)", esr);
        }
    }

    public Answer translate(long tcr, long mair, long ttbr0, long ttbr1, long va, AtKind kind)
            throws IOException, M1n1Exception {
        return translate(new S1(tcr, mair, ttbr0, ttbr1, va, kind));
    }

    public Answer translate(Query q) throws IOException, M1n1Exception {
        return translateAll(List.of(q)).get(0);
    }

    /** Every query, in order, handed to the port together (the mailbox keeps them all in flight). */
    public List<Answer> translateAll(List<? extends Query> queries) throws IOException, M1n1Exception {
        List<ProxyCall> calls = new ArrayList<>(queries.size());
        for (Query q : queries) {
            calls.add(q.call());
        }
        List<ProxyReply> replies = port.proxyAll(calls);
        List<Answer> out = new ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            ProxyReply r = replies.get(i);
            if (r.status() == LS_ST_WALK_ABORT) {
                out.add(new WalkAbort(r.retval()));
            } else if (!r.ok()) {
                throw new M1n1Exception("the agent refused " + queries.get(i) + " (status " + r.status() + ") on "
                        + port.describe());
            } else {
                out.add(new Par(r.retval()));
            }
        }
        return out;
    }
}
