package dev.stallwatch.testapps.webflux;

import dev.stallwatch.testapps.LateAttachProgram;
import java.net.http.HttpClient;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The WebFlux application of {@link WebFluxServer} already serving before stallwatch is attached: an {@code /echo}
 * session echoes one message and stays open across the attach. Then it waits for the file {@code args[0]}. After the
 * attach: two more messages on the old session; a new {@code /echo} session with one message; a new {@code /fail}
 * session whose pipeline fails; then the old session closes normally.
 */
public final class LateAttachWebFlux {
  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context = WebFluxServer.start();
    String base = WebFluxServer.base(context);
    HttpClient http = HttpClient.newHttpClient();
    WebFluxServer.Client before = WebFluxServer.Client.open(http, base + "/echo");
    before.socket.sendText("hello before", true).join();
    System.out.println("reply " + before.next());
    System.out.println("serving before the attach; waiting");

    LateAttachProgram.awaitFile(Paths.get(args[0]));
    System.out.println("attached");
    for (int i = 1; i <= 2; i++) {
      before.socket.sendText("hello after " + i, true).join();
      System.out.println("reply " + before.next());
    }
    WebFluxServer.Client after = WebFluxServer.Client.open(http, base + "/echo");
    after.socket.sendText("new session", true).join();
    System.out.println("reply " + after.next());
    after.closeNormally("bye");
    WebFluxServer.Client fail = WebFluxServer.Client.open(http, base + "/fail");
    fail.socket.sendText("fail", true).join();
    System.out.println("fail closed " + fail.closed.get(30, TimeUnit.SECONDS));
    before.closeNormally("bye");
    Thread.sleep(2_000); // the server's side of the closes, and a metric export (300 ms in the test)
    context.close();
    System.out.println("done");
  }
}
