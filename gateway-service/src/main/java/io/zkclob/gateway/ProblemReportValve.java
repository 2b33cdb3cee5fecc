package io.zkclob.gateway;

import io.zkclob.contracts.json.MessageJson;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat refuses some requests before Spring MVC sees them (a malformed path such as {@code /a%zz} or an encoded
 * slash, oversized headers) and its default valve answers those with an HTML page. This one answers them like
 * every other error of the API: problem details with a stable code. Installed on the host by
 * {@link GatewayApp#problemErrorReports()}.
 */
public final class ProblemReportValve extends ErrorReportValve {
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As the default valve: nothing for a success, nothing if a body was written, each error reported once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        // An HTTP version we do not speak (HTTP/9.9) is the client's error, never "retry later" (found by FuzzIT).
        if (status == 505) {
            response.setStatus(400);
            status = 400;
        }
        String code = switch (status) {
            case 400 -> "MALFORMED_REQUEST";
            case 404 -> "NOT_FOUND";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414, 431 -> "HEADERS_TOO_LARGE";
            default -> status >= 500 ? "UNAVAILABLE" : "MALFORMED_REQUEST";
        };
        String detail = status >= 500 ? "temporarily unavailable, retry later" : "the request was refused by the HTTP server (" + status + ")";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(MessageJson.write(BodyLimit.Problem.of(status, code, detail)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response already committed: nothing more can be said.
        }
    }
}
