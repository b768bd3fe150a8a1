package io.github.bakefeature.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BakeFeatureCliTest {
  @Test
  void everyCommandsVersionOptionPrintsTheToolsVersion() {
    String expected = Cli.run("--version").out().strip();
    assertTrue(expected.startsWith("bakefeature "), expected);
    for (String name : BakeFeatureCli.newCommandLine().getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue; // picocli's help command has no version option
      }
      for (String option : new String[] {"--version", "-V"}) {
        Cli.Result r = Cli.run(name, option);
        assertEquals(0, r.code(), name + " " + option + ": " + r.err());
        assertEquals(expected, r.out().strip(), name + " " + option);
      }
    }
  }
}
