package io.github.bakefeature.examples.gui;

/**
 * Bounds on what a client may send or make the server hold.
 *
 * @param maxStrokePoints polyline vertices per stroke (a pointer stroke at 60 Hz for a minute is
 *     3600)
 * @param maxBodyBytes bytes of one HTTP request body
 * @param maxWsMessageBytes bytes of one WebSocket text message from a client (larger ones close the
 *     connection with status 1009)
 * @param maxClasses classes a session may hold (adding more is refused)
 * @param maxClassNameLength characters of a class name
 * @param maxPendingEventsPerClient events queued for one WebSocket client; beyond it the queue is
 *     replaced by one {@code resync} event
 * @param maxClients WebSocket clients (open pages) at once; more are closed with status 1013 (try
 *     again later)
 */
public record GuiLimits(
    int maxStrokePoints,
    int maxBodyBytes,
    int maxWsMessageBytes,
    int maxClasses,
    int maxClassNameLength,
    int maxPendingEventsPerClient,
    int maxClients) {

  public GuiLimits {
    positive("maxStrokePoints", maxStrokePoints);
    positive("maxBodyBytes", maxBodyBytes);
    positive("maxWsMessageBytes", maxWsMessageBytes);
    positive("maxClasses", maxClasses);
    positive("maxClassNameLength", maxClassNameLength);
    positive("maxClients", maxClients);
    if (maxPendingEventsPerClient < 4) {
      throw new IllegalArgumentException("maxPendingEventsPerClient must be >= 4, found " + maxPendingEventsPerClient);
    }
    if (maxStrokePoints > io.github.bakefeature.api.annotation.Stroke.MAX_POINTS) {
      throw new IllegalArgumentException("maxStrokePoints must be <= " + io.github.bakefeature.api.annotation.Stroke.MAX_POINTS
          + ", found " + maxStrokePoints);
    }
  }

  /** 10 000 points per stroke, 512 KiB bodies, 16 KiB WebSocket messages, 256 classes, 64 open pages. */
  public static GuiLimits defaults() {
    return new GuiLimits(10_000, 512 * 1024, 16 * 1024, 256, 64, 64, 64);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, found " + v);
    }
  }
}
