package io.github.bakefeature.examples.gui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Host check against DNS rebinding; the loopback policy is also exercised end to end in GuiServerApiTest. */
class HostPolicyTest {
  @Test
  void loopbackAcceptsTheLoopbackNamesOnAnyPort() {
    HostPolicy p = HostPolicy.loopback("127.0.0.2", 8765);
    // Any port: a forwarded one (ssh -L 9000:127.0.0.1:8765) or port 80, which browsers leave out.
    for (String ok : new String[] {"127.0.0.1:8765", "LOCALHOST:8765", "[::1]:8765", "127.0.0.2:8765", "127.0.0.1:9000",
        "127.0.0.1", "localhost:80"}) {
      assertTrue(p.allows(ok), ok);
    }
    for (String no : new String[] {"10.0.0.5:8765", "attacker.example:8765", "attacker.example", "127.0.0.1:99999",
        "127.0.0.1:80:80", "127.0.0.1:", "localhost.evil:8765", "", null}) {
      assertFalse(p.allows(no), String.valueOf(no));
    }
  }

  @Test
  void onTheNetworkAcceptsIpLiteralsAndListedNamesButNoOtherNameAsARebindingPageWouldSend() {
    HostPolicy p = HostPolicy.network(Set.of("gpu-box.lab"), 8765);
    for (String ok : new String[] {"10.0.0.5:8765", "192.168.1.20:8765", "[fe80::1%eth0]:8765", "[2001:db8::7]:8765",
        "GPU-BOX.lab:8765", "10.0.0.5", "gpu-box.lab:9000"}) {
      assertTrue(p.allows(ok), ok);
    }
    for (String no : new String[] {"attacker.example:8765", "999.1.1.1:8765", "10.0.0.5.nip.io:8765", "[::1]:8765.evil",
        "1.2.3:8765", "gpu-box.lab.evil", null}) {
      assertFalse(p.allows(no), String.valueOf(no));
    }
    assertTrue(p.describe().contains("an IP address") && p.describe().contains("gpu-box.lab"), p.describe());
  }

  @Test
  void nothingIsAcceptedWhileStarting() {
    assertTrue(HostPolicy.STARTING.starting());
    assertFalse(HostPolicy.STARTING.allows("127.0.0.1:8765"));
  }

  @Test
  void allowedNamesMustBeHostNames() {
    assertTrue(HostPolicy.checkName("Gpu-Box.lab").equals("gpu-box.lab"));
    for (String bad : new String[] {"", "gpu box", "gpu-box.lab:8765", "-x.lab", "a/b", "http://x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPolicy.checkName(bad), bad);
      assertTrue(e.getMessage().contains("expected a host name"), e.getMessage());
    }
  }
}
