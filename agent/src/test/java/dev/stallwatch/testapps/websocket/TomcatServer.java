package dev.stallwatch.testapps.websocket;

import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/** The Jakarta endpoints on embedded Tomcat (127.0.0.1, a free port), then the client scenario. */
public final class TomcatServer {
  public static void main(String[] args) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(new WsSci(), null);
    Tomcat.addServlet(context, "default", new DefaultServlet());
    context.addServletMappingDecoded("/", "default");
    tomcat.start();
    ServerContainer container = (ServerContainer) context.getServletContext()
        .getAttribute(ServerContainer.class.getName());
    container.addEndpoint(JakartaEndpoints.RewriteEndpoint.class);
    container.addEndpoint(ServerEndpointConfig.Builder.create(JakartaEndpoints.EchoEndpoint.class, "/echo").build());
    ClientScenario.run("ws://127.0.0.1:" + connector.getLocalPort(), Integer.parseInt(args[0]));
    tomcat.stop();
    tomcat.destroy();
    System.out.println("done");
  }
}
