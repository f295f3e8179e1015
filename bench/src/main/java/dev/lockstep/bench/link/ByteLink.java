package dev.lockstep.bench.link;

import java.io.Closeable;
import java.io.IOException;

/**
 * A raw byte stream to an agent: a serial port, a pseudo-terminal, a pipe. Framing, checksums and
 * retries live above it, so a link only moves bytes and says when none came.
 */
public interface ByteLink extends Closeable {

    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Reads what is available, waiting at most timeoutMillis for the first byte.
     *
     * @return bytes read, 0 when the wait timed out, -1 when the other end is gone
     */
    int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException;

    /**
     * Switches the line rate, for links that have one (a UART); returns false, changing nothing,
     * for those that do not (a pty, a socket, USB CDC-ACM where the rate is a formality).
     */
    default boolean setBaud(int baud) throws IOException {
        return false;
    }

    /** What a person would call this link in an error message: "/dev/pts/4", "stdio of pid 123". */
    String describe();
}
