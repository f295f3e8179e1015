package dev.lockstep.models.rtkit;

/**
 * Crash log tags. A fourcc is packed big-endian, as a C multi-character constant ('CLHE' is
 * 0x434c4845), and compared with a little-endian u32 read from the log, so memory holds the
 * characters reversed ("EHLC").
 */
public final class Fourcc {
    public static final int CLHE = of("CLHE");
    public static final int CSTR = of("Cstr");
    public static final int CVER = of("Cver");
    public static final int CMBX = of("Cmbx");
    public static final int CTIM = of("Ctim");
    public static final int CRG8 = of("Crg8");

    private Fourcc() {
    }

    /** The packed value of four ASCII characters. */
    public static int of(String tag) {
        if (tag.length() != 4) {
            throw new IllegalArgumentException("a fourcc has four characters: '" + tag + "'");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = tag.charAt(i);
            if (c > 0xff) {
                throw new IllegalArgumentException("a fourcc is bytes: '" + tag + "'");
            }
            v = (v << 8) | c;
        }
        return v;
    }

    /** The tag as text, non-printable bytes as \xNN. */
    public static String name(int fourcc) {
        StringBuilder b = new StringBuilder();
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (fourcc >>> shift) & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }
}
