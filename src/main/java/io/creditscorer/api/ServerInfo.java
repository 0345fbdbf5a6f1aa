package io.creditscorer.api;

/** What the server says about itself in Open Inference Protocol metadata, on every door. */
public final class ServerInfo {

  public static final String NAME = "credit-scorer";
  public static final String VERSION = "0.1.0";

  private ServerInfo() {}
}
