package io.github.bakefeature.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
