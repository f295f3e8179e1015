package dev.lockstep.bench.engine;

import dev.lockstep.models.iopgtable.PgtableConfig;
import java.nio.file.Path;

/**
 * What a campaign runs: configuration, model options, budget (operations or seconds, whichever ends
 * first; 0 means no limit of that kind), batching, shrinking and where results go.
 */
public record CampaignSettings(PgtableConfig config, ModelOptions options, long seed, long maxOps, long maxSeconds,
                               int batch, double misuseRate, int shrinkAttempts, long shrinkMillis, Path out,
                               String command) {
}
