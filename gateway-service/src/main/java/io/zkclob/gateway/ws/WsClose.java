package io.zkclob.gateway.ws;

/**
 * Why the server closes a connection: the close frame's code (RFC 6455, 7.4.1) and reason, the same for every
 * transport (docs/api.md lists them). The reason starts with a stable word (SLOW_READER, RATE_LIMITED, ...) that
 * clients can match; a close frame's reason is at most 123 bytes, longer ones are cut.
 */
record WsClose(int code, String reason) {
    static final int NORMAL = 1000;
    /** Data of a kind the endpoint does not take (binary frames: requests are JSON text). */
    static final int UNSUPPORTED_DATA = 1003;
    static final int ABNORMAL = 1006;
    static final int POLICY_VIOLATION = 1008;
    static final int MESSAGE_TOO_BIG = 1009;
    static final int TRY_AGAIN_LATER = 1013;
    /** RFC 6455: the reason is UTF-8 of at most 123 bytes (the frame's payload is 125 with the code). */
    static final int MAX_REASON_BYTES = 123;

    WsClose {
        if (reason == null) reason = "";
        while (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            reason = reason.substring(0, reason.length() - 1); // bounded: the string shrinks each time
        }
    }
}
