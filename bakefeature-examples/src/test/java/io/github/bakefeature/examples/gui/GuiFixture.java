package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bakefeature.api.feature.FeatureMap;
import io.github.bakefeature.api.scene.LabelImage;
import io.github.bakefeature.core.features.FeatureAutoencoder;
import io.github.bakefeature.core.features.FeatureCache;
import io.github.bakefeature.core.features.FeaturePca;
import io.github.bakefeature.core.features.FilterBankFeatureExtractor;
import io.github.bakefeature.core.fields.MethodPreset;
import io.github.bakefeature.core.pipelines.TrainerConfig;
import io.github.bakefeature.core.scene.SceneFolder;
import io.github.bakefeature.core.scene.SceneWriter;
import io.github.bakefeature.core.session.DefaultLabelSession;
import io.github.bakefeature.core.synth.Preset;
import io.github.bakefeature.core.synth.SyntheticScene;
import io.github.bakefeature.core.synth.SyntheticScenes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * A small synthetic scene on disk, a label session on it (small hash table, few rays) and the app
 * serving it on 127.0.0.1 at an ephemeral port. Closing stops the server, then the session.
 */
final class GuiFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final SyntheticScene synth;
  final DefaultLabelSession session;
  final GuiServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Options of a fixture. */
  static final class Options {
    int frames = 4;
    int width = 48;
    int height = 36;
    MethodPreset method = MethodPreset.SNERF_HG_FREQ;
    boolean autoStart = false;
    int rays = 128;
    Consumer<GuiServer.Builder> server = b -> {};
  }

  private GuiFixture(Path dir, SyntheticScene synth, DefaultLabelSession session, GuiServer server) {
    this.dir = dir;
    this.synth = synth;
    this.session = session;
    this.server = server;
  }

  static GuiFixture start(Path tmp, Consumer<Options> configure) throws IOException {
    Options o = new Options();
    configure.accept(o);
    Path dir = tmp.resolve("scene");
    SyntheticScene synth = SyntheticScenes.generate(Preset.TABLETOP, o.frames, o.width, o.height, 3);
    SceneWriter.write(synth.scene(), dir);
    SceneFolder scene = SceneFolder.open(dir);
    FeatureCache cache = null;
    FeaturePca pca = null;
    if (o.method.usesFeatures()) {
      cache = FeatureCache.builder(scene,
              FilterBankFeatureExtractor.builder().optSigmas(0.7, 1.6, 3.5).optStride(2).build())
          .optDimension(8)
          .optMaxSamples(2000)
          .optTrainer(FeatureAutoencoder.trainer().optHiddenDimension(32).optSteps(40).optBatchSize(64))
          .build();
      List<FeatureMap> maps = new ArrayList<>();
      for (int i = 0; i < scene.size(); i++) {
        maps.add(cache.encodedMap(i));
      }
      pca = FeaturePca.fit(maps, 4000, 0);
    }
    DefaultLabelSession session = DefaultLabelSession.builder(scene)
        .optMethod(o.method)
        .optFeatures(cache)
        .optFieldOptions(b -> b.optHashLog2TableSize(14).optHashMaxResolution(256))
        .optTrainerConfig(TrainerConfig.builder().optRaysPerBatch(o.rays).build())
        .optAutoStart(o.autoStart)
        .build();
    try {
      GuiServer.Builder b = GuiServer.builder(session).optLiveRenderInterval(Duration.ofMillis(150));
      if (pca != null) {
        b.optFeaturePca(pca);
      }
      o.server.accept(b);
      return new GuiFixture(dir, synth, session, b.start());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** A response with its body as bytes. */
  record Response(int status, HttpHeaders headers, byte[] bytes) {
    String text() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    JsonNode json() throws IOException {
      return JSON.readTree(bytes);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    BufferedImage image() throws IOException {
      return ImageIO.read(new ByteArrayInputStream(bytes));
    }
  }

  Response send(HttpRequest.Builder req) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(req.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Response(r.statusCode(), r.headers(), r.body());
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Response post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** {@link #post} on behalf of {@code author} (the page sends its browser's id). */
  Response post(String path, String json, String author) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .header(Api.AUTHOR_HEADER, author).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response patch(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  /** The raw value of pixel (x, y) of {@code semantic/<frame>.png} on disk (0 = none, k + 1 = class k). */
  int onDisk(int frame, int x, int y) throws IOException {
    Path png = dir.resolve("semantic").resolve(String.format("%05d.png", frame));
    if (!Files.exists(png)) {
      return 0;
    }
    return ImageIO.read(png.toFile()).getRaster().getSample(x, y, 0);
  }

  /** The ground-truth class map of {@code frame}. */
  LabelImage groundTruth(int frame) throws IOException {
    return synth.scene().frame(frame).groundTruth().orElseThrow();
  }

  /**
   * The longest horizontal run of ground-truth class {@code c} in {@code frame} whose pixels are at
   * least {@code margin} from the image border, as {x0, x1, y}; null if the class is absent.
   */
  int[] run(int frame, int c, int margin) throws IOException {
    LabelImage gt = groundTruth(frame);
    int[] best = null;
    for (int y = margin; y < gt.height() - margin; y++) {
      int start = -1;
      for (int x = margin; x <= gt.width() - margin; x++) {
        boolean in = x < gt.width() - margin && gt.get(x, y) == c
            && (y == 0 || gt.get(x, y - 1) == c) && (y + 1 >= gt.height() || gt.get(x, y + 1) == c);
        if (in && start < 0) {
          start = x;
        } else if (!in && start >= 0) {
          if (best == null || x - 1 - start > best[1] - best[0]) {
            best = new int[] {start, x - 1, y};
          }
          start = -1;
        }
      }
    }
    return best;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      session.close();
    }
  }
}
