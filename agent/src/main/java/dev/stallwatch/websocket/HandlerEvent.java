package dev.stallwatch.websocket;

/** What a handler method handles; the wire name is the value of {@code websocket.event}. */
enum HandlerEvent {
  OPEN("open"),
  MESSAGE("message"),
  CLOSE("close"),
  ERROR("error");

  final String wireName;

  HandlerEvent(String wireName) {
    this.wireName = wireName;
  }
}
