package io.github.bakefeature.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.encodings.DeviceUnavailableException;
import io.github.bakefeature.core.encodings.HashGridEncoding;
import io.github.bakefeature.core.encodings.HashGridProvider;
import io.github.bakefeature.core.encodings.HashGrids;
import io.github.bakefeature.core.encodings.TrainableEncoding;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery of the CUDA device through {@link HashGrids}, on machines with and without a GPU. */
class CudaHashGridProviderTest {

  /** The device the JVM was started with (e.g. -Dbakefeature.device=cuda on a GPU run), put back after each test. */
  private String deviceBefore;

  @org.junit.jupiter.api.BeforeEach
  void rememberDevice() {
    deviceBefore = System.getProperty(HashGrids.DEVICE_PROPERTY);
  }

  @AfterEach
  void clearDevice() {
    if (deviceBefore == null) {
      System.clearProperty(HashGrids.DEVICE_PROPERTY);
    } else {
      System.setProperty(HashGrids.DEVICE_PROPERTY, deviceBefore);
    }
  }

  @Test
  void isFoundOnTheClassPathAsTheCudaDevice() {
    List<HashGridProvider> providers = HashGrids.providers();
    assertTrue(providers.stream().anyMatch(p -> p instanceof CudaHashGridProvider && p.device().equals("cuda")),
        "providers found: " + providers);
  }

  @Test
  void cudaDeviceGivesAGpuGridOrSaysWhyNot() {
    System.setProperty(HashGrids.DEVICE_PROPERTY, "cuda");
    Optional<String> why = new CudaHashGridProvider().unavailableReason();
    HashGridEncoding.Builder config = HashGridEncoding.builder().optLevels(4).optLog2TableSize(12);
    if (why.isPresent()) {
      IllegalStateException e = assertThrows(DeviceUnavailableException.class, () -> HashGrids.create(config));
      assertTrue(e.getMessage().contains(why.get()), e.getMessage());
      assertTrue(e.getMessage().contains("bakefeature.device=cuda"), e.getMessage());
    } else {
      TrainableEncoding grid = HashGrids.create(config);
      assertInstanceOf(CudaHashGridEncoding.class, grid);
      ((CudaHashGridEncoding) grid).close();
    }
  }

  @Test
  void autoFallsBackToTheCpuWithoutAGpu() {
    System.setProperty(HashGrids.DEVICE_PROPERTY, "auto");
    TrainableEncoding grid = HashGrids.create(HashGridEncoding.builder().optLevels(4).optLog2TableSize(12));
    boolean gpu = new CudaHashGridProvider().unavailableReason().isEmpty();
    assertEquals(gpu ? CudaHashGridEncoding.class : HashGridEncoding.class, grid.getClass());
    if (grid instanceof CudaHashGridEncoding c) {
      c.close();
    }
  }

  @Test
  void explainsWhyThisMachineCannotRunIt() {
    // On a machine without the NVIDIA driver the reason names it; with a GPU there is none.
    new CudaHashGridProvider().unavailableReason().ifPresent(why ->
        assertTrue(why.contains("driver") || why.contains("GPU") || why.contains("nvcc") || why.contains("CUDA"), why));
  }
}
