package dev.lockstep.models.vmsa;

/** The cacheability of Normal memory at one level of cache (inner or outer). */
public enum CachePolicy {
    NON_CACHEABLE,
    WRITE_THROUGH,
    WRITE_BACK
}
