package dev.stallwatch.testapps.websocket;

import java.util.Set;
import javax.websocket.Endpoint;
import javax.websocket.server.ServerApplicationConfig;
import javax.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.server.Server;

/** The javax endpoints on Tyrus 1 (the JSR-356 reference implementation; 127.0.0.1), then the client scenario. */
public final class TyrusServer {
  public static void main(String[] args) throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Server server = new Server("127.0.0.1", port, "", null, Config.class);
    server.start();
    ClientScenario.run("ws://127.0.0.1:" + port, Integer.parseInt(args[0]));
    server.stop();
    System.out.println("done");
  }

  /** Registers the annotated endpoint and the programmatic one at /echo. */
  public static final class Config implements ServerApplicationConfig {
    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> endpoints) {
      Set<ServerEndpointConfig> configs = new java.util.HashSet<>(JavaxLifecycleEndpoints.configs());
      configs.add(ServerEndpointConfig.Builder.create(JavaxEndpoints.EchoEndpoint.class, "/echo").build());
      return configs;
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
      return Set.of(JavaxEndpoints.RewriteEndpoint.class, JavaxLifecycleEndpoints.BareEndpoint.class);
    }
  }
}
