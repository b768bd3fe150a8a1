package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The feature options shared by features, train, simulate and gui, and the cache they select. */
class FeatureOptionsTest {
  private static final String CACHE_OPTIONS = "--dim 16 --ae-steps 20";

  private static Path scene(Path tmp) {
    Path scene = tmp.resolve("scene");
    assertEquals(0, Cli.run("synth", "--frames", "4", "--width", "32", "--height", "24", "--out", scene.toString())
        .code());
    return scene;
  }

  private static Cli.Result train(Path scene, Path tmp, String... featureOptions) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--scene", scene.toString(), "--method", "ours",
        "--iters", "1", "--rays", "32", "--holdout-every", "0", "--out", tmp.resolve("m.ckpt").toString()));
    args.addAll(List.of(featureOptions));
    return Cli.run(args.toArray(String[]::new));
  }

  private static List<String> cacheFolders(Path scene) throws IOException {
    try (Stream<Path> s = Files.list(scene.resolve("cache").resolve("features"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void everyCommandTrainingOursTakesTheFeaturesCommandsOptions() {
    CommandLine cl = BakeFeatureCli.newCommandLine();
    for (String command : new String[] {"features", "train", "simulate", "gui"}) {
      CommandLine.Model.CommandSpec spec = cl.getSubcommands().get(command).getCommandSpec();
      for (String option : new String[] {"--extractor", "--dim", "--ae-steps", "--short-side", "--patch",
          "--cache-dir", "--features"}) {
        assertNotNull(spec.findOption(option), command + " takes " + option);
      }
    }
  }

  @Test
  void trainUsesTheOneCacheFeaturesBuiltWithOtherSettingsAndSaysSo(@TempDir Path tmp) throws IOException {
    Path scene = scene(tmp);
    Cli.Result f = Cli.run("features", "--scene", scene.toString(), "--dim", "16", "--ae-steps", "20");
    assertEquals(0, f.code(), f.err());
    List<String> built = cacheFolders(scene);
    assertEquals(1, built.size(), built.toString());

    Cli.Result t = train(scene, tmp);
    assertEquals(0, t.code(), t.err());
    assertTrue(t.err().contains("features: using the existing cache built with " + CACHE_OPTIONS + " ("
        + scene.resolve("cache").resolve("features").resolve(built.get(0))), t.err());
    assertTrue(t.err().contains(") rather than building one for --dim 64 --ae-steps 1000 (pass those options"), t.err());
    assertTrue(t.err().contains("features: reused "), t.err());
    assertEquals(built, cacheFolders(scene), "no second cache");

    // An option given explicitly selects its own cache: the one built with --dim 16 does not agree with it.
    Cli.Result explicit = train(scene, tmp, "--dim", "64");
    assertEquals(0, explicit.code(), explicit.err());
    assertFalse(explicit.err().contains("using the cache"), explicit.err());
    assertTrue(explicit.err().contains("features: built (no cache yet)"), explicit.err());
    assertTrue(explicit.err().contains("note: D = 64 is not below the extractor's M = 50"), explicit.err());
    List<String> now = cacheFolders(scene);
    assertEquals(2, now.size(), now.toString());
    assertTrue(now.stream().anyMatch(n -> n.startsWith("filterbank-d64-")), now.toString());

    // With the defaults' cache present, it is what train uses.
    Cli.Result defaults = train(scene, tmp);
    assertEquals(0, defaults.code(), defaults.err());
    assertFalse(defaults.err().contains("using the cache"), defaults.err());
    assertTrue(defaults.err().contains("features: reused " + scene.resolve("cache").resolve("features")
        .resolve(now.stream().filter(n -> n.startsWith("filterbank-d64-")).findFirst().orElseThrow())), defaults.err());
  }

  @Test
  void severalAgreeingCachesAreListedWithTheirOptionsAndTheSelectedOneIsBuilt(@TempDir Path tmp) throws IOException {
    Path scene = scene(tmp);
    for (String dim : new String[] {"16", "8"}) {
      Cli.Result f = Cli.run("features", "--scene", scene.toString(), "--dim", dim, "--ae-steps", "20");
      assertEquals(0, f.code(), f.err());
    }
    Path root = scene.resolve("cache").resolve("features");
    List<String> before = cacheFolders(scene);

    // --ae-steps 20 agrees with both; D is left out, so neither is chosen over the other.
    Cli.Result t = train(scene, tmp, "--ae-steps", "20");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.err().contains("features: 2 caches of this scene from filterbank exist, none for --dim 64 --ae-steps 20,"
        + " which is built now"), t.err());
    for (String name : before) {
      String dim = name.startsWith("filterbank-d16-") ? "16" : "8";
      assertTrue(t.err().contains("  --dim " + dim + " --ae-steps 20  (" + root.resolve(name) + ")"), t.err());
    }
    assertFalse(t.err().contains("using the cache"), t.err());
    assertEquals(3, cacheFolders(scene).size());

    // Another option given picks the one cache that agrees.
    Cli.Result d8 = train(scene, tmp, "--ae-steps", "20", "--dim", "8");
    assertEquals(0, d8.code(), d8.err());
    assertTrue(d8.err().contains("features: reused " + root.resolve(
        before.stream().filter(n -> n.startsWith("filterbank-d8-")).findFirst().orElseThrow())), d8.err());
    assertEquals(3, cacheFolders(scene).size());
  }

  @Test
  void trainFindsATorchScriptCacheBuiltAtAnotherShortSide(@TempDir Path tmp) throws IOException {
    Path model = Path.of("..", "bakefeature-core", "src", "test", "resources", "io", "github", "bakefeature", "core",
        "features", "tiny_vit8.pt").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(model), "the tiny ViT fixture of bakefeature-core is committed at " + model);
    Path scene = scene(tmp);
    String extractor = "torchscript:" + model;
    Cli.Result f = Cli.run("features", "--scene", scene.toString(), "--extractor", extractor, "--short-side", "16",
        "--dim", "8", "--ae-steps", "20");
    assertEquals(0, f.code(), f.err());
    List<String> built = cacheFolders(scene);

    Cli.Result t = train(scene, tmp, "--extractor", extractor);
    assertEquals(0, t.code(), t.err());
    assertTrue(t.err().contains("using the existing cache built with --dim 8 --ae-steps 20 --short-side 16"
        + " --patch 8"), t.err());
    assertTrue(t.err().contains("-short16-patch8-"), "the extractor at the cache's short side: " + t.err());
    assertEquals(built, cacheFolders(scene));

    // The filter bank's default is not that cache: another extractor never selects it.
    Cli.Result bank = train(scene, tmp, "--ae-steps", "20", "--dim", "8");
    assertEquals(0, bank.code(), bank.err());
    assertFalse(bank.err().contains("using the cache"), bank.err());
    assertEquals(2, cacheFolders(scene).size());
  }

  @Test
  void outOfRangeValuesNameTheirOptionBeforeAnythingIsLoaded(@TempDir Path tmp) {
    String missingModel = "torchscript:" + tmp.resolve("missing.pt");
    String[][] cases = {
        {"--dim", "0", "--dim must be in [1, 4096] dimensions, found 0"},
        {"--dim", "-3", "--dim must be in [1, 4096] dimensions, found -3"},
        {"--ae-steps", "0", "--ae-steps must be in [1, 1000000] optimiser steps, found 0"},
        {"--short-side", "-5", "--short-side must be in [1, 8192] pixels, found -5"},
        {"--patch", "0", "--patch must be in [1, 1024] pixels, found 0"},
    };
    Path scene = tmp.resolve("no-scene-needed");
    for (String command : new String[] {"features", "train", "simulate", "gui"}) {
      for (String[] c : cases) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--scene", scene.toString(),
            "--extractor", missingModel, c[0], c[1]));
        if (command.equals("train") || command.equals("simulate")) {
          args.addAll(List.of("--out", tmp.resolve("out").toString()));
        }
        if (command.equals("simulate")) {
          args.addAll(List.of("--rounds", "1"));
        }
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), command + " " + c[0] + " " + c[1] + ": " + r.err());
        assertTrue(r.err().contains(c[2]), command + ": " + r.err());
        assertFalse(r.err().contains("missing.pt"), "checked before the extractor is built: " + r.err());
      }
    }
  }

  @Test
  void torchScriptOnlyOptionsAreRefusedWithTheFilterBank(@TempDir Path tmp) {
    for (String option : new String[] {"--short-side", "--patch"}) {
      Cli.Result r = Cli.run("features", "--scene", tmp.resolve("scene").toString(), option, "8");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains(option + " applies to torchscript:PATH extractors only, found --extractor filterbank"),
          r.err());
    }
  }
}
