package io.github.bakefeature.examples.gui;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Hand-written HTTP/1.1 requests (duplicate headers, odd paths, slow bodies) on a plain socket. */
final class RawHttp {
  private RawHttp() {}

  /** A parsed answer. */
  record Answer(int status, List<String[]> headers, String body) {
    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    JsonNode json() throws IOException {
      return GuiFixture.JSON.readTree(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** Sends {@code head} (request line and headers, lines joined with CRLF, blank line added) and {@code body}. */
  static Answer send(int port, String head, String body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write((head.replace("\n", "\r\n") + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(s.getInputStream());
    }
  }

  /** Reads one answer from {@code in} (the server closes the connection or sends Content-Length). */
  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed before the end of the headers: " + head);
      }
      head.write(c);
      matched = (c == '\r' || c == '\n') && (matched % 2 == 0) == (c == '\r') ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String[]> headers = new ArrayList<>();
    int length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        String name = lines[i].substring(0, colon).trim();
        String value = lines[i].substring(colon + 1).trim();
        headers.add(new String[] {name, value});
        if (name.toLowerCase(Locale.ROOT).equals("content-length")) {
          length = Integer.parseInt(value);
        }
      }
    }
    byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
  }
}
