package dev.lockstep.bench.link;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of the link's health, reported in summary.json so a noisy line is visible, not hidden.
 * Every recovery is counted: retransmits (all retries), of which resyncs answered damage (a NAK, a
 * damaged or truncated reply) and the rest timeouts (an attempt that went unanswered); duplicates
 * are replies to a request already answered (the agent's replays), unanswered the requests given up
 * as silent.
 */
public final class LinkStats {
    public long framesSent;
    public long framesReceived;
    public long bytesSent;
    public long bytesReceived;
    public long retransmits;
    public long resyncs;
    public long naks;
    public long timeouts;
    public long staleReplies;
    public long duplicates;
    public long unanswered;

    public Map<String, Long> asMap(FrameCodec codec) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("frames_sent", framesSent);
        m.put("frames_received", framesReceived);
        m.put("bytes_sent", bytesSent);
        m.put("bytes_received", bytesReceived);
        m.put("retransmits", retransmits);
        m.put("resyncs", resyncs);
        m.put("naks", naks);
        m.put("timeouts", timeouts);
        m.put("stale_replies", staleReplies);
        m.put("duplicates", duplicates);
        m.put("unanswered", unanswered);
        m.put("crc_errors", codec.crcErrors());
        m.put("bad_headers", codec.badHeaders());
        m.put("truncated_frames", codec.truncated());
        m.put("noise_bytes", codec.noiseBytes());
        return m;
    }
}
