package dev.stallwatch.testapps;

/** The smallest application: the agent must leave it exactly as it is. */
public final class HelloWorld {
  public static void main(String[] args) {
    System.out.println("hello world");
  }
}
