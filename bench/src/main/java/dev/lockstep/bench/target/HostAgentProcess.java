package dev.lockstep.bench.target;

import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.LinkException;
import dev.lockstep.bench.link.SerialLink;
import dev.lockstep.bench.link.StreamLink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The host agent as a child process. In pty mode it opens a pseudo-terminal and the bench opens the
 * slave side as a serial port, the same path a board's UART takes; in stdio mode the frames run over
 * its stdin/stdout. The agent's stderr is appended to a log file in the run directory.
 */
public final class HostAgentProcess implements AgentProcess {
    public enum Mode { PTY, STDIO }

    private final Path binary;
    private final Mode mode;
    private final Path log;
    private Process process;
    private ByteLink link;

    public HostAgentProcess(Path binary, Mode mode, Path log) {
        this.binary = binary;
        this.mode = mode;
        this.log = log;
    }

    @Override
    public ByteLink start() throws TargetSetupException {
        try {
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), mode == Mode.PTY ? "--pty" : "--stdio");
            pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new TargetSetupException("cannot start the agent " + binary + ": " + e.getMessage());
        }
        if (mode == Mode.STDIO) {
            link = new StreamLink(process.getInputStream(), process.getOutputStream(), "stdio of agent pid " + process.pid());
            return link;
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            stop();
            throw new TargetSetupException("the agent did not announce its pseudo-terminal within 10 s; see " + log);
        }
        if (line == null) {
            stop();
            throw new TargetSetupException("the agent " + binary + " exited (" + exitDescription()
                    + ") before announcing its pseudo-terminal; see " + log);
        }
        if (!line.startsWith("LOCKSTEP-AGENT pty=")) {
            stop();
            throw new TargetSetupException("the agent printed '" + line + "' instead of its pseudo-terminal; see " + log);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // The agent has nothing more to say on stdout; keep the pipe from filling.
                }
            } catch (IOException ignored) {
                // The agent exited.
            }
        }, "agent-stdout");
        drain.setDaemon(true);
        drain.start();
        try {
            link = SerialLink.open(line.substring("LOCKSTEP-AGENT pty=".length()).trim(), 115200);
        } catch (LinkException e) {
            stop();
            throw new TargetSetupException(e.getMessage());
        }
        return link;
    }

    @Override
    public long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    @Override
    public boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public boolean awaitExit(long millis) {
        if (process == null) {
            return true;
        }
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String exitDescription() {
        if (process == null) {
            return "never started";
        }
        if (process.isAlive()) {
            return "still running";
        }
        int rc = process.exitValue();
        return rc > 128 ? "killed by signal " + (rc - 128) : "exit code " + rc;
    }

    /** SIGKILL (destroyForcibly on Unix), and wait for it: the agent gets no chance to say goodbye. */
    @Override
    public boolean kill() {
        if (process == null) {
            return false;
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    @Override
    public void stop() {
        if (link != null) {
            try {
                link.close();
            } catch (IOException ignored) {
                // Closing a dead link has nothing left to report.
            }
            link = null;
        }
        if (process != null) {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // Already closed.
            }
            try {
                if (!process.waitFor(1, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
