package dev.lockstep.bench.link;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counters of the link's health, reported in summary.json so a noisy line is visible, not hidden. */
public final class LinkStats {
    public long framesSent;
    public long framesReceived;
    public long bytesSent;
    public long bytesReceived;
    public long retransmits;
    public long naks;
    public long timeouts;
    public long staleReplies;

    public Map<String, Long> asMap(FrameCodec codec) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("frames_sent", framesSent);
        m.put("frames_received", framesReceived);
        m.put("bytes_sent", bytesSent);
        m.put("bytes_received", bytesReceived);
        m.put("retransmits", retransmits);
        m.put("naks", naks);
        m.put("timeouts", timeouts);
        m.put("stale_replies", staleReplies);
        m.put("crc_errors", codec.crcErrors());
        m.put("bad_headers", codec.badHeaders());
        m.put("noise_bytes", codec.noiseBytes());
        return m;
    }
}
