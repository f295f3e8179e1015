package dev.lockstep.models.rtkit;

/**
 * The layout choices that decide how a message decodes, where implementations read the same bits
 * differently: the buffer request's IOVA field, syslog INIT's geometry fields, and what oslog
 * type 1 is. {@link RtkitOptions#layout()} derives it from the model's options.
 */
public record CodecLayout(IovaField iova, SyslogInitLayout syslogInit, OslogLayout oslog) {

    public CodecLayout {
        if (iova == null || syslogInit == null || oslog == null) {
            throw new IllegalArgumentException("every layout choice must be made");
        }
    }

    public static CodecLayout defaults() {
        return RtkitOptions.defaults().layout();
    }
}
