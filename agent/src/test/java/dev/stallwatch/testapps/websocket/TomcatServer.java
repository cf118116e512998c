package dev.stallwatch.testapps.websocket;

import jakarta.websocket.server.ServerEndpointConfig;

/** The Jakarta endpoints on embedded Tomcat (127.0.0.1, a free port), then the client scenario. */
public final class TomcatServer {
  public static void main(String[] args) throws Exception {
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> {
      container.addEndpoint(JakartaEndpoints.RewriteEndpoint.class);
      container.addEndpoint(ServerEndpointConfig.Builder.create(JakartaEndpoints.EchoEndpoint.class, "/echo").build());
      JakartaLifecycleEndpoints.register(container);
    })) {
      ClientScenario.run(tomcat.baseUri(), Integer.parseInt(args[0]));
    }
    System.out.println("done");
  }
}
