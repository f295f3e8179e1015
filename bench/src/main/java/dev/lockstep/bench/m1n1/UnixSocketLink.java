package dev.lockstep.bench.m1n1;

import dev.lockstep.bench.link.ByteLink;
import dev.lockstep.bench.link.LinkException;
import dev.lockstep.bench.link.StreamLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The listening side of a Unix domain socket that QEMU connects to
 * ({@code -chardev socket,id=s,path=P -serial chardev:s}): QEMU's fastest serial backend, and one
 * that buffers nothing while nobody listens. {@link #listen} binds first, QEMU starts, then
 * {@link #accept} takes its connection.
 */
public final class UnixSocketLink implements ByteLink {
    private final SocketChannel channel;
    private final StreamLink streams;
    private final String name;

    private UnixSocketLink(SocketChannel channel, String name) {
        this.channel = channel;
        this.name = name;
        // SocketChannel reads and writes have separate locks, so a reader thread blocked in read
        // never stalls a write (Channels.newInputStream would share one lock and deadlock).
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                while (bb.hasRemaining()) {
                    channel.write(bb);
                }
            }
        };
        this.streams = new StreamLink(in, out, name);
    }

    /** A bound, listening socket at {@code path} (any stale file there is removed first). */
    public static Listener listen(Path path) throws LinkException {
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            return new Listener(server, path);
        } catch (IOException e) {
            throw new LinkException("cannot listen on the Unix socket " + path + ": " + e.getMessage(), e);
        }
    }

    /** A listening socket waiting for its one connection. */
    public static final class Listener implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path path;

        private Listener(ServerSocketChannel server, Path path) {
            this.server = server;
            this.path = path;
        }

        public Path path() {
            return path;
        }

        /** Waits up to {@code timeout} for the peer to connect. */
        public UnixSocketLink accept(Duration timeout) throws LinkException {
            ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "accept-" + path.getFileName());
                t.setDaemon(true);
                return t;
            });
            try {
                Future<SocketChannel> f = ex.submit(server::accept);
                SocketChannel ch = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new UnixSocketLink(ch, "unix socket " + path);
            } catch (TimeoutException e) {
                throw new LinkException("nobody connected to " + path + " within " + timeout.toMillis() + " ms");
            } catch (Exception e) {
                throw new LinkException("accept on " + path + " failed: " + e, e);
            } finally {
                ex.shutdownNow();
                close();
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a stale socket file is harmless
            }
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        streams.write(bytes, offset, length);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        return streams.read(buffer, offset, length, timeoutMillis);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
