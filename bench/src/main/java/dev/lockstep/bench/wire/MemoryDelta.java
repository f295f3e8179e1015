package dev.lockstep.bench.wire;

import java.util.List;

/** The blocks of the agent's fake RAM that changed or were freed since the last sync. */
public record MemoryDelta(List<Block> changed, List<Freed> freed) {
    public record Block(long paddr, byte[] bytes) {}

    public record Freed(long paddr, int length) {}
}
