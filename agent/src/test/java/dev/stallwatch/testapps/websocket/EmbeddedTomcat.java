package dev.stallwatch.testapps.websocket;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/** An embedded Tomcat with WebSocket support on 127.0.0.1 and a free port, as the test programs need it. */
final class EmbeddedTomcat implements AutoCloseable {
  private final Tomcat tomcat = new Tomcat();
  private final Connector connector = new Connector();
  private final ServerContainer container;

  interface Endpoints {
    void register(ServerContainer container) throws DeploymentException;
  }

  EmbeddedTomcat(Endpoints endpoints) throws Exception {
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(new WsSci(), null);
    Tomcat.addServlet(context, "default", new DefaultServlet());
    context.addServletMappingDecoded("/", "default");
    tomcat.start();
    container = (ServerContainer) context.getServletContext().getAttribute(ServerContainer.class.getName());
    endpoints.register(container);
  }

  String baseUri() {
    return "ws://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
