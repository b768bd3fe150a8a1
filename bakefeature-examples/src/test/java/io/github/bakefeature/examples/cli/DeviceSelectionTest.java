package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.core.encodings.HashGrids;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash grid device chosen with -Dbakefeature.device / BAKEFEATURE_DEVICE is checked before any work. */
class DeviceSelectionTest {
  @TempDir
  Path tmp;

  /** The device the JVM was started with (e.g. -Dbakefeature.device=cuda on a GPU run), put back after each test. */
  private String deviceBefore;

  @org.junit.jupiter.api.BeforeEach
  void rememberDevice() {
    deviceBefore = System.getProperty(HashGrids.DEVICE_PROPERTY);
  }

  @AfterEach
  void clear() {
    if (deviceBefore == null) {
      System.clearProperty(HashGrids.DEVICE_PROPERTY);
    } else {
      System.setProperty(HashGrids.DEVICE_PROPERTY, deviceBefore);
    }
  }

  @Test
  void unknownDeviceFailsBeforeAnyWorkWithExitCode2() {
    System.setProperty(HashGrids.DEVICE_PROPERTY, "tpu");
    Path out = tmp.resolve("scene");
    Cli.Result r = Cli.run("synth", "--frames", "2", "--width", "16", "--height", "12", "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("bakefeature synth: bakefeature.device=tpu is not a known device: expected one of [cpu, auto, cuda]"),
        r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(out.toFile().exists(), "nothing was written");
  }

  @Test
  void helpStillWorksWithABadDevice() {
    System.setProperty(HashGrids.DEVICE_PROPERTY, "tpu");
    assertEquals(0, Cli.run("train", "--help").code());
  }

  @Test
  void autoRunsOnWhateverThisMachineHas() {
    System.setProperty(HashGrids.DEVICE_PROPERTY, "auto");
    Path out = tmp.resolve("scene");
    Cli.Result r = Cli.run("synth", "--frames", "2", "--width", "16", "--height", "12", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
  }
}
