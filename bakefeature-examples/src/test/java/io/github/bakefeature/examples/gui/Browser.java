package io.github.bakefeature.examples.gui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium through the system's chromedriver (Debian packages {@code chromium} and
 * {@code chromium-driver}), with a fresh profile and everything that would reach the network off.
 */
final class Browser implements AutoCloseable {
  /** Where screenshots go (module's target folder). */
  static final Path SCREENSHOTS = Path.of("target", "gui-screenshots");

  final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** The Chromium binary, if installed (system property {@code bakefeature.chromium} overrides). */
  static Optional<Path> chromium() {
    return find("bakefeature.chromium", "chromium", "chromium-browser", "google-chrome");
  }

  /** The chromedriver binary, if installed (system property {@code bakefeature.chromedriver} overrides). */
  static Optional<Path> chromedriver() {
    return find("bakefeature.chromedriver", "chromedriver");
  }

  private static Optional<Path> find(String property, String... names) {
    String p = System.getProperty(property);
    if (p != null) {
      return Optional.of(Path.of(p)).filter(Files::isExecutable);
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : names) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path c = Path.of(dir, name);
        if (Files.isExecutable(c)) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  /** Why the browser cannot run here, or empty if it can. */
  static Optional<String> unavailable() {
    if (chromium().isEmpty()) {
      return Optional.of("Chromium is not installed (apt-get install -y chromium chromium-driver)");
    }
    if (chromedriver().isEmpty()) {
      return Optional.of("chromedriver is not installed (apt-get install -y chromium-driver)");
    }
    return Optional.empty();
  }

  static Browser start(int width, int height) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path profile = Files.createTempDirectory("bakefeature-chromium-");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(chromium().orElseThrow().toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--disable-default-apps", "--hide-scrollbars", "--force-device-scale-factor=1",
        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver().orElseThrow().toFile())
        .usingAnyFreePort()
        .withLogFile(SCREENSHOTS.resolve("chromedriver.log").toFile())
        .build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new Browser(d, profile);
  }

  /** Saves a screenshot of the page as {@code target/gui-screenshots/<name>.png}; returns the file. */
  Path screenshot(String name) throws IOException {
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /** Messages the page logged at level SEVERE (uncaught errors, failed requests). */
  List<String> severeLogs() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(e -> e.getMessage())
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary profile left behind is harmless
      }
    }
  }
}
