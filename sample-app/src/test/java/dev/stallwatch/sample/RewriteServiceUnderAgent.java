package dev.stallwatch.sample;

import dev.stallwatch.sample.demo.DemoSettings;
import dev.stallwatch.sample.load.LoadDriver;
import dev.stallwatch.sample.load.LoadReport;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Starts the packaged rewrite service ({@code rewrite-service-exec.jar}) under the agent, with the demo's settings. */
public final class RewriteServiceUnderAgent {
  private RewriteServiceUnderAgent() {}

  /** The service with {@code faults} switched on ({@code none} for none), not yet started. */
  public static ForkedJvm service(Jdk jdk, String faults) {
    ForkedJvm jvm = ForkedJvm.runJar(jdk, serviceJar(), DemoSettings.serviceArguments(faults).toArray(String[]::new));
    DemoSettings.AGENT.forEach(jvm::property);
    return jvm;
  }

  /** Waits for the service to say where it listens. */
  public static URI awaitListening(RunningJvm service) throws InterruptedException {
    return DemoSettings.urlFromLogLine(service.awaitStdout(DemoSettings.LISTENING, Duration.ofSeconds(90)));
  }

  /** Waits for the service, then drives it with the demo's traffic for {@code duration}. */
  public static LoadReport drive(RunningJvm service, Duration duration) throws InterruptedException {
    return LoadDriver.run(DemoSettings.load(awaitListening(service), duration));
  }

  public static Path serviceJar() {
    String jar = System.getProperty("stallwatch.sample.serviceJar");
    if (jar == null) {
      throw new IllegalStateException("system property stallwatch.sample.serviceJar is not set; run through Maven");
    }
    return Path.of(jar);
  }
}
