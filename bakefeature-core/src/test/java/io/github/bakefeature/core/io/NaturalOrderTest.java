package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {

  @Test
  void ordersDigitRunsAsNumbers() {
    List<String> names = new ArrayList<>(List.of("rgb_10.png", "rgb_9.png", "rgb_100.png", "rgb_0.png",
        "rgb_1.png", "rgb_11.png"));
    names.sort(NaturalOrder.INSTANCE);
    assertEquals(List.of("rgb_0.png", "rgb_1.png", "rgb_9.png", "rgb_10.png", "rgb_11.png", "rgb_100.png"), names);
  }

  @Test
  void handlesZeroPaddingHugeNumbersAndPrefixes() {
    assertTrue(NaturalOrder.INSTANCE.compare("00009", "00010") < 0);
    assertTrue(NaturalOrder.INSTANCE.compare("frame-99999999999999999999", "frame-100000000000000000000") < 0);
    assertTrue(NaturalOrder.INSTANCE.compare("a", "a1") < 0);
    // Equal numbers with different padding are still distinct and ordered consistently.
    int c = NaturalOrder.INSTANCE.compare("7", "007");
    assertTrue(c != 0 && Integer.signum(c) == -Integer.signum(NaturalOrder.INSTANCE.compare("007", "7")));
    assertEquals(0, NaturalOrder.INSTANCE.compare("x12y", "x12y"));
  }
}
