package dev.lockstep.bench.m1n1;

/**
 * The m1n1 proxy checksum, used for frames and bulk data alike: {@code s = 0xDEADBEEF}; for each
 * byte {@code s = s * 31337 + (b ^ 0x5A)} modulo 2^32; the result is {@code s ^ 0xADDEDBAD}.
 */
public final class M1n1Checksum {
    private static final int INIT = 0xDEADBEEF;
    private static final int FINAL = 0xADDEDBAD;

    private M1n1Checksum() {
    }

    public static int of(byte[] bytes, int offset, int length) {
        int s = INIT;
        for (int i = offset; i < offset + length; i++) {
            s = s * 31337 + ((bytes[i] ^ 0x5A) & 0xFF);
        }
        return s ^ FINAL;
    }

    public static int of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }
}
