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

  /**
   * Errors the servlet answers itself, outside the app's routes (a WebSocket upgrade to a path
   * without a WebSocket, a refused upgrade): the same JSON with the security headers, not Jetty's
   * HTML page naming the servlet's class. The status's standard reason only: Jetty's message may
   * name internals.
   */
  @Override
  protected void generateAcceptableResponse(org.eclipse.jetty.server.Request baseRequest,
                                            jakarta.servlet.http.HttpServletRequest request,
                                            jakarta.servlet.http.HttpServletResponse response, int code, String message)
      throws java.io.IOException {
    String reason = org.eclipse.jetty.http.HttpStatus.getMessage(code);
    Api.writeError(response, code, "HTTP " + code + ": " + (reason == null ? "refused"
        : reason.toLowerCase(java.util.Locale.ROOT)), null);
    baseRequest.setHandled(true);
  }
}
