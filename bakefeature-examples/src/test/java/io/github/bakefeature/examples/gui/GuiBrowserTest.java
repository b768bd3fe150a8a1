package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.export.MaskExporter;
import io.github.bakefeature.core.fields.MethodPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * End to end in headless Chromium: a person paints two classes with real pointer events, sees the
 * overlay follow, undoes and redoes with keys and buttons, erases, moves between frames and exports
 * masks. Skips (with the reason) when Chromium or chromedriver is not installed; the server logic
 * it drives is covered without a browser by GuiServerApiTest and GuiServerWebSocketTest.
 */
class GuiBrowserTest {
  @TempDir
  Path tmp;

  @Test
  void paintsTwoClassesSeesTheOverlayUndoesRedoesErasesAndExportsMasks() throws Exception {
    Assumptions.assumeTrue(Browser.unavailable().isEmpty(), () -> "skipped: " + Browser.unavailable().orElse(""));
    long t0 = System.nanoTime();
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 4;
      o.width = 48;
      o.height = 36;
      o.method = MethodPreset.OURS;
      o.autoStart = true;
      o.server = SessionExports::register; // the exports `gui` ships
    });
         Browser browser = Browser.start(1400, 860)) {
      phase(t0, "server and browser started");
      var d = browser.driver;
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(90));
      // The page re-renders lists (classes, thumbnails) when events arrive: re-find, don't fail.
      wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
      d.get(f.server.url().toString());
      wait.until(x -> "connected".equals(d.findElement(By.tagName("body")).getDomAttribute("data-connection")));
      wait.until(x -> step(d) >= 0);
      assertEquals("BakeFeature — scene", d.getTitle());
      assertEquals(4, d.findElements(By.cssSelector(".thumb")).size());
      assertEquals(6, d.findElements(By.cssSelector(".class-item")).size());
      browser.screenshot("01-loaded");
      phase(t0, "loaded");

      // The two classes with the longest horizontal runs in frame 0's ground truth.
      int[][] runs = new int[6][];
      List<Integer> order = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        runs[c] = f.run(0, c, 3);
        if (runs[c] != null) {
          order.add(c);
        }
      }
      order.sort((x, y) -> Integer.compare(runs[y][1] - runs[y][0], runs[x][1] - runs[x][0]));
      int a = order.get(0);
      int b = order.get(1);
      assertTrue(runs[b][1] - runs[b][0] >= 6, "frame 0 shows two classes with room to paint");
      int[] ra = runs[a];
      int[] rb = runs[b];
      int midA = (ra[0] + ra[1]) / 2;
      int midB = (rb[0] + rb[1]) / 2;

      // Class a from the palette, class b with its number key; the brush size with "[".
      d.findElement(By.cssSelector(".class-item[data-id='" + a + "']")).click();
      setRadius(d, 2);
      draw(d, f, ra[0], ra[2], ra[1], ra[2]);
      wait.until(x -> disk(f, 0, midA, ra[2]) == a + 1);
      new Actions(d).sendKeys(Integer.toString(b + 1)).perform();
      assertTrue(d.findElement(By.cssSelector(".class-item[data-id='" + b + "']")).getDomAttribute("class").contains("selected"));
      draw(d, f, rb[0], rb[2], rb[1], rb[2]);
      wait.until(x -> disk(f, 0, midB, rb[2]) == b + 1);
      assertEquals(a + 1, disk(f, 0, midA, ra[2]), "the first stroke is kept");

      // The overlay follows: a render of the labelled session replaces the unlabelled one.
      long before = f.session.step();
      wait.until(x -> "true".equals(d.findElement(By.id("layer-seg")).getDomAttribute("data-labelled")) && step(d) > before);
      wait.until(x -> Integer.parseInt(d.findElement(By.id("layer-scribbles")).getDomAttribute("data-version")) >= 2);
      browser.screenshot("02-painted-overlay");
      phase(t0, "painted, overlay updated");

      // Undo with Ctrl+Z, redo with the button; undo with the button, redo with Ctrl+Shift+Z.
      new Actions(d).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
      wait.until(x -> disk(f, 0, midB, rb[2]) == 0);
      assertEquals(a + 1, disk(f, 0, midA, ra[2]));
      browser.screenshot("03-undone");
      phase(t0, "undone");
      d.findElement(By.id("redo")).click();
      wait.until(x -> disk(f, 0, midB, rb[2]) == b + 1);
      d.findElement(By.id("undo")).click();
      wait.until(x -> disk(f, 0, midB, rb[2]) == 0);
      new Actions(d).keyDown(Keys.CONTROL).keyDown(Keys.SHIFT).sendKeys("z").keyUp(Keys.SHIFT).keyUp(Keys.CONTROL).perform();
      wait.until(x -> disk(f, 0, midB, rb[2]) == b + 1);

      // Eraser (E) over the middle of stroke a.
      new Actions(d).sendKeys("e").perform();
      draw(d, f, midA, ra[2], midA, ra[2]);
      wait.until(x -> disk(f, 0, midA, ra[2]) == 0);
      assertEquals(a + 1, disk(f, 0, ra[0], ra[2]), "the eraser only clears under the brush");
      new Actions(d).sendKeys("b").perform();

      // A stroke that leaves the image and comes back elsewhere paints only its parts on the image,
      // not the way between along the border (which clamping the pointer to the image did).
      int w = f.session.scene().width();
      int h = f.session.scene().height();
      int borderBefore = disk(f, 0, w / 2, h - 1);
      int[][] path = {{2, h - 3}, {2, h + 2}, {w - 3, h + 2}, {w - 3, h - 3}};
      drawPath(d, f, path);
      wait.until(x -> disk(f, 0, 2, h - 3) == b + 1 && disk(f, 0, w - 3, h - 3) == b + 1);
      assertEquals(borderBefore, disk(f, 0, w / 2, h - 1), "the border between the two parts is not painted");

      // Frames: arrow key, then a thumbnail.
      new Actions(d).sendKeys(Keys.ARROW_RIGHT).perform();
      wait.until(x -> "1".equals(d.findElement(By.id("frame-box")).getDomAttribute("data-frame")));
      d.findElements(By.cssSelector(".thumb")).get(0).click();
      wait.until(x -> "0".equals(d.findElement(By.id("frame-box")).getDomAttribute("data-frame")));
      assertTrue(d.findElements(By.cssSelector(".thumb")).get(0).getDomAttribute("class").contains("annotated"));

      // Clear the frame with the button; Ctrl+Z brings the scribbles back.
      d.findElement(By.id("clear")).click();
      wait.until(x -> disk(f, 0, ra[0], ra[2]) == 0 && disk(f, 0, midB, rb[2]) == 0);
      new Actions(d).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
      wait.until(x -> disk(f, 0, ra[0], ra[2]) == a + 1 && disk(f, 0, midB, rb[2]) == b + 1);

      // Classes: add one with the form, rename it by double-clicking, recolour it with its swatch.
      // The field admits the server's limit in characters, i.e. up to twice as many UTF-16 units.
      assertEquals(2L * GuiLimits.defaults().maxClassNameLength(), ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
          "return document.getElementById('new-class-name').maxLength"));
      d.findElement(By.id("new-class-name")).sendKeys("lamp");
      d.findElement(By.cssSelector("#add-class button")).click();
      wait.until(x -> f.session.classes().size() == 7);
      wait.until(x -> d.findElement(By.cssSelector(".class-item[data-id='6']")).getDomAttribute("class").contains("selected"));
      WebElement edit = wait.until(x -> {
        java.util.List<WebElement> open = d.findElements(By.cssSelector(".class-item[data-id='6'] .class-name-edit"));
        if (!open.isEmpty()) {
          return open.get(0);
        }
        new Actions(d).doubleClick(d.findElement(By.cssSelector(".class-item[data-id='6'] .class-name"))).perform();
        return null; // look again on the next poll
      });
      edit.sendKeys(Keys.chord(Keys.CONTROL, "a"), "floor lamp", Keys.ENTER);
      wait.until(x -> f.session.classes().get(6).name().equals("floor lamp"));
      ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
          "const p = document.querySelector(\".class-item[data-id='6'] input[type=color]\");"
              + "p.value = '#00ff80'; p.dispatchEvent(new Event('change'));");
      wait.until(x -> f.session.classes().get(6).colour() == 0x00ff80);
      assertTrue(Files.readString(f.dir.resolve("metadata.json")).contains("floor lamp"));

      // Pause and resume training with the button; ask for a suggested frame.
      d.findElement(By.id("pause")).click();
      wait.until(x -> f.session.isPaused() && d.findElement(By.id("pause-label")).getText().equals("Resume"));
      d.findElement(By.id("pause")).click();
      wait.until(x -> !f.session.isPaused() && d.findElement(By.id("train-state")).getText().equals("Training"));
      d.findElement(By.id("suggest")).click();
      wait.until(x -> x.findElements(By.cssSelector(".toast")).stream().anyMatch(t -> t.getText().contains("least sure")));

      // Export masks from the menu: the real exporter, every frame, the session's classes.
      d.findElement(By.id("export")).click();
      d.findElement(By.cssSelector("[data-export='masks']")).click();
      WebElement done = wait.until(x -> x.findElements(By.cssSelector(".toast[data-state='done']")).stream().findFirst().orElse(null));
      wait.until(x -> done.getText().contains("4 masks")); // visible once its fade-in starts
      Path masks = f.dir.resolve("exports/masks");
      for (int i = 0; i < 4; i++) {
        String name = String.format("%05d.png", i);
        LabelImage mask = MaskExporter.readMask(masks.resolve(MaskExporter.MASKS).resolve(name));
        assertEquals(48 * 36, mask.width() * mask.height());
        assertTrue(Files.size(masks.resolve(MaskExporter.OVERLAYS).resolve(name)) > 0);
      }
      String legend = Files.readString(masks.resolve(MaskExporter.LEGEND));
      assertTrue(legend.contains("floor lamp") && legend.contains("#00ff80"), legend); // renamed, recoloured class
      // And the labelled point cloud.
      d.findElement(By.id("export")).click();
      d.findElement(By.cssSelector("[data-export='pointcloud']")).click();
      wait.until(x -> x.findElements(By.cssSelector(".toast[data-state='done']")).stream().anyMatch(t -> t.getText().contains("points")));
      byte[] ply = Files.readAllBytes(f.dir.resolve("exports/pointcloud").resolve(SessionExports.POINT_CLOUD_FILE));
      String header = new String(ply, 0, Math.min(ply.length, 2000), java.nio.charset.StandardCharsets.US_ASCII);
      assertTrue(header.startsWith("ply\nformat binary_little_endian 1.0\n") && header.contains("property float confidence")
          && header.contains("floor lamp"), header);
      browser.screenshot("04-exported");
      phase(t0, "exported");
      assertEquals(List.of(), browser.severeLogs(), "the page logged errors");
    }
  }

  @Test
  void exportThatFinishesWhileThePageIsDisconnectedStillEndsItsProgressToast() throws Exception {
    Assumptions.assumeTrue(Browser.unavailable().isEmpty(), () -> "skipped: " + Browser.unavailable().orElse(""));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GuiExport slow = (session, out, progress) -> {
      started.countDown();
      try {
        assertTrue(release.await(90, TimeUnit.SECONDS), "the test released the export");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("stopped");
      }
      Files.writeString(out.resolve("note.txt"), "done");
      return "one note";
    };
    try (GuiFixture f = GuiFixture.start(tmp, o -> {
      o.frames = 2;
      o.width = 32;
      o.height = 24;
      o.server = b -> b.optExport("slow", "Slow export", slow);
    });
         Browser browser = Browser.start(1000, 700)) {
      var d = browser.driver;
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(90));
      d.get(f.server.url().toString());
      wait.until(x -> "connected".equals(d.findElement(By.tagName("body")).getDomAttribute("data-connection")));
      // Every connection state the page goes through (it reconnects within a second, between polls).
      ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
          "window.connectionStates = [];"
              + "new MutationObserver(() => window.connectionStates.push(document.body.dataset.connection))"
              + ".observe(document.body, {attributes: true, attributeFilter: ['data-connection']});");
      d.findElement(By.id("export")).click();
      d.findElement(By.cssSelector("[data-export='slow']")).click();
      assertTrue(started.await(90, TimeUnit.SECONDS), "the export started");
      wait.until(x -> x.findElements(By.cssSelector(".toast")).stream().anyMatch(t -> t.getText().startsWith("Exporting")));

      // The page loses its socket; the export finishes before the page is back, so its last event
      // reaches no one, and the page must ask for the job when it reconnects.
      f.server.hub().disconnectAll();
      release.countDown();
      WebElement done = wait.until(x -> x.findElements(By.cssSelector(".toast[data-state='done']")).stream().findFirst().orElse(null));
      wait.until(x -> done.getText().contains("one note"));
      assertEquals("done", Files.readString(f.dir.resolve("exports/slow/note.txt")));
      assertTrue(d.findElements(By.cssSelector(".toast")).stream().noneMatch(t -> t.getText().startsWith("Exporting")),
          "the progress toast is gone");
      assertTrue(((List<?>) ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return window.connectionStates"))
          .contains("offline"), "the page saw its connection drop");
      assertEquals("connected", d.findElement(By.tagName("body")).getDomAttribute("data-connection"));
      assertEquals(List.of(), browser.severeLogs(), "the page logged errors");
    }
  }

  private static void phase(long t0, String what) {
    System.err.printf("GuiBrowserTest: %s after %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
  }

  /** The step of the overlay shown, or -1. */
  private static long step(org.openqa.selenium.WebDriver d) {
    String s = d.findElement(By.id("layer-seg")).getDomAttribute("data-step");
    return s == null ? -1 : Long.parseLong(s);
  }

  private static int disk(GuiFixture f, int frame, int x, int y) {
    try {
      return f.onDisk(frame, x, y);
    } catch (IOException e) {
      return -1; // being replaced right now; look again
    }
  }

  private static void setRadius(org.openqa.selenium.WebDriver d, double r) {
    WebElement size = d.findElement(By.id("brush-size"));
    while (Double.parseDouble(size.getDomProperty("value")) > r) {
      new Actions(d).sendKeys("[").perform();
    }
  }

  /** Drags the pointer from image pixel (x0, y0) to (x1, y1) in 8 moves, with real pointer events. */
  private static void draw(org.openqa.selenium.WebDriver d, GuiFixture f, int x0, int y0, int x1, int y1) {
    drawPath(d, f, new int[][] {{x0, y0}, {x1, y1}});
  }

  /** Drags the pointer through image pixels {@code path} (8 moves per segment; points may lie off the image). */
  private static void drawPath(org.openqa.selenium.WebDriver d, GuiFixture f, int[][] path) {
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
        "const r = document.getElementById('frame-box').getBoundingClientRect();"
            + "return {left: r.left, top: r.top, width: r.width, height: r.height};");
    double left = ((Number) r.get("left")).doubleValue();
    double top = ((Number) r.get("top")).doubleValue();
    double sx = ((Number) r.get("width")).doubleValue() / f.session.scene().width();
    double sy = ((Number) r.get("height")).doubleValue() / f.session.scene().height();
    Actions act = new Actions(d).moveToLocation((int) Math.round(left + (path[0][0] + 0.5) * sx),
        (int) Math.round(top + (path[0][1] + 0.5) * sy)).clickAndHold();
    for (int j = 1; j < path.length; j++) {
      int[] p0 = path[j - 1];
      int[] p1 = path[j];
      for (int k = 1; k <= 8; k++) {
        double x = p0[0] + (p1[0] - p0[0]) * k / 8.0;
        double y = p0[1] + (p1[1] - p0[1]) * k / 8.0;
        act.moveToLocation((int) Math.round(left + (x + 0.5) * sx), (int) Math.round(top + (y + 0.5) * sy));
      }
    }
    act.release().perform();
  }
}
