package dev.lockstep.bench.wire;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * What changed in the agent's table memory during one STEP (docs/protocol.md, "STEP"), as records
 * to apply in order: a block freed (the bench forgets it), a block the bench has no copy of (it
 * starts as zeros), and a run of words that differ from the bench's copy. Kept in flat arrays, so
 * a reply of any size is a handful of objects, not one per record.
 */
public final class TableDelta {
    public static final byte FREED = 1;
    public static final byte FRESH = 2;
    public static final byte WRITE = 3;
    /**
     * Never on the wire: a block's whole content, whether the bench holds it or not (MEM_SYNC's
     * way). Its words follow as for WRITE.
     */
    public static final byte WHOLE = 4;

    private static final TableDelta EMPTY = new TableDelta(new byte[0], new long[0], new int[0], new int[0], new long[0], 0, false);

    private final byte[] kinds;
    private final long[] pas;
    private final int[] lengths;
    /** For WRITE records, where their words start in {@link #words}. */
    private final int[] firstWord;
    private final long[] words;
    private final int count;
    private final boolean more;

    TableDelta(byte[] kinds, long[] pas, int[] lengths, int[] firstWord, long[] words, int count, boolean more) {
        this.kinds = kinds;
        this.pas = pas;
        this.lengths = lengths;
        this.firstWord = firstWord;
        this.words = words;
        this.count = count;
        this.more = more;
    }

    public static TableDelta empty() {
        return EMPTY;
    }

    /**
     * The same change said the MEM_SYNC way (whole blocks): each freed block, then each changed or
     * new block whole. For agents without STEP.
     */
    public static TableDelta of(MemoryDelta d) {
        int n = d.freed().size() + d.changed().size();
        int wordCount = 0;
        for (MemoryDelta.Block b : d.changed()) {
            wordCount += b.bytes().length / 8;
        }
        Builder out = new Builder(n, wordCount);
        for (MemoryDelta.Freed f : d.freed()) {
            out.add(FREED, f.paddr(), f.length());
        }
        for (MemoryDelta.Block b : d.changed()) {
            int len = b.bytes().length & ~7;
            long[] w = new long[len / 8];
            for (int i = 0; i < w.length; i++) {
                long v = 0;
                for (int k = 7; k >= 0; k--) {
                    v = (v << 8) | (b.bytes()[i * 8 + k] & 0xffL);
                }
                w[i] = v;
            }
            int at = out.begin(WHOLE, b.paddr(), w.length);
            System.arraycopy(w, 0, out.wordsFor(), at, w.length);
        }
        return out.build(false);
    }

    public int count() {
        return count;
    }

    public byte kind(int i) {
        return kinds[i];
    }

    public long pa(int i) {
        return pas[i];
    }

    /** Bytes covered by record i. */
    public int length(int i) {
        return lengths[i];
    }

    /** Word k of WRITE (or WHOLE) record i. */
    public long word(int i, int k) {
        return words[firstWord[i] + k];
    }

    /** Whether the agent had more than fit in the reply: ask again before judging the tables. */
    public boolean more() {
        return more;
    }

    /** Bytes of table memory the record list carries (for the link figures). */
    public long writtenBytes() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += kinds[i] == WRITE || kinds[i] == WHOLE ? lengths[i] : 0;
        }
        return n;
    }

    /** The same delta with every written word passed through f: for tests that play a wrong driver. */
    public TableDelta mapWords(LongUnaryOperator f) {
        long[] w = Arrays.copyOf(words, words.length);
        for (int i = 0; i < w.length; i++) {
            w[i] = f.applyAsLong(w[i]);
        }
        return new TableDelta(kinds, pas, lengths, firstWord, w, count, more);
    }

    /**
     * The same delta with one more record at its end (words only for WRITE): for tests that play a
     * driver writing where it should not, or freeing a table it still uses.
     */
    public TableDelta plus(byte kind, long pa, int length, long... written) {
        Builder b = new Builder(count + 1, words.length + written.length);
        for (int i = 0; i < count; i++) {
            if (kinds[i] == WRITE || kinds[i] == WHOLE) {
                int at = b.begin(kinds[i], pas[i], lengths[i] / 8);
                System.arraycopy(words, firstWord[i], b.wordsFor(), at, lengths[i] / 8);
            } else {
                b.add(kinds[i], pas[i], lengths[i]);
            }
        }
        if (kind == WRITE) {
            int at = b.begin(WRITE, pa, written.length);
            System.arraycopy(written, 0, b.wordsFor(), at, written.length);
        } else {
            b.add(kind, pa, length);
        }
        return b.build(more);
    }

    /** Collects records; the decoder and {@link #of} use it. */
    static final class Builder {
        private byte[] kinds;
        private long[] pas;
        private int[] lengths;
        private int[] firstWord;
        private long[] words;
        private int count;
        private int wordCount;

        Builder(int records, int words) {
            kinds = new byte[Math.max(4, records)];
            pas = new long[kinds.length];
            lengths = new int[kinds.length];
            firstWord = new int[kinds.length];
            this.words = new long[Math.max(16, words)];
        }

        private void room() {
            if (count == kinds.length) {
                int n = kinds.length * 2;
                kinds = Arrays.copyOf(kinds, n);
                pas = Arrays.copyOf(pas, n);
                lengths = Arrays.copyOf(lengths, n);
                firstWord = Arrays.copyOf(firstWord, n);
            }
        }

        void add(byte kind, long pa, int length) {
            room();
            kinds[count] = kind;
            pas[count] = pa;
            lengths[count] = length;
            firstWord[count] = wordCount;
            count++;
        }

        /** Starts a WRITE of n words; the caller fills them through {@link #wordsFor}. */
        int beginWrite(long pa, int n) {
            return begin(WRITE, pa, n);
        }

        int begin(byte kind, long pa, int n) {
            add(kind, pa, n * 8);
            if (wordCount + n > words.length) {
                words = Arrays.copyOf(words, Math.max(words.length * 2, wordCount + n));
            }
            int at = wordCount;
            wordCount += n;
            return at;
        }

        long[] wordsFor() {
            return words;
        }

        TableDelta build(boolean more) {
            return new TableDelta(kinds, pas, lengths, firstWord, words, count, more);
        }
    }
}
