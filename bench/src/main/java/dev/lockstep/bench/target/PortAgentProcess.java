package dev.lockstep.bench.target;

import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.LinkException;
import dev.lockstep.bench.link.SerialLink;
import java.io.IOException;

/**
 * An agent that someone else started, reached on a serial port (a board's UART or USB gadget, or a
 * pseudo-terminal a user made). The bench cannot restart it: a crash there ends the campaign.
 */
public final class PortAgentProcess implements AgentProcess {
    private final String port;
    private final int baud;
    private ByteLink link;

    public PortAgentProcess(String port, int baud) {
        this.port = port;
        this.baud = baud;
    }

    @Override
    public ByteLink start() throws TargetSetupException {
        try {
            link = SerialLink.open(port, baud);
            return link;
        } catch (LinkException e) {
            throw new TargetSetupException(e.getMessage());
        }
    }

    @Override
    public boolean alive() {
        return link != null;
    }

    @Override
    public String exitDescription() {
        return "the agent on " + port + " stopped answering";
    }

    @Override
    public void stop() {
        if (link != null) {
            try {
                link.close();
            } catch (IOException ignored) {
                // Nothing to do about a port that will not close.
            }
            link = null;
        }
    }
}
