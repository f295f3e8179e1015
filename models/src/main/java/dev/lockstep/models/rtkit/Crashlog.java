package dev.lockstep.models.rtkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The RTKit crash log parser (fact sheet §1.3, "Format"): a 0x20-byte header tagged 'CLHE', then
 * sections until one tagged 'CLHE'. Every read is bounds-checked against the bytes given: any byte
 * array parses to {@link CrashlogParse.Parsed} or {@link CrashlogParse.Malformed}, nothing throws.
 * All integers are little-endian.
 */
public final class Crashlog {
    public static final int HEADER_SIZE = 0x20;
    public static final int SECTION_HEADER_SIZE = 16;
    /** Payload offsets of the fields the fact sheet places. */
    public static final int CVER_TEXT = 16;
    public static final int CMBX_TYPE = 16;
    public static final int CMBX_INDEX = 24;
    public static final int CMBX_ENTRIES = 28;
    public static final int CMBX_ENTRY_SIZE = 0x18;

    private Crashlog() {
    }

    public static CrashlogParse parse(byte[] log) {
        if (log == null) {
            return new CrashlogParse.Malformed(0, "no log");
        }
        if (log.length < HEADER_SIZE) {
            return new CrashlogParse.Malformed(0, String.format("0x%x bytes, shorter than the 0x20-byte header", log.length));
        }
        int tag = u32(log, 0);
        if (tag != Fourcc.CLHE) {
            return new CrashlogParse.Malformed(0, "header tag is '" + Fourcc.name(tag) + "', not 'CLHE'");
        }
        CrashlogParse.Header header = new CrashlogParse.Header(u32(log, 4), u32(log, 8) & 0xffff_ffffL, u32(log, 12));
        List<CrashlogSection> sections = new ArrayList<>();
        int off = HEADER_SIZE;
        while (true) {
            if (off == log.length) {
                return new CrashlogParse.Malformed(off, "the log ends without a closing 'CLHE' section");
            }
            if (log.length - off < SECTION_HEADER_SIZE) {
                return new CrashlogParse.Malformed(off, String.format("0x%x bytes left, short of a section header",
                        log.length - off));
            }
            int fourcc = u32(log, off);
            if (fourcc == Fourcc.CLHE) {
                return new CrashlogParse.Parsed(header, sections, off);
            }
            long size = u32(log, off + 12) & 0xffff_ffffL;
            CrashlogSection.Header h = new CrashlogSection.Header(off, fourcc, u32(log, off + 8), size);
            if (size < SECTION_HEADER_SIZE) {
                return new CrashlogParse.Malformed(off, String.format("%s: size 0x%x is below its 16-byte header",
                        Fourcc.name(fourcc), size));
            }
            if (size > log.length - off) {
                return new CrashlogParse.Malformed(off, String.format("%s: size 0x%x runs 0x%x bytes past the end",
                        Fourcc.name(fourcc), size, size - (log.length - off)));
            }
            int payload = off + SECTION_HEADER_SIZE;
            int length = (int) size - SECTION_HEADER_SIZE;
            CrashlogParse bad = null;
            CrashlogSection s;
            if (fourcc == Fourcc.CSTR) {
                s = length < 4 ? null : new CrashlogSection.Cstr(h, u32(log, payload), text(log, payload + 4, length - 4));
                if (s == null) {
                    bad = tooShort(h, length, 4);
                }
            } else if (fourcc == Fourcc.CVER) {
                s = length < CVER_TEXT ? null
                        : new CrashlogSection.Cver(h, text(log, payload + CVER_TEXT, length - CVER_TEXT));
                if (s == null) {
                    bad = tooShort(h, length, CVER_TEXT);
                }
            } else if (fourcc == Fourcc.CMBX) {
                s = length < CMBX_ENTRIES ? null : mailbox(log, h, payload, length);
                if (s == null) {
                    bad = tooShort(h, length, CMBX_ENTRIES);
                }
            } else if (fourcc == Fourcc.CTIM) {
                s = length < 8 ? null : new CrashlogSection.Ctim(h, u64(log, payload));
                if (s == null) {
                    bad = tooShort(h, length, 8);
                }
            } else if (fourcc == Fourcc.CRG8) {
                s = length < CrashlogSection.Registers.SIZE ? null : new CrashlogSection.Crg8(h, registers(log, payload));
                if (s == null) {
                    bad = tooShort(h, length, CrashlogSection.Registers.SIZE);
                }
            } else {
                s = new CrashlogSection.Other(h);
            }
            if (bad != null) {
                return bad;
            }
            sections.add(s);
            off += (int) size;
        }
    }

    private static CrashlogParse tooShort(CrashlogSection.Header h, int length, int need) {
        return new CrashlogParse.Malformed(h.offset(), String.format("%s: payload of 0x%x bytes, needs 0x%x",
                Fourcc.name(h.fourcc()), length, need));
    }

    private static CrashlogSection.Cmbx mailbox(byte[] log, CrashlogSection.Header h, int payload, int length) {
        List<CrashlogSection.MailboxEntry> entries = new ArrayList<>();
        int n = (length - CMBX_ENTRIES) / CMBX_ENTRY_SIZE;
        for (int i = 0; i < n; i++) {
            int e = payload + CMBX_ENTRIES + i * CMBX_ENTRY_SIZE;
            entries.add(new CrashlogSection.MailboxEntry(u64(log, e), u64(log, e + 8), u32(log, e + 16)));
        }
        return new CrashlogSection.Cmbx(h, u32(log, payload + CMBX_TYPE), u32(log, payload + CMBX_INDEX), entries);
    }

    private static CrashlogSection.Registers registers(byte[] log, int p) {
        List<Long> x = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            x.add(u64(log, p + CrashlogSection.Registers.X0 + 8 * i));
        }
        return new CrashlogSection.Registers(x, u64(log, p + CrashlogSection.Registers.SP),
                u64(log, p + CrashlogSection.Registers.PC), u64(log, p + CrashlogSection.Registers.PSR),
                u64(log, p + CrashlogSection.Registers.CPACR), u64(log, p + CrashlogSection.Registers.FPSR),
                u64(log, p + CrashlogSection.Registers.FPCR), u64(log, p + CrashlogSection.Registers.FAR),
                u64(log, p + CrashlogSection.Registers.ESR));
    }

    /** Text from {@code at}, up to the first NUL or {@code max} bytes, one char per byte. */
    private static String text(byte[] log, int at, int max) {
        int n = 0;
        while (n < max && log[at + n] != 0) {
            n++;
        }
        return new String(log, at, n, StandardCharsets.ISO_8859_1);
    }

    static int u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static long u64(byte[] b, int at) {
        return (u32(b, at) & 0xffff_ffffL) | ((long) u32(b, at + 4) << 32);
    }
}
