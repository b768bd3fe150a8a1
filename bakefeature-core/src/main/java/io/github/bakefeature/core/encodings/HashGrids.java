package io.github.bakefeature.core.encodings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds hash grids on the device the user chose: the system property {@value #DEVICE_PROPERTY}
 * or else the environment variable {@value #DEVICE_ENV}, one of
 * <ul>
 *   <li>{@code cpu} (the default): the Java kernels of {@link HashGridEncoding};
 *   <li>{@code auto}: the first available {@link HashGridProvider} on the class path, else the CPU
 *       (logging why each provider was passed over);
 *   <li>a provider's {@linkplain HashGridProvider#device() device name}, e.g. {@code cuda}: that
 *       provider, or an {@link IllegalStateException} saying why it cannot run.
 * </ul>
 * Only the hash grid moves; the MLPs run on DJL's engine as before.
 */
public final class HashGrids {
  /** System property selecting the hash grid device. */
  public static final String DEVICE_PROPERTY = "bakefeature.device";
  /** Environment variable read when the property is not set. */
  public static final String DEVICE_ENV = "BAKEFEATURE_DEVICE";

  private static final Logger LOG = LoggerFactory.getLogger(HashGrids.class);

  private HashGrids() {}

  /** The device named by {@value #DEVICE_PROPERTY} / {@value #DEVICE_ENV}; {@code cpu} when neither is set. */
  public static String selectedDevice() {
    String d = System.getProperty(DEVICE_PROPERTY);
    if (d == null || d.isBlank()) {
      d = System.getenv(DEVICE_ENV);
    }
    return d == null || d.isBlank() ? "cpu" : d.trim().toLowerCase(Locale.ROOT);
  }

  /** A grid built from {@code builder} on the {@linkplain #selectedDevice() selected device}. */
  public static TrainableEncoding create(HashGridEncoding.Builder builder) {
    return create(builder, selectedDevice(), providers());
  }

  /**
   * Checks the selected device before any work starts and describes it ({@code cpu}, or the
   * provider's device name).
   *
   * @throws DeviceUnavailableException if the selected device is unknown or cannot run here
   */
  public static String checkSelectedDevice() {
    return resolve(selectedDevice(), providers()).map(HashGridProvider::device).orElse("cpu");
  }

  /** The providers on the class path, in {@link ServiceLoader} order. */
  public static List<HashGridProvider> providers() {
    List<HashGridProvider> list = new ArrayList<>();
    ServiceLoader.load(HashGridProvider.class, HashGrids.class.getClassLoader()).forEach(list::add);
    return list;
  }

  /**
   * A grid built from {@code builder} on {@code device} ({@code cpu}, {@code auto} or a provider's
   * name) using {@code providers}.
   *
   * @throws DeviceUnavailableException if the named device has no provider or its provider cannot run
   */
  static TrainableEncoding create(HashGridEncoding.Builder builder, String device, List<HashGridProvider> providers) {
    Optional<HashGridProvider> provider = resolve(device, providers);
    HashGridEncoding grid = builder.build();
    return provider.isEmpty() ? grid : onProvider(grid, provider.get(), device);
  }

  /**
   * {@code grid} (trainable, e.g. just read from a checkpoint) on the {@linkplain #selectedDevice()
   * selected device}, its parameters and optimiser state included: the grid itself on the CPU.
   *
   * @throws DeviceUnavailableException if the named device has no provider or its provider cannot run
   */
  public static TrainableEncoding onSelectedDevice(HashGridEncoding grid) {
    String device = selectedDevice();
    Optional<HashGridProvider> provider = resolve(device, providers());
    return provider.isEmpty() ? grid : onProvider(grid, provider.get(), device);
  }

  private static TrainableEncoding onProvider(HashGridEncoding grid, HashGridProvider provider, String device) {
    try {
      return provider.create(grid);
    } catch (RuntimeException e) {
      if (!device.equals("auto")) {
        throw e; // the user named the device: say why it failed
      }
      // auto: a provider that is available but cannot take this grid (out of device memory, say)
      // leaves it on the CPU, as an unavailable one does.
      LOG.warn("hash grid not on {}: {}; using the CPU", provider.device(), e.getMessage());
      return grid;
    }
  }

  /** The provider {@code device} selects, or empty for the CPU. */
  static Optional<HashGridProvider> resolve(String device, List<HashGridProvider> providers) {
    if (device.equals("cpu")) {
      return Optional.empty();
    }
    if (device.equals("auto")) {
      for (HashGridProvider p : providers) {
        Optional<String> why = p.unavailableReason();
        if (why.isEmpty()) {
          LOG.info("hash grid on {} ({}={})", p.device(), DEVICE_PROPERTY, device);
          return Optional.of(p);
        }
        LOG.info("hash grid not on {}: {}", p.device(), why.get());
      }
      return Optional.empty();
    }
    List<String> known = new ArrayList<>(List.of("cpu", "auto"));
    for (HashGridProvider p : providers) {
      if (p.device().equals(device)) {
        Optional<String> why = p.unavailableReason();
        if (why.isPresent()) {
          throw new DeviceUnavailableException(DEVICE_PROPERTY + "=" + device + " was asked for, but the " + device
              + " hash grid cannot run here: " + why.get() + " (use cpu or auto)");
        }
        return Optional.of(p);
      }
      known.add(p.device());
    }
    throw new DeviceUnavailableException(DEVICE_PROPERTY + "=" + device + " is not a known device: expected one of "
        + known + (device.equals("cuda") ? " (the cuda device needs bakefeature-cuda on the class path)" : ""));
  }
}
