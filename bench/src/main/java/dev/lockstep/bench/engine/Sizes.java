package dev.lockstep.bench.engine;

/** Human spellings of sizes and addresses for titles and details. */
final class Sizes {
    private Sizes() {
    }

    static String size(long bytes) {
        if (bytes <= 0 || Long.bitCount(bytes) != 1) {
            return "0x" + Long.toHexString(bytes);
        }
        if (bytes >= 1L << 40) return (bytes >> 40) + "T";
        if (bytes >= 1L << 30) return (bytes >> 30) + "G";
        if (bytes >= 1L << 20) return (bytes >> 20) + "M";
        if (bytes >= 1L << 10) return (bytes >> 10) + "K";
        return bytes + "B";
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
