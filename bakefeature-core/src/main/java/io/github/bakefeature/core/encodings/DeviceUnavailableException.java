package io.github.bakefeature.core.encodings;

/**
 * The compute device the user selected ({@value HashGrids#DEVICE_PROPERTY} /
 * {@value HashGrids#DEVICE_ENV}) is unknown or cannot run on this machine; the message says which
 * devices exist or why this one cannot run.
 */
public final class DeviceUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }
}
