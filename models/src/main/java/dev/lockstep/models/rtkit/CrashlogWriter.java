package dev.lockstep.models.rtkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out a crash log in the format {@link Crashlog} reads, for a bench playing the coprocessor
 * (which must write the log into the crashlog buffer before reporting a crash) and for tests.
 * Immutable: each method returns a new writer with one more section.
 */
public final class CrashlogWriter {
    private final int version;
    private final int flags;
    private final List<byte[]> sections;

    private CrashlogWriter(int version, int flags, List<byte[]> sections) {
        this.version = version;
        this.flags = flags;
        this.sections = List.copyOf(sections);
    }

    public static CrashlogWriter begin(int version, int flags) {
        return new CrashlogWriter(version, flags, List.of());
    }

    /** A section with any tag and payload; its size field is the payload's length plus 16. */
    public CrashlogWriter section(int fourcc, int sectionFlags, byte[] payload) {
        return sectionWithSize(fourcc, sectionFlags, payload, Crashlog.SECTION_HEADER_SIZE + payload.length);
    }

    /** A section whose size field says {@code size}, whatever the payload's length (for malformed logs). */
    public CrashlogWriter sectionWithSize(int fourcc, int sectionFlags, byte[] payload, long size) {
        byte[] s = new byte[Crashlog.SECTION_HEADER_SIZE + payload.length];
        put32(s, 0, fourcc);
        put32(s, 8, sectionFlags);
        put32(s, 12, (int) size);
        System.arraycopy(payload, 0, s, Crashlog.SECTION_HEADER_SIZE, payload.length);
        List<byte[]> next = new ArrayList<>(sections);
        next.add(s);
        return new CrashlogWriter(version, flags, next);
    }

    public CrashlogWriter str(int id, String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] p = new byte[4 + t.length + 1];
        put32(p, 0, id);
        System.arraycopy(t, 0, p, 4, t.length);
        return section(Fourcc.CSTR, 0, p);
    }

    public CrashlogWriter version(String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] p = new byte[Crashlog.CVER_TEXT + t.length + 1];
        System.arraycopy(t, 0, p, Crashlog.CVER_TEXT, t.length);
        return section(Fourcc.CVER, 0, p);
    }

    public CrashlogWriter mailbox(int type, int index, List<CrashlogSection.MailboxEntry> entries) {
        byte[] p = new byte[Crashlog.CMBX_ENTRIES + entries.size() * Crashlog.CMBX_ENTRY_SIZE];
        put32(p, Crashlog.CMBX_TYPE, type);
        put32(p, Crashlog.CMBX_INDEX, index);
        for (int i = 0; i < entries.size(); i++) {
            int e = Crashlog.CMBX_ENTRIES + i * Crashlog.CMBX_ENTRY_SIZE;
            put64(p, e, entries.get(i).msg0());
            put64(p, e + 8, entries.get(i).msg1());
            put32(p, e + 16, entries.get(i).timestamp());
        }
        return section(Fourcc.CMBX, 0, p);
    }

    public CrashlogWriter time(long time) {
        byte[] p = new byte[8];
        put64(p, 0, time);
        return section(Fourcc.CTIM, 0, p);
    }

    public CrashlogWriter registers(CrashlogSection.Registers r) {
        byte[] p = new byte[CrashlogSection.Registers.SIZE];
        for (int i = 0; i < 31; i++) {
            put64(p, CrashlogSection.Registers.X0 + 8 * i, r.x().get(i));
        }
        put64(p, CrashlogSection.Registers.SP, r.sp());
        put64(p, CrashlogSection.Registers.PC, r.pc());
        put64(p, CrashlogSection.Registers.PSR, r.psr());
        put64(p, CrashlogSection.Registers.CPACR, r.cpacr());
        put64(p, CrashlogSection.Registers.FPSR, r.fpsr());
        put64(p, CrashlogSection.Registers.FPCR, r.fpcr());
        put64(p, CrashlogSection.Registers.FAR, r.far());
        put64(p, CrashlogSection.Registers.ESR, r.esr());
        return section(Fourcc.CRG8, 0, p);
    }

    /** The log: header, sections, and the closing 'CLHE' section (16 bytes of header, 16 of zeros). */
    public byte[] bytes() {
        int total = Crashlog.HEADER_SIZE + 32;
        for (byte[] s : sections) {
            total += s.length;
        }
        byte[] out = new byte[total];
        put32(out, 0, Fourcc.CLHE);
        put32(out, 4, version);
        put32(out, 8, total);
        put32(out, 12, flags);
        int at = Crashlog.HEADER_SIZE;
        for (byte[] s : sections) {
            System.arraycopy(s, 0, out, at, s.length);
            at += s.length;
        }
        put32(out, at, Fourcc.CLHE);
        put32(out, at + 12, 32);
        return out;
    }

    static void put32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static void put64(byte[] b, int at, long v) {
        put32(b, at, (int) v);
        put32(b, at + 4, (int) (v >>> 32));
    }
}
