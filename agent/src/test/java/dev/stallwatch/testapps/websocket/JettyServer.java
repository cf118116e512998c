package dev.stallwatch.testapps.websocket;

import jakarta.websocket.server.ServerEndpointConfig;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The Jakarta endpoints on Jetty 12 (ee10; 127.0.0.1, a free port), then the client scenario. */
public final class JettyServer {
  public static void main(String[] args) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    server.setHandler(context);
    JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
      container.addEndpoint(JakartaEndpoints.RewriteEndpoint.class);
      JakartaLifecycleEndpoints.register(container);
      container.addEndpoint(
          ServerEndpointConfig.Builder.create(JakartaEndpoints.EchoEndpoint.class, "/echo").build());
    });
    server.start();
    ClientScenario.run("ws://127.0.0.1:" + connector.getLocalPort(), Integer.parseInt(args[0]));
    server.stop();
    System.out.println("done");
  }
}
