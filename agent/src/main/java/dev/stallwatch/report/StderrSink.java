package dev.stallwatch.report;

import dev.stallwatch.log.AgentLog;

/** One human line per detection: {@code [stallwatch] deadlock: <message> (at <the application's frame>)}. */
public final class StderrSink implements DetectionSink {
  @Override
  public void accept(Detection detection) {
    String frame = Stacks.keyFrame(detection.stack());
    AgentLog.line(detection.kind().wireName() + ": " + detection.message() + (frame == null ? "" : " (at " + frame + ")"));
  }
}
