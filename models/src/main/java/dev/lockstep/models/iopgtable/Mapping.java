package dev.lockstep.models.iopgtable;

/**
 * One extent of the address space as the contract sees it: [iova, iova + size) translates to
 * [paddr, paddr + size) with prot. {@code pgsize} is the page size the caller mapped it with;
 * {@code split} says a later partial unmap cut it out of something larger.
 */
public record Mapping(long iova, long paddr, long size, long pgsize, Prot prot, boolean split) {

    public long end() {
        return iova + size;
    }

    /** Whether va lies in [iova, iova + size), also for the extent that ends at the top of the 64-bit space. */
    public boolean contains(long va) {
        return Long.compareUnsigned(va - iova, size) < 0;
    }

    public long translate(long va) {
        return paddr + (va - iova);
    }

    /** The part of this extent inside [from, to), which must overlap it. */
    Mapping slice(long from, long to, boolean cut) {
        long lo = Math.max(iova, from);
        long hi = Math.min(end(), to);
        return new Mapping(lo, paddr + (lo - iova), hi - lo, pgsize, prot, split || cut);
    }
}
