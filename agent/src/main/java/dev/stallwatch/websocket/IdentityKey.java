package dev.stallwatch.websocket;

/** An application's or container's object as a map key by identity: its own equals is not ours to call. */
record IdentityKey(Object target) {
  @Override
  public boolean equals(Object other) {
    return other instanceof IdentityKey key && key.target == target;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(target);
  }
}
