package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parseErrorsGiveTheReasonAndPlaceWithoutTheParsersSourceDescription() {
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> JSON.readTree("{\"a\": [1,\n 2"));
    String d = ErrorText.describe(e);
    assertEquals("Unexpected end-of-input: expected close marker for Array at line 2, column 3", d);
    e = assertThrows(JsonProcessingException.class, () -> JSON.readTree("{\"a\": x}"));
    assertEquals("Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' "
        + "or 'false') at line 1, column 8", ErrorText.describe(e));
  }

  @Test
  void parseErrorsLeaveOutJacksonsAdviceToProgrammers() throws Exception {
    // Before: "... enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" reached the app's page.
    com.fasterxml.jackson.databind.ObjectMapper strict = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String json : new String[] {"{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "/*c*/{}",
        "[".repeat(1100), "{\"a\":" + "1".repeat(5000) + "}"}) {
      JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> strict.readTree(json));
      String d = ErrorText.describe(e);
      assertTrue(!d.contains("`") && !d.contains("Feature") && !d.contains("JsonReadFeature")
          && !d.contains("StreamReadConstraints"), json.substring(0, Math.min(20, json.length())) + ": " + d);
      assertTrue(!d.isBlank(), json.substring(0, Math.min(20, json.length())));
    }
  }

  @Test
  void otherErrorsGiveTheirFirstLine() {
    assertEquals("disk full", ErrorText.describe(new IOException("disk full\nmore")));
    assertEquals("IOException", ErrorText.describe(new IOException()));
  }

  @Test
  void reasonsLeaveOutJavaClassNames() {
    assertEquals("Unexpected end of ZLIB input stream",
        ErrorText.reason(new java.io.EOFException("Unexpected end of ZLIB input stream")));
    assertEquals("Unknown row filter type (= 9)!",
        ErrorText.reason(new RuntimeException("javax.imageio.IIOException: Unknown row filter type (= 9)!")));
    assertEquals("unexpected end of file", ErrorText.reason(new java.io.EOFException()));
    assertEquals("permission denied", ErrorText.reason(new java.nio.file.AccessDeniedException("/x/y.png")));
    assertEquals("Is a directory", ErrorText.reason(new java.nio.file.FileSystemException("/x", null, "Is a directory")));
  }
}
