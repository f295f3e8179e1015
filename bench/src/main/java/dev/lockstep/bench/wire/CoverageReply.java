package dev.lockstep.bench.wire;

/**
 * COVERAGE_REPLY: how many driver sites the agent was built with and has reached since it started,
 * the path of its image on the machine that runs it (empty on a board), and the link-time addresses
 * of the sites first reached since the last COVERAGE request.
 */
public record CoverageReply(long total, long hit, String image, long[] fresh) {
}
