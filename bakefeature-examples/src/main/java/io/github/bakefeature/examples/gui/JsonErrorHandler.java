package io.github.bakefeature.examples.gui;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to requests it refuses before the app sees them (a path with {@code %00} or
 * {@code ..;}, a malformed header, a duplicate {@code Host}): the API's JSON error with the
 * security headers instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    Api.securityHeaders(fields::put);
    fields.put(HttpHeader.CACHE_CONTROL, "no-store");
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    String message = "bad request" + (reason == null || reason.isBlank() || reason.equals("Bad Request") ? ""
        : ": " + (reason.length() > 100 ? reason.substring(0, 100) + "..." : reason))
        + " (refused by the HTTP server before the app saw it)";
    if (status != 400) {
      message = "HTTP " + status + ": " + (reason == null ? "refused" : reason);
    }
    return ByteBuffer.wrap(Json.write(Json.error(message, null)).getBytes(StandardCharsets.UTF_8));
  }
}
