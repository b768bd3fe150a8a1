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

  @Test
  void noCommandIsAUsageErrorThatListsTheCommands() {
    // Before: the usage was printed with exit code 0, so a script calling the tool without a
    // command (an empty variable) passed.
    Cli.Result none = Cli.run();
    assertEquals(2, none.code(), none.err());
    assertTrue(none.err().startsWith("bakefeature: expected a command, found none"), none.err());
    assertTrue(none.err().contains("quickstart") && none.err().contains("Commands:"), none.err());
    Cli.Result help = Cli.run("--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().contains("quickstart"), help.out());
  }
}
