package io.creditscorer.api;

import java.util.List;

/** What the server says about itself in Open Inference Protocol metadata, on every door. */
public final class ServerInfo {

  public static final String NAME = "credit-scorer";
  public static final String VERSION = "0.1.0";

  /**
   * The protocol extensions implemented, by the names Triton reports: binary tensor data on REST
   * (raw contents on gRPC are the core protocol's), the model repository (index, load, unload), the
   * model configuration and the statistics.
   */
  public static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "model_repository", "model_configuration", "statistics");

  private ServerInfo() {}
}
