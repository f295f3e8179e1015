package dev.lockstep.bench.engine;

import java.util.Arrays;

/**
 * The tables a change judge knows, by their physical address: an open-addressing map from a
 * primitive address to its {@link FormatJudge.TableRef}. Every walk records the tables on its path,
 * so a map that boxes its keys cost more than the walk itself.
 */
final class TablesByAddress {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys = new long[64];
    private FormatJudge.TableRef[] values = new FormatJudge.TableRef[64];
    private int size;

    TablesByAddress() {
        Arrays.fill(keys, EMPTY);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (keys.length - 1);
    }

    FormatJudge.TableRef get(long key) {
        for (int i = slot(key); ; i = (i + 1) & (keys.length - 1)) {
            if (keys[i] == key) {
                return values[i];
            }
            if (keys[i] == EMPTY) {
                return null;
            }
        }
    }

    void put(long key, FormatJudge.TableRef value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("no table lives at 0x8000000000000000");
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int i = slot(key);
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & (keys.length - 1);
        }
        if (keys[i] == EMPTY) {
            keys[i] = key;
            size++;
        }
        values[i] = value;
    }

    /** Removes key; returns what it held, or null. */
    FormatJudge.TableRef remove(long key) {
        int i = slot(key);
        while (keys[i] != key) {
            if (keys[i] == EMPTY) {
                return null;
            }
            i = (i + 1) & (keys.length - 1);
        }
        FormatJudge.TableRef old = values[i];
        // Backward shift: later entries of the probe run move up so that no search stops early.
        int hole = i;
        for (int j = (i + 1) & (keys.length - 1); keys[j] != EMPTY; j = (j + 1) & (keys.length - 1)) {
            int home = slot(keys[j]);
            boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
        size--;
        return old;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(keys, EMPTY);
            Arrays.fill(values, null);
            size = 0;
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        FormatJudge.TableRef[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new FormatJudge.TableRef[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
