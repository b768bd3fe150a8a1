package io.github.bakefeature.examples.gui;

/**
 * A request the API refuses: HTTP status, a message for the page, and the offending field (or
 * null).
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final String field;

  ApiException(int status, String message, String field) {
    super(message);
    this.status = status;
    this.field = field;
  }

  static ApiException badRequest(String field, String message) {
    return new ApiException(400, message, field);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
