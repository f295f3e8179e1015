// What a campaign ran against: the kind of target, and the versions on it that a finding depends on.
package dev.lockstep.reports;

import java.util.Objects;

/**
 * The target of a campaign.
 *
 * @param kind          the kind of target, e.g. {@code "host"} or a board name; never blank
 * @param driverVersion the version of the driver under test as the agent reported it, or {@code ""}
 * @param agentBuild    the agent's build identifier, or {@code ""}
 * @param port          where the agent was reached (a pty or serial device), or {@code ""}
 */
public record TargetInfo(String kind, String driverVersion, String agentBuild, String port) {

    public TargetInfo {
        Objects.requireNonNull(kind, "kind");
        if (kind.isBlank()) {
            throw new IllegalArgumentException("target kind must not be blank");
        }
        // The bench may not know every version (an agent that died before HELLO); "" keeps
        // results free of null without inventing a value.
        driverVersion = Objects.requireNonNullElse(driverVersion, "");
        agentBuild = Objects.requireNonNullElse(agentBuild, "");
        port = Objects.requireNonNullElse(port, "");
    }
}
