package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class JsonErrorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parseErrorsGiveTheReasonAndPlaceWithoutTheParsersSourceDescription() {
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> JSON.readTree("{\"a\": [1,\n 2"));
    String d = JsonErrors.describe(e);
    assertEquals("Unexpected end-of-input: expected close marker for Array at line 2, column 3", d);
    e = assertThrows(JsonProcessingException.class, () -> JSON.readTree("{\"a\": x}"));
    assertEquals("Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' "
        + "or 'false') at line 1, column 8", JsonErrors.describe(e));
  }

  @Test
  void otherErrorsGiveTheirFirstLine() {
    assertEquals("disk full", JsonErrors.describe(new IOException("disk full\nmore")));
    assertEquals("java.io.IOException", JsonErrors.describe(new IOException()));
  }
}
