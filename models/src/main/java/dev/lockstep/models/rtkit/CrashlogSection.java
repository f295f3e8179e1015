package dev.lockstep.models.rtkit;

import java.util.List;
import java.util.Objects;

/**
 * One section of an RTKit crash log (fact sheet §1.3): a 16-byte header {fourcc, pad, flags,
 * size including the header} and a payload. Payload offsets below are from the payload's start.
 */
public sealed interface CrashlogSection
        permits CrashlogSection.Cstr, CrashlogSection.Cver, CrashlogSection.Cmbx, CrashlogSection.Ctim,
        CrashlogSection.Crg8, CrashlogSection.Other {

    /** The section header as found at {@code offset} in the log. */
    record Header(int offset, int fourcc, int flags, long size) {
        @Override
        public String toString() {
            return String.format("%s@0x%x flags 0x%x size 0x%x", Fourcc.name(fourcc), offset, flags, size);
        }
    }

    Header header();

    /** A message: u32 id at +0, text from +4. */
    record Cstr(Header header, int id, String text) implements CrashlogSection {
    }

    /** The firmware version string, at +16 (m1n1 reads a 16-byte UUID before it). */
    record Cver(Header header, String text) implements CrashlogSection {
    }

    /**
     * The mailbox history: 0x18-byte entries {msg0, msg1, u32 timestamp, pad} from +28. m1n1 reads a
     * type at +16 and the current index at +24; a partial entry at the end is not read.
     */
    record Cmbx(Header header, int type, int index, List<MailboxEntry> entries) implements CrashlogSection {
        public Cmbx {
            entries = List.copyOf(entries);
        }
    }

    record MailboxEntry(long msg0, long msg1, int timestamp) {
    }

    /** The crash time, a u64 at +0. */
    record Ctim(Header header, long time) implements CrashlogSection {
    }

    /** The register file, 0x350 bytes from +0. */
    record Crg8(Header header, Registers registers) implements CrashlogSection {
        public Crg8 {
            Objects.requireNonNull(registers, "registers");
        }
    }

    /**
     * The AArch64 state a Crg8 section holds. Layout inside its 0x350 bytes: two u32 of unknown
     * meaning, x0..x30 from +0x8, sp +0x100, pc +0x108, psr +0x110, cpacr +0x118, fpsr +0x120,
     * fpcr +0x128, 64 unknown u64, far +0x330, an unknown u64, esr +0x340, an unknown u64.
     */
    record Registers(List<Long> x, long sp, long pc, long psr, long cpacr, long fpsr, long fpcr, long far, long esr) {
        public static final int SIZE = 0x350;
        public static final int X0 = 0x8;
        public static final int SP = 0x100;
        public static final int PC = 0x108;
        public static final int PSR = 0x110;
        public static final int CPACR = 0x118;
        public static final int FPSR = 0x120;
        public static final int FPCR = 0x128;
        public static final int FAR = 0x330;
        public static final int ESR = 0x340;

        public Registers {
            x = List.copyOf(x);
            if (x.size() != 31) {
                throw new IllegalArgumentException("x0..x30 are 31 registers, not " + x.size());
            }
        }
    }

    /** A section with a tag the parser does not interpret; its payload is left in the log. */
    record Other(Header header) implements CrashlogSection {
    }
}
