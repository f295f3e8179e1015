package dev.lockstep.bench.host;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.StreamLink;
import dev.lockstep.bench.target.AgentProcess;
import dev.lockstep.bench.target.AgentTarget;
import dev.lockstep.bench.target.TargetSetupException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Something on the line that is not a Lockstep agent is refused with one clear line, not hung on. */
class NotAnAgentTest {

    /** Runs a plain program as if it were the agent, talking over its stdin/stdout. */
    private static final class Program implements AgentProcess {
        private final String[] command;
        private Process process;

        Program(String... command) {
            this.command = command;
        }

        @Override
        public ByteLink start() throws TargetSetupException {
            try {
                process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new TargetSetupException(e.getMessage());
            }
            return new StreamLink(process.getInputStream(), process.getOutputStream(), "stdio of " + command[0]);
        }

        @Override
        public boolean alive() {
            return process != null && process.isAlive();
        }

        @Override
        public String exitDescription() {
            return "exited";
        }

        @Override
        public void stop() {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aSilentPeerIsNotTakenForAnAgent() {
        TargetSetupException e = assertThrows(TargetSetupException.class,
                () -> new AgentTarget("host", new Program("sleep", "30"), 1000));
        assertTrue(e.getMessage().contains("does not answer the Lockstep handshake"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void anEchoingPeerIsNotTakenForAnAgent() {
        // cat echoes our own HELLO back: a loopback cable, or a console that echoes.
        TargetSetupException e = assertThrows(TargetSetupException.class,
                () -> new AgentTarget("host", new Program("cat"), 1000));
        assertTrue(e.getMessage().contains("is it a Lockstep agent"), e.getMessage());
    }

    @Test
    void aPeerThatPrintsOnlyGarbageIsNotTakenForAnAgent() {
        TargetSetupException e = assertThrows(TargetSetupException.class,
                () -> new AgentTarget("host", new Program("sh", "-c", "while :; do echo 'login: '; sleep 0.1; done"), 1000));
        assertTrue(e.getMessage().contains("does not answer the Lockstep handshake"), e.getMessage());
    }
}
