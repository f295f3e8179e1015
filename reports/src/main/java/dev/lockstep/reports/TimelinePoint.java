// One line of timeline.jsonl: where a campaign stood at one moment of its run.
package dev.lockstep.reports;

/**
 * The state of a campaign at one moment, as the campaign appends it to {@code timeline.jsonl}
 * about once a second: {@code {"t": 1.5, "ops": 12000, "findings": 3, "known": 1, "bins_hit": 90,
 * "bins_total": 123, "driver_edges_hit": 0}}.
 *
 * @param t              seconds since the campaign started
 * @param ops            operations run so far
 * @param findings       distinct findings so far (new and known)
 * @param known          of those, the known ones
 * @param binsHit        functional coverage bins hit so far
 * @param binsTotal      functional coverage bins defined
 * @param driverEdgesHit code-coverage edges of the driver hit so far; 0 while the target reports none
 */
public record TimelinePoint(double t, long ops, long findings, long known, long binsHit, long binsTotal,
                            long driverEdgesHit) {
}
