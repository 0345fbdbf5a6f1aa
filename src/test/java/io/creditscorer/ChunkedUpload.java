package io.creditscorer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends a body of {@code bytes} spaces over a plain socket, with chunked transfer encoding or with
 * its length declared, and returns the HTTP status the server answered. A server that refuses the
 * body may close the connection while it is still being sent; the status it answered first is still
 * read (an HTTP client would report the broken pipe instead).
 */
public final class ChunkedUpload {

  private ChunkedUpload() {}

  public static int status(int port, String path, long bytes) throws IOException {
    return send(port, path, bytes, true);
  }

  /** The same body with {@code Content-Length} instead of chunks. */
  public static int statusWithLength(int port, String path, long bytes) throws IOException {
    return send(port, path, bytes, false);
  }

  private static int send(int port, String path, long bytes, boolean chunked) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        out.write(
            ("POST "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + bytes)
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (long sent = 0; sent < bytes; sent += chunk.length) {
          int n = (int) Math.min(chunk.length, bytes - sent);
          if (chunked) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          out.write(chunk, 0, n);
          if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        }
        if (chunked) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (IOException refusedWhileSending) {
        // the server answered and closed before the whole body was sent
      }
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      if (parts.length < 2) {
        throw new IOException("no status line, got '" + line + "'");
      }
      return Integer.parseInt(parts[1]);
    }
  }
}
