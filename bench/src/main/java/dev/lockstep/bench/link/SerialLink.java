package dev.lockstep.bench.link;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A serial device opened the way a board's port is opened: /dev/ttyACM0, /dev/ttyUSB0, or the
 * slave side of the host agent's pseudo-terminal. Raw 8N1, no flow control.
 */
public final class SerialLink implements ByteLink {
    private final SerialPort port;
    private final String path;
    /** The read timeout the port is set to: setting it is a system call, so only when it changes. */
    private int readTimeout = -1;

    private SerialLink(SerialPort port, String path) {
        this.port = port;
        this.path = path;
    }

    /** Opens path at baud, or throws LinkException with a message a person can act on. */
    public static SerialLink open(String path, int baud) throws LinkException {
        if (!Files.exists(Path.of(path))) {
            throw new LinkException("serial port " + path + " does not exist; check the cable and the device name (ls /dev/tty*)");
        }
        SerialPort p = SerialPort.getCommPort(path);
        p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!p.openPort()) {
            throw new LinkException("cannot open serial port " + path + " (error " + p.getLastErrorCode()
                    + "); is another program using it, and may this user open it (group dialout)?");
        }
        return new SerialLink(p, path);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = port.writeBytes(bytes, length - done, offset + done);
            if (n < 0) {
                throw new IOException("write to " + path + " failed (error " + port.getLastErrorCode() + ")");
            }
            done += n;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        // A power of two no longer than asked: the caller reads again if it wanted longer.
        int t = Integer.highestOneBit((int) Math.max(1, Math.min(timeoutMillis, 1 << 20)));
        if (t != readTimeout) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, t, 0);
            readTimeout = t;
        }
        int n = port.readBytes(buffer, length, offset);
        if (n < 0) {
            if (!port.isOpen()) {
                return -1;
            }
            throw new IOException("read from " + path + " failed (error " + port.getLastErrorCode() + ")");
        }
        return n;
    }

    @Override
    public boolean setBaud(int baud) throws IOException {
        if (!port.setBaudRate(baud)) {
            throw new IOException("cannot set " + path + " to " + baud + " baud (error " + port.getLastErrorCode() + ")");
        }
        return true;
    }

    @Override
    public String describe() {
        return path;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
