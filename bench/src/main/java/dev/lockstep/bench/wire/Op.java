package dev.lockstep.bench.wire;

import dev.lockstep.models.iopgtable.Prot;

/**
 * One io-pgtable operation as it crosses the wire (docs/protocol.md). The same values are the
 * lines of a reproducer file, so a finding replays exactly what the target saw.
 */
public sealed interface Op {
    int handle();

    String kind();

    /** The same operation on handle h (the agent's handle a case side by side runs on). */
    default Op onHandle(int h) {
        if (handle() == h) {
            return this;
        }
        if (this instanceof Map m) {
            return new Map(h, m.iova(), m.paddr(), m.pgsize(), m.pgcount(), m.prot());
        } else if (this instanceof Unmap u) {
            return new Unmap(h, u.iova(), u.pgsize(), u.pgcount());
        } else if (this instanceof IovaToPhys q) {
            return new IovaToPhys(h, q.iova());
        } else if (this instanceof Alloc a) {
            return new Alloc(h, a.format(), a.quirks(), a.pgsizeBitmap(), a.ias(), a.oas(), a.coherentWalk());
        }
        return new Free(h);
    }

    record Alloc(int handle, int format, long quirks, long pgsizeBitmap, int ias, int oas, boolean coherentWalk) implements Op {
        public String kind() { return "alloc"; }
    }

    record Free(int handle) implements Op {
        public String kind() { return "free"; }
    }

    record Map(int handle, long iova, long paddr, long pgsize, int pgcount, Prot prot) implements Op {
        public String kind() { return "map"; }
    }

    record Unmap(int handle, long iova, long pgsize, int pgcount) implements Op {
        public String kind() { return "unmap"; }
    }

    record IovaToPhys(int handle, long iova) implements Op {
        public String kind() { return "iova_to_phys"; }
    }
}
