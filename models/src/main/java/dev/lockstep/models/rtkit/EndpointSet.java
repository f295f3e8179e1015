package dev.lockstep.models.rtkit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;

/**
 * An immutable set of endpoints 0..255 (the AP's endpoint bitmap: what the EPMAP announced, what
 * has been started). Four 64-bit words, so equal sets are equal records.
 */
public record EndpointSet(long w0, long w1, long w2, long w3) {

    public static final EndpointSet EMPTY = new EndpointSet(0, 0, 0, 0);

    public static EndpointSet of(int... endpoints) {
        EndpointSet s = EMPTY;
        for (int ep : endpoints) {
            s = s.with(ep);
        }
        return s;
    }

    public static EndpointSet of(Collection<Integer> endpoints) {
        EndpointSet s = EMPTY;
        for (int ep : endpoints) {
            s = s.with(ep);
        }
        return s;
    }

    /** The 32 endpoints of one EPMAP page: bit i of {@code bitmap} is endpoint 32·base + i. */
    public static EndpointSet ofPage(int base, long bitmap) {
        check(base * 32);
        long bits = bitmap & 0xffff_ffffL;
        long shifted = (base % 2 == 0) ? bits : bits << 32;
        return switch (base / 2) {
            case 0 -> new EndpointSet(shifted, 0, 0, 0);
            case 1 -> new EndpointSet(0, shifted, 0, 0);
            case 2 -> new EndpointSet(0, 0, shifted, 0);
            default -> new EndpointSet(0, 0, 0, shifted);
        };
    }

    private static void check(int endpoint) {
        if (endpoint < 0 || endpoint > 0xff) {
            throw new IllegalArgumentException("endpoints are 0..255: " + endpoint);
        }
    }

    private long word(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
    }

    public boolean contains(int endpoint) {
        if (endpoint < 0 || endpoint > 0xff) {
            return false;
        }
        return (word(endpoint >>> 6) >>> (endpoint & 63) & 1) != 0;
    }

    public EndpointSet with(int endpoint) {
        check(endpoint);
        long bit = 1L << (endpoint & 63);
        return switch (endpoint >>> 6) {
            case 0 -> new EndpointSet(w0 | bit, w1, w2, w3);
            case 1 -> new EndpointSet(w0, w1 | bit, w2, w3);
            case 2 -> new EndpointSet(w0, w1, w2 | bit, w3);
            default -> new EndpointSet(w0, w1, w2, w3 | bit);
        };
    }

    public EndpointSet union(EndpointSet o) {
        return new EndpointSet(w0 | o.w0, w1 | o.w1, w2 | o.w2, w3 | o.w3);
    }

    /** The 32-bit EPMAP bitmap of page {@code base} (endpoints 32·base .. 32·base+31). */
    public long page(int base) {
        if (base < 0 || base > 7) {
            throw new IllegalArgumentException("EPMAP bases are 0..7: " + base);
        }
        long w = word(base / 2);
        return (base % 2 == 0 ? w : w >>> 32) & 0xffff_ffffL;
    }

    public boolean isEmpty() {
        return (w0 | w1 | w2 | w3) == 0;
    }

    public int size() {
        return Long.bitCount(w0) + Long.bitCount(w1) + Long.bitCount(w2) + Long.bitCount(w3);
    }

    /** The members in ascending order. */
    public List<Integer> toList() {
        List<Integer> out = new ArrayList<>();
        for (int ep = 0; ep <= 0xff; ep++) {
            if (contains(ep)) {
                out.add(ep);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(",", "{", "}");
        for (int ep : toList()) {
            j.add(String.format("0x%x", ep));
        }
        return j.toString();
    }
}
