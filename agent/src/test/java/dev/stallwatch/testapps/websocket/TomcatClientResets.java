package dev.stallwatch.testapps.websocket;

import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Tomcat's own send semaphores after abrupt client resets, next to a true leak in the same JVM. {@code args[0]}
 * clients each open a WebSocket with a raw socket, send one frame asking for a flood of replies, read a little, and
 * reset the connection (SO_LINGER 0, then close) while the server is still sending. Tomcat's blocking sends then fail
 * or time out (after 500 ms here), and Tomcat abandons such a connection with a permit of its write semaphore still
 * taken by a pool thread that has gone back to waiting for work (seen with the agent: 0 permits available, never
 * returned). Then one application thread takes a permit of a connection pool in a method that returns without giving
 * it back, while the others keep using the pool: that one is a leak. Stays alive until killed.
 */
public final class TomcatClientResets {
  private static final Semaphore CONNECTIONS = new Semaphore(3);
  private static final byte[] CHUNK = new byte[64 * 1024];

  /** Answers every message with a flood of text, as a server pushing a large document does. */
  @ServerEndpoint("/flood")
  public static final class FloodEndpoint {
    @OnOpen
    public void open(Session session) {
      // A blocked send gives up after 500 ms instead of Tomcat's 20 s: the timeout path is the one that abandons.
      session.getUserProperties().put("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT", 500L);
    }

    @OnMessage
    public void flood(String request, Session session) throws IOException {
      String chunk = new String(CHUNK, StandardCharsets.ISO_8859_1).replace('\0', 'x');
      for (int i = 0; i < 2_000 && session.isOpen(); i++) {
        session.getBasicRemote().sendText(chunk);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int clients = Integer.parseInt(args[0]);
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> container.addEndpoint(FloodEndpoint.class))) {
      int port = Integer.parseInt(tomcat.baseUri().substring(tomcat.baseUri().lastIndexOf(':') + 1));
      for (int i = 0; i < clients; i++) {
        resetWhileTheServerSends(port);
      }
      System.out.println("clients reset: " + clients);

      leakOneConnection();
      for (int i = 0; i < 50; i++) { // the pool stays in use after the leak
        CONNECTIONS.acquire();
        CONNECTIONS.release();
        Thread.sleep(20);
      }
      System.out.println("leaked one; available " + CONNECTIONS.availablePermits());
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static void leakOneConnection() throws InterruptedException {
    CountDownLatch taken = new CountDownLatch(1);
    Thread worker = new Thread(() -> {
      takeAndForget();
      taken.countDown();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "leaky-worker");
    worker.setDaemon(true);
    worker.start();
    taken.await(5, TimeUnit.SECONDS);
  }

  private static void takeAndForget() {
    CONNECTIONS.acquireUninterruptibly(); // BUG: never released
  }

  /** A raw WebSocket client: handshake, one masked text frame, a little reading, then a TCP reset. */
  private static void resetWhileTheServerSends(int port) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setReceiveBufferSize(4096);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      String key = Base64.getEncoder().encodeToString("stallwatch-reset!".substring(0, 16).getBytes(
          StandardCharsets.US_ASCII));
      out.write(("GET /flood HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      readHeaders(in);
      byte[] payload = "more".getBytes(StandardCharsets.US_ASCII);
      byte[] mask = {1, 2, 3, 4};
      byte[] frame = new byte[2 + 4 + payload.length];
      frame[0] = (byte) 0x81; // FIN, text
      frame[1] = (byte) (0x80 | payload.length); // masked
      System.arraycopy(mask, 0, frame, 2, 4);
      for (int i = 0; i < payload.length; i++) {
        frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
      }
      out.write(frame);
      out.flush();
      byte[] buffer = new byte[8192];
      int read = 0;
      while (read < 100_000) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        read += n;
      }
      Thread.sleep(50); // the server fills the socket's buffers and blocks in its send
      socket.setSoLinger(true, 0);
    }
  }

  private static void readHeaders(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }
}
