package dev.stallwatch.sample.rewrite;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The block-rewrite service: documents come in over WebSocket on {@code /rewrite}, are split into blocks, each block
 * is rewritten by a remote provider through a bounded pool of slots, and the results stream back. See {@link Fault}
 * for the bugs it can be switched into.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(RewriteSettings.class)
public class RewriteServiceApplication implements WebSocketConfigurer {
  private static final Logger log = LoggerFactory.getLogger(RewriteServiceApplication.class);
  private final RewriteSocketHandler handler;
  private final RewriteSettings settings;

  public RewriteServiceApplication(RewriteSocketHandler handler, RewriteSettings settings) {
    this.handler = handler;
    this.settings = settings;
  }

  public static void main(String[] args) {
    SpringApplication.run(RewriteServiceApplication.class, args);
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(handler, "/rewrite");
  }

  /** The line scripts and tests wait for: where the service listens, and which faults are switched on. */
  @EventListener(ApplicationReadyEvent.class)
  public void announce(ApplicationReadyEvent ready) {
    Environment env = ready.getApplicationContext().getEnvironment();
    String faults = settings.faults().isEmpty() ? "none"
        : settings.faults().stream().map(Fault::configName).sorted().collect(Collectors.joining(","));
    log.info("rewrite service listening on ws://{}:{}/rewrite (faults: {})",
        env.getProperty("server.address", "0.0.0.0"), env.getProperty("local.server.port"), faults);
  }
}
