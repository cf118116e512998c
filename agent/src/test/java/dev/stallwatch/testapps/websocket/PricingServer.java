package dev.stallwatch.testapps.websocket;

import com.sun.net.httpserver.HttpServer;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A WebSocket handler as a team running the OpenTelemetry Java agent writes one, on embedded Tomcat: each message is
 * priced by a block method ({@code Pricing.price}) that asks a local HTTP service with the JDK's {@code HttpClient},
 * reads the stock from an in-memory H2 database over JDBC, and then waits for a lock another thread holds for
 * {@code args[0]} ms (a {@code lock_wait} detection while the message is handled). One client sends one message and
 * closes, having asked for the sub-protocol {@value #SUBPROTOCOL}. The OpenTelemetry agent traces the upgrade request,
 * the HTTP call and the query; stallwatch the session, the message, the block and the wait.
 */
public final class PricingServer {
  /** The sub-protocol the client asks for and the endpoint accepts. */
  public static final String SUBPROTOCOL = "orders.v1";

  private PricingServer() {}

  public static void main(String[] args) throws Exception {
    HttpServer prices = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    prices.createContext("/price", exchange -> {
      byte[] body = "42".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    prices.start();
    // Loads the block class (and so has it instrumented) now, not at the first message.
    Pricing.configure("http://127.0.0.1:" + prices.getAddress().getPort() + "/price", Long.parseLong(args[0]));
    try (Connection db = DriverManager.getConnection("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
        Statement create = db.createStatement()) {
      create.execute("CREATE TABLE stock(item VARCHAR(20) PRIMARY KEY, quantity INT)");
      create.execute("INSERT INTO stock VALUES ('order-7', 3)");
    }
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> container.addEndpoint(OrderEndpoint.class))) {
      CompletableFuture<String> reply = new CompletableFuture<>();
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(SUBPROTOCOL)
          .buildAsync(URI.create(tomcat.baseUri() + "/orders"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              reply.complete(data.toString());
              return null;
            }
          }).get(20, TimeUnit.SECONDS);
      socket.sendText("order-7", true).get(10, TimeUnit.SECONDS);
      System.out.println("reply " + reply.get(30, TimeUnit.SECONDS));
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      Thread.sleep(300);
    }
    prices.stop(0);
    System.out.println("done");
  }

  /** The WebSocket endpoint: one message, one price. */
  @ServerEndpoint(value = "/orders", subprotocols = SUBPROTOCOL)
  public static final class OrderEndpoint {
    @OnMessage
    public String order(String item) throws Exception {
      return Pricing.price(item);
    }
  }

  /** The block method ({@code stallwatch.blocks=PricingServer$Pricing#price}). */
  public static final class Pricing {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static volatile String priceUri;
    private static volatile long lockHeldMillis;

    private Pricing() {}

    static void configure(String uri, long heldMillis) {
      priceUri = uri;
      lockHeldMillis = heldMillis;
    }

    public static String price(String item) throws Exception {
      String price = HTTP.send(HttpRequest.newBuilder(URI.create(priceUri)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      int quantity;
      try (Connection db = DriverManager.getConnection("jdbc:h2:mem:shop");
          Statement query = db.createStatement();
          ResultSet rows = query.executeQuery("SELECT quantity FROM stock WHERE item = '" + item + "'")) {
        rows.next();
        quantity = rows.getInt(1);
      }
      waitForBusyLock();
      return item + " " + quantity + " x " + price;
    }

    private static void waitForBusyLock() throws InterruptedException {
      ReentrantLock lock = new ReentrantLock();
      CountDownLatch held = new CountDownLatch(1);
      Thread holder = new Thread(() -> {
        lock.lock();
        try {
          held.countDown();
          Thread.sleep(lockHeldMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          lock.unlock();
        }
      }, "stock-keeper");
      holder.start();
      held.await();
      lock.lock();
      lock.unlock();
      holder.join();
    }
  }
}
