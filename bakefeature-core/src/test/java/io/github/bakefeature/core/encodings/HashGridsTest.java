package io.github.bakefeature.core.encodings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HashGridsTest {
  private static final HashGridEncoding.Builder SMALL = HashGridEncoding.builder().optLevels(2).optLog2TableSize(10);

  /** A provider that records what it was asked to wrap. */
  private static class FakeProvider implements HashGridProvider {
    final String device;
    final String unavailable;
    HashGridEncoding template;

    FakeProvider(String device, String unavailable) {
      this.device = device;
      this.unavailable = unavailable;
    }

    @Override
    public String device() {
      return device;
    }

    @Override
    public Optional<String> unavailableReason() {
      return Optional.ofNullable(unavailable);
    }

    @Override
    public TrainableEncoding create(HashGridEncoding template) {
      this.template = template;
      return HybridEncoding.hashGridAndFrequency(template);
    }
  }

  /** The device the JVM was started with (e.g. -Dbakefeature.device=cuda on a GPU run), put back after each test. */
  private String deviceBefore;

  @org.junit.jupiter.api.BeforeEach
  void rememberDevice() {
    deviceBefore = System.getProperty(HashGrids.DEVICE_PROPERTY);
  }

  @AfterEach
  void clearProperty() {
    if (deviceBefore == null) {
      System.clearProperty(HashGrids.DEVICE_PROPERTY);
    } else {
      System.setProperty(HashGrids.DEVICE_PROPERTY, deviceBefore);
    }
  }

  @Test
  void cpuIsTheDefaultDevice() {
    System.clearProperty(HashGrids.DEVICE_PROPERTY);
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(HashGrids.DEVICE_ENV) == null,
        HashGrids.DEVICE_ENV + " is set in this environment, so the default is not in effect");
    assertEquals("cpu", HashGrids.selectedDevice());
    assertInstanceOf(HashGridEncoding.class, HashGrids.create(SMALL));
  }

  @Test
  void propertySelectsTheDeviceCaseInsensitively() {
    System.setProperty(HashGrids.DEVICE_PROPERTY, " CUDA ");
    assertEquals("cuda", HashGrids.selectedDevice());
  }

  @Test
  void cpuNeverAsksProviders() {
    FakeProvider gpu = new FakeProvider("gpu", null);
    assertInstanceOf(HashGridEncoding.class, HashGrids.create(SMALL, "cpu", List.of(gpu)));
    assertEquals(null, gpu.template);
  }

  @Test
  void autoTakesTheFirstAvailableProvider() {
    FakeProvider broken = new FakeProvider("tpu", "no TPU");
    FakeProvider gpu = new FakeProvider("gpu", null);
    TrainableEncoding grid = HashGrids.create(SMALL, "auto", List.of(broken, gpu));
    assertInstanceOf(HybridEncoding.class, grid);
    assertEquals(null, broken.template);
    assertSame(gpu.template, ((HybridEncoding) grid).parts().get(0));
    assertEquals(2, gpu.template.levels());
  }

  @Test
  void autoFallsBackToTheCpuWhenNoProviderCanRun() {
    TrainableEncoding grid = HashGrids.create(SMALL, "auto", List.of(new FakeProvider("gpu", "no driver")));
    assertInstanceOf(HashGridEncoding.class, grid);
  }

  @Test
  void autoFallsBackToTheCpuWhenTheAvailableProviderCannotTakeTheGrid() {
    FakeProvider full = new FakeProvider("gpu", null) {
      @Override
      public TrainableEncoding create(HashGridEncoding template) {
        throw new IllegalStateException("out of device memory");
      }
    };
    assertInstanceOf(HashGridEncoding.class, HashGrids.create(SMALL, "auto", List.of(full)));
    // Named explicitly, the failure is the answer.
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> HashGrids.create(SMALL, "gpu", List.of(full)));
    assertEquals("out of device memory", e.getMessage());
  }

  @Test
  void namedDeviceThatCannotRunSaysWhy() {
    IllegalStateException e = assertThrows(DeviceUnavailableException.class,
        () -> HashGrids.create(SMALL, "gpu", List.of(new FakeProvider("gpu", "no driver"))));
    assertTrue(e.getMessage().contains("no driver") && e.getMessage().contains("bakefeature.device=gpu"),
        e.getMessage());
  }

  @Test
  void unknownDeviceListsTheKnownOnes() {
    IllegalStateException e = assertThrows(DeviceUnavailableException.class,
        () -> HashGrids.create(SMALL, "cuda", List.of(new FakeProvider("gpu", null))));
    assertTrue(e.getMessage().contains("[cpu, auto, gpu]"), e.getMessage());
    assertTrue(e.getMessage().contains("bakefeature-cuda"), e.getMessage());
  }
}
