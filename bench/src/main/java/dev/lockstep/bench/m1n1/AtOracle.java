package dev.lockstep.bench.m1n1;

import java.io.IOException;
import java.util.Objects;

/**
 * The CPU's own stage 1 table walker, asked through the Lockstep agent's project-specific proxy
 * opcode {@link #LS_AT_S1}: the agent loads TCR_EL1, MAIR_EL1, TTBR0_EL1 and TTBR1_EL1, turns the
 * EL1&amp;0 stage 1 MMU on (SCTLR_EL1.M), invalidates the EL1 TLBs, runs one AT instruction from
 * EL2 and returns PAR_EL1.
 */
public final class AtOracle {
    /** Lockstep's proxy opcode group, far above every m1n1 group (0x000..0xbff). */
    public static final long LS_AT_S1 = 0x4c00;
    /** The walk took a synchronous external abort (a descriptor fetch from non-RAM); retval is ESR_EL2. */
    public static final long LS_ST_WALK_ABORT = -16;
    /** TCR_EL1.HA and HD: refused by the agent, since AT would then write the tables. */
    public static final long TCR_HA_HD = (1L << 39) | (1L << 40);

    private final M1n1Client client;

    public AtOracle(M1n1Client client) {
        this.client = Objects.requireNonNull(client, "client");
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
        if ((tcr & TCR_HA_HD) != 0) {
            throw new IllegalArgumentException("TCR.HA/HD would let AT write the tables; the agent refuses them");
        }
        ProxyReply r = client.proxy(LS_AT_S1, tcr, mair, ttbr0, va, kind.which(), ttbr1);
        if (r.status() == LS_ST_WALK_ABORT) {
            return new WalkAbort(r.retval());
        }
        if (!r.ok()) {
            throw new M1n1Exception("LS_AT_S1 refused (status " + r.status() + ") for TCR 0x"
                    + Long.toHexString(tcr) + " va 0x" + Long.toHexString(va) + " " + kind);
        }
        return new Par(r.retval());
    }
}
